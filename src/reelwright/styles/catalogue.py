"""The curated visual styles: palette, typography, layouts, captions, motion and presenter framing.

A style is data, not code: the renderer reads these fields and draws accordingly, so adding a
style never touches the drawing code. Every field is something a person can see in a frame or in
the cut between two scenes; the tests check that each style draws differently from every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reelwright.catalogues import look_up
from reelwright.styles.fonts import Family, Weight

RGB = tuple[int, int, int]

# What sits behind everything, drawn once per scene.
Decoration = Literal["orbs", "glow", "grid", "rules", "confetti", "letterbox", "paper", "none"]
# How a title card sets its heading: a short accent rule under it, an accent band behind it,
# thin printer's rules above and below, a hand-drawn underline, or a terminal's block cursor.
TitleOrnament = Literal["rule", "band", "lines", "underline", "cursor"]
Align = Literal["left", "center"]
BulletMarker = Literal["dot", "number", "dash", "chevron", "square", "check"]
CaptionPlate = Literal["rounded", "square", "outline"]
TransitionKind = Literal["crossfade", "slide", "cut"]
# Motion over the still background: none, a progress bar filling along the top edge over the
# whole video, or a slow drift of accent dots along the top margin.
BackgroundMotion = Literal["still", "progress", "drift"]
PresenterSide = Literal["right", "left"]
PresenterFrame = Literal["card", "circle"]


def hex_rgb(value: str) -> RGB:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@dataclass(frozen=True)
class Style:
    id: str
    name: str
    tags: tuple[str, ...]
    description: str
    # palette
    background_top: RGB
    background_bottom: RGB
    surface: RGB  # cards that hold slide content
    text: RGB  # text on the background
    surface_text: RGB  # text on a card
    muted: RGB  # secondary text
    accent: RGB  # bullets, rules, highlights
    accent_2: RGB  # decorative shapes
    # typography
    heading_family: Family
    body_family: Family
    heading_weight: Weight = "bold"
    body_weight: Weight = "regular"
    heading_scale: float = 1.0  # condensed display faces set larger to carry the same weight
    uppercase_headings: bool = False
    on_accent: RGB = (255, 255, 255)  # text set on an accent band
    # layout
    decoration: Decoration = "orbs"
    title_ornament: TitleOrnament = "rule"
    title_align: Align = "left"
    bullet_card: bool = True  # bullets on a card, or straight on the background
    bullet_marker: BulletMarker = "dot"
    corner_radius: float = 28.0
    # captions
    caption_text: RGB = (255, 255, 255)
    caption_box: RGB = (17, 17, 17)
    caption_box_alpha: float = 0.72
    caption_plate: CaptionPlate = "rounded"
    # motion
    transition: TransitionKind = "crossfade"
    transition_seconds: float = 0.4  # 0 for styles that cut
    background_motion: BackgroundMotion = "still"
    # presenter
    presenter_side: PresenterSide = "right"
    presenter_frame: PresenterFrame = "card"


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
            background_motion="progress",
        ),
        Style(
            id="midnight",
            name="Minimal Dark",
            tags=("dark", "minimal", "tech"),
            description="Near-black field with one mint glow, light Manrope type, open lists.",
            background_top=hex_rgb("#151a23"),
            background_bottom=hex_rgb("#0b0e13"),
            surface=hex_rgb("#1e2530"),
            text=hex_rgb("#f4f6fa"),
            surface_text=hex_rgb("#f4f6fa"),
            muted=hex_rgb("#9aa6b8"),
            accent=hex_rgb("#34d3a6"),
            accent_2=hex_rgb("#1f6f5c"),
            heading_family="manrope",
            body_family="manrope",
            heading_weight="semibold",
            body_weight="light",
            on_accent=hex_rgb("#0b0e13"),
            decoration="glow",
            title_align="center",
            bullet_card=False,
            bullet_marker="dash",
            caption_box=hex_rgb("#000000"),
            transition_seconds=0.6,
            background_motion="drift",
            presenter_side="left",
            presenter_frame="circle",
        ),
        Style(
            id="keynote",
            name="Bold Keynote",
            tags=("bold", "marketing", "energetic"),
            description="Violet to magenta, heavy capitals on a yellow band, numbered points.",
            background_top=hex_rgb("#3b1d8f"),
            background_bottom=hex_rgb("#a3206b"),
            surface=hex_rgb("#ffffff"),
            text=hex_rgb("#ffffff"),
            surface_text=hex_rgb("#23124f"),
            muted=hex_rgb("#e5d9ff"),
            accent=hex_rgb("#ffc43d"),
            accent_2=hex_rgb("#ff6aa9"),
            heading_family="red-hat-display",
            body_family="source-sans",
            heading_weight="black",
            uppercase_headings=True,
            on_accent=hex_rgb("#23124f"),
            title_ornament="band",
            bullet_marker="number",
            caption_box=hex_rgb("#23124f"),
            caption_box_alpha=0.85,
            transition="slide",
            transition_seconds=0.45,
            background_motion="drift",
        ),
        Style(
            id="editorial",
            name="Editorial Print",
            tags=("editorial", "warm", "light", "serif"),
            description="Warm paper, serif headlines between printer's rules, a brick-red accent.",
            background_top=hex_rgb("#f6f1e7"),
            background_bottom=hex_rgb("#efe7d8"),
            surface=hex_rgb("#fffdf8"),
            text=hex_rgb("#222222"),
            surface_text=hex_rgb("#222222"),
            muted=hex_rgb("#6d6457"),
            accent=hex_rgb("#b5442c"),
            accent_2=hex_rgb("#d9c7a7"),
            heading_family="source-serif",
            body_family="source-sans",
            heading_weight="bold",
            decoration="rules",
            title_ornament="lines",
            bullet_card=False,
            bullet_marker="number",
            corner_radius=4.0,
            caption_box=hex_rgb("#222222"),
            caption_box_alpha=0.88,
            caption_plate="square",
            transition_seconds=0.5,
        ),
        Style(
            id="playful",
            name="Playful",
            tags=("playful", "colourful", "friendly", "education"),
            description="Cream field with coral and teal confetti, rounded Fredoka headlines.",
            background_top=hex_rgb("#fff6e5"),
            background_bottom=hex_rgb("#ffe6c7"),
            surface=hex_rgb("#ffffff"),
            text=hex_rgb("#2b2250"),
            surface_text=hex_rgb("#2b2250"),
            muted=hex_rgb("#6b6286"),
            accent=hex_rgb("#ff5a5f"),
            accent_2=hex_rgb("#2ec4b6"),
            heading_family="fredoka",
            body_family="manrope",
            heading_weight="regular",
            body_weight="medium",
            decoration="confetti",
            title_align="center",
            title_ornament="underline",
            bullet_marker="check",
            corner_radius=40.0,
            caption_box=hex_rgb("#2b2250"),
            caption_box_alpha=0.9,
            transition="slide",
            transition_seconds=0.5,
            background_motion="drift",
            presenter_side="left",
            presenter_frame="circle",
        ),
        Style(
            id="retro",
            name="Retro Tech",
            tags=("retro", "tech", "dark", "developer"),
            description="Terminal dark with a faint grid, IBM Plex Mono, amber prompt and a block cursor.",
            background_top=hex_rgb("#10151c"),
            background_bottom=hex_rgb("#0a0e13"),
            surface=hex_rgb("#161d26"),
            text=hex_rgb("#e9f0e4"),
            surface_text=hex_rgb("#e9f0e4"),
            muted=hex_rgb("#8fa3a8"),
            accent=hex_rgb("#ffb000"),
            accent_2=hex_rgb("#3d5a73"),
            heading_family="plex-mono",
            body_family="plex-mono",
            heading_weight="semibold",
            heading_scale=0.9,
            on_accent=hex_rgb("#10151c"),
            decoration="grid",
            title_ornament="cursor",
            bullet_marker="chevron",
            corner_radius=0.0,
            caption_text=hex_rgb("#ffb000"),
            caption_box=hex_rgb("#000000"),
            caption_box_alpha=0.85,
            caption_plate="square",
            transition="cut",
            transition_seconds=0.0,
            background_motion="progress",
        ),
        Style(
            id="cinematic",
            name="Cinematic",
            tags=("cinematic", "dark", "dramatic", "premium"),
            description="Letterboxed warm black, light wide capitals, gold hairlines, slow dissolves.",
            background_top=hex_rgb("#1b1712"),
            background_bottom=hex_rgb("#07070a"),
            surface=hex_rgb("#1d1a16"),
            text=hex_rgb("#f5efe6"),
            surface_text=hex_rgb("#f5efe6"),
            muted=hex_rgb("#b9ab96"),
            accent=hex_rgb("#d4a656"),
            accent_2=hex_rgb("#6b5538"),
            heading_family="red-hat-display",
            body_family="lato",
            heading_weight="light",
            body_weight="light",
            uppercase_headings=True,
            on_accent=hex_rgb("#07070a"),
            decoration="letterbox",
            title_align="center",
            title_ornament="lines",
            bullet_card=False,
            bullet_marker="dash",
            corner_radius=2.0,
            caption_text=hex_rgb("#f5efe6"),
            caption_plate="outline",
            transition_seconds=0.9,
        ),
        Style(
            id="handmade",
            name="Handmade",
            tags=("handmade", "warm", "craft", "friendly"),
            description="Kraft paper with taped cards, hand-lettered Amatic headlines, marker strokes.",
            background_top=hex_rgb("#efe3c8"),
            background_bottom=hex_rgb("#e3d2ad"),
            surface=hex_rgb("#fffaf0"),
            text=hex_rgb("#3a2e25"),
            surface_text=hex_rgb("#3a2e25"),
            muted=hex_rgb("#6e5d4e"),
            accent=hex_rgb("#d2483f"),
            accent_2=hex_rgb("#e8b04a"),
            heading_family="amatic",
            body_family="lato",
            heading_weight="bold",
            heading_scale=1.35,
            decoration="paper",
            title_align="center",
            title_ornament="underline",
            bullet_marker="dash",
            corner_radius=10.0,
            caption_text=hex_rgb("#3a2e25"),
            caption_box=hex_rgb("#fffaf0"),
            caption_box_alpha=0.92,
            transition="slide",
            transition_seconds=0.5,
            presenter_side="left",
        ),
    )
}

DEFAULT_STYLE = "clean"


def get_style(style_id: str) -> Style:
    return look_up(STYLES, style_id, kind="style", param="style_id")
