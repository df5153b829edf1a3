"""The curated visual styles: palette, typography and how scenes are framed.

A style is data, not code: the renderer reads these fields and draws accordingly, so adding a
style never touches the drawing code.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelwright.errors import InputError
from reelwright.render.fonts import Family

RGB = tuple[int, int, int]


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class Style:
    id: str
    name: str
    tags: tuple[str, ...]
    description: str
    background_top: RGB
    background_bottom: RGB
    surface: RGB  # cards that hold slide content
    text: RGB  # text on the background
    surface_text: RGB  # text on a card
    muted: RGB  # secondary text
    accent: RGB  # bullets, rules, highlights
    accent_2: RGB  # decorative shapes
    heading_family: Family
    body_family: Family
    heading_weight: str = "bold"
    caption_text: RGB = (255, 255, 255)
    caption_box: RGB = (17, 17, 17)
    caption_box_alpha: float = 0.72
    corner_radius: float = 28.0
    transition_seconds: float = 0.4
    uppercase_headings: bool = False


STYLES: dict[str, Style] = {
    s.id: s
    for s in (
        Style(
            id="clean",
            name="Clean Corporate",
            tags=("corporate", "light", "business"),
            description="White cards on a soft blue-grey field, navy type, one blue accent.",
            background_top=hex_rgb("#eef2f8"),
            background_bottom=hex_rgb("#dfe6f1"),
            surface=hex_rgb("#ffffff"),
            text=hex_rgb("#14213d"),
            surface_text=hex_rgb("#14213d"),
            muted=hex_rgb("#5b6b85"),
            accent=hex_rgb("#2563eb"),
            accent_2=hex_rgb("#93b4f5"),
            heading_family="roboto",
            body_family="source-sans",
        ),
        Style(
            id="midnight",
            name="Minimal Dark",
            tags=("dark", "minimal", "tech"),
            description="Near-black gradient, white type, a single mint accent.",
            background_top=hex_rgb("#151a23"),
            background_bottom=hex_rgb("#0b0e13"),
            surface=hex_rgb("#1e2530"),
            text=hex_rgb("#f4f6fa"),
            surface_text=hex_rgb("#f4f6fa"),
            muted=hex_rgb("#9aa6b8"),
            accent=hex_rgb("#34d3a6"),
            accent_2=hex_rgb("#1f6f5c"),
            heading_family="roboto",
            body_family="roboto",
            heading_weight="medium",
            caption_box=hex_rgb("#000000"),
        ),
        Style(
            id="keynote",
            name="Bold Keynote",
            tags=("bold", "marketing", "energetic"),
            description="Deep violet to magenta, heavy white headlines, warm yellow accent.",
            background_top=hex_rgb("#3b1d8f"),
            background_bottom=hex_rgb("#a3206b"),
            surface=hex_rgb("#ffffff"),
            text=hex_rgb("#ffffff"),
            surface_text=hex_rgb("#23124f"),
            muted=hex_rgb("#e5d9ff"),
            accent=hex_rgb("#ffc43d"),
            accent_2=hex_rgb("#ff6aa9"),
            heading_family="roboto",
            body_family="source-sans",
            heading_weight="black",
            uppercase_headings=True,
        ),
        Style(
            id="editorial",
            name="Editorial Print",
            tags=("editorial", "warm", "light"),
            description="Warm paper, charcoal type, a brick-red rule like a printed page.",
            background_top=hex_rgb("#f6f1e7"),
            background_bottom=hex_rgb("#efe7d8"),
            surface=hex_rgb("#fffdf8"),
            text=hex_rgb("#222222"),
            surface_text=hex_rgb("#222222"),
            muted=hex_rgb("#6d6457"),
            accent=hex_rgb("#b5442c"),
            accent_2=hex_rgb("#d9c7a7"),
            heading_family="source-sans",
            body_family="source-sans",
            heading_weight="black",
            corner_radius=6.0,
        ),
    )
}

DEFAULT_STYLE = "clean"


def get_style(style_id: str) -> Style:
    try:
        return STYLES[style_id]
    except KeyError:
        raise InputError(
            f"unknown style {style_id!r}; choose one of: {', '.join(STYLES)}", param="style_id"
        ) from None
