"""Hair (and the hijab, which takes the hair's place): a layer behind the head and one in front.

Each style is a pair of shapes: ``behind`` is drawn before the neck and body (the back of the
hair, a bun, long hair falling behind the shoulders), ``front`` after the face (the cap of hair
over the skull and the fringe). The front shape also casts the forehead shadow, so it is
returned as a path as well as drawn.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import skia

from reelwright.avatar.looks import Look
from reelwright.avatar.vector import (
    CX,
    Point,
    blob,
    darker,
    difference,
    fill,
    lighter,
    mirrored,
    mix,
    smooth_open,
    stroke,
    symmetric,
)


@dataclass
class Hair:
    front: skia.Path | None  # the shape over the forehead (for the fringe shadow)
    draw_behind: Callable[[skia.Canvas], None]
    draw_front: Callable[[skia.Canvas], None]


def _pts(*xy: tuple[float, float]) -> list[Point]:
    """Points given relative to the axis (x offsets from ``CX``)."""
    return [(CX + x, y) for x, y in xy]


def _strands(canvas: skia.Canvas, colour: str, lines: list[list[Point]], width: float, alpha: float) -> None:
    paint = stroke(colour, width, alpha)
    for line in lines:
        canvas.drawPath(smooth_open(line), paint)


def _colours(look: Look) -> tuple[str, str, str]:
    base = look.hair
    return base, darker(base, 0.28), look.hair_light or lighter(base, 0.22)


def _long(look: Look) -> Hair:
    base, shade, light = _colours(look)
    back = symmetric(
        (CX, 60),
        [
            ((CX + 100, 60), (CX + 165, 95), (CX + 180, 170)),
            ((CX + 192, 240), (CX + 184, 330), (CX + 190, 430)),
            ((CX + 196, 540), (CX + 214, 620), (CX + 226, 700)),
            ((CX + 200, 716), (CX + 160, 716), (CX + 128, 704)),
            ((CX + 96, 640), (CX + 80, 600), (CX + 40, 590)),
            ((CX + 20, 588), (CX + 10, 588), (CX, 588)),
        ],
    )
    front = blob(
        _pts(
            (-158, 452), (-176, 360), (-172, 250), (-140, 140), (-70, 78), (20, 62), (110, 80),
            (165, 150), (182, 260), (176, 370), (160, 452), (148, 400), (146, 300), (134, 214),
            (96, 162), (46, 140), (0, 168), (-58, 210), (-110, 250), (-136, 300), (-146, 400),
        ),
        tension=0.9,
    )  # fmt: skip

    def behind(canvas: skia.Canvas) -> None:
        canvas.drawPath(back, fill(shade))
        # Inner shadow where the hair falls behind the neck.
        canvas.drawPath(
            symmetric(
                (CX, 300),
                [((CX + 80, 300), (CX + 150, 420), (CX + 130, 700)), ((CX + 60, 700), (CX, 640), (CX, 600))],
            ),
            fill(darker(shade, 0.25)),
        )

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        _strands(
            canvas,
            light,
            [
                _pts((40, 80), (-20, 110), (-80, 170), (-118, 240)),
                _pts((60, 92), (0, 140), (-40, 180)),
                _pts((90, 100), (140, 160), (160, 260), (164, 360)),
            ],
            4.0,
            0.5,
        )
        _strands(canvas, shade, [_pts((48, 70), (46, 100), (44, 138))], 3.0, 0.8)
        _strands(canvas, shade, [_pts((-150, 300), (-160, 380), (-158, 440))], 3.0, 0.5)

    return Hair(front, behind, draw_front)


def _crop(look: Look) -> Hair:
    base, _shade, light = _colours(look)
    front = blob(
        _pts(
            (-146, 318), (-156, 250), (-150, 160), (-110, 100), (-40, 74), (40, 74), (110, 100),
            (150, 160), (156, 250), (146, 318), (138, 250), (126, 204), (70, 184), (0, 178),
            (-70, 184), (-126, 204), (-138, 250),
        ),
        tension=0.8,
    )  # fmt: skip
    # A soft sheen across the crown; the sides stay plain like a fade.
    gloss = smooth_open(_pts((-100, 120), (-40, 96), (30, 94), (90, 110)))

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        canvas.drawPath(gloss, stroke(mix(base, light, 0.6), 14, 0.35))
        canvas.drawPath(gloss, stroke(mix(base, light, 0.9), 4, 0.3))

    def behind(canvas: skia.Canvas) -> None:
        return None

    return Hair(front, behind, draw_front)


def _bun(look: Look) -> Hair:
    base, shade, light = _colours(look)
    bun = blob(_pts((-66, 80), (-54, 40), (0, 26), (54, 40), (66, 80), (30, 108), (-30, 108)))
    back = blob(
        _pts((-166, 300), (-170, 200), (-130, 110), (0, 70), (130, 110), (170, 200), (166, 300), (0, 330))
    )
    front = blob(
        _pts(
            (-150, 296), (-166, 220), (-146, 136), (-84, 84), (0, 70), (84, 84), (146, 136),
            (166, 220), (150, 296), (140, 250), (124, 204), (76, 176), (20, 168), (-40, 172),
            (-98, 184), (-130, 216), (-142, 256),
        ),
        tension=0.85,
    )  # fmt: skip

    def behind(canvas: skia.Canvas) -> None:
        canvas.drawPath(back, fill(shade))
        canvas.drawPath(bun, fill(base))
        _strands(
            canvas, light, [_pts((-40, 48), (0, 36), (40, 50)), _pts((-52, 72), (0, 54), (50, 74))], 3.5, 0.6
        )
        _strands(canvas, shade, [_pts((-56, 92), (0, 104), (56, 92))], 4, 0.8)

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        # Hair combed back towards the bun.
        _strands(
            canvas,
            light,
            [
                _pts((20, 170), (30, 120), (20, 78)),
                _pts((-40, 174), (-50, 120), (-30, 80)),
                _pts((90, 190), (110, 130), (70, 90)),
                _pts((-110, 196), (-120, 140), (-80, 96)),
            ],
            3.5,
            0.55,
        )
        _strands(canvas, shade, [_pts((22, 168), (26, 120), (14, 76))], 2.5, 0.6)
        # A loose strand at the temple softens the pulled-back look.
        _strands(canvas, base, [_pts((-132, 220), (-146, 276), (-140, 330), (-148, 372))], 4.5, 1.0)

    return Hair(front, behind, draw_front)


def _side_part(look: Look) -> Hair:
    base, shade, light = _colours(look)
    front = blob(
        _pts(
            (-148, 316), (-162, 230), (-150, 130), (-96, 70), (-10, 48), (90, 56), (156, 108),
            (174, 200), (150, 316), (142, 250), (130, 212), (90, 186), (20, 170), (-50, 160),
            (-100, 166), (-134, 204), (-142, 250),
        ),
        tension=0.85,
    )  # fmt: skip

    def behind(canvas: skia.Canvas) -> None:
        canvas.drawPath(
            blob(_pts((-152, 300), (-160, 200), (0, 90), (160, 200), (152, 300), (0, 330))), fill(shade)
        )

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        _strands(canvas, shade, [_pts((-78, 64), (-86, 110), (-92, 160))], 3.0, 0.9)
        _strands(
            canvas,
            light,
            [
                _pts((-70, 80), (10, 70), (90, 90), (140, 150)),
                _pts((-70, 110), (20, 100), (110, 130), (150, 190)),
                _pts((-60, 146), (30, 140), (100, 160)),
            ],
            4.0,
            0.35,
        )

    return Hair(front, behind, draw_front)


def _curly(look: Look) -> Hair:
    base, _shade, light = _colours(look)
    rng = random.Random(7)  # fixed seed: the same curls every run

    def cloud(
        cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, r: float, n: int
    ) -> skia.Path:
        """An ellipse with a scalloped rim of overlapping curls between angles a0 and a1."""
        path = skia.Path()
        path.addOval(skia.Rect.MakeLTRB(cx - rx, cy - ry, cx + rx, cy + ry))
        for i in range(n):
            a = math.radians(a0 + (a1 - a0) * i / (n - 1))
            path.addCircle(cx + rx * math.cos(a), cy + ry * math.sin(a), r * rng.uniform(0.85, 1.15))
        return skia.Op(path, path, skia.PathOp.kUnion_PathOp)

    back = cloud(CX, 226, 178, 146, 150, 390, 34, 20)
    # The crown and a curly hairline; its rim runs along the forehead and down the temples.
    front = cloud(CX, 130, 166, 72, -10, 190, 26, 15)
    # A lighter cloud across the crown catches the light.
    sheen = cloud(CX - 30, 108, 90, 30, 200, 340, 20, 5)

    # Texture: a few short curl strokes, each a single quadratic (every curve segment costs
    # render time, so the curls are suggested rather than drawn one by one).
    def flicks(
        region: skia.Path, count: int, x_range: tuple[float, float], y_range: tuple[float, float]
    ) -> skia.Path:
        path = skia.Path()
        placed = 0
        while placed < count:
            x, y = rng.uniform(*x_range), rng.uniform(*y_range)
            r = rng.uniform(9, 13)
            if region.contains(x - r, y) and region.contains(x + r, y) and region.contains(x, y + r):
                path.moveTo(x - r, y)
                path.quadTo(x, y + r * 1.3, x + r, y)
                placed += 1
        return path

    front_flicks = flicks(front, 16, (CX - 150, CX + 150), (70, 210))
    side_flicks = flicks(back, 8, (CX + 150, CX + 200), (200, 330))
    side_flicks.addPath(mirrored(side_flicks))

    def behind(canvas: skia.Canvas) -> None:
        canvas.drawPath(back, fill(darker(base, 0.1)))
        canvas.drawPath(side_flicks, stroke(darker(base, 0.3), 2.6, 0.5))

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        canvas.drawPath(sheen, fill(mix(base, light, 0.6)))
        canvas.drawPath(front_flicks, stroke(darker(base, 0.22), 2.6, 0.55))

    return Hair(front, behind, draw_front)


def _hijab(look: Look) -> Hair:
    scarf = look.headscarf or "#3e7771"
    outer = symmetric(
        (CX, 50),
        [
            ((CX + 110, 50), (CX + 190, 110), (CX + 196, 250)),
            ((CX + 200, 380), (CX + 190, 470), (CX + 160, 560)),
            ((CX + 120, 640), (CX + 60, 660), (CX, 660)),
        ],
    )
    opening = symmetric(
        (CX, 176),
        [
            ((CX + 70, 172), (CX + 126, 196), (CX + 136, 280)),
            ((CX + 142, 360), (CX + 132, 440), (CX + 100, 500)),
            ((CX + 74, 550), (CX + 40, 570), (CX, 572)),
        ],
    )
    wrap = difference(outer, opening)
    fold = smooth_open(_pts((150, 130), (176, 260), (170, 400), (130, 520)))
    fold2 = smooth_open(_pts((-120, 90), (-40, 68), (60, 70)))

    def behind(canvas: skia.Canvas) -> None:
        # The inside of the scarf, in shade: shows round the jaw when the head turns.
        canvas.drawPath(outer, fill(darker(scarf, 0.3)))

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(wrap, fill(scarf))
        # An under-cap edge frames the face, as most hijab styles show.
        canvas.drawPath(opening, stroke(lighter(scarf, 0.1), 7))
        canvas.drawPath(fold, stroke(darker(scarf, 0.22), 5, 0.8))
        canvas.drawPath(mirrored(fold), stroke(darker(scarf, 0.22), 5, 0.5))
        canvas.drawPath(fold2, stroke(lighter(scarf, 0.2), 5, 0.6))

    return Hair(wrap, behind, draw_front)


def _bob(look: Look) -> Hair:
    """A chin-length bob with a side-swept fringe; the sides cover the ears."""
    base, shade, light = _colours(look)
    back = blob(
        _pts((-190, 520), (-196, 380), (-186, 220), (-130, 100), (0, 70), (130, 100), (186, 220),
             (196, 380), (190, 520), (0, 560)),
        tension=0.9,
    )  # fmt: skip
    front = blob(
        _pts(
            (-184, 526), (-192, 400), (-188, 262), (-162, 150), (-100, 84), (0, 62), (100, 82),
            (162, 148), (190, 262), (192, 400), (184, 526), (160, 534), (150, 440), (148, 330),
            (140, 246), (112, 204), (50, 194), (-20, 186), (-84, 176), (-128, 196), (-146, 250),
            (-150, 340), (-154, 440), (-162, 534),
        ),
        tension=0.85,
    )  # fmt: skip

    def behind(canvas: skia.Canvas) -> None:
        canvas.drawPath(back, fill(shade))

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        _strands(
            canvas,
            light,
            [
                _pts((-120, 110), (-40, 84), (60, 92), (130, 140)),
                _pts((150, 200), (172, 300), (172, 420)),
                _pts((-150, 220), (-170, 330), (-168, 450)),
            ],
            4.5,
            0.45,
        )
        # The fringe's swept edge and the line where the ends turn under.
        _strands(canvas, shade, [_pts((-60, 100), (20, 150), (90, 192))], 3.0, 0.7)
        _strands(canvas, shade, [_pts((-178, 512), (-168, 524)), _pts((178, 512), (168, 524))], 4.0, 0.8)

    return Hair(front, behind, draw_front)


def _receding(look: Look) -> Hair:
    """Short hair with a high hairline and recessed temples, as many older men wear it."""
    base, _shade, light = _colours(look)
    front = blob(
        _pts(
            (-146, 318), (-158, 250), (-152, 160), (-112, 104), (-40, 80), (40, 80), (112, 104),
            (152, 160), (158, 250), (146, 318), (140, 250), (130, 186), (104, 150), (56, 140),
            (0, 132), (-56, 140), (-104, 150), (-130, 186), (-140, 250),
        ),
        tension=0.8,
    )  # fmt: skip
    gloss = smooth_open(_pts((-96, 128), (-40, 104), (30, 102), (92, 118)))

    def draw_front(canvas: skia.Canvas) -> None:
        canvas.drawPath(front, fill(base))
        canvas.drawPath(gloss, stroke(mix(base, light, 0.7), 12, 0.4))
        canvas.drawPath(smooth_open(_pts((-140, 200), (-148, 260), (-142, 310))), stroke(light, 3, 0.5))

    def behind(canvas: skia.Canvas) -> None:
        return None

    return Hair(front, behind, draw_front)


_STYLES: dict[str, Callable[[Look], Hair]] = {
    "long": _long,
    "crop": _crop,
    "bun": _bun,
    "side_part": _side_part,
    "curly": _curly,
    "hijab": _hijab,
    "bob": _bob,
    "receding": _receding,
}


_DESIGN_CHEEK = 150.0  # the hair shapes are drawn for a face this wide


def make_hair(look: Look) -> Hair:
    """The look's hair, stretched sideways to fit its face width."""
    hair = _STYLES[look.hair_style](look)
    k = look.face.cheek / _DESIGN_CHEEK
    matrix = skia.Matrix.MakeAll(k, 0, CX * (1 - k), 0, 1, 0, 0, 0, 1)

    def fit(draw: Callable[[skia.Canvas], None]) -> Callable[[skia.Canvas], None]:
        def drawn(canvas: skia.Canvas) -> None:
            canvas.save()
            canvas.concat(matrix)
            draw(canvas)
            canvas.restore()

        return drawn

    front = None
    if hair.front is not None:
        front = skia.Path(hair.front)
        front.transform(matrix)
    return Hair(front, fit(hair.draw_behind), fit(hair.draw_front))


def hijab_drape(look: Look) -> skia.Path:
    """The part of the hijab that covers the neck, chest and tops of the shoulders (drawn with
    the body, so it breathes with the shoulders)."""
    del look
    return symmetric(
        (CX, 470),
        [
            ((CX + 130, 470), (CX + 190, 540), (CX + 210, 640)),
            ((CX + 250, 680), (CX + 280, 720), (CX + 270, 770)),
            ((CX + 230, 830), (CX + 120, 860), (CX, 862)),
        ],
    )
