"""Where a page's content is: the box around what it says and shows, and its figures and tables.

The document model knows each page's text blocks with their boxes, running text (headers, footers,
Beamer's navigation bars and footlines) already removed. What it does not hold is the drawing: the
pictures, the diagrams drawn with paths, the rules of a table. Those come from PDFium's page objects
(:func:`graphic_boxes`, run in a bounded child like every other parse of a user's PDF); this module
then keeps the ones that are content, not decoration, and frames the page with them:

* :func:`content_box` is the union of the page's blocks and content graphics, padded a little: a
  slide cropped to it loses its navigation bar, footline and margins, and fills the frame;
* :func:`figure_boxes` groups content graphics into figures and tables large enough to show alone.

Boxes are ``(x0, top, x1, bottom)`` as shares of the page's width and height, origin at the top
left, like :class:`reelwright.ingest.document.Block`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reelwright.ingest.document import Page

Box = tuple[float, float, float, float]

# Graphics in the top and bottom bands (centre within) are headers, footers and navigation: the
# running text's own band (see running_text.REPEAT_EDGE), less a little so a figure near the edge stays.
EDGE_BAND = 0.12
BACKGROUND_SHARE = 0.5  # a drawing covering half the page or more is a background
FIGURE_MIN_AREA = 0.04  # a figure worth showing alone covers at least this share of the page...
FIGURE_MIN_SIDE = 0.12  # ...and is at least this wide and tall
MERGE_GAP = 0.02  # drawings this close belong to one figure
PAD = 0.025  # air around the crop, as a share of the page
MAX_OBJECTS = 4000  # per page: a pathological page is framed from its text alone


@dataclass(frozen=True)
class PageGraphics:
    """A page's drawn objects (images, paths, shadings) by kind, as page-share boxes."""

    images: tuple[Box, ...] = ()
    paths: tuple[Box, ...] = ()


def read_graphics(path: str, max_pages: int = 300) -> dict[int, PageGraphics]:
    """Every page's graphics, by 1-based page number. Call it bounded (see :func:`graphic_boxes`)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from reelwright.ingest.pdf import PDFIUM_LOCK

    out: dict[int, PageGraphics] = {}
    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(path)
        try:
            for index in range(min(len(doc), max_pages)):
                page = doc[index]
                try:
                    width, height = page.get_size()
                    images: list[Box] = []
                    paths: list[Box] = []
                    for n, obj in enumerate(page.get_objects(max_depth=3)):
                        if n >= MAX_OBJECTS:
                            break
                        if obj.type not in (
                            pdfium_c.FPDF_PAGEOBJ_IMAGE,
                            pdfium_c.FPDF_PAGEOBJ_PATH,
                            pdfium_c.FPDF_PAGEOBJ_SHADING,
                        ):
                            continue
                        left, bottom, right, top = obj.get_bounds()
                        box = _clip((left / width, 1 - top / height, right / width, 1 - bottom / height))
                        (images if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE else paths).append(box)
                    out[index + 1] = PageGraphics(tuple(images), tuple(paths))
                finally:
                    page.close()
        finally:
            doc.close()
    return out


@lru_cache(maxsize=16)
def _graphics_cached(path: str, mtime: float) -> dict[int, PageGraphics]:
    from reelwright.ingest.sandbox import SandboxTripped, run_bounded

    try:
        return run_bounded(read_graphics, path)
    except (SandboxTripped, Exception):  # a page we cannot read is framed by its text alone
        return {}


def graphic_boxes(path: str | Path) -> dict[int, PageGraphics]:
    """:func:`read_graphics` in a bounded child, once per file; empty when it cannot be read."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        return {}
    return _graphics_cached(str(p), mtime)


def _clip(box: Box) -> Box:
    x0, y0, x1, y1 = box
    return (max(0.0, min(x0, x1)), max(0.0, min(y0, y1)), min(1.0, max(x0, x1)), min(1.0, max(y0, y1)))


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _near(a: Box, b: Box, gap: float) -> bool:
    return a[0] - gap <= b[2] and b[0] - gap <= a[2] and a[1] - gap <= b[3] and b[1] - gap <= a[3]


def content_graphics(graphics: PageGraphics) -> list[Box]:
    """The drawings that are content: not the page's background, not a bar or rule across the
    page's width (headlines, footlines), not something in the top or bottom band (navigation
    symbols, logos, a footer's rule)."""
    kept = []
    for box in (*graphics.images, *graphics.paths):
        w, h = box[2] - box[0], box[3] - box[1]
        centre = (box[1] + box[3]) / 2
        if _area(box) >= BACKGROUND_SHARE:
            continue
        if w > 0.85 and h < 0.12:
            continue  # a bar or rule from edge to edge
        if centre < EDGE_BAND or centre > 1 - EDGE_BAND:
            continue
        if w <= 0 and h <= 0:
            continue
        kept.append(box)
    return kept


