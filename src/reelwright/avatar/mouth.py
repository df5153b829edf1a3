"""The animated mouth: one parametric shape that every viseme is a setting of.

A viseme fixes the mouth's width, roundness, lip thickness and which teeth show; loudness
(``openness``) then scales how far the lips part. Using one parametric model (instead of ten
drawings) means any openness between 0 and 1 is a valid in-between shape, so the mouth never
pops between frames of the same viseme.

Coordinates are local to the mouth centre, in design units (the bust is 1000 wide).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Final

import skia

from reelwright.avatar.looks import Look
from reelwright.avatar.vector import Point, cubic_points, darker, fill, lighter, mix, polyline, stroke
from reelwright.voice.visemes import VISEMES


@dataclass(frozen=True)
class MouthShape:
    width: float = 1.0  # multiplier on the look's mouth half-width
    up: float = 0.0  # how far the upper lip lifts off the centre line at full openness
    down: float = 0.0  # how far the lower lip drops at full openness
    roundness: float = 0.5  # 0: lens shape with sharp corners .. 1: round "O"
    lips: float = 1.0  # lip thickness multiplier (pressed < 1 < pushed forward)
    lift: float = -2.5  # corner height; negative is up (a slight, friendly smile)
    upper_teeth: float = 0.0  # visible height of the upper teeth
    lower_teeth: float = 0.0
    tongue: float = 0.0  # 0..1 how much of the tongue shows
    tuck: float = 0.0  # fv: lower lip drawn up under the upper teeth


SHAPES: Final[dict[str, MouthShape]] = {
    "rest": MouthShape(),
    "mbp": MouthShape(width=0.94, lips=0.72, lift=-1.0),
    "fv": MouthShape(width=0.98, up=6, down=5, roundness=0.35, upper_teeth=14, tuck=1.0, lift=-2.0),
    "th": MouthShape(width=0.98, up=9, down=13, roundness=0.45, upper_teeth=7, lower_teeth=5, tongue=1.0),
    "ee": MouthShape(width=1.2, up=8, down=13, roundness=0.12, upper_teeth=9, lower_teeth=6, lift=-4.0),
    "ah": MouthShape(width=1.0, up=14, down=34, roundness=0.6, upper_teeth=8, tongue=1.0, lift=-1.0),
    "oh": MouthShape(
        width=0.74, up=16, down=28, roundness=0.95, lips=1.15, upper_teeth=5, tongue=0.6, lift=0
    ),
    "oo": MouthShape(width=0.56, up=8, down=10, roundness=1.0, lips=1.3, lift=0.0),
    "ch": MouthShape(
        width=0.84, up=7, down=9, roundness=0.55, lips=1.15, upper_teeth=8, lower_teeth=8, lift=-1
    ),
    "er": MouthShape(
        width=0.86, up=10, down=18, roundness=0.7, lips=1.05, upper_teeth=6, tongue=0.5, lift=-1
    ),
}
assert set(SHAPES) == set(VISEMES)

_N = 14  # samples per lip edge: smooth at 720 px, cheap enough to rebuild every frame


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def shape_for(viseme: str, openness: float) -> MouthShape:
    """The viseme's shape at a given openness; ``openness == 0`` always gives closed lips."""
    target = SHAPES.get(viseme, SHAPES["rest"])
    rest = SHAPES["rest"]
    o = min(max(openness, 0.0), 1.0)
    # The shape (width, roundness) is reached quickly so that even quiet syllables read; the
    # opening grows with loudness.
    s = min(1.0, o * 3.0)
    g = o**0.8
    return replace(
        target,
        width=_lerp(rest.width, target.width, s),
        roundness=_lerp(rest.roundness, target.roundness, s),
        lips=_lerp(rest.lips, target.lips, s),
        lift=_lerp(rest.lift, target.lift, s),
        up=target.up * g,
        down=target.down * g,
        upper_teeth=target.upper_teeth * min(1.0, g * 1.5),
        lower_teeth=target.lower_teeth * min(1.0, g * 1.5),
        tongue=target.tongue * s,
        tuck=target.tuck * s,
    )


@dataclass(frozen=True)
class MouthStyle:
    half_width: float
    upper: float  # lip thicknesses at the middle
    lower: float
    upper_colour: str
    lower_colour: str
    line: str
    inside: str
    teeth: str
    tongue: str
    shadow: str

    @classmethod
    def for_look(cls, look: Look, skin_shade: str) -> MouthStyle:
        lips = look.lips
        return cls(
            half_width=43.0 if look.feminine else 45.0,
            upper=11.0 if look.feminine else 8.5,
            lower=15.0 if look.feminine else 12.0,
            upper_colour=darker(lips, 0.12),
            lower_colour=lips,
            line=darker(mix(lips, "#3a1010", 0.5), 0.35),
            inside="#4b1d22",
            teeth="#fbf8f3",
            tongue="#c9575d",
            shadow=skin_shade,
        )


def _edge(w: float, y_mid: float, lift: float, roundness: float) -> list[Point]:
    """One lip edge from the left corner to the right corner through ``(0, y_mid)``."""
    # Control points directly above/below the corners give vertical tangents (a round "O");
    # pulled towards the middle they give sharp corners (a wide "ee").
    yc = (8 * y_mid - 2 * lift) / 6
    cx = w * roundness
    return cubic_points((-w, lift), (-cx, yc), (cx, yc), (w, lift), _N)


