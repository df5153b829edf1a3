"""What is on screen while a PDF's slide or section is said: the part of the page that helps.

* A deck's slide is shown large: cropped to its content (the model's blocks, running text already
  removed, and its drawings), so the navigation bar, footline and margins go and the slide fills
  the space beside the presenter.
* A document's page (a spec, a manual, a report) is too dense to read in a video frame. Its section
  becomes a slide designed in the style: the heading and the 2-5 points being said, with the page
  itself as a small reference card.
* A figure or table on a document's page is cropped out and shown on its own, slowly zooming.

The points are the sentences the scene says, shortened, so the screen follows the narration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reelwright.ingest.document import Block, Document, Page
from reelwright.ingest.regions import (
    Box,
    PageGraphics,
    content_box,
    content_graphics,
    figure_boxes,
    graphic_boxes,
    pad_box,
)
from reelwright.storyboard import BulletSlide, PageReference, PdfPage, Visual

# A document page with at least this many words cannot be read whole in a 1080p frame.
TEXT_HEAVY_WORDS = 90
FIGURE_SHOW_AREA = 0.08  # a figure covering this share of its page is shown alone
FIGURE_ZOOM = 1.08
MAX_POINTS = 5
MIN_POINTS = 2
POINT_WORDS = 14  # a point on screen is a short line, not the sentence read out
SECTIONS_ON_A_SHEET = 6  # a page with this many headings is a handout, a flyer or a cheat sheet


def pdf_visual(
    doc: Document, source: str, number: int, heading: str | None, title: str, said: Sequence[str] = ()
) -> Visual:
    """The visual for page ``number`` of a PDF read into ``doc``, while ``said`` is narrated."""
    page = next((p for p in doc.pages if p.number == number), None)
    if page is None:
        return PdfPage(source=source, page=number, heading=heading)
    graphics = graphic_boxes(source).get(number)
    if doc.kind == "deck":
        return PdfPage(source=source, page=number, heading=heading, crop=content_box(page, graphics))
    section = _section_box(page, heading, graphics)
    if section is not None:
        # A handout or flyer: many short sections on one page. The one being said is shown alone.
        return PdfPage(source=source, page=number, heading=heading, crop=pad_box(section), zoom=FIGURE_ZOOM)
    figures = [f for f in figure_boxes(page, graphics) if _area(f) >= FIGURE_SHOW_AREA]
    if figures:
        crop = pad_box(figures[0])
        return PdfPage(source=source, page=number, heading=heading, crop=crop, zoom=FIGURE_ZOOM)
    shown = (heading or page.heading or title)[:200]
    points = key_points(said, shown, page)
    if page.words >= TEXT_HEAVY_WORDS and len(points) >= MIN_POINTS:
        return BulletSlide(heading=shown, bullets=points, reference=PageReference(source=source, page=number))
    return PdfPage(source=source, page=number, heading=heading, crop=content_box(page, graphics))


def key_points(said: Sequence[str], heading: str, page: Page) -> list[str]:
    """Up to five short points: the sentences said (the heading said as a lead is not a point),
    then, when they are too few, the first sentences of the page's paragraphs and its bullets."""
    out: list[str] = []
    label = _norm(heading)
    extra = [
        b.text if b.kind == "bullet" else re.split(r"(?<=[.!?])\s+", b.text)[0]
        for b in _section_blocks(page, heading)
        if b.kind in ("bullet", "paragraph")
    ]
    for sentence in [*said, *extra]:
        point = shorten(sentence)
        lead = re.match(re.escape(heading.rstrip(".:")) + r"\s*[:–—-]\s*(\S.*)", point, re.I)
        if lead:  # "ASN.1 structure handling: INTEGER, …" under that heading says "INTEGER, …"
            point = lead.group(1)[:1].upper() + lead.group(1)[1:]
        if not point or _norm(point) == label or any(_same(point, p) for p in out):
            continue
        if (
            len(point.split()) < 3
            or sum(c.isalpha() for c in point) < 0.6 * len(point)
            or _CODE.search(point)
        ):
            continue  # code, numbers and fragments are not points
        out.append(point)
        if len(out) == MAX_POINTS:
            break
    return out