def _clusters(boxes: Sequence[Box], gap: float = MERGE_GAP) -> list[Box]:
    """Boxes merged while any two are within ``gap`` of each other."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        out: list[Box] = []
        for box in merged:
            for i, other in enumerate(out):
                if _near(box, other, gap):
                    out[i] = _union([box, other])
                    changed = True
                    break
            else:
                out.append(box)
        merged = out
    return merged


def _tables(boxes: list[Box]) -> list[Box]:
    """Horizontal rules of the same width, one above another (a booktabs table's top, middle and
    bottom rules), joined into the table's box: apart, each is too thin to be a figure."""
    rules: dict[tuple[float, float], list[Box]] = {}
    others = []
    for b in boxes:
        if b[3] - b[1] < 0.006 and b[2] - b[0] > 0.15:
            rules.setdefault((round(b[0], 2), round(b[2], 2)), []).append(b)
        else:
            others.append(b)
    for group in rules.values():
        group.sort(key=lambda b: b[1])
        if len(group) >= 2 and group[-1][1] - group[0][1] < 0.5:
            others.append(_union(group))
        else:
            others += group
    return others


def figure_boxes(page: Page, graphics: PageGraphics | None) -> list[Box]:
    """The page's figures and tables: groups of content drawings big enough to be shown alone,
    largest first. A caption set just below or above ("Figure 2: …", "Table 1") joins its figure."""
    if graphics is None:
        return []
    figures = []
    for box in _clusters(_tables(content_graphics(graphics))):
        w, h = box[2] - box[0], box[3] - box[1]
        # Half the side for the height: a table of a few rows is wide and short.
        if _area(box) < FIGURE_MIN_AREA or w < FIGURE_MIN_SIDE or h < FIGURE_MIN_SIDE / 2:
            continue
        if _area(box) > 0.8:
            continue  # a frame around the whole page, not a figure
        parts = [box]
        for b in page.blocks:
            # Text inside the drawing (labels, a table's cells) and its caption belong to it.
            inside = b.box[0] >= box[0] - MERGE_GAP and b.box[2] <= box[2] + MERGE_GAP
            below = 0 <= b.box[1] - box[3] < 0.05 or 0 <= box[1] - b.box[3] < 0.05
            overlaps = _near(b.box, box, 0.0)
            if inside and (overlaps or (below and b.text.lower().startswith(("figure", "fig.", "table")))):
                parts.append(b.box)
        figures.append(_union(parts))
    return sorted(figures, key=_area, reverse=True)


def content_box(page: Page, graphics: PageGraphics | None, *, pad: float = PAD) -> Box | None:
    """The box around the page's text blocks (running text is not among them) and content
    drawings, padded; ``None`` when the page has nothing to frame or it would crop nothing away."""
    parts: list[Box] = [b.box for b in page.blocks if b.text.strip()]
    if graphics is not None:
        parts += content_graphics(graphics)
    if not parts:
        return None
    x0, y0, x1, y1 = _union(parts)
    box = _clip((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    if graphics is not None:
        box = _off_bars(box, (y0, y1), page, graphics)
    if _area(box) > 0.92:
        return None  # nothing worth cutting away: the page is shown whole
    return tuple(round(v, 4) for v in box)  # type: ignore[return-value]


def _off_bars(box: Box, inside: tuple[float, float], page: Page, graphics: PageGraphics) -> Box:
    """The crop's top and bottom moved off the bars they would cut through: a bar with text in it
    (a Beamer frame title's band) is taken whole, an empty one (a navigation bar's rule, the
    footline) is left out, so no sliver of a header shows at the crop's edge."""
    bars = [
        b
        for b in (*graphics.paths, *graphics.images)
        if b[2] - b[0] > 0.85 and b[3] - b[1] < 0.12 and _area(b) < BACKGROUND_SHARE
    ]

    def has_text(bar: Box) -> bool:
        return any(bar[1] <= (b.box[1] + b.box[3]) / 2 <= bar[3] for b in page.blocks)

    x0, top, x1, bottom = box
    for _ in range(4):  # a few passes: moving off one bar can land inside the next
        moved = False
        for bar in bars:
            if bar[1] < top < bar[3]:
                top = bar[1] if has_text(bar) else bar[3]
                moved = True
            if bar[1] < bottom < bar[3]:
                bottom = bar[3] if has_text(bar) else bar[1]
                moved = True
            # An empty bar in the padding between the crop's edge and the content (a headline's
            # rule): the crop starts below it (ends above it), so no sliver of the header shows.
            if not has_text(bar) and top <= bar[1] and bar[3] <= inside[0] and bar[3] > top:
                top, moved = bar[3], True
            if not has_text(bar) and bar[3] <= bottom and bar[1] >= inside[1] and bar[1] < bottom:
                bottom, moved = bar[1], True
        if not moved:
            break
    return (x0, top, x1, bottom) if bottom - top > 0.05 else box


def pad_box(box: Box, pad: float = PAD) -> Box:
    x0, y0, x1, y1 = box
    return tuple(round(v, 4) for v in _clip((x0 - pad, y0 - pad, x1 + pad, y1 + pad)))  # type: ignore[return-value]