def _offset(edge: list[Point], thick: list[float], outward: float) -> list[Point]:
    """Offset each point along the edge's normal; ``outward`` is -1 for up, +1 for down."""
    out: list[Point] = []
    n = len(edge)
    for i, (x, y) in enumerate(edge):
        x0, y0 = edge[max(i - 1, 0)]
        x1, y1 = edge[min(i + 1, n - 1)]
        tx, ty = x1 - x0, y1 - y0
        norm = math.hypot(tx, ty) or 1.0
        # (−ty, tx) is the downward normal for an edge drawn left to right.
        nx, ny = -ty / norm * outward, tx / norm * outward
        out.append((x + nx * thick[i], y + ny * thick[i]))
    return out


def _thickness(mid: float, corner: float, bow: float) -> list[float]:
    vals: list[float] = []
    for i in range(_N + 1):
        s = 2 * i / _N - 1
        t = corner + (mid - corner) * math.sqrt(max(0.0, 1 - s * s))
        # Cupid's bow: a dip in the middle of the upper lip with a small peak either side.
        t *= 1 - bow * math.exp(-((s / 0.14) ** 2)) + bow * 0.6 * math.exp(-(((abs(s) - 0.3) / 0.15) ** 2))
        vals.append(t)
    return vals


def _band(xs: list[float], top: list[float], bottom: list[float]) -> skia.Path:
    """A closed shape between two curves sampled at the same x positions."""
    path = polyline(zip(xs, top, strict=True))
    polyline(zip(reversed(xs), reversed(bottom), strict=True), path, move=False)
    path.close()
    return path


def _draw_inside(
    canvas: skia.Canvas, style: MouthStyle, shape: MouthShape, w: float, up: list[Point], down: list[Point]
) -> None:
    """Teeth and tongue, built as bands between the lip edges instead of clipping (clips are
    slow in skia's raster backend). Both lip edges are cubics with the same x control points,
    so their samples share x positions and each band is a simple column-wise clamp."""
    xs = [p[0] for p in up]
    y_up = [p[1] for p in up]
    y_dn = [p[1] for p in down]

    def clamp(v: float, lo: float, hi: float) -> float:
        return max(lo, min(hi, v))

    if shape.tongue > 0:
        cy, rx = shape.lift + shape.down - 2, w * 0.62
        top = [
            clamp(
                cy - 12 * shape.tongue * math.sqrt(max(0.0, 1 - (x / rx) ** 2)) if abs(x) < rx else 1e3, a, b
            )
            for x, a, b in zip(xs, y_up, y_dn, strict=True)
        ]
        canvas.drawPath(_band(xs, top, y_dn), fill(style.tongue))
    if shape.upper_teeth > 0:
        edge = shape.lift - shape.up + shape.upper_teeth
        bottom = [clamp(edge, a, b) for a, b in zip(y_up, y_dn, strict=True)]
        canvas.drawPath(_band(xs, y_up, bottom), fill(style.teeth))
    if shape.lower_teeth > 0:
        edge = shape.lift + shape.down - shape.lower_teeth
        # Lower teeth are narrower than the mouth: outside 80 % of the width the band is empty.
        top = [clamp(edge, a, b) if abs(x) < w * 0.8 else b for x, a, b in zip(xs, y_up, y_dn, strict=True)]
        canvas.drawPath(_band(xs, top, y_dn), fill(darker(style.teeth, 0.06)))


def draw_mouth(canvas: skia.Canvas, style: MouthStyle, shape: MouthShape) -> None:
    """Draw the lips, teeth and tongue centred on the canvas origin."""
    w = style.half_width * shape.width
    lift = shape.lift
    inner_up = _edge(w, -shape.up, lift, shape.roundness)
    # fv: the lower lip rides up under the upper teeth, so its inner edge rises.
    inner_down = _edge(w, shape.down - shape.tuck * 3, lift, shape.roundness)
    corner = shape.roundness * 0.5
    up_t = style.upper * shape.lips
    low_t = style.lower * shape.lips * (1 - 0.25 * shape.tuck)
    outer_up = _offset(inner_up, _thickness(up_t, up_t * corner, 0.28), -1)
    outer_down = _offset(inner_down, _thickness(low_t, low_t * corner, 0.0), 1)

    # Soft shadow below the lower lip gives the lip volume without outlines.
    shadow = _offset(inner_down, _thickness(low_t + 5, 0, 0.0), 1)[3:-3]
    canvas.drawPath(polyline(shadow), stroke(style.shadow, 4.0, 0.35))

    # Both lips as one silhouette in the lower-lip colour, then the upper lip over it.
    lips = polyline(outer_up)
    polyline(reversed(outer_down), lips, move=False)
    lips.close()
    canvas.drawPath(lips, fill(style.lower_colour))
    upper = polyline(outer_up)
    polyline(reversed(inner_up), upper, move=False)
    upper.close()
    canvas.drawPath(upper, fill(style.upper_colour))

    opening = shape.up + shape.down
    if opening > 0.6:
        inside = polyline(inner_up)
        polyline(reversed(inner_down), inside, move=False)
        inside.close()
        canvas.drawPath(inside, fill(style.inside))
        _draw_inside(canvas, style, shape, w, inner_up, inner_down)
        canvas.drawPath(polyline(inner_down), stroke(style.line, 1.2, 0.5))
    canvas.drawPath(polyline(inner_up), stroke(style.line, 2.0 if opening < 3 else 1.4))

    # A small highlight on the lower lip reads as "glossy, rounded" in flat illustration style.
    hy = lift + shape.down + low_t * 0.45
    canvas.drawOval(
        skia.Rect.MakeLTRB(-w * 0.28, hy - 2.2, w * 0.22, hy + 2.2),
        fill(lighter(style.lower_colour, 0.6), 0.35),
    )
