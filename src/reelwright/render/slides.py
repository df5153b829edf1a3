"""Draw each scene's static layer once: background, text, pictures, PDF page, presenter card, logo.

Everything that does not move in a scene is painted here into one RGBA image; the compositor
only adds what moves (the presenter, a zooming picture, a clip, background motion) on top of it.
How things look (fonts, ornaments, markers, cards) comes from the Style, never from here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import skia
from PIL import Image

from reelwright.ingest.sandbox import render_pdf_page
from reelwright.render.decor import color as _color
from reelwright.render.decor import draw_background, margin, stroke
from reelwright.render.decor import paint as _paint
from reelwright.render.layout import Frame, Rect
from reelwright.render.text import FittedText, draw_lines, fit_text
from reelwright.storyboard import BulletSlide, ColorFill, ImageScene, PdfPage, Scene, TitleCard, VideoClip
from reelwright.styles.catalogue import Style
from reelwright.styles.fonts import font

# The largest side a page is rendered at to be cropped (a small figure of a page shown at 4K).
MAX_PAGE_RENDER = 6000
# Body text on a designed slide is at least this many pixels of a 1080p frame: readable on a phone.
MIN_READABLE_PX = 36
REFERENCE_SHARE = 0.27  # a reference page's card takes this share of a wide slide's width


@dataclass(frozen=True)
class SceneLayer:
    """The static picture of a scene plus where its moving media (if any) goes."""

    image: np.ndarray  # H×W×4 uint8 RGBA, opaque
    media_box: Rect | None  # where a zooming picture or a clip is overlaid
    # A picture drawn here rather than read from a file (a figure cropped from a PDF page), which
    # the compositor zooms to ``media_zoom`` over the scene inside ``media_box``.
    media_picture: Image.Image | None = None
    media_zoom: float = 1.0


def _skrect(r: Rect) -> skia.Rect:
    return skia.Rect.MakeXYWH(r.x, r.y, r.w, r.h)


def _card(canvas: skia.Canvas, r: Rect, style: Style, unit: float, *, shadow: bool = True) -> None:
    rr = skia.RRect.MakeRectXY(_skrect(r), style.corner_radius, style.corner_radius)
    if shadow:
        shadow_paint = skia.Paint(
            Color=skia.Color(0, 0, 0, 46),
            AntiAlias=True,
            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 18 * unit),
        )
        canvas.save()
        canvas.translate(0, 10 * unit)
        canvas.drawRRect(rr, shadow_paint)
        canvas.restore()
    canvas.drawRRect(rr, _paint(style.surface))


def _heading_text(style: Style, text: str) -> str:
    return text.upper() if style.uppercase_headings else text


def _fit_heading(style: Style, text: str, box_w: float, box_h: float, max_size: float) -> FittedText:
    return fit_text(
        _heading_text(style, text),
        style.heading_family,
        style.heading_weight,
        max_width=box_w,
        max_height=box_h,
        max_size=max_size * style.heading_scale,
        min_size=max_size * 0.45,
        max_lines=4,
        line_spacing=1.12,
    )


def _line_x(fitted: FittedText, line: str, x: float, box_w: float, align: str) -> float:
    return x + (box_w - fitted.font.measureText(line)) / 2 if align == "center" else x


def _wobbly_line(canvas: skia.Canvas, x0: float, x1: float, y: float, width: float, style: Style) -> None:
    """A marker stroke: slightly uneven, like one drawn by hand."""
    path = skia.Path()
    path.moveTo(x0, y + width * 0.3)
    mid = (x0 + x1) / 2
    path.quadTo((x0 + mid) / 2, y - width * 0.5, mid, y)
    path.quadTo((mid + x1) / 2, y + width * 0.45, x1, y - width * 0.25)
    canvas.drawPath(path, stroke(style.accent, width))


def _draw_title(
    canvas: skia.Canvas, visual: TitleCard, box: Rect, style: Style, portrait: bool, text_bottom: float
) -> None:
    # Centred in the space above the subtitles' zone, so the captioned copy never covers it.
    box = Rect(box.x, box.y, box.w, int(min(box.bottom, text_bottom)) - box.y)
    centered = style.title_align == "center"
    # A centred title across a wide box would grow huge: size it to about half the width there.
    wide = box.w > 1.5 * box.h
    # A portrait frame's title band (above a large presenter) is wide and short: let the heading
    # grow into its height, which fit_text still bounds.
    tall = box.h * (1.6 if portrait else 1.0)
    unit = min(box.w * (0.55 if centered and wide else 0.9 if portrait or centered else 1.0), tall) / 10
    ornament = style.title_ornament
    # Room the ornament needs beside the text: the band's padding, the cursor's block.
    side_room = unit * 0.9 if ornament in ("band", "cursor") else 0.0
    heading = _fit_heading(style, visual.heading, box.w - side_room, box.h * 0.55, max_size=unit * 1.9)
    sub: FittedText | None = None
    if visual.subheading:
        sub = fit_text(
            visual.subheading,
            style.body_family,
            style.body_weight,
            max_width=box.w,
            max_height=box.h * 0.25,
            max_size=min(heading.size, unit * 1.9) * 0.5,
            min_size=heading.size * 0.25,
            max_lines=3,
        )
    rule_h = max(6, int(unit * 0.12))
    gap = unit * 0.45
    if ornament == "lines":
        hair = max(2.0, unit * 0.03)
        total = hair + gap + heading.height + gap + (sub.height + gap if sub else 0) + hair
    elif ornament == "rule":
        total = heading.height + gap + rule_h + (gap + sub.height if sub else 0)
    else:
        total = heading.height + (gap * 1.4 + sub.height if sub else 0)
    y = box.y + (box.h - total) / 2
    align = "center" if centered else "left"
    text_x = box.x + (side_room / 2 if ornament == "band" and not centered else 0)
    text_w = box.w - (side_room if ornament == "band" else 0)
    block_w = heading.width()
    block_x = box.x + (box.w - block_w) / 2 if centered else text_x

    if ornament == "lines":
        line_w = min(box.w, max(block_w, sub.width() if sub else 0.0))
        lx = box.x + (box.w - line_w) / 2 if centered else box.x
        canvas.drawRect(skia.Rect.MakeXYWH(lx, y, line_w, hair), _paint(style.accent))
        y += hair + gap
    if ornament == "band":
        # One accent bar per line, like a highlighter over the words.
        pad_x, pad_y = heading.size * 0.28, heading.size * 0.06
        ly = y
        for line in heading.lines:
            lx = _line_x(heading, line, text_x, text_w, align)
            w = heading.font.measureText(line)
            canvas.drawRect(
                skia.Rect.MakeXYWH(lx - pad_x, ly + pad_y, w + 2 * pad_x, heading.line_height - 2 * pad_y),
                _paint(style.accent),
            )
            ly += heading.line_height
        ink = style.on_accent
    else:
        ink = style.text
    y_end = draw_lines(canvas, heading, text_x, y, _paint(ink), align=align, box_width=text_w)
    if ornament == "cursor":
        last = heading.lines[-1]
        cx = (
            _line_x(heading, last, text_x, text_w, align)
            + heading.font.measureText(last)
            + heading.size * 0.12
        )
        ch = heading.line_height * 0.72
        canvas.drawRect(
            skia.Rect.MakeXYWH(
                cx, y_end - heading.line_height + (heading.line_height - ch) / 2, heading.size * 0.5, ch
            ),
            _paint(style.accent),
        )
    y = y_end
    if ornament == "rule":
        y += gap
        rule_w = unit * 2.2
        rx = box.x + (box.w - rule_w) / 2 if centered else box.x
        canvas.drawRoundRect(
            skia.Rect.MakeXYWH(rx, y, rule_w, rule_h), rule_h / 2, rule_h / 2, _paint(style.accent)
        )
        y += rule_h + gap
    elif ornament == "underline":
        width = max(4.0, heading.size * 0.09)
        under_w = min(block_w, box.w) * 0.8
        ux = block_x + (block_w - under_w) / 2 if centered else block_x
        _wobbly_line(canvas, ux, ux + under_w, y + gap * 0.35, width, style)
        y += gap * 1.4
    elif ornament == "band":
        y += gap * 1.4
    else:
        y += gap
    if sub:
        draw_lines(canvas, sub, box.x, y, _paint(style.muted), align=align, box_width=box.w)
        y += sub.height + gap
    if ornament == "lines":
        canvas.drawRect(skia.Rect.MakeXYWH(lx, y, line_w, hair), _paint(style.accent))


def _marker_width(style: Style, count: int, size: float) -> float:
    if style.bullet_marker == "number":
        digits = "0" * len(str(count)) + "."
        return float(font(style.heading_family, style.heading_weight, size).measureText(digits))
    return size * 0.55


def _draw_marker(
    canvas: skia.Canvas, style: Style, index: int, x: float, y_mid: float, size: float, width: float
) -> None:
    kind = style.bullet_marker
    accent = _paint(style.accent)
    r = size * 0.16
    cx = x + r
    if kind == "dot":
        canvas.drawCircle(cx, y_mid, r, accent)
    elif kind == "square":
        canvas.drawRect(skia.Rect.MakeXYWH(x, y_mid - r, 2 * r, 2 * r), accent)
    elif kind == "dash":
        canvas.drawRect(skia.Rect.MakeXYWH(x, y_mid - size * 0.04, width, size * 0.08), accent)
    elif kind == "chevron":
        path = skia.Path()
        path.moveTo(x, y_mid - r * 1.4)
        path.lineTo(x + r * 1.6, y_mid)
        path.lineTo(x, y_mid + r * 1.4)
        canvas.drawPath(path, stroke(style.accent, size * 0.09))
    elif kind == "check":
        path = skia.Path()
        path.moveTo(x, y_mid)
        path.lineTo(x + width * 0.35, y_mid + size * 0.2)
        path.lineTo(x + width, y_mid - size * 0.28)
        canvas.drawPath(path, stroke(style.accent, size * 0.1))
    else:  # number
        fnt = font(style.heading_family, style.heading_weight, size)
        metrics = fnt.getMetrics()
        baseline = y_mid + (-metrics.fAscent - metrics.fDescent) / 2
        canvas.drawString(f"{index + 1}.", x, baseline, fnt, accent)


def _reference_card(
    canvas: skia.Canvas, visual: BulletSlide, inner: Rect, text_bottom: float, style: Style, unit_px: float
) -> tuple[Rect, float, float]:
    """Draw the reference page small, and say where the points go: returns the box left for the
    heading and the points, the heading's width, and the top the points may not start above.

    A wide box keeps the page in a column on the right; a narrow one (a portrait or square frame)
    puts it in the top right corner beside the heading."""
    ref = visual.reference
    assert ref is not None
    bottom = min(inner.bottom, text_bottom)
    gap = int(min(inner.w, inner.h) * 0.05)
    wide = inner.w >= 1.15 * (bottom - inner.y)
    if wide:
        col = Rect(inner.right - int(inner.w * REFERENCE_SHARE), inner.y, int(inner.w * REFERENCE_SHARE), 0)
        room = Rect(col.x, inner.y, col.w, int((bottom - inner.y) * 0.82))
    else:
        side = int(min(inner.w * 0.3, (bottom - inner.y) * 0.34))
        room = Rect(inner.right - side, inner.y, side, side)
    page = render_page_cached(ref.source, ref.page, room.w, room.h)
    r = _fit_rect(page, room)
    r = Rect(room.right - r.w, room.y, r.w, r.h)  # right- and top-aligned
    _page_card(canvas, page, r, style, unit_px)
    label = font(style.body_family, style.body_weight, max(12.0, 22 * unit_px))
    canvas.drawString(f"p. {ref.page}", r.x, r.bottom + 30 * unit_px, label, _paint(style.muted))
    if wide:
        left = Rect(inner.x, inner.y, r.x - gap - inner.x, inner.h)
        return left, left.w, inner.y
    return inner, r.x - gap - inner.x, r.bottom + 40 * unit_px


def _draw_bullets(
    canvas: skia.Canvas,
    visual: BulletSlide,
    box: Rect,
    style: Style,
    text_bottom: float,
    unit_px: float,
    shown: int | None = None,
) -> None:
    """``text_bottom``: where the list must end so the captioned copy's subtitles never cover it.
    ``shown``: draw only the first bullets, laid out as the whole list is (for the reveal)."""
    if style.bullet_card:
        _card(canvas, box, style, unit_px)
        pad = int(min(box.w, box.h) * 0.08)
        ink = style.surface_text
    else:
        pad = int(min(box.w, box.h) * 0.03)
        ink = style.text
    inner = Rect(box.x + pad, box.y + pad, box.w - 2 * pad, box.h - 2 * pad)
    unit = min(inner.w, inner.h) / 10
    heading_w = float(inner.w)
    points_top = float(inner.y)
    heading_max = unit * 1.05 * style.heading_scale
    if visual.reference is not None:
        inner, heading_w, points_top = _reference_card(canvas, visual, inner, text_bottom, style, unit_px)
        # In a short box (a portrait frame's) the heading still stands above the readable points.
        heading_max = max(heading_max, MIN_READABLE_PX * 1.4 * unit_px)
    heading = fit_text(
        _heading_text(style, visual.heading),
        style.heading_family,
        style.heading_weight,
        max_width=heading_w,
        max_height=inner.h * 0.28 if visual.reference is None else max(inner.h * 0.28, heading_max * 2.3),
        max_size=heading_max,
        min_size=unit * 0.5,
        max_lines=2 if visual.reference is None else 3,
        line_spacing=1.1,
    )
    y = draw_lines(canvas, heading, inner.x, inner.y, _paint(ink))
    y += unit * 0.3
    canvas.drawRect(skia.Rect.MakeXYWH(inner.x, y, unit * 1.6, max(4, unit * 0.08)), _paint(style.accent))
    y += unit * 0.55
    y = max(y, points_top)
    # One size for every bullet: shrink together until all fit the space left.
    avail_h = min(inner.bottom, text_bottom) - y
    bullets = list(visual.bullets)
    # A slide designed from a document's page keeps its points readable on a phone (at least
    # MIN_READABLE_PX at 1080p): fewer points rather than smaller ones; the rest are said, not shown.
    floor = (MIN_READABLE_PX if visual.reference is not None else 14) * unit_px
    while True:
        size = min(heading.size / style.heading_scale, unit * 1.05) * 0.78
        if visual.reference is not None:
            size = max(size, floor)
        while True:
            marker_w = _marker_width(style, len(bullets), size)
            text_x = inner.x + marker_w + size * 0.5
            text_w = inner.right - text_x
            fitted = [
                fit_text(
                    b,
                    style.body_family,
                    style.body_weight,
                    max_width=text_w,
                    max_height=1e9,
                    max_size=size,
                    min_size=size,
                    max_lines=50,
                )
                for b in bullets
            ]
            spacing = size * 0.55
            need = sum(f.height for f in fitted) + spacing * (len(fitted) - 1)
            if need <= avail_h or size < floor or (visual.reference is not None and size * 0.95 < floor):
                break
            size *= 0.95
        if need <= avail_h or visual.reference is None or len(bullets) <= 1:
            break
        bullets.pop()
    y += max(0.0, (avail_h - need) / 2.5)  # sit the list a little above the middle of the space left
    for i, f in enumerate(fitted):
        if shown is not None and i >= shown:
            break
        _draw_marker(canvas, style, i, inner.x, y + f.line_height / 2, size, marker_w)
        y = draw_lines(canvas, f, text_x, y, _paint(ink)) + spacing


def _draw_image_fit(canvas: skia.Canvas, img: Image.Image, box: Rect) -> Rect:
    """Draw ``img`` scaled to fit inside ``box`` (centred); returns the rectangle used."""
    scale = min(box.w / img.width, box.h / img.height)
    w, h = int(img.width * scale), int(img.height * scale)
    r = Rect(box.x + (box.w - w) // 2, box.y + (box.h - h) // 2, w, h)
    sk = skia.Image.fromarray(np.asarray(img.convert("RGBA").resize((w, h), Image.Resampling.LANCZOS)))
    canvas.drawImageRect(sk, _skrect(r), skia.SamplingOptions(skia.FilterMode.kLinear))
    return r


def page_picture(
    source: str, page: int, crop: tuple[float, float, float, float] | None, w: int, h: int
) -> Image.Image:
    """The page, or the part of it ``crop`` names, as large as fits ``w``×``h`` and sharp: the
    whole page is rendered at the size that makes the crop fill the box, then cut."""
    if crop is None:
        return render_page_cached(source, page, w, h)
    x0, y0, x1, y1 = crop
    full_w = min(MAX_PAGE_RENDER, max(1, round(w / (x1 - x0))))
    full_h = min(MAX_PAGE_RENDER, max(1, round(h / (y1 - y0))))
    full = render_page_cached(source, page, full_w, full_h)
    cut = (
        round(x0 * full.width),
        round(y0 * full.height),
        max(round(x0 * full.width) + 1, round(x1 * full.width)),
        max(round(y0 * full.height) + 1, round(y1 * full.height)),
    )
    return full.crop(cut)


def _fit_rect(img: Image.Image, box: Rect) -> Rect:
    scale = min(box.w / img.width, box.h / img.height)
    w, h = max(2, int(img.width * scale) // 2 * 2), max(2, int(img.height * scale) // 2 * 2)
    return Rect((box.x + (box.w - w) // 2) // 2 * 2, (box.y + (box.h - h) // 2) // 2 * 2, w, h)


def _page_card(canvas: skia.Canvas, img: Image.Image, r: Rect, style: Style, unit: float) -> None:
    """A page (or part of one) as a sheet on the background: soft shadow, picture, thin border."""
    shadow = skia.Paint(
        Color=skia.Color(0, 0, 0, 60), MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 16 * unit)
    )
    canvas.drawRect(skia.Rect.MakeXYWH(r.x, r.y + 8 * unit, r.w, r.h), shadow)
    _draw_image_fit(canvas, img, r)
    canvas.drawRect(
        _skrect(r),
        skia.Paint(
            Color=_color(style.muted, 0.35),
            Style=skia.Paint.kStroke_Style,
            StrokeWidth=max(1.0, 2 * unit),
            AntiAlias=True,
        ),
    )


def _draw_pdf_page(
    canvas: skia.Canvas, visual: PdfPage, box: Rect, style: Style, unit: float
) -> tuple[Rect, Image.Image]:
    """The page or its crop, as large as the box allows; returns where it went and the picture."""
    page = page_picture(visual.source, visual.page, visual.crop, box.w, box.h)
    r = _fit_rect(page, box)
    _page_card(canvas, page, r, style, unit)
    return r, page


def render_page_cached(source: str, page: int, w: int, h: int) -> Image.Image:
    # In a bounded child process: a user's PDF must not be able to take the worker down.
    return render_pdf_page(source, page, w, h)


def _media_with_caption(canvas: skia.Canvas, box: Rect, caption: str | None, style: Style) -> Rect:
    """Put the caption above a picture or clip (burned-in subtitles own the bottom); returns its box."""
    if not caption:
        return box
    strip_h = int(box.h * 0.13)
    fitted = fit_text(
        caption,
        style.heading_family,
        style.heading_weight,
        max_width=box.w,
        max_height=strip_h * 0.9,
        max_size=strip_h * 0.62 * min(style.heading_scale, 1.2),
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
        # A circle is a card with the largest corner radius.
        radius = card.w / 2 if style.presenter_frame == "circle" else style.corner_radius
        rr = skia.RRect.MakeRectXY(_skrect(card), radius, radius)
        shadow = skia.Paint(
            Color=skia.Color(0, 0, 0, 70),
            AntiAlias=True,
            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, 14 * frame.unit),
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


def unit_gap(frame: Frame) -> float:
    return min(frame.width, frame.height) * 0.015


def _draw_logo(canvas: skia.Canvas, logo: Image.Image, frame: Frame) -> None:
    """The brand's logo in the top margin, right-aligned with the content; it never covers text."""
    m = margin(frame.width, frame.height)
    box_h = m * 0.62
    box_w = frame.width * 0.18
    scale = min(box_w / logo.width, box_h / logo.height)
    w, h = max(1, round(logo.width * scale)), max(1, round(logo.height * scale))
    x = frame.width - m - w
    y = (m - h) / 2
    pixels = np.ascontiguousarray(np.asarray(logo.convert("RGBA").resize((w, h), Image.Resampling.LANCZOS)))
    img = skia.Image.fromarray(
        pixels, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kUnpremul_AlphaType
    )
    canvas.drawImageRect(img, skia.Rect.MakeXYWH(x, y, w, h), skia.SamplingOptions(skia.FilterMode.kLinear))


