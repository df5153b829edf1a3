"""Caption cues (timing, grouping, SRT) and the burned-in caption art."""

from __future__ import annotations

import itertools

import numpy as np

from reelwright.render.caption_art import draw_caption
from reelwright.render.captions import MAX_CUE_CHARS, TimedWord, build_cues, to_srt
from reelwright.render.layout import frame_for
from reelwright.styles.catalogue import STYLES, get_style


def _words(text: str, start: float = 0.0, step: float = 0.3) -> list[TimedWord]:
    return [TimedWord(w, start + i * step, start + i * step + 0.25) for i, w in enumerate(text.split())]


def test_long_sentence_splits_evenly_at_commas() -> None:
    text = "Each milestone lines up with a team, and every team has a clear owner and a date."
    cues = build_cues(_words(text), 100.0, max_chars=50)
    assert [c.text for c in cues] == [
        "Each milestone lines up with a team,",
        "and every team has a clear owner and a date.",
    ]


def test_cues_fit_are_ordered_and_never_cross_a_sentence() -> None:
    text = (
        "Exports are faster, the dashboard has a new design, and the mobile app is out, which many of "
        "you have already tried. Thanks for watching."
    )
    words = _words(text)
    cues = build_cues(words, 60.0)
    assert " ".join(c.text for c in cues) == text
    assert all(len(c.text) <= MAX_CUE_CHARS for c in cues)
    assert all(len(c.text.split()) > 1 for c in cues)  # no stray single word
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))
    assert cues[-1].text == "Thanks for watching."


def test_cues_stay_inside_the_video() -> None:
    cues = build_cues(_words("One two three. Four five six.", start=9.0), 10.0)
    assert cues and all(0 <= c.start < c.end <= 10.0 for c in cues)


def test_srt_format() -> None:
    srt = to_srt(build_cues(_words("Hello there. General greeting."), 10.0))
    assert srt.startswith("1\n00:00:00,000 --> 00:00:00,")
    assert "\n\n2\n" in srt


def test_caption_art_fits_the_caption_box_even_for_long_text() -> None:
    for width, height in ((1920, 1080), (1080, 1920)):
        frame = frame_for(width, height, "pip")
        box = frame.caption_box
        for style in STYLES:
            art = draw_caption(
                "A " + "considerably long caption line " * 3, get_style(style), width, height, box
            )
            assert art.x >= box.x and art.y >= box.y
            assert art.x + art.width <= box.right and art.y + art.height <= box.bottom
            assert art.x % 2 == 0 and art.y % 2 == 0 and art.width % 2 == 0 and art.height % 2 == 0
            alpha = art.pixels[:, :, 3]
            assert alpha.max() == 255 or alpha.mean() > 100  # the plate is drawn
            # White text on the plate: some pixels are much brighter than the plate itself.
            assert np.percentile(art.pixels[:, :, :3].max(axis=2), 99) > 200
