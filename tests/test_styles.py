"""Styles: every one renders in both orientations, each draws differently, previews are real media."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from reelwright.previews.style import (
    SAMPLE_BULLETS,
    SAMPLE_CAPTION,
    SAMPLE_TITLE,
    render_frame,
    render_style_preview,
)
from reelwright.render.layout import frame_for
from reelwright.styles.brand import Brand, apply_brand
from reelwright.styles.catalogue import STYLES, get_style
from reelwright.styles.fonts import FAMILIES, font_path


def _near(frame: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> int:
    """How many pixels are within ``tol`` of ``rgb`` on every channel."""
    diff = np.abs(frame.astype(np.int16) - np.array(rgb, dtype=np.int16))
    return int(np.count_nonzero(diff.max(axis=-1) <= tol))


def test_eight_curated_styles_with_packaged_licence_clean_fonts() -> None:
    assert len(STYLES) >= 8
    assert len({s.name for s in STYLES.values()}) == len(STYLES)
    for family in FAMILIES:
        path = font_path(family, "regular")
        assert path.is_file(), path
        # Every family ships from a package whose files carry the OFL or Apache licence.
        licences = [p.name for p in path.parent.parent.rglob("*") if p.suffix in (".txt", "") and p.is_file()]
        assert family == "roboto" or any("OFL" in n or "LICENSE" in n.upper() for n in licences), family
    for style in STYLES.values():
        assert style.heading_family in FAMILIES and style.body_family in FAMILIES
        assert style.tags and style.description


@pytest.mark.parametrize("style_id", list(STYLES))
def test_style_renders_title_and_bullets_in_both_orientations(style_id: str) -> None:
    style = get_style(style_id)
    for width, height in ((1920, 1080), (1080, 1920)):
        started = time.process_time()  # CPU time: a busy CI machine must not fail it
        title = render_frame(style, SAMPLE_TITLE, width, height)
        bullets = render_frame(style, SAMPLE_BULLETS, width, height, avatar="ava", caption=SAMPLE_CAPTION)
        elapsed = time.process_time() - started
        for frame in (title, bullets):
            assert frame.shape == (height, width, 3)
            assert frame.std() > 12  # something is drawn, not a flat field
        # The text is there: pixels in the style's text colour, and its accent (rules, markers).
        ink = style.on_accent if style.title_ornament == "band" else style.text
        assert _near(title, ink) > 2000
        assert _near(bullets, style.accent) > 300
        assert elapsed < 10, f"{style_id} took {elapsed:.1f} s for two frames"


def test_styles_differ_pairwise_in_what_is_drawn() -> None:
    frames = {
        sid: np.concatenate(
            [
                render_frame(style, SAMPLE_TITLE, 960, 540).astype(np.int16),
                render_frame(style, SAMPLE_BULLETS, 960, 540).astype(np.int16),
            ]
        )
        for sid, style in STYLES.items()
    }
    for a, b in itertools.combinations(frames, 2):
        diff = np.abs(frames[a] - frames[b]).mean()
        assert diff > 8, f"{a} and {b} look nearly the same (mean difference {diff:.1f})"


def test_presenter_side_mirrors_the_layout() -> None:
    right = frame_for(1920, 1080, "pip", "right")
    left = frame_for(1920, 1080, "pip", "left")
    assert right.presenter is not None and left.presenter is not None
    assert left.presenter.x == 1920 - right.presenter.right
    assert left.content.x > right.content.x


def test_brand_colours_font_and_logo_are_drawn(tmp_path: Path) -> None:
    logo = Image.new("RGBA", (400, 160), (0, 0, 0, 0))
    logo.paste((12, 200, 90, 255), (0, 0, 400, 160))
    font = font_path("source-serif", "bold")
    brand = Brand(logo=None, primary="#ff00aa", secondary="#00ccff", font=font)
    style = apply_brand(get_style("clean"), brand)
    assert style.accent == (255, 0, 170) and style.accent_2 == (0, 204, 255)
    assert style.heading_family.endswith(str(font))
    plain = render_frame(get_style("clean"), SAMPLE_BULLETS, 1920, 1080)
    branded = render_frame(style, SAMPLE_BULLETS, 1920, 1080, logo=logo)
    assert _near(branded, (255, 0, 170)) > 300 and _near(plain, (255, 0, 170)) == 0
    # The logo sits in the top margin at the right, and nowhere else.
    top_right = branded[:81, 1920 - 81 - 200 : 1920 - 81]
    assert _near(top_right, (12, 200, 90), tol=20) > 3000
    assert _near(branded[81:], (12, 200, 90), tol=20) == 0


@pytest.mark.parametrize("style_id", ["keynote", "cinematic"])  # a slide and a crossfade
def test_style_preview_is_valid_media(style_id: str, tmp_path: Path) -> None:
    render_style_preview(style_id, tmp_path)
    with Image.open(tmp_path / "image.png") as im:
        assert im.format == "PNG" and im.size == (640, 360)
    with av.open(str(tmp_path / "video.mp4")) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert (stream.width, stream.height) == (640, 360)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert 4.5 <= len(frames) / 30 <= 5.5
    # The title, then the bullet slide: the clip changes between its first and last frames.
    assert np.abs(frames[0].astype(np.int16) - frames[-1].astype(np.int16)).mean() > 5