def _section_blocks(page: Page, heading: str) -> list[Block]:
    """The blocks under ``heading`` on the page, up to the next heading; the whole page when the
    heading is not on it. A one-page handout's twelve tips share a page: the points shown while
    one is said are that tip's, not its neighbours'."""
    label = _norm(heading)
    start = next(
        (k for k, b in enumerate(page.blocks) if b.kind == "heading" and _norm(b.text) == label), None
    )
    if start is None:
        return page.blocks
    level = page.blocks[start].level
    out: list[Block] = []
    for b in page.blocks[start + 1 :]:
        if b.kind == "heading" and b.level <= level:
            break
        out.append(b)
    return out


def _section_box(page: Page, heading: str | None, graphics: PageGraphics | None) -> Box | None:
    """Where the section under ``heading`` is printed, its drawings included, on a page of at least
    ``SECTIONS_ON_A_SHEET`` headings; None elsewhere, or when the section is most of the page."""
    headings = [b for b in page.blocks if b.kind == "heading"]
    if heading is None or len(headings) < SECTIONS_ON_A_SHEET:
        return None
    label = _norm(heading)
    start = next((b for b in headings if _norm(b.text) == label), None)
    if start is None:
        return None
    boxes = [start.box, *(b.box for b in _section_blocks(page, heading))]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    tx0, tx1, text_bottom = x0, x1, y1  # drawings join the text, not each other (no chain)
    # The next section down the same column ends this one.
    below = [h.box[1] for h in headings if h.box[1] > start.box[3] and h.box[0] < tx1 and h.box[2] > tx0]
    floor = min(below, default=1.0) - 0.005
    for g in content_graphics(graphics) if graphics is not None else []:
        # A plot, a code panel or a table's rules beside or under the section's text, in its column.
        across = g[0] < tx1 and g[2] > tx0 and g[0] >= tx0 - 0.15 and g[2] <= tx1 + 0.15
        if (
            across
            and y0 - 0.02 <= g[1] < text_bottom + 0.02
            and g[3] <= min(text_bottom + 0.2, floor + 0.005)
        ):
            x0, x1, y1 = min(x0, g[0]), max(x1, g[2]), max(y1, g[3])
    y1 = min(y1, floor) if floor > y0 else y1
    box = (x0, y0, x1, y1)
    return box if _area(box) < 0.3 else None


def shorten(sentence: str, words: int = POINT_WORDS) -> str:
    """A sentence as a line on a slide: its first clause when that says enough, else its first
    ``words`` words; no closing full stop."""
    # Citation marks ("[MIME]", "[12]") are for the page's reader, not a slide's.
    text = re.sub(r"\s*\[[\w.,;: -]{1,20}\]", "", sentence)
    text = re.sub(r"\s+", " ", text).strip().rstrip(".")
    if len(text.split()) <= words:
        return text[:240]
    for clause in re.split(r"(?<=[,;:])\s+|\s+[–—]\s+|\s+\(", text):
        clause = clause.rstrip(",;:")
        if 5 <= len(clause.split()) <= words:
            return clause[:240]
        break  # only the first clause can stand alone
    cut = " ".join(text.split()[:words]).rstrip(",;:")
    return (cut + "…")[:240]


# Grammar and code on a page ("DEFINITIONS <EXPLICIT or IMPLICIT> TAGS ::=", "f(x);") read as noise.
_CODE = re.compile(r"::=?|[<>{}=;|\\]|\w\(\)")


def _same(a: str, b: str) -> bool:
    """The same point: equal, or one sentence shortened two ways (their first six words agree)."""
    wa, wb = _norm(a).split(), _norm(b).split()
    n = min(len(wa), len(wb), 6)
    return wa == wb or (n >= 4 and wa[:n] == wb[:n])


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])
