"""Draw each scene's static layer once: background, text, pictures, PDF page, presenter card.

Everything that does not move in a scene is painted here into one RGBA image; the compositor
only adds what moves (the presenter, a zooming picture, a clip) on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import skia
from PIL import Image

from reelwright.ingest.pdf import render_page
from reelwright.render.layout import Frame, Rect
from reelwright.render.text import FittedText, draw_lines, fit_text
from reelwright.storyboard import BulletSlide, ImageScene, PdfPage, Scene, TitleCard, VideoClip
from reelwright.styles.catalogue import RGB, Style


@dataclass(frozen=True)
class SceneLayer:
    """The static picture of a scene plus where its moving media (if any) goes."""

    image: np.ndarray  # H×W×4 uint8 RGBA, opaque
    media_box: Rect | None  # where a zooming picture or a clip is overlaid


def _color(rgb: RGB, alpha: float = 1.0) -> int:
    return int(skia.Color(rgb[0], rgb[1], rgb[2], round(alpha * 255)))


def _paint(rgb: RGB, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(Color=_color(rgb, alpha), AntiAlias=True)


def _skrect(r: Rect) -> skia.Rect:
    return skia.Rect.MakeXYWH(r.x, r.y, r.w, r.h)


def _draw_background(canvas: skia.Canvas, style: Style, w: int, h: int, seed: int) -> None:
    shader = skia.GradientShader.MakeLinear(
        [skia.Point(0, 0), skia.Point(w * 0.3, h)],
        [_color(style.background_top), _color(style.background_bottom)],
    )
    canvas.drawPaint(skia.Paint(Shader=shader))
    # Two large soft shapes give depth without competing with the content; their placement
    # varies per scene (seeded) so consecutive scenes do not look copy-pasted.
    rng = np.random.default_rng(seed)
    s = max(w, h)
    for i in range(2):
        cx = w * (0.85 if i == 0 else 0.08) + rng.uniform(-0.06, 0.06) * w
        cy = h * (0.12 if i == 0 else 0.92) + rng.uniform(-0.05, 0.05) * h
        radius = s * (0.30 if i == 0 else 0.22)
        canvas.drawCircle(cx, cy, radius, _paint(style.accent_2, 0.16 if i == 0 else 0.10))


def _card(canvas: skia.Canvas, r: Rect, style: Style, *, shadow: bool = True) -> None:
    rr = skia.RRect.MakeRectXY(_skrect(r), style.corner_radius, style.corner_radius)
    if shadow:
        shadow_paint = skia.Paint(
            Color=skia.Color(0, 0, 0, 46),
            AntiAlias=True,
            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 18),
        )
        canvas.save()
        canvas.translate(0, 10)
        canvas.drawRRect(rr, shadow_paint)
        canvas.restore()
    canvas.drawRRect(rr, _paint(style.surface))


def _heading_text(style: Style, text: str) -> str:
    return text.upper() if style.uppercase_headings else text


def _fit_heading(style: Style, text: str, box_w: float, box_h: float, max_size: float) -> FittedText:
    return fit_text(
        _heading_text(style, text),
        style.heading_family,
        style.heading_weight,  # type: ignore[arg-type]
        max_width=box_w,
        max_height=box_h,
        max_size=max_size,
        min_size=max_size * 0.45,
        max_lines=4,
        line_spacing=1.12,
    )


def _draw_title(
    canvas: skia.Canvas, visual: TitleCard, box: Rect, style: Style, centered: bool, portrait: bool
) -> None:
    unit = min(box.w * (0.9 if portrait else 0.55 if centered else 1.0), box.h) / 10
    heading = _fit_heading(style, visual.heading, box.w, box.h * 0.55, max_size=unit * 1.9)
    sub: FittedText | None = None
    if visual.subheading:
        sub = fit_text(
            visual.subheading,
            style.body_family,
            "regular",
            max_width=box.w,
            max_height=box.h * 0.25,
            max_size=heading.size * 0.5,
            min_size=heading.size * 0.25,
            max_lines=3,
        )
    rule_h = max(6, int(unit * 0.12))
    gap = unit * 0.45
    total = heading.height + gap + rule_h + (gap + sub.height if sub else 0)
    y = box.y + (box.h - total) / 2
    align = "center" if centered else "left"
    y = draw_lines(canvas, heading, box.x, y, _paint(style.text), align=align, box_width=box.w)
    y += gap
    rule_w = unit * 2.2
    rx = box.x + (box.w - rule_w) / 2 if centered else box.x
    canvas.drawRoundRect(
        skia.Rect.MakeXYWH(rx, y, rule_w, rule_h), rule_h / 2, rule_h / 2, _paint(style.accent)
    )
    y += rule_h + gap
    if sub:
        draw_lines(canvas, sub, box.x, y, _paint(style.muted), align=align, box_width=box.w)


def _draw_bullets(canvas: skia.Canvas, visual: BulletSlide, box: Rect, style: Style) -> None:
    _card(canvas, box, style)
    pad = int(min(box.w, box.h) * 0.08)
    inner = Rect(box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad)
    unit = min(inner.w, inner.h) / 10
    heading = fit_text(
        _heading_text(style, visual.heading),
        style.heading_family,
        style.heading_weight,  # type: ignore[arg-type]
        max_width=inner.w,
        max_height=inner.h * 0.28,
        max_size=unit * 1.05,
        min_size=unit * 0.5,
        max_lines=2,
        line_spacing=1.1,
    )
    y = draw_lines(canvas, heading, inner.x, inner.y, _paint(style.surface_text))
    y += unit * 0.3
    canvas.drawRect(skia.Rect.MakeXYWH(inner.x, y, unit * 1.6, max(4, unit * 0.08)), _paint(style.accent))
    y += unit * 0.55
    # One size for every bullet: shrink together until all fit the space left.
    avail_h = inner.bottom - y
    dot = unit * 0.16
    text_x = inner.x + dot * 2 + unit * 0.35
    text_w = inner.right - text_x
    size = heading.size * 0.78
    while True:
        fitted = [
            fit_text(
                b,
                style.body_family,
                "regular",
                max_width=text_w,
                max_height=1e9,
                max_size=size,
                min_size=size,
                max_lines=50,
            )
            for b in visual.bullets
        ]
        spacing = size * 0.55
        need = sum(f.height for f in fitted) + spacing * (len(fitted) - 1)
        if need <= avail_h or size < 14:
            break
        size *= 0.95
    y += max(0.0, (avail_h - need) / 2.5)  # sit the list a little above the middle of the space left
    for f in fitted:
        canvas.drawCircle(inner.x + dot, y + f.line_height / 2, dot, _paint(style.accent))
        y = draw_lines(canvas, f, text_x, y, _paint(style.surface_text)) + spacing


def _draw_image_fit(canvas: skia.Canvas, img: Image.Image, box: Rect) -> Rect:
    """Draw ``img`` scaled to fit inside ``box`` (centred); returns the rectangle used."""
    scale = min(box.w / img.width, box.h / img.height)
    w, h = int(img.width * scale), int(img.height * scale)
    r = Rect(box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h)
    sk = skia.Image.fromarray(np.asarray(img.convert("RGBA").resize((w, h), Image.Resampling.LANCZOS)))
    canvas.drawImageRect(sk, _skrect(r), skia.SamplingOptions(skia.FilterMode.kLinear))
    return r


def _draw_pdf_page(canvas: skia.Canvas, visual: PdfPage, box: Rect, style: Style) -> None:
    page = render_page_cached(visual.source, visual.page, box.w, box.h)
    scale = min(box.w / page.width, box.h / page.height)
    w, h = int(page.width * scale), int(page.height * scale)
    r = Rect(box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h)
    shadow = skia.Paint(
        Color=skia.Color(0, 0, 0, 60), MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 16)
    )
    canvas.drawRect(skia.Rect.MakeXYWH(r.x, r.y + 8, r.w, r.h), shadow)
    _draw_image_fit(canvas, page, r)
    canvas.drawRect(
        _skrect(r),
        skia.Paint(
            Color=_color(style.muted, 0.35), Style=skia.Paint.kStroke_Style, StrokeWidth=2, AntiAlias=True
        ),
    )


def render_page_cached(source: str, page: int, w: int, h: int) -> Image.Image:
    return render_page(source, page, w, h)


def _media_with_caption(canvas: skia.Canvas, box: Rect, caption: str | None, style: Style) -> Rect:
    """Put the caption above a picture or clip (burned-in subtitles own the bottom); returns its box."""
    if not caption:
        return box
    strip_h = int(box.h * 0.13)
    fitted = fit_text(
        caption,
        style.heading_family,
        style.heading_weight,  # type: ignore[arg-type]
        max_width=box.w,
        max_height=strip_h * 0.9,
        max_size=strip_h * 0.62,
        min_size=strip_h * 0.25,
        max_lines=2,
    )
    draw_lines(canvas, fitted, box.x, box.y + (strip_h - fitted.height) / 2, _paint(style.text))
    gap = int(box.h * 0.02)
    return Rect(box.x, box.y + strip_h + gap, box.w, box.h - strip_h - gap)


def _presenter_backdrop(canvas: skia.Canvas, frame: Frame, style: Style) -> None:
    if frame.presenter is None:
        return
    p = frame.presenter
    if frame.presenter_card is not None:
        card = frame.presenter_card
        radius = style.corner_radius
        rr = skia.RRect.MakeRectXY(_skrect(card), radius, radius)
        shadow = skia.Paint(
            Color=skia.Color(0, 0, 0, 70),
            AntiAlias=True,
            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 14),
        )
        canvas.drawRRect(rr, shadow)
        shader = skia.GradientShader.MakeLinear(
            [skia.Point(card.x, card.y), skia.Point(card.x, card.bottom)],
            [_color(style.accent_2), _color(style.accent)],
        )
        canvas.drawRRect(rr, skia.Paint(Shader=shader, AntiAlias=True))
        return
    # A soft disc behind the head grounds a large presenter on the background.
    canvas.drawCircle(p.x + p.w / 2, p.y + p.h * 0.42, p.w * 0.40, _paint(style.accent_2, 0.35))


def draw_scene_layer(scene: Scene, frame: Frame, style: Style, seed: int) -> SceneLayer:
    surface = skia.Surface(frame.width, frame.height)
    canvas = surface.getCanvas()
    _draw_background(canvas, style, frame.width, frame.height, seed)
    _presenter_backdrop(canvas, frame, style)
    visual = scene.visual
    box = frame.content
    media_box: Rect | None = None
    if isinstance(visual, TitleCard):
        _draw_title(
            canvas,
            visual,
            box,
            style,
            centered=frame.presenter is None or frame.portrait,
            portrait=frame.portrait,
        )
    elif isinstance(visual, BulletSlide):
        _draw_bullets(canvas, visual, box, style)
    elif isinstance(visual, PdfPage):
        _draw_pdf_page(canvas, visual, box, style)
    elif isinstance(visual, ImageScene | VideoClip):
        media_box = _media_with_caption(canvas, box, visual.caption, style)
        media_box = Rect(
            media_box.x // 2 * 2, media_box.y // 2 * 2, media_box.w // 2 * 2, media_box.h // 2 * 2
        )
        canvas.drawRect(_skrect(media_box), _paint((0, 0, 0)))
    pixels = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType)
    return SceneLayer(np.ascontiguousarray(pixels), media_box)
