"""WebVTT for the player's captions track, made from the SRT a render publishes."""

from __future__ import annotations

import re
from collections.abc import Iterator

_TIMING = re.compile(r"(\d{1,2}:\d{2}:\d{2}),(\d{3})")


def _cues(srt: str) -> Iterator[tuple[str, list[str]]]:
    """Each SRT cue's timing line and its non-blank text lines (cue numbers dropped)."""
    for block in re.split(r"\n\s*\n", srt.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        if lines and "-->" not in lines[0]:
            lines = lines[1:]  # the SRT cue number
        if lines and "-->" in lines[0]:
            yield lines[0], [line for line in lines[1:] if line.strip()]


def srt_to_vtt(srt: str) -> str:
    """Browsers play WebVTT, not SRT: same cues, a header, and ``.`` before the milliseconds."""
    out = ["WEBVTT", ""]
    for timing, text in _cues(srt):
        # "-->" inside cue text would end the cue early in WebVTT.
        out += [_TIMING.sub(r"\1.\2", timing), *(line.replace("-->", "→") for line in text), ""]
    return "\n".join(out)


def srt_script(srt: str) -> str:
    """The spoken text of an SRT, in one paragraph (the script, when no storyboard was kept)."""
    return " ".join(line.strip() for _, text in _cues(srt) for line in text)
