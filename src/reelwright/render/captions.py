"""Captions: group timed words into readable cues and write them as SRT.

Cues follow the usual broadcast guidance: at most two short lines (~42 characters each),
never across a sentence end, shown at least ~0.8 s, and never past the video's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def _text_len(words: list[TimedWord]) -> int:
    return sum(len(w.word) for w in words) + max(0, len(words) - 1)


def _balanced_chunks(sentence: list[TimedWord], max_chars: int) -> list[list[TimedWord]]:
    """Split a long sentence into the fewest cues that fit, as even in length as possible and
    preferring breaks after a comma, so no cue is left holding one stray word.

    A small dynamic programme over break points: fewest cues first, then the least squared
    distance from the even length, plus a penalty for each break that is not at a comma.
    """
    total = _text_len(sentence)
    if total <= max_chars:
        return [sentence]
    n = len(sentence)
    target = total / -(-total // max_chars)
    no_comma = (0.3 * target) ** 2
    inf = (n + 1, 0.0)
    best: list[tuple[int, float]] = [(0, 0.0)] + [inf] * n
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            length = _text_len(sentence[j:i])
            if length > max_chars and i - j > 1:
                break
            if best[j] == inf:
                continue
            at_comma = i == n or sentence[i - 1].word.endswith((",", ";", ":"))
            cost = best[j][1] + (length - target) ** 2 + (0.0 if at_comma else no_comma)
            candidate = (best[j][0] + 1, cost)
            if candidate < best[i]:
                best[i], back[i] = candidate, j
    chunks: list[list[TimedWord]] = []
    i = n
    while i > 0:
        chunks.append(sentence[back[i] : i])
        i = back[i]
    return chunks[::-1]


def build_cues(words: list[TimedWord], duration: float, *, max_chars: int = MAX_CUE_CHARS) -> list[Cue]:
    sentences: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for w in words:
        current.append(w)
        if w.word.endswith((".", "!", "?")):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    groups = [chunk for sentence in sentences for chunk in _balanced_chunks(sentence, max_chars)]

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


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
