"""Small drawing helpers shared by the presenter parts: colours, paints and path builders.

Every part is drawn in a 1000 x 1000 "design space" (origin top left, y down) so the art is
independent of the output size; the renderer scales the canvas once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import skia

Point = tuple[float, float]
# A cubic segment: two control points and the end point (the start is the previous end).
Cubic = tuple[Point, Point, Point]

CX = 500.0  # the vertical axis of symmetry of the bust


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(r: float, g: float, b: float) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(max(0, min(255, round(v))) for v in (r, g, b)))


def mix(a: str, b: str, t: float) -> str:
    """Blend two ``#rrggbb`` colours; ``t=0`` is ``a``, ``t=1`` is ``b``."""
    ra, ga, ba = _rgb(a)
    rb, gb, bb = _rgb(b)
    return _hex(ra + (rb - ra) * t, ga + (gb - ga) * t, ba + (bb - ba) * t)


def darker(c: str, t: float) -> str:
    return mix(c, "#000000", t)


def lighter(c: str, t: float) -> str:
    return mix(c, "#ffffff", t)


def colour(c: str, alpha: float = 1.0) -> int:
    """A skia ARGB int from ``#rrggbb`` and an opacity."""
    r, g, b = _rgb(c)
    return int(skia.ColorSetARGB(round(alpha * 255), r, g, b))


