"""Contact sheets for reviewing the look at a glance: one per style and one per presenter.

A style's sheet shows a title card, a bullet slide, a picture scene and a presenter scene in
both orientations and at 1:1 and 4:5, each a real frame drawn at full size and scaled down,
under a header with the style's palette, fonts and motion. A presenter's sheet shows them in every
layout, and their face in each mouth shape.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.presenter import Pose, PresenterRenderer
from reelwright.previews.style import (
    SAMPLE_BULLETS,
    SAMPLE_CAPTION,
    SAMPLE_TITLE,
    render_frame,
    sample_image_scene,
    sample_picture,
)
from reelwright.storyboard import FRAME_SIZES, PresenterLayout, Scene
from reelwright.styles.catalogue import STYLES, Style, get_style
from reelwright.styles.fonts import font_path
from reelwright.voice.visemes import VISEMES

TILE_LONG = 448  # the long side of a tile, in pixels
GAP = 16
HEADER_H = 96
SHEET_BG = (233, 236, 240)
INK = (30, 34, 40)


@dataclass(frozen=True)
class Shot:
    label: str
    scene: Scene
    layout: PresenterLayout
    presenter: bool
    caption: bool = False


def _label_font(size: int, weight: str = "regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path("roboto", weight)), size)  # type: ignore[arg-type]


def _tile(frame: np.ndarray, portrait: bool) -> Image.Image:
    """The frame scaled so its long side is ``TILE_LONG`` (any shape: 16:9, 9:16, 1:1, 4:5)."""
    del portrait  # the shape comes from the frame itself
    h, w = frame.shape[:2]
    k = TILE_LONG / max(w, h)
    return Image.fromarray(frame).resize((round(w * k), round(h * k)), Image.Resampling.LANCZOS)


def _sheet(
    header: Callable[[ImageDraw.ImageDraw, Image.Image], None], rows: list[list[Image.Image]]
) -> Image.Image:
    width = max(sum(t.width for t in row) + GAP * (len(row) + 1) for row in rows)
    height = HEADER_H + sum(max(t.height for t in row) + GAP for row in rows) + GAP
    sheet = Image.new("RGB", (width, height), SHEET_BG)
    draw = ImageDraw.Draw(sheet)
    header(draw, sheet)
    y = HEADER_H
    for row in rows:
        x = GAP
        for tile in row:
            sheet.paste(tile, (x, y))
            x += tile.width + GAP
        y += max(t.height for t in row) + GAP
    return sheet


def _style_shots(picture: Path) -> list[Shot]:
    return [
        Shot("title", SAMPLE_TITLE, "none", presenter=False),
        Shot("bullets", SAMPLE_BULLETS, "pip", presenter=True, caption=True),
        Shot("picture", sample_image_scene(picture), "pip", presenter=True),
        Shot("presenter", SAMPLE_TITLE, "full", presenter=True, caption=True),
    ]


def style_sheet(style: Style, picture: Path, avatar: str) -> Image.Image:
    rows: list[list[Image.Image]] = []
    # Both orientations, and the square layouts at 1:1 and 4:5.
    for w, h in (FRAME_SIZES["landscape"], FRAME_SIZES["portrait"], (1080, 1080), (1080, 1350)):
        orientation = "portrait" if h > w else "landscape"
        row = []
        for shot in _style_shots(picture):
            frame = render_frame(
                style,
                shot.scene,
                w,
                h,
                layout=shot.layout,
                avatar=avatar if shot.presenter else None,
                caption=SAMPLE_CAPTION if shot.caption else None,
            )
            row.append(_tile(frame, orientation == "portrait"))
        rows.append(row)

    def header(draw: ImageDraw.ImageDraw, _sheet: Image.Image) -> None:
        draw.text((GAP, 14), f"{style.name}  ·  {style.id}", font=_label_font(30, "bold"), fill=INK)
        facts = (
            f"{style.heading_family} / {style.body_family}   ·   title {style.title_ornament}, "
            f"bullets {style.bullet_marker}{' on a card' if style.bullet_card else ''}   ·   "
            f"{style.transition} {style.transition_seconds:g} s   ·   motion {style.background_motion}   ·   "
            f"presenter {style.presenter_side} {style.presenter_frame}   ·   captions {style.caption_plate}"
        )
        draw.text((GAP, 56), facts, font=_label_font(17), fill=(80, 86, 96))
        swatches = (
            style.background_top,
            style.surface,
            style.text,
            style.muted,
            style.accent,
            style.accent_2,
        )
        x = _sheet.width - GAP - len(swatches) * 44
        for rgb in swatches:
            draw.rounded_rectangle((x, 20, x + 36, 56), radius=6, fill=rgb, outline=(150, 150, 150))
            x += 44

    return _sheet(header, rows)


def presenter_sheet(avatar_id: str, style: Style, picture: Path) -> Image.Image:
    info = AVATARS[avatar_id]
    shots = [
        ("landscape", Shot("full", SAMPLE_TITLE, "full", presenter=True)),
        ("landscape", Shot("side", SAMPLE_BULLETS, "side", presenter=True)),
        ("landscape", Shot("pip", sample_image_scene(picture), "pip", presenter=True)),
        ("portrait", Shot("full", SAMPLE_TITLE, "full", presenter=True)),
        ("portrait", Shot("side", SAMPLE_BULLETS, "side", presenter=True)),
        ("portrait", Shot("pip", SAMPLE_BULLETS, "pip", presenter=True)),
    ]
    row: list[Image.Image] = []
    for orientation, shot in shots:
        w, h = FRAME_SIZES[orientation]
        frame = render_frame(style, shot.scene, w, h, layout=shot.layout, avatar=avatar_id)
        row.append(_tile(frame, orientation == "portrait"))
    # The face in every mouth shape, to judge the lip-sync art.
    size = 360
    renderer = PresenterRenderer(avatar_id, size)
    faces: list[Image.Image] = []
    label = _label_font(14)
    for viseme in VISEMES:
        img = renderer.image(Pose(viseme=viseme, openness=0.0 if viseme == "rest" else 0.9))
        crop = img.crop((size // 4, size // 10, size * 3 // 4, size * 6 // 10))
        cell = Image.new("RGB", crop.size, (250, 250, 250))
        cell.paste(crop, (0, 0), crop)
        ImageDraw.Draw(cell).text((6, 4), viseme, font=label, fill=INK)
        faces.append(cell)

    def header(draw: ImageDraw.ImageDraw, _sheet: Image.Image) -> None:
        draw.text((GAP, 14), f"{info.name}  ·  {info.id}", font=_label_font(30, "bold"), fill=INK)
        draw.text(
            (GAP, 56), f"{info.description}   ·   style {style.id}", font=_label_font(17), fill=(80, 86, 96)
        )

    return _sheet(header, [row, faces])


def write_gallery(out_dir: Path, log: Callable[[str], None] = lambda _m: None) -> list[Path]:
    """Write ``style-<id>.png`` for every style and ``presenter-<id>.png`` for every presenter."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    avatar = next(iter(AVATARS))
    with tempfile.TemporaryDirectory(prefix="gallery-") as tmp:
        picture = sample_picture(Path(tmp) / "picture.png")
        for style in STYLES.values():
            started = time.perf_counter()
            path = out_dir / f"style-{style.id}.png"
            style_sheet(style, picture, avatar).save(path, optimize=True)
            written.append(path)
            log(f"{path} ({time.perf_counter() - started:.1f} s)")
        default = get_style("clean")
        for avatar_id in AVATARS:
            started = time.perf_counter()
            path = out_dir / f"presenter-{avatar_id}.png"
            presenter_sheet(avatar_id, default, picture).save(path, optimize=True)
            written.append(path)
            log(f"{path} ({time.perf_counter() - started:.1f} s)")
    return written
