"""Captions: group timed words into readable cues, write SRT, and style them for libass.

Cues follow the usual broadcast guidance: at most two short lines (~42 characters each),
never across a sentence end, shown at least ~0.8 s, and never past the video's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reelwright.render.fonts import ASS_FAMILY
from reelwright.render.layout import Rect
from reelwright.styles.catalogue import Style

MAX_CUE_CHARS = 64
MIN_CUE_SECONDS = 0.8


@dataclass(frozen=True)
class TimedWord:
    word: str
    start: float  # seconds in the video
    end: float


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def build_cues(words: list[TimedWord], duration: float, *, max_chars: int = MAX_CUE_CHARS) -> list[Cue]:
    groups: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for w in words:
        text_len = sum(len(x.word) + 1 for x in current) + len(w.word)
        if current and text_len > max_chars:
            groups.append(current)
            current = []
        current.append(w)
        if w.word.endswith((".", "!", "?")):
            groups.append(current)
            current = []
    if current:
        groups.append(current)

    cues: list[Cue] = []
    for i, g in enumerate(groups):
        start = g[0].start
        nxt = groups[i + 1][0].start if i + 1 < len(groups) else duration
        end = max(g[-1].end, min(start + MIN_CUE_SECONDS, nxt))
        end = min(end, nxt, duration)
        if end - start < 0.05:
            continue
        cues.append(Cue(round(start, 3), round(end, 3), " ".join(w.word for w in g)))
    return cues


def _srt_time(t: float) -> str:
    ms = round(t * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def to_srt(cues: list[Cue]) -> str:
    blocks = [f"{i}\n{_srt_time(c.start)} --> {_srt_time(c.end)}\n{c.text}\n" for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def _ass_time(t: float) -> str:
    cs = round(t * 100)
    h, cs = divmod(cs, 360_000)
    m, cs = divmod(cs, 6000)
    s, cs = divmod(cs, 100)
    return f"{h}:{m:02d}:{s:02d}.{cs:02d}"


def _ass_color(rgb: tuple[int, int, int], alpha: float = 1.0) -> str:
    a = round((1 - alpha) * 255)
    return f"&H{a:02X}{rgb[2]:02X}{rgb[1]:02X}{rgb[0]:02X}"


def _ass_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "(").replace("}", ")").replace("\n", " ")


def to_ass(cues: list[Cue], style: Style, width: int, height: int, box: Rect, *, offset: float = 0.0) -> str:
    """An ASS script drawing each cue in a rounded-looking box inside ``box``.

    ``offset`` shifts cue times so a scene segment can burn its own slice of the captions.
    """
    font_size = int(min(width, height) * (0.052 if height > width else 0.05))
    margin_lr = (width - box.w) // 2
    margin_v = height - box.bottom
    family = ASS_FAMILY[style.body_family]
    header = (
        "[Script Info]\nScriptType: v4.00+\nWrapStyle: 0\nScaledBorderAndShadow: yes\n"
        f"PlayResX: {width}\nPlayResY: {height}\n\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
        "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
        "Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Caption,{family},{font_size},{_ass_color(style.caption_text)},&H000000FF,"
        f"{_ass_color(style.caption_box, style.caption_box_alpha)},&H00000000,-1,0,0,0,100,100,0,0,3,"
        f"{max(6, font_size // 4)},0,2,{margin_lr},{margin_lr},{margin_v},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    lines = []
    for c in cues:
        start, end = c.start - offset, c.end - offset
        if end <= 0:
            continue
        lines.append(
            f"Dialogue: 0,{_ass_time(max(0.0, start))},{_ass_time(end)},Caption,,0,0,0,,{_ass_escape(c.text)}"
        )
    return header + "\n".join(lines) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
