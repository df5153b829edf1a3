"""Reading order across columns: a two-column paper is read column by column, not line by line.

PDFium reports text segments in drawing order with their boxes; sorting them top to bottom reads
the left column's first line, then the right column's first line, and joins the two when they
share a baseline. Here a page's segments are split at a gutter (a vertical strip of white that
lines on both sides run beside), each side is read on its own (recursively, so three or four
columns of a reference card work too), and elements that span the gutter (the title, the
abstract, a wide figure or table) stay where they are between the column runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reelwright.ingest.running_text import Line

__all__ = ["find_gutter", "in_reading_order"]

_MIN_GUTTER = 6.0  # points of white between the columns
_MIN_SIDE_BY_SIDE = 3  # lines of each column that share a baseline with one of the other
_MAX_SPANNING = 0.4  # share of the text that may cross the gutter (titles, abstracts, wide figures)
_MAX_DEPTH = 3


def _chars(segments: Sequence[Line]) -> int:
    return sum(len(s.text) for s in segments)


def _beside(a: Line, b: Line) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def find_gutter(segments: Sequence[Line], lo: float, hi: float) -> float | None:
    """The x of a gutter between ``lo`` and ``hi``, or None when the text there is one column."""
    total = _chars(segments)
    if len(segments) < 2 * _MIN_SIDE_BY_SIDE or total < 200:
        return None
    best: tuple[int, float, float] | None = None  # (crossing chars, -gap, x)
    x = lo + 0.25 * (hi - lo)
    while x <= lo + 0.75 * (hi - lo):
        crossing = _chars([s for s in segments if s.x0 < x - 1 and s.x1 > x + 1])
        left = [s for s in segments if s.x1 <= x + 1]
        right = [s for s in segments if s.x0 >= x - 1]
        if left and right:
            gap = min(s.x0 for s in right) - max(s.x1 for s in left)
            key = (crossing, -gap, x)
            if gap >= _MIN_GUTTER and (best is None or key < best):
                best = key
        x += 2.0
    if best is None:
        return None
    crossing, neg_gap, x = best
    left = [s for s in segments if s.x1 <= x + 1]
    right = [s for s in segments if s.x0 >= x - 1]
    if crossing > _MAX_SPANNING * total or min(_chars(left), _chars(right)) < 0.15 * total:
        return None
    # Columns run beside each other: several lines of each side share a baseline with the other's.
    side_by_side = sum(1 for a in left if any(_beside(a, b) for b in right))
    if side_by_side < _MIN_SIDE_BY_SIDE:
        return None
    # The middle of the white strip, so neither column's ragged edge decides where it is.
    return max(s.x1 for s in left) + (-neg_gap) / 2


def in_reading_order(
    segments: Sequence[Line],
    join: Callable[[list[Line]], list[Line]],
    lo: float,
    hi: float,
    depth: int = 0,
) -> list[Line]:
    """The page's lines (``join`` makes lines of segments, top to bottom) in reading order."""
    gutter = find_gutter(segments, lo, hi) if depth < _MAX_DEPTH else None
    if gutter is None:
        return join(list(segments))
    spanning = [s for s in segments if s.x0 < gutter - 1 and s.x1 > gutter + 1]
    # A segment on the baseline of a spanning one belongs to that line (a bold word in a wide
    # caption), not to a column.
    left = [s for s in segments if s.x1 <= gutter + 1 and not any(_beside(s, f) for f in spanning)]
    right = [
        s
        for s in segments
        if s.x0 >= gutter - 1 and s.x1 > gutter + 1 and not any(_beside(s, f) for f in spanning)
    ]
    placed = {id(s) for s in left} | {id(s) for s in right}
    spanning = [s for s in segments if id(s) not in placed]
    wide = sorted(join(spanning), key=lambda ln: ln.top)
    left_lines = in_reading_order(left, join, lo, gutter, depth + 1)
    right_lines = in_reading_order(right, join, gutter, hi, depth + 1)
    out: list[Line] = []
    done: set[int] = set()

    def run_until(limit: float) -> None:
        for column in (left_lines, right_lines):
            for ln in column:
                if id(ln) not in done and ln.top < limit:
                    out.append(ln)
                    done.add(id(ln))

    # Between two wide elements, the left column's run is read before the right one's.
    for line in wide:
        run_until(line.top)
        out.append(line)
    run_until(float("inf"))
    return out
