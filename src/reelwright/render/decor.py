"""A style's background: its gradient and its decoration, drawn once per scene.

Decorations keep to the edges of the frame (or stay faint), so they never compete with text.
Placement is seeded per scene, so consecutive scenes do not look copy-pasted.
"""

from __future__ import annotations

import math

import numpy as np
import skia

from reelwright.styles.catalogue import RGB, Style


def color(rgb: RGB, alpha: float = 1.0) -> int:
    return int(skia.Color(rgb[0], rgb[1], rgb[2], round(alpha * 255)))


def paint(rgb: RGB, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(Color=color(rgb, alpha), AntiAlias=True)


def stroke(rgb: RGB, width: float, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(
        Color=color(rgb, alpha),
        AntiAlias=True,
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=width,
        StrokeCap=skia.Paint.kRound_Cap,
        StrokeJoin=skia.Paint.kRound_Join,
    )


def margin(w: int, h: int) -> float:
    return min(w, h) * 0.075


def draw_background(canvas: skia.Canvas, style: Style, w: int, h: int, seed: int) -> None:
    shader = skia.GradientShader.MakeLinear(
        [skia.Point(0, 0), skia.Point(w * 0.3, h)],
        [color(style.background_top), color(style.background_bottom)],
    )
    canvas.drawPaint(skia.Paint(Shader=shader))
    rng = np.random.default_rng(seed)
    _DECORATIONS[style.decoration](canvas, style, w, h, rng)


def _orbs(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    # Two large soft shapes give depth without competing with the content.
    s = max(w, h)
    for i in range(2):
        cx = w * (0.85 if i == 0 else 0.08) + rng.uniform(-0.06, 0.06) * w
        cy = h * (0.12 if i == 0 else 0.92) + rng.uniform(-0.05, 0.05) * h
        radius = s * (0.30 if i == 0 else 0.22)
        canvas.drawCircle(cx, cy, radius, paint(style.accent_2, 0.16 if i == 0 else 0.10))


def _glow(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    cx = w * (0.82 + rng.uniform(-0.05, 0.05))
    cy = h * (0.10 + rng.uniform(-0.04, 0.04))
    radius = max(w, h) * 0.75
    shader = skia.GradientShader.MakeRadial(
        skia.Point(cx, cy), radius, [color(style.accent_2, 0.55), color(style.accent_2, 0.0)]
    )
    canvas.drawPaint(skia.Paint(Shader=shader))


def _grid(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    step = min(w, h) / 12
    line = stroke(style.accent_2, max(1.0, step * 0.012), 0.09)
    offset = rng.uniform(0, step)
    x = offset
    while x < w:
        canvas.drawLine(x, 0, x, h, line)
        x += step
    y = offset
    while y < h:
        canvas.drawLine(0, y, w, y, line)
        y += step
    # Scanlines: a faint darkening every few pixels, like an old monitor.
    dark = paint((0, 0, 0), 0.10)
    gap = max(3, round(h / 360))
    for yy in range(0, h, gap * 2):
        canvas.drawRect(skia.Rect.MakeXYWH(0, yy, w, gap / 2), dark)
    # Corner brackets frame the screen.
    m = margin(w, h) * 0.45
    arm = min(w, h) * 0.06
    br = stroke(style.accent, max(2.0, min(w, h) * 0.004), 0.8)
    for cx, cy, dx, dy in ((m, m, 1, 1), (w - m, m, -1, 1), (m, h - m, 1, -1), (w - m, h - m, -1, -1)):
        canvas.drawLine(cx, cy, cx + dx * arm, cy, br)
        canvas.drawLine(cx, cy, cx, cy + dy * arm, br)


def _rules(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    # A printed page: a heavy and a hairline rule along the foot, and a column rule at the left.
    m = margin(w, h)
    y = h - m * 0.42
    heavy = max(3.0, min(w, h) * 0.004)
    canvas.drawRect(skia.Rect.MakeLTRB(m, y, w - m, y + heavy), paint(style.text, 0.85))
    canvas.drawRect(skia.Rect.MakeLTRB(m, y + heavy * 2.2, w - m, y + heavy * 2.6), paint(style.text, 0.6))
    canvas.drawRect(skia.Rect.MakeXYWH(m * 0.45, m, heavy * 0.5, h - 2 * m), paint(style.accent, 0.7))


def _confetti(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    # Bright shapes scattered in the outer band of the frame only, where no text goes.
    unit = min(w, h)
    band = margin(w, h) * 0.9
    colours = (style.accent, style.accent_2, (255, 196, 61), style.accent_2)
    placed = 0
    tries = 0
    while placed < 22 and tries < 400:
        tries += 1
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        if band < x < w - band and band < y < h - band:
            continue
        size = unit * rng.uniform(0.010, 0.022)
        col = colours[placed % len(colours)]
        kind = placed % 3
        canvas.save()
        canvas.translate(x, y)
        canvas.rotate(float(rng.uniform(0, 360)))
        if kind == 0:
            canvas.drawCircle(0, 0, size * 0.7, paint(col, 0.9))
        elif kind == 1:
            canvas.drawRoundRect(
                skia.Rect.MakeXYWH(-size, -size * 0.35, size * 2, size * 0.7),
                size * 0.3,
                size * 0.3,
                paint(col, 0.9),
            )
        else:
            path = skia.Path()
            path.moveTo(-size * 1.2, 0)
            path.quadTo(-size * 0.6, -size * 0.8, 0, 0)
            path.quadTo(size * 0.6, size * 0.8, size * 1.2, 0)
            canvas.drawPath(path, stroke(col, size * 0.35, 0.9))
        canvas.restore()
        placed += 1


def letterbox_height(w: int, h: int) -> int:
    return round(min(w, h) * 0.05 / 2) * 2


def _letterbox(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    shader = skia.GradientShader.MakeRadial(
        skia.Point(w / 2, h / 2), math.hypot(w, h) * 0.62, [color((0, 0, 0), 0.0), color((0, 0, 0), 0.55)]
    )
    canvas.drawPaint(skia.Paint(Shader=shader))
    bar = letterbox_height(w, h)
    black = paint((0, 0, 0))
    canvas.drawRect(skia.Rect.MakeXYWH(0, 0, w, bar), black)
    canvas.drawRect(skia.Rect.MakeXYWH(0, h - bar, w, bar), black)


def _paper(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    # Paper grain: coarse noise at half resolution, stretched, laid over faintly.
    gw, gh = max(1, w // 2), max(1, h // 2)
    grain = rng.integers(0, 256, size=(gh, gw), dtype=np.uint8)
    rgba = np.empty((gh, gw, 4), dtype=np.uint8)
    rgba[:, :, 0] = rgba[:, :, 1] = rgba[:, :, 2] = grain
    rgba[:, :, 3] = 255
    img = skia.Image.fromarray(rgba)
    grain_paint = skia.Paint(Alpha=18, BlendMode=skia.BlendMode.kOverlay)
    canvas.drawImageRect(
        img, skia.Rect.MakeWH(w, h), skia.SamplingOptions(skia.FilterMode.kLinear), grain_paint
    )
    # Two strips of masking tape in opposite corners.
    unit = min(w, h)
    tape = paint((250, 244, 226), 0.75)
    for cx, cy, angle in ((unit * 0.06, unit * 0.05, -35.0), (w - unit * 0.06, h - unit * 0.05, -35.0)):
        canvas.save()
        canvas.translate(cx, cy)
        canvas.rotate(angle + float(rng.uniform(-6, 6)))
        canvas.drawRect(skia.Rect.MakeXYWH(-unit * 0.09, -unit * 0.022, unit * 0.18, unit * 0.044), tape)
        canvas.restore()


def _none(canvas: skia.Canvas, style: Style, w: int, h: int, rng: np.random.Generator) -> None:
    return None


_DECORATIONS = {
    "orbs": _orbs,
    "glow": _glow,
    "grid": _grid,
    "rules": _rules,
    "confetti": _confetti,
    "letterbox": _letterbox,
    "paper": _paper,
    "none": _none,
}
