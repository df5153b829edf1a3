"""The head: face outline, ears, neck, nose, cheeks (static) and eyes and brows (animated).

Static parts are recorded once into pictures; the animated parts keep their paths prebuilt and
only the eyelid edge is rebuilt per frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import skia

from reelwright.avatar.looks import Look
from reelwright.avatar.vector import (
    CX,
    Point,
    circle,
    darker,
    difference,
    fill,
    intersect,
    lighter,
    mirrored,
    mix,
    oval,
    smooth_open,
    stroke,
    symmetric,
    translated,
)

EYE_Y = 325.0  # eye line: halfway between the top of the skull and the chin
EYE_DX = 66.0  # eye centres sit this far either side of the axis
MOUTH_Y = 462.0
NOSE_Y = 408.0
SKULL_TOP = 92.0
HEAD_PIVOT = (CX, 560.0)  # the head tilts about the top of the neck


def skin_shade(look: Look) -> str:
    """Shadow tone for skin: darker and a little warmer, as in most flat illustration."""
    return mix(darker(look.skin, 0.14), "#8a3b2a", 0.12)


def head_path(look: Look) -> skia.Path:
    f = look.face
    c, j, ch = CX + f.cheek, CX + f.jaw, CX + f.chin
    return symmetric(
        (CX, SKULL_TOP),
        [
            ((CX + f.cheek * 0.6, SKULL_TOP), (c - 2, 140), (c - 4, 240)),
            ((c - 3, 290), (c, 300), (c, 345)),
            ((c, 390), (j + 16, f.jaw_y - 40), (j, f.jaw_y)),
            ((j - 16, f.jaw_y + 42), (ch + 34, f.chin_y - 12), (ch, f.chin_y - 5)),
            ((CX + f.chin * 0.5, f.chin_y), (CX + f.chin * 0.25, f.chin_y), (CX, f.chin_y)),
        ],
    )


def neck_path(look: Look) -> skia.Path:
    n = look.neck
    return symmetric(
        (CX, 400),
        [
            ((CX + n * 0.5, 400), (CX + n, 405), (CX + n, 430)),
            ((CX + n - 3, 500), (CX + n - 1, 560), (CX + n + 2, 610)),
            ((CX + n + 8, 660), (CX + n + 40, 700), (CX + n + 80, 730)),
            ((CX + n + 40, 760), (CX + 20, 780), (CX, 780)),
        ],
    )


def _ear(look: Look) -> tuple[skia.Path, skia.Path]:
    x = CX + look.face.cheek
    outer = skia.Path()
    outer.moveTo(x - 10, 318)
    outer.cubicTo(x + 2, 300, x + 26, 306, x + 26, 332)
    outer.cubicTo(x + 26, 360, x + 20, 385, x + 6, 405)
    outer.cubicTo(x - 2, 416, x - 12, 414, x - 14, 404)
    outer.close()
    inner = smooth_open([(x + 2, 326), (x + 14, 330), (x + 15, 356), (x + 6, 386)])
    return outer, inner


@dataclass(frozen=True)
class Eye:
    """One eye's prebuilt geometry; the lid edge is interpolated per frame for blinks."""

    inner: Point
    outer: Point
    top: tuple[Point, Point]  # control points of the upper arc (inner → outer)
    bottom: tuple[Point, Point]
    centre: Point
    shape: skia.Path

    @classmethod
    def make(cls, side: int) -> Eye:
        # side +1: the eye on the viewer's right; -1 mirrors every x about its own centre.
        ex = CX + side * EYE_DX

        def p(dx: float, dy: float) -> Point:
            return (ex + side * dx, EYE_Y + dy)

        inner, outer = p(-29, 3), p(29, -2)
        top = (p(-13, -21), p(13, -21))
        bottom = (p(-12, 13), p(14, 11))
        shape = skia.Path()
        shape.moveTo(*inner)
        shape.cubicTo(*top[0], *top[1], *outer)
        shape.cubicTo(*bottom[1], *bottom[0], *inner)
        shape.close()
        return cls(inner, outer, top, bottom, (ex, EYE_Y), shape)

    def lid_edge(self, blink: float) -> tuple[Point, Point]:
        (a, b), (c, d) = self.top, self.bottom
        return ((a[0], a[1] + (c[1] - a[1]) * blink), (b[0], b[1] + (d[1] - b[1]) * blink))


