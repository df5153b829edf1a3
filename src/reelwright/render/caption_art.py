"""Burned-in captions drawn once per cue, as small RGBA strips the compositor lays over frames.

Drawing each cue once with skia (the same fonts and text fitting as the slides) and overlaying
it only on the frames where it shows costs a fraction of running libass on every frame, and the
caption can never overflow: it is fitted into the layout's caption box like any other text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import skia

from reelwright.render.layout import Rect
from reelwright.render.text import draw_lines, fit_text
from reelwright.styles.catalogue import Style


@dataclass(frozen=True)
class CaptionArt:
    """One cue, drawn: straight-alpha RGBA pixels and where their top-left corner goes."""

    pixels: np.ndarray  # h x w x 4 uint8, straight alpha
    x: int
    y: int

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


def _even_up(v: float) -> int:
    return int(np.ceil(v / 2.0)) * 2


def caption_font_size(width: int, height: int) -> float:
    return min(width, height) * (0.052 if height > width else 0.05)


def draw_caption(text: str, style: Style, width: int, height: int, box: Rect) -> CaptionArt:
    """``text`` on a rounded translucent plate, centred at the bottom of ``box`` (two lines at most,
    three in a narrow box)."""
    size = caption_font_size(width, height)
    outline = style.caption_plate == "outline"
    # An outlined caption's soft shade needs room to fade out inside the picture it is drawn in.
    pad_x, pad_y = (size * 0.9, size * 0.5) if outline else (size * 0.55, size * 0.22)
    fitted = fit_text(
        text,
        style.body_family,
        "semibold" if style.body_weight != "light" else "medium",
        max_width=box.w - 2 * pad_x,
        max_height=box.h - 2 * pad_y,
        max_size=size,
        min_size=size * 0.6,
        # A narrow box (beside a portrait presenter's card) takes a third line before shrinking.
        max_lines=3 if box.w < 0.6 * width else 2,
        line_spacing=1.2,
    )
    plate_w = min(box.w, _even_up(fitted.width() + 2 * pad_x))
    plate_h = min(box.h, _even_up(fitted.height + 2 * pad_y))
    # yuv420 overlays want even positions as well as even sizes.
    x = (box.x + (box.w - plate_w) // 2) // 2 * 2
    y = (box.bottom - plate_h) // 2 * 2

    pixels = np.zeros((plate_h, plate_w, 4), dtype=np.uint8)
    surface = skia.Surface(pixels, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType)
    canvas = surface.getCanvas()
    tr, tg, tb = style.caption_text
    ink = skia.Paint(Color=skia.Color(tr, tg, tb, 255), AntiAlias=True)
    r, g, b = style.caption_box
    if outline:
        # No hard plate: the words carry their own dark edge, as film subtitles do, over a soft
        # shadow that keeps thin light type readable on a light picture as well.
        soft = size * 0.22
        shade = skia.Paint(
            Color=skia.Color(r, g, b, 150),
            AntiAlias=True,
            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, soft),
        )
        inner = skia.Rect.MakeLTRB(soft * 2, soft * 2, plate_w - soft * 2, plate_h - soft * 2)
        canvas.drawRoundRect(inner, size * 0.3, size * 0.3, shade)
        edge = skia.Paint(
            Color=skia.Color(r, g, b, 235),
            AntiAlias=True,
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=max(2.0, size * 0.09),
            StrokeJoin=skia.Paint.kRound_Join,
        )
        draw_lines(canvas, fitted, pad_x, pad_y, edge, align="center", box_width=plate_w - 2 * pad_x)
    else:
        plate = skia.Paint(Color=skia.Color(r, g, b, round(style.caption_box_alpha * 255)), AntiAlias=True)
        radius = size * 0.3 if style.caption_plate == "rounded" else 0.0
        canvas.drawRoundRect(skia.Rect.MakeWH(plate_w, plate_h), radius, radius, plate)
    draw_lines(canvas, fitted, pad_x, pad_y, ink, align="center", box_width=plate_w - 2 * pad_x)
    straight = surface.makeImageSnapshot().toarray(
        colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kUnpremul_AlphaType
    )
    return CaptionArt(np.ascontiguousarray(straight), x, y)