def _hex_rgb(value: str) -> tuple[int, int, int]:
    """``#RRGGBB`` (the storyboard validates the form) as an RGB tuple."""
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def draw_scene_layer(
    scene: Scene,
    frame: Frame,
    style: Style,
    seed: int,
    logo: Image.Image | None = None,
    *,
    bullets_shown: int | None = None,
) -> SceneLayer:
    # Styles give radii in 1080p pixels; other sizes scale them with the frame.
    style = dataclasses.replace(style, corner_radius=style.corner_radius * frame.unit)
    surface = skia.Surface(frame.width, frame.height)
    canvas = surface.getCanvas()
    draw_background(canvas, style, frame.width, frame.height, seed)
    visual = scene.visual
    if isinstance(visual, ColorFill):
        canvas.clear(_color(_hex_rgb(visual.color)))
    if scene.placement is None:  # a placed presenter stands on the script's own background
        _presenter_backdrop(canvas, frame, style)
    box = frame.content
    media_box: Rect | None = None
    media_picture: Image.Image | None = None
    media_zoom = 1.0
    cap = frame.caption_box
    overlaps = cap.x < box.right and box.x < cap.right and cap.y < box.bottom
    text_bottom = cap.y - unit_gap(frame) if overlaps else box.bottom
    if isinstance(visual, TitleCard):
        _draw_title(canvas, visual, box, style, frame.portrait, text_bottom)
    elif isinstance(visual, BulletSlide):
        _draw_bullets(canvas, visual, box, style, text_bottom, frame.unit, bullets_shown)
    elif isinstance(visual, PdfPage):
        shown, picture = _draw_pdf_page(canvas, visual, box, style, frame.unit)
        if visual.zoom > 1.0:  # a figure or table: the compositor zooms it slowly over the scene
            media_box, media_picture, media_zoom = shown, picture, visual.zoom
    elif isinstance(visual, ImageScene | VideoClip) and visual.fill:
        media_box = Rect(0, 0, frame.width, frame.height)  # the background, under everything
    elif isinstance(visual, ImageScene | VideoClip):
        media_box = _media_with_caption(canvas, box, visual.caption, style)
        media_box = Rect(
            media_box.x // 2 * 2, media_box.y // 2 * 2, media_box.w // 2 * 2, media_box.h // 2 * 2
        )
        canvas.drawRect(_skrect(media_box), _paint((0, 0, 0)))
    if logo is not None:
        _draw_logo(canvas, logo, frame)
    pixels = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType)
    return SceneLayer(np.ascontiguousarray(pixels), media_box, media_picture, media_zoom)