def fill(c: str, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(AntiAlias=True, Color=colour(c, alpha), Style=skia.Paint.kFill_Style)


def stroke(c: str, width: float, alpha: float = 1.0) -> skia.Paint:
    return skia.Paint(
        AntiAlias=True,
        Color=colour(c, alpha),
        Style=skia.Paint.kStroke_Style,
        StrokeWidth=width,
        StrokeCap=skia.Paint.kRound_Cap,
        StrokeJoin=skia.Paint.kRound_Join,
    )


def linear(p0: Point, p1: Point, colours: Sequence[str], alphas: Sequence[float] | None = None) -> skia.Paint:
    """A fill paint with a linear gradient from ``p0`` to ``p1``."""
    alphas = alphas or [1.0] * len(colours)
    shader = skia.GradientShader.MakeLinear(
        [skia.Point(*p0), skia.Point(*p1)], [colour(c, a) for c, a in zip(colours, alphas, strict=True)]
    )
    return skia.Paint(AntiAlias=True, Shader=shader)


def radial(centre: Point, r: float, c: str, alpha: float) -> skia.Paint:
    """A soft round glow (blush, shine) that fades to transparent at radius ``r``."""
    shader = skia.GradientShader.MakeRadial(skia.Point(*centre), r, [colour(c, alpha), colour(c, 0.0)])
    return skia.Paint(AntiAlias=True, Shader=shader)


def mirror_x(p: Point) -> Point:
    return (2 * CX - p[0], p[1])


def symmetric(top: Point, right: Sequence[Cubic]) -> skia.Path:
    """A closed path symmetric about ``CX``: ``top`` (on the axis), the right-hand cubics down to
    a point on the axis, then the same cubics mirrored back up. Faces, necks and torsos are all
    symmetric, so describing half of them keeps the shape data short and the halves matched."""
    path = skia.Path()
    path.moveTo(*top)
    for c1, c2, end in right:
        path.cubicTo(*c1, *c2, *end)
    # Walk the mirrored half backwards: each segment's controls swap order and its end becomes
    # the previous segment's end.
    starts = [top] + [seg[2] for seg in right[:-1]]
    for (c1, c2, _end), start in zip(reversed(right), reversed(starts), strict=True):
        path.cubicTo(*mirror_x(c2), *mirror_x(c1), *mirror_x(start))
    path.close()
    return path


def cubic_points(p0: Point, c1: Point, c2: Point, p1: Point, n: int) -> list[Point]:
    """``n + 1`` points along a cubic Bézier, for shapes that need offsets along the curve."""
    pts: list[Point] = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        pts.append(
            (
                a * p0[0] + b * c1[0] + c * c2[0] + d * p1[0],
                a * p0[1] + b * c1[1] + c * c2[1] + d * p1[1],
            )
        )
    return pts


def polyline(points: Iterable[Point], path: skia.Path | None = None, *, move: bool = True) -> skia.Path:
    """Append points to ``path`` (a new one by default) as line segments."""
    path = path if path is not None else skia.Path()
    it = iter(points)
    first = next(it)
    if move:
        path.moveTo(*first)
    else:
        path.lineTo(*first)
    for p in it:
        path.lineTo(*p)
    return path


def blob(points: Sequence[Point], tension: float = 1.0) -> skia.Path:
    """A smooth closed curve through ``points`` (Catmull-Rom converted to cubics). Handy for
    organic shapes such as hair locks, where hand-placing control points is tedious."""
    path = skia.Path()
    n = len(points)
    path.moveTo(*points[0])
    for i in range(n):
        p0, p1, p2, p3 = points[i - 1], points[i], points[(i + 1) % n], points[(i + 2) % n]
        k = tension / 6
        c1 = (p1[0] + (p2[0] - p0[0]) * k, p1[1] + (p2[1] - p0[1]) * k)
        c2 = (p2[0] - (p3[0] - p1[0]) * k, p2[1] - (p3[1] - p1[1]) * k)
        path.cubicTo(*c1, *c2, *p2)
    path.close()
    return path


def smooth_open(points: Sequence[Point], tension: float = 1.0) -> skia.Path:
    """A smooth open curve through ``points`` (for strokes: hair strands, creases)."""
    path = skia.Path()
    path.moveTo(*points[0])
    n = len(points)
    for i in range(n - 1):
        p0 = points[max(i - 1, 0)]
        p1, p2 = points[i], points[i + 1]
        p3 = points[min(i + 2, n - 1)]
        k = tension / 6
        c1 = (p1[0] + (p2[0] - p0[0]) * k, p1[1] + (p2[1] - p0[1]) * k)
        c2 = (p2[0] - (p3[0] - p1[0]) * k, p2[1] - (p3[1] - p1[1]) * k)
        path.cubicTo(*c1, *c2, *p2)
    return path


def mirrored(path: skia.Path) -> skia.Path:
    """The path reflected about the bust's axis."""
    out = skia.Path(path)
    out.transform(skia.Matrix.MakeAll(-1, 0, 2 * CX, 0, 1, 0, 0, 0, 1))
    return out


def union(*paths: skia.Path) -> skia.Path:
    out = skia.Path(paths[0])
    for p in paths[1:]:
        out = skia.Op(out, p, skia.PathOp.kUnion_PathOp)
    return out


def difference(a: skia.Path, b: skia.Path) -> skia.Path:
    return skia.Op(a, b, skia.PathOp.kDifference_PathOp)


def intersect(a: skia.Path, b: skia.Path) -> skia.Path:
    return skia.Op(a, b, skia.PathOp.kIntersect_PathOp)


def translated(path: skia.Path, dx: float, dy: float) -> skia.Path:
    out = skia.Path(path)
    out.offset(dx, dy)
    return out


def circle(cx: float, cy: float, r: float) -> skia.Path:
    p = skia.Path()
    p.addCircle(cx, cy, r)
    return p


def oval(cx: float, cy: float, rx: float, ry: float) -> skia.Path:
    p = skia.Path()
    p.addOval(skia.Rect.MakeLTRB(cx - rx, cy - ry, cx + rx, cy + ry))
    return p


def record(width: float, height: float, draw: Callable[[skia.Canvas], None]) -> skia.Picture:
    """Record drawing commands once so each frame can replay them without rebuilding paths."""
    recorder = skia.PictureRecorder()
    canvas = recorder.beginRecording(skia.Rect.MakeWH(width, height))
    draw(canvas)
    return recorder.finishRecordingAsPicture()


def arc_points(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int) -> list[Point]:
    """Points on an elliptical arc from angle ``a0`` to ``a1`` (degrees, 0 = +x, 90 = down)."""
    return [
        (
            cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
            cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
        )
        for i in range(n + 1)
    ]