class Face:
    """Static head art as pictures plus the eyes and brows drawn each frame."""

    def __init__(self, look: Look, front_hair: skia.Path | None) -> None:
        self.look = look
        self.shade = skin_shade(look)
        self.head = head_path(look)
        self.neck = neck_path(look)
        self.eyes = (Eye.make(-1), Eye.make(1))
        self.lid_colour = darker(look.skin, 0.05)
        self.lash = mix(look.brow, "#120c0a", 0.6)
        self.brows = self._brow_path(1)
        self.brows.addPath(mirrored(self.brows))
        self._front_hair = front_hair
        self._lash_paint = stroke(self.lash, 4.2 if look.feminine else 3.2)
        self._lid_paint = fill(self.lid_colour)
        self._brow_paint = fill(look.brow)

    # -- static -----------------------------------------------------------------------------

    def draw_neck(self, canvas: skia.Canvas) -> None:
        """Neck and the chin's shadow on it (drawn with the body).

        The shadow is the face outline dropped a little, cut to the neck. It covers the whole
        neck above that line, so when the head nods the chin still meets shadow; only its lower
        edge stays put, which reads as natural."""
        canvas.drawPath(self.neck, fill(mix(self.look.skin, self.shade, 0.45)))
        shadow = intersect(translated(self.head, 0, 30), self.neck)
        canvas.drawPath(shadow, fill(darker(self.shade, 0.08)))

    def draw_base(self, canvas: skia.Canvas) -> None:
        # Clips are slow in this skia build, so every cut-out below is a precomputed path
        # intersection and shading uses opaque pre-mixed colours rather than alpha.
        look, shade = self.look, self.shade
        ear, ear_inner = _ear(look)
        for side in (ear, mirrored(ear)):
            canvas.drawPath(side, fill(look.skin))
        for side in (ear_inner, mirrored(ear_inner)):
            canvas.drawPath(side, stroke(shade, 3.5))
        canvas.drawPath(self.head, fill(look.skin))

        # Light from the upper left: a crescent of shade down the right cheek and jaw.
        rim = difference(translated(self.head, 16, 4), translated(self.head, -10, -6))
        canvas.drawPath(intersect(rim, self.head), fill(mix(look.skin, shade, 0.45)))
        if self._front_hair is not None:
            # The fringe casts a shadow on the forehead.
            cast = intersect(translated(self._front_hair, 4, 10), self.head)
            canvas.drawPath(cast, fill(mix(look.skin, shade, 0.55)))

        self._draw_cheeks(canvas)
        self._draw_nose(canvas)
        self._draw_eye_surround(canvas)
        if look.age_lines:
            self._draw_age_lines(canvas)

    def _draw_cheeks(self, canvas: skia.Canvas) -> None:
        # Soft blush from three stacked translucent ovals (gradients cost more per pixel).
        blush = mix(self.look.lips, "#ff6f6f", 0.3)
        alpha = 0.045 if self.look.feminine else 0.025
        for side in (-1, 1):
            for r in (44, 34, 24):
                canvas.drawOval(
                    skia.Rect.MakeLTRB(CX + side * 92 - r, 398 - r * 0.8, CX + side * 92 + r, 398 + r * 0.8),
                    fill(blush, alpha),
                )

    def _draw_nose(self, canvas: skia.Canvas) -> None:
        shade = self.shade
        # A soft shadow along the right side of the bridge, widening at the tip.
        side = skia.Path()
        side.moveTo(CX + 6, EYE_Y + 6)
        side.cubicTo(CX + 10, 360, CX + 22, 380, CX + 22, 398)
        side.cubicTo(CX + 20, 404, CX + 12, 404, CX + 10, 398)
        side.cubicTo(CX + 8, 380, CX + 2, 360, CX + 6, EYE_Y + 6)
        side.close()
        canvas.drawPath(side, fill(mix(self.look.skin, shade, 0.35)))
        # Under the tip: a rounded shadow with the nostril wings.
        tip = skia.Path()
        tip.moveTo(CX - 24, NOSE_Y - 6)
        tip.cubicTo(CX - 24, NOSE_Y + 4, CX - 12, NOSE_Y + 8, CX, NOSE_Y + 7)
        tip.cubicTo(CX + 12, NOSE_Y + 8, CX + 24, NOSE_Y + 4, CX + 24, NOSE_Y - 6)
        tip.cubicTo(CX + 16, NOSE_Y, CX - 16, NOSE_Y, CX - 24, NOSE_Y - 6)
        tip.close()
        canvas.drawPath(tip, fill(mix(self.look.skin, shade, 0.9)))
        canvas.drawCircle(CX - 6, NOSE_Y - 14, 6, fill(lighter(self.look.skin, 0.12)))

    def _draw_eye_surround(self, canvas: skia.Canvas) -> None:
        iris = self.look.iris
        for eye in self.eyes:
            # Upper-lid crease, a thin shade line parallel to the lash line.
            (a, b) = eye.top
            crease = skia.Path()
            ix, iy = eye.inner
            ox, oy = eye.outer
            crease.moveTo(ix + (a[0] - ix) * 0.35, iy - 9)
            crease.cubicTo(a[0], a[1] - 7, b[0], b[1] - 7, ox - (ox - b[0]) * 0.1, oy - 10)
            canvas.drawPath(crease, stroke(self.shade, 2.2, 0.7))
            canvas.drawPath(eye.shape, fill("#f8f5f2"))
            # The iris is cut to the almond outline so the lids overlap it naturally.
            ex, ey = eye.centre
            disc = circle(ex, ey - 1, 12.5)
            canvas.drawPath(intersect(disc, eye.shape), fill(darker(iris, 0.45)))
            canvas.drawPath(intersect(circle(ex, ey - 1, 11.0), eye.shape), fill(iris))
            canvas.drawPath(intersect(oval(ex, ey + 4, 8, 5), eye.shape), fill(lighter(iris, 0.25)))
            canvas.drawCircle(ex, ey - 1, 5.6, fill("#120c0a"))
            canvas.drawCircle(ex + 4.2, ey - 5.5, 3.0, fill("#ffffff", 0.95))
            canvas.drawCircle(ex - 3.5, ey + 3.5, 1.4, fill("#ffffff", 0.6))
            # Shadow of the upper lid on the eyeball: the band just under the lid line.
            c1, c2 = eye.lid_edge(0.3)
            band = skia.Path()
            band.moveTo(*eye.inner)
            band.cubicTo(*a, *b, *eye.outer)
            band.cubicTo(*c2, *c1, *eye.inner)
            band.close()
            canvas.drawPath(band, fill(darker(self.look.skin, 0.5), 0.16))
            # Lower lash line: barely there.
            low = skia.Path()
            low.moveTo(*eye.inner)
            (c, d) = eye.bottom
            low.cubicTo(*c, *d, *eye.outer)
            canvas.drawPath(low, stroke(self.shade, 1.6, 0.6))

    def _draw_age_lines(self, canvas: skia.Canvas) -> None:
        paint = stroke(self.shade, 2.4, 0.55)
        for side in (-1, 1):
            fold = smooth_open([(CX + side * 36, 412), (CX + side * 50, 440), (CX + side * 58, 476)])
            canvas.drawPath(fold, paint)
            bag = smooth_open(
                [
                    (CX + side * (EYE_DX - 18), EYE_Y + 20),
                    (CX + side * EYE_DX, EYE_Y + 24),
                    (CX + side * 92, 340),
                ]
            )
            canvas.drawPath(bag, stroke(self.shade, 1.8, 0.4))

    def _brow_path(self, side: int) -> skia.Path:
        ex = CX + side * EYE_DX
        y = EYE_Y
        w = self.look.brow_weight

        def p(dx: float, dy: float) -> Point:
            return (ex + side * dx, y + dy)

        path = skia.Path()
        path.moveTo(*p(-33, -36 + 5 * w))
        path.cubicTo(*p(-37, -36 + 2 * w), *p(-36, -38 - 5 * w), *p(-32, -38 - 5.5 * w))
        path.cubicTo(*p(-16, -44 - 5 * w), *p(-6, -48 - 4 * w), *p(8, -48 - 4 * w))
        path.cubicTo(*p(20, -48 - 3.5 * w), *p(30, -44), *p(38, -36))
        path.cubicTo(*p(28, -40 + w), *p(18, -45 + 3 * w), *p(6, -45 + 3.5 * w))
        path.cubicTo(*p(-8, -45 + 3.5 * w), *p(-20, -38 + 5 * w), *p(-33, -36 + 5 * w))
        path.close()
        return path

    # -- animated ---------------------------------------------------------------------------

    def draw_eyes(self, canvas: skia.Canvas, blink: float) -> None:
        """Lids and lash lines; ``blink`` 0 open .. 1 shut. The look's resting lid droop keeps
        the eyes relaxed rather than staring."""
        lid = self.look.lid
        b = min(1.0, max(0.0, lid + (1 - lid) * blink))
        for eye in self.eyes:
            c1, c2 = eye.lid_edge(b)
            edge = skia.Path()
            edge.moveTo(*eye.inner)
            edge.cubicTo(*c1, *c2, *eye.outer)
            if b > 0.001:
                lid_shape = skia.Path()
                lid_shape.moveTo(*eye.inner)
                lid_shape.cubicTo(*eye.top[0], *eye.top[1], *eye.outer)
                lid_shape.cubicTo(*c2, *c1, *eye.inner)
                lid_shape.close()
                canvas.drawPath(lid_shape, self._lid_paint)
            canvas.drawPath(edge, self._lash_paint)
            if self.look.feminine:
                # Outer-corner flick of the lashes.
                ox, oy = eye.outer
                side = 1 if ox > CX else -1
                flick = skia.Path()
                flick.moveTo(ox - side * 8, oy - 2 - 3 * (1 - b))
                flick.quadTo(ox + side * 2, oy - 1, ox + side * 9, oy - 8 + 4 * b)
                flick.quadTo(ox + side * 2, oy + 2, ox - side * 6, oy + 1)
                flick.close()
                canvas.drawPath(flick, fill(self.lash))

    def draw_brows(self, canvas: skia.Canvas, raise_: float) -> None:
        canvas.save()
        canvas.translate(0, -9.0 * raise_)
        canvas.drawPath(self.brows, self._brow_paint)
        canvas.restore()
