"""Text that fits: wrap words into a box, shrinking the size until nothing overflows.

Words are never cut: if one word alone is wider than the box even at the smallest size, the
size keeps shrinking (down to a hard floor) rather than clipping it.
"""

from __future__ import annotations

from dataclasses import dataclass

import skia

from reelwright.styles.fonts import Family, Weight, font


@dataclass(frozen=True)
class FittedText:
    lines: list[str]
    size: float
    line_height: float
    font: skia.Font

    @property
    def height(self) -> float:
        return self.line_height * len(self.lines)

    def width(self) -> float:
        return max((self.font.measureText(line) for line in self.lines), default=0.0)


def wrap(text: str, fnt: skia.Font, max_width: float) -> list[str] | None:
    """Greedy word wrap; ``None`` when a single word does not fit on a line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            if fnt.measureText(word) > max_width:
                return None
            candidate = f"{current} {word}" if current else word
            if fnt.measureText(candidate) <= max_width:
                current = candidate
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return lines


def balance(text: str, fnt: skia.Font, max_width: float, lines: list[str]) -> list[str]:
    """The same number of lines, as even in length as possible: no lone word on the last line.

    Searches the narrowest width that still wraps into as many lines as the greedy wrap did.
    """
    if len(lines) < 2 or "\n" in text:
        return lines
    lo, hi = max_width * 0.4, max_width
    best = lines
    for _ in range(10):
        mid = (lo + hi) / 2
        trial = wrap(text, fnt, mid)
        if trial is not None and len(trial) <= len(lines):
            best, hi = trial, mid
        else:
            lo = mid
    return best


def fit_text(
    text: str,
    family: Family,
    weight: Weight,
    *,
    max_width: float,
    max_height: float,
    max_size: float,
    min_size: float,
    max_lines: int = 8,
    line_spacing: float = 1.18,
) -> FittedText:
    """The largest size (stepping down 4 %) at which ``text`` fits the box."""
    size = max_size
    floor = min(min_size, 10.0)
    while True:
        fnt = font(family, weight, size)
        lines = wrap(text, fnt, max_width)
        line_height = size * line_spacing
        if lines is not None and len(lines) <= max_lines and line_height * len(lines) <= max_height:
            return FittedText(balance(text, fnt, max_width, lines), size, line_height, fnt)
        if size <= floor:
            # Still too big at the floor: the caller gave far too much text. Keep whole words,
            # drop trailing lines and mark the cut, rather than draw outside the box.
            lines = lines or [text]
            keep = max(1, min(max_lines, int(max_height // line_height)))
            if len(lines) > keep:
                lines = [*lines[: keep - 1], lines[keep - 1].rstrip(".,;:") + "…"]
            return FittedText(lines, size, line_height, fnt)
        size = max(floor, size * 0.96)


def draw_lines(
    canvas: skia.Canvas,
    fitted: FittedText,
    x: float,
    y_top: float,
    paint: skia.Paint,
    *,
    align: str = "left",
    box_width: float = 0.0,
) -> float:
    """Draw the lines with their tops starting at ``y_top``; returns the y below the last line."""
    metrics = fitted.font.getMetrics()
    ascent = -metrics.fAscent
    # Centre the glyphs inside each line box, so a block's top and bottom are even.
    glyph_h = ascent + metrics.fDescent
    pad = (fitted.line_height - glyph_h) / 2
    y = y_top
    for line in fitted.lines:
        lx = x
        if align != "left":
            w = fitted.font.measureText(line)
            lx = x + (box_width - w) / 2 if align == "center" else x + box_width - w
        canvas.drawString(line, lx, y + pad + ascent, fitted.font, paint)
        y += fitted.line_height
    return y
