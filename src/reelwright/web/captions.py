"""WebVTT for the player's captions track, made from the SRT a render publishes."""

from __future__ import annotations

import re

_TIMING = re.compile(r"(\d{1,2}:\d{2}:\d{2}),(\d{3})")


def srt_to_vtt(srt: str) -> str:
    """Browsers play WebVTT, not SRT: same cues, a header, and ``.`` before the milliseconds."""
    out = ["WEBVTT", ""]
    for block in re.split(r"\n\s*\n", srt.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        if lines and "-->" not in lines[0]:
            lines = lines[1:]  # the SRT cue number
        if not lines or "-->" not in lines[0]:
            continue
        timing = _TIMING.sub(r"\1.\2", lines[0])
        # "-->" inside cue text would end the cue early in WebVTT.
        text = [line.replace("-->", "→") for line in lines[1:] if line.strip()]
        out += [timing, *text, ""]
    return "\n".join(out)


def srt_script(srt: str) -> str:
    """The spoken text of an SRT, in one paragraph (the script, when no storyboard was kept)."""
    words: list[str] = []
    for block in re.split(r"\n\s*\n", srt.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        if lines and "-->" not in lines[0]:
            lines = lines[1:]  # the cue number
        if lines and "-->" in lines[0]:
            words += [line.strip() for line in lines[1:] if line.strip()]
    return " ".join(words)
