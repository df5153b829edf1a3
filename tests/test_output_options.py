"""Output sizes and safe zones: the storyboard's size rule, and layouts at every shape and size.

Geometry is checked for every layout, presenter side and style at the named sizes and at odd
ones a script-video API may ask for; real renders of each aspect ratio are in
test_output_renders.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from reelwright.errors import InputError
from reelwright.render.caption_art import draw_caption
from reelwright.render.layout import Frame, Rect, frame_for, layout_class, platform_zones, safe_area
from reelwright.render.slides import draw_scene_layer
from reelwright.storyboard import BulletSlide, Scene, Storyboard, TitleCard, frame_size
from reelwright.styles.catalogue import STYLES, get_style

NAMED = [frame_size(r, a) for r in ("720p", "1080p", "4k") for a in ("16:9", "9:16", "1:1", "4:5")]
ODD = [
    (1440, 1080),
    (1080, 1440),
    (1920, 1200),
    (1080, 1620),
    (3840, 128),
    (128, 3840),
    (640, 480),
    (130, 2000),
]  # sizes a script-video API's ``dimension`` may ask for
TALL = [s for s in NAMED + ODD if s[1] > 1.4 * s[0]]
LAYOUTS = ("full", "side", "pip", "none")
LONG_CUE = "Captions stay readable and clear of the presenter's face, whatever the frame's shape is"


def _board(**kw: object) -> Storyboard:
    scenes = [Scene(id="a", narration="Hello there.", visual=TitleCard(heading="Hi"))]
    return Storyboard(title="T", scenes=scenes, **kw)  # type: ignore[arg-type]


def _inside(r: Rect, outer: Rect) -> bool:
    return outer.x <= r.x and outer.y <= r.y and r.right <= outer.right and r.bottom <= outer.bottom


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_named_sizes_follow_the_short_side_rule() -> None:
    assert frame_size("720p", "16:9") == (1280, 720)
    assert frame_size("1080p", "9:16") == (1080, 1920)
    assert frame_size("4k", "16:9") == (3840, 2160) and frame_size("4k", "9:16") == (2160, 3840)
    assert frame_size("1080p", "1:1") == (1080, 1080) and frame_size("720p", "4:5") == (720, 900)
    for size in NAMED:
        _board(width=size[0], height=size[1])  # every named size is a valid storyboard


def test_storyboard_size_rule_and_orientation() -> None:
    assert _board().size == (1920, 1080) and _board(orientation="square").size == (1080, 1080)
    assert _board(width=1080, height=1350).orientation == "portrait"  # derived from the size
    assert _board(width=720, height=720).orientation == "square"
    assert _board(width=1000, height=562).orientation == "landscape"  # any even size works
    for bad in ((1281, 720), (126, 720), (4000, 1000), (3840, 2400), (720, 0)):
        with pytest.raises(ValueError, match="size"):
            _board(width=bad[0], height=bad[1])
    with pytest.raises(ValueError, match="is portrait, not 'landscape'"):
        _board(orientation="landscape", width=1080, height=1920)
    # A resolution alone keeps the shape; an aspect ratio sets it; the fps comes along.
    tall = _board(width=1080, height=1350)
    assert tall.with_output("720p").size == (720, 900)
    moved = _board().with_output("4k", "9:16", 60)
    assert moved.size == (2160, 3840) and moved.orientation == "portrait" and moved.fps == 60
    assert _board().with_output() == _board()
    with pytest.raises(InputError, match="invalid storyboard"):
        _board().resized(1921, 1080)


def test_layout_classes() -> None:
    shapes = {size: layout_class(*size) for size in NAMED}
    assert {s for s, c in shapes.items() if c == "square"} == {
        (720, 720), (1080, 1080), (2160, 2160), (720, 900), (1080, 1350), (2160, 2700)
    }  # fmt: skip
    assert layout_class(1440, 1080) == "square" and layout_class(1920, 1200) == "landscape"
    assert platform_zones(1920, 1080) == [] and platform_zones(1080, 1080) == []
    zones = platform_zones(1080, 1920)
    assert sum(z.w * z.h for z in zones) > 0.3 * 1080 * 1920


def _frames(sizes: list[tuple[int, int]]) -> list[tuple[tuple[int, int], str, str, Frame]]:
    return [
        (size, layout, side, frame_for(*size, layout, side))  # type: ignore[arg-type]
        for size, layout, side in itertools.product(sizes, LAYOUTS, ("right", "left"))
    ]


@pytest.mark.parametrize(("size", "layout", "side", "frame"), _frames(NAMED + ODD))
def test_every_box_is_in_the_frame_and_even(
    size: tuple[int, int], layout: str, side: str, frame: Frame
) -> None:
    whole = Rect(0, 0, *size)
    boxes = [frame.content, frame.caption_box, frame.presenter, frame.presenter_card]
    for box in (b for b in boxes if b is not None):
        assert box.w > 0 and box.h > 0 and _inside(box, whole), (box, size)
    for box in (b for b in (frame.presenter, frame.presenter_card) if b is not None):
        assert box.x % 2 == box.y % 2 == box.w % 2 == 0
    # Captions never cover the presenter's face, nor the slide's text.
    if frame.face is not None:
        assert not _overlap(frame.caption_box, frame.face)
    if frame.shape != "landscape":  # (landscape slides stop their text above the caption band)
        assert not _overlap(frame.caption_box, frame.content)


@pytest.mark.parametrize(("size", "layout", "side", "frame"), _frames(TALL))
def test_portrait_keeps_text_captions_and_face_in_the_safe_area(
    size: tuple[int, int], layout: str, side: str, frame: Frame
) -> None:
    safe = safe_area(*size)
    assert _inside(frame.content, safe) and _inside(frame.caption_box, safe)
    if frame.face is not None:
        assert _inside(frame.face, safe), (frame.face, safe)
    for zone in platform_zones(*size):
        assert not _overlap(zone, frame.caption_box) and not _overlap(zone, frame.content)


@pytest.mark.parametrize("style_id", sorted(STYLES))
@pytest.mark.parametrize("size", [(1280, 720), (720, 1280), (720, 720), (720, 900), (3840, 2160)])
def test_drawn_captions_stay_in_their_box_off_the_face(style_id: str, size: tuple[int, int]) -> None:
    style = get_style(style_id)
    for layout in LAYOUTS:
        frame = frame_for(*size, layout, style.presenter_side)  # type: ignore[arg-type]
        art = draw_caption(LONG_CUE, style, *size, frame.caption_box)
        drawn = Rect(art.x, art.y, art.width, art.height)
        assert _inside(drawn, frame.caption_box), (layout, drawn, frame.caption_box)
        assert frame.face is None or not _overlap(drawn, frame.face)
        assert art.x % 2 == art.y % 2 == art.width % 2 == art.height % 2 == 0


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]  # type: ignore[no-any-return]


@pytest.mark.parametrize("style_id", sorted(STYLES))
def test_captions_are_readable_even_over_their_own_colour(style_id: str) -> None:
    """The worst background for a caption is its own text colour: every glyph must still be edged
    by a plate or an outline that contrasts with it (WCAG's 3:1 for large text)."""
    style = get_style(style_id)
    art = draw_caption(
        "Readable on any picture", style, 1080, 1920, frame_for(1080, 1920, "none").caption_box
    )
    rgba = art.pixels.astype(np.float64)
    alpha = rgba[..., 3:] / 255
    ink = np.array(style.caption_text, dtype=np.float64)
    shown = rgba[..., :3] * alpha + ink * (1 - alpha)  # the caption over a field of its own ink colour
    contrast = (np.maximum(_luminance(shown), _luminance(ink)) + 0.05) / (
        np.minimum(_luminance(shown), _luminance(ink)) + 0.05
    )
    glyph = (np.abs(rgba[..., :3] - ink).sum(axis=2) < 30) & (rgba[..., 3] > 240)
    assert glyph.mean() > 0.02
    # The ring around the glyphs: within a few pixels of ink, but not ink itself.
    ys, xs = np.nonzero(glyph)
    near = np.zeros_like(glyph)
    for dy, dx in itertools.product(range(-4, 5), repeat=2):
        near[np.clip(ys + dy, 0, glyph.shape[0] - 1), np.clip(xs + dx, 0, glyph.shape[1] - 1)] = True
    ring = near & ~glyph & (contrast > 1.2)  # leave out the anti-aliased glyph edges
    ring_all = near & ~glyph
    assert (contrast[ring_all] >= 3.0).mean() > 0.8, (contrast[ring_all] >= 3.0).mean()
    assert ring.any()


@pytest.mark.parametrize("size", [(720, 720), (720, 900), (720, 1280), (1280, 720)])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_slide_text_stays_in_its_box_at_small_sizes(size: tuple[int, int], layout: str) -> None:
    """Long bullets at 720p in every shape: the text shrinks to fit, nothing is drawn past the
    content box (the background there is left as drawn)."""
    style = get_style("midnight")  # text straight on the background, no card to hide an overflow
    frame = frame_for(*size, layout)  # type: ignore[arg-type]
    scene = Scene(
        id="b",
        visual=BulletSlide(
            heading="A fairly long heading that has to wrap in a narrow column",
            bullets=["Six points that each say a little more than they should"] * 6,
        ),
    )
    with_text = draw_scene_layer(scene, frame, style, seed=1).image.astype(np.int16)
    blank = Scene(id="b", visual=TitleCard(heading=" "))
    empty = draw_scene_layer(blank, frame, style, seed=1).image.astype(np.int16)
    changed = np.abs(with_text - empty).sum(axis=2) > 40
    c = frame.content
    grace = max(2, round(min(size) * 0.004))
    outside = changed.copy()
    outside[max(0, c.y - grace) : c.bottom + grace, max(0, c.x - grace) : c.right + grace] = False
    assert changed.any() and not outside.any(), np.argwhere(outside)[:5]
