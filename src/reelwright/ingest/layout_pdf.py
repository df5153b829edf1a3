"""The document model of a PDF, from its layout: PDFium's text segments with their boxes and fonts.

Per page, PDFium reports text segments (runs of characters on one line in one style) with their
rectangles; the font size and weight of each come from its first character. Segments on the same
baseline become lines, running text is removed (:mod:`reelwright.ingest.running_text`), lines of
one style that follow each other become blocks, and sizes relative to the body text make titles
and headings. Reading order is top to bottom, then left to right, column by column where the page
has columns (:mod:`reelwright.ingest.columns`).
"""

from __future__ import annotations

import ctypes
import itertools
import re
import statistics
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from reelwright.ingest.columns import in_reading_order
from reelwright.ingest.document import Block, BlockKind, Document, Page, page_role
from reelwright.ingest.pdf import PDFIUM_LOCK, PdfError, clean_text
from reelwright.ingest.running_text import Line, find_running, is_page_number

__all__ = ["read_pdf_document"]

_BULLET = re.compile(r"^\s*(?:[•◦▪■□●○‣►▶▸➢➤✓✔·*–—-]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s+")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi|[-_]b$|cmbx|sfbx|sfsx|bx\d", re.IGNORECASE)
_MONO_NAME = re.compile(r"mono|courier|consol|menlo|inconsolata|source ?code|cmtt|typewriter", re.I)
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_FOOTNOTE_MARK = re.compile(r"\s*[∗*†‡§¶]+$")  # after a title: its footnote's mark
_TITLE_PAGE_AFFILIATION = re.compile(
    r"\b(?:institution|institute|universit\w*|department|laborator\w*|affiliation|address)\b", re.I
)
_ROMAN_HEADING = re.compile(r"^[IVX]{1,4}\.\s+[A-Z]")
_HEADING_GROWTH = 1.12
_RUN_ON = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "be",
        "as",
        "that",
        "which",
    ]
)  # a line this much larger than the body text is a heading


def _segment_style(textpage: Any, rect: tuple[float, float, float, float]) -> tuple[float, bool, bool]:
    left, bottom, right, top = rect
    mid = (bottom + top) / 2
    for x in (left + 0.5, (left + right) / 2, right - 0.5):
        index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage, x, mid, 2.0, 2.0)
        if index >= 0:
            size = float(pdfium_c.FPDFText_GetFontSize(textpage, index))
            if size < 3:
                # A font set at 1 pt and scaled by the text matrix (some TeX output): the box's
                # height stands in for the size.
                size = top - bottom
            weight = int(pdfium_c.FPDFText_GetFontWeight(textpage, index))
            name = ctypes.create_string_buffer(128)
            flags = ctypes.c_int()
            pdfium_c.FPDFText_GetFontInfo(textpage, index, name, 128, ctypes.byref(flags))
            font = name.value.decode("latin-1", "replace")
            bold = weight >= 600 or bool(_BOLD_NAME.search(font))
            return size, bold, bool(_MONO_NAME.search(font))
    return top - bottom, False, False  # no character found: the box height is the best guess


def _page_lines(page: Any) -> tuple[list[Line], float, float]:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        segments: list[Line] = []
        for i in range(textpage.count_rects()):
            rect = textpage.get_rect(i)
            text = textpage.get_text_bounded(*rect)
            if not text.strip():
                continue
            size, bold, mono = _segment_style(textpage, rect)
            left, bottom, right, top = rect
            segments.append(Line(text.strip(), left, height - top, right, height - bottom, size, bold, mono))
    finally:
        textpage.close()
    # Column by column where the page has columns (a two-column paper, a reference card).
    return in_reading_order(segments, _join_segments, 0.0, float(width)), float(width), float(height)


def _same_baseline(a: Line, b: Line) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap > 0.5 * (min(a.bottom - a.top, b.bottom - b.top) or 1.0)


def _joined(parts: list[Line]) -> str:
    """The segments' text in order. Where two boxes overlap (TeX's logo lowers its E into the next
    letters), PDFium gives the shared letters to both: they are said once, with no space between."""
    text = parts[0].text if parts else ""
    for prev, seg in itertools.pairwise(parts):
        shared = 0
        if seg.x0 < prev.x1 - 0.5:
            shared = next(
                (k for k in range(min(len(text), len(seg.text)), 0, -1) if text.endswith(seg.text[:k])), 0
            )
        # Letters only: digits in a matrix's cells overlap too, and are all meant.
        if shared and seg.text[:shared].isalpha():
            text += seg.text[shared:]
        else:
            text += " " + seg.text
    return text


def _join_segments(segments: list[Line]) -> list[Line]:
    """Segments that share a baseline become one line (a bold word inside a sentence, a superscript)."""
    # Segments sharing a baseline first, whatever their order (a word in typewriter type sits a
    # little lower than the words around it), then split where the white between two is wide.
    rows: list[list[Line]] = []
    for seg in sorted(segments, key=lambda s: (s.top, s.x0)):
        for row in rows:
            if any(_same_baseline(other, seg) for other in row):
                row.append(seg)
                break
        else:
            rows.append([seg])
    lines: list[list[Line]] = []
    for row in rows:
        row.sort(key=lambda s: s.x0)
        line = [row[0]]
        for seg in row[1:]:
            last = line[-1]
            if seg.x0 - last.x1 < 4 * max(last.size, seg.size):
                line.append(seg)
            else:
                lines.append(line)
                line = [seg]
        lines.append(line)
    out = []
    for parts in lines:
        main = max(parts, key=lambda s: len(s.text))
        # A superscript or an enumerate number in small type: a footnote mark is dropped; a leading
        # item number is kept as a bullet mark.
        kept = [
            s
            for k, s in enumerate(parts)
            if not (k > 0 and s.size < 0.8 * main.size and re.fullmatch(r"[\d*†‡,]+", s.text))
        ]
        text = _joined(kept)
        if len(kept) > 1 and kept[0].size < 0.8 * main.size and re.fullmatch(r"\d{1,2}", kept[0].text):
            text = kept[0].text + ". " + " ".join(s.text for s in kept[1:])
        chars = sum(len(s.text) for s in kept) or 1
        out.append(
            Line(
                text=re.sub(r"\s+", " ", text).strip(),
                x0=min(s.x0 for s in kept),
                top=min(s.top for s in kept),
                x1=max(s.x1 for s in kept),
                bottom=max(s.bottom for s in kept),
                size=main.size,
                bold=sum(len(s.text) for s in kept if s.bold) > chars / 2,
                mono=sum(len(s.text) for s in kept if s.mono) > chars / 2,
            )
        )
    out.sort(key=lambda ln: (round(ln.top / 2), ln.x0))
    return out


def _body_size(pages: list[list[Line]]) -> float:
    # Code is not the body: on a cheat sheet the code in a small fixed-pitch font can outnumber
    # the prose, which would then all read as headings.
    prose = any(not line.mono for lines in pages for line in lines)
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            if prose and line.mono:
                continue
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _without_uniform_bold(pages: list[list[Line]], body: float) -> list[list[Line]]:
    """Bold means nothing where the body text itself reads as bold (a font whose weight PDFium
    cannot tell reports every line bold): then no line is bold, or all of it would be headings."""
    chars = bold = 0
    for lines in pages:
        for ln in lines:
            if abs(ln.size - body) < 0.6:
                chars += len(ln.text)
                bold += len(ln.text) if ln.bold else 0
    if not chars or bold <= 0.5 * chars:
        return pages
    return [[replace(ln, bold=False) for ln in lines] for lines in pages]


def _is_deck(widths: list[float], heights: list[float], pages: list[list[Line]]) -> bool:
    landscape = sum(w > 1.15 * h for w, h in zip(widths, heights, strict=True)) > len(widths) / 2
    words = [sum(len(ln.text.split()) for ln in lines) for lines in pages]
    return landscape and (statistics.median(words) if words else 0) < 160


def _heading_level(line: Line, sizes: list[float]) -> int:
    numbered = _NUMBERED_HEADING.match(line.text)
    if numbered:
        return min(3, numbered.group(1).count(".") + 1)
    for level, size in enumerate(sizes, start=1):
        if line.size >= size - 0.25:
            return min(level, 3)
    return min(len(sizes) + 1, 3)


def _looks_like_heading(line: Line, body: float, deck: bool) -> bool:
    words = len(line.text.split())
    if words == 0 or words > 16 or line.text.endswith((",", ";")):
        return False
    if not any(c.isalpha() for c in line.text):
        return False
    if line.size >= body * _HEADING_GROWTH:
        return True
    if _ROMAN_HEADING.match(line.text) and line.text.upper() == line.text:
        return True  # "II. MATH AND EQUATIONS": a physics paper's section in body-sized capitals
    # Bold body-sized lines: "1.2. What is this spec?", or a capitalised short line that does not
    # run on into the next ("update-mime-database is passed the" is code in a sentence).
    if deck or not line.bold or words > 10 or line.text.endswith("."):
        return False
    last = line.text.split()[-1].lower()
    return bool(_NUMBERED_HEADING.match(line.text)) or (line.text[0].isupper() and last not in _RUN_ON)


def _blocks(
    lines: list[Line], width: float, height: float, body: float, deck: bool, sizes: list[float]
) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []
    kind: BlockKind = "paragraph"

    def flush() -> None:
        nonlocal current
        if not current:
            return
        raw = "\n".join(ln.text for ln in current)
        text = clean_text(raw).replace("\n", " ")
        level = 0
        if kind == "bullet":
            text = _BULLET.sub("", text, count=1)
            level = 1
        elif kind == "heading":
            level = _heading_level(current[0], sizes)
        blocks.append(
            Block(
                kind=kind,
                text=text.strip(),
                level=level,
                box=(
                    round(min(ln.x0 for ln in current) / width, 4),
                    round(min(ln.top for ln in current) / height, 4),
                    round(max(ln.x1 for ln in current) / width, 4),
                    round(max(ln.bottom for ln in current) / height, 4),
                ),
                size=round(current[0].size, 2),
                bold=current[0].bold,
            )
        )
        current = []

    previous: Line | None = None
    for line in lines:
        this: BlockKind = (
            "heading"
            if _looks_like_heading(line, body, deck)
            else "bullet"
            if _BULLET.match(line.text)
            else "paragraph"
        )
        gap = line.top - previous.bottom if previous else 0.0
        same_style = (
            previous is not None and abs(line.size - previous.size) < 0.6 and line.bold == previous.bold
        )
        continues = (
            previous is not None
            and current
            and same_style
            and gap < 0.9 * line.size
            and (
                (kind == "paragraph" and this == "paragraph")
                # A bullet's wrapped lines are indented past its mark.
                or (kind == "bullet" and this == "paragraph" and line.x0 > current[0].x0 + 1)
                or (kind == "heading" and this == "heading" and not _NUMBERED_HEADING.match(line.text))
            )
        )
        # On slides, each line not ending its sentence is usually its own item.
        if (
            continues
            and deck
            and kind == "paragraph"
            and previous is not None
            and previous.text.endswith((".", ":"))
        ):
            continues = False
        if not continues:
            flush()
            kind = this
        current.append(line)
        previous = line
    flush()
    return blocks


def read_pdf_document(path: str | Path) -> Document:
    """The document model of a PDF. Raises PdfError as :mod:`reelwright.ingest.pdf` does."""
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except (OSError, pdfium.PdfiumError) as exc:
            raise PdfError("PDF cannot be read") from exc
        try:
            raw_pages: list[list[Line]] = []
            widths: list[float] = []
            heights: list[float] = []
            for index in range(len(doc)):
                page = doc[index]
                try:
                    lines, width, height = _page_lines(page)
                except pdfium.PdfiumError as exc:
                    raise PdfError(f"PDF is damaged or truncated (page {index + 1} cannot be read)") from exc
                finally:
                    page.close()
                raw_pages.append(lines)
                widths.append(width)
                heights.append(height)
        finally:
            doc.close()
    return build_document(raw_pages, widths, heights)


def build_document(raw_pages: list[list[Line]], widths: list[float], heights: list[float]) -> Document:
    """The model from each page's laid-out lines (separate from PDFium, so it can be tested alone)."""
    deck = _is_deck(widths, heights, raw_pages)
    body = _body_size(raw_pages)
    raw_pages = _without_uniform_bold(raw_pages, body)
    running = find_running(raw_pages, heights, body_size=body, deck=deck)
    removed: list[str] = []
    pages_lines: list[list[Line]] = []
    for p, lines in enumerate(raw_pages):
        pages_lines.append([ln for i, ln in enumerate(lines) if i not in running[p]])
        for i in sorted(running[p]):
            if lines[i].text not in removed:
                removed.append(lines[i].text)
    # The body size again without the running text, and the heading sizes above it, largest first.
    body = _body_size(pages_lines) if any(pages_lines) else body
    big = Counter(
        round(ln.size * 2) / 2
        for lines in pages_lines
        for ln in lines
        if ln.size >= body * _HEADING_GROWTH and len(ln.text.split()) <= 16
    )
    title = _title(pages_lines[0] if pages_lines else [], body)
    # Type as large as the first page's on later pages makes it a heading like theirs, not a title
    # (a deck whose every slide has the same big heading): it names the document, but is said.
    title_is_heading = bool(title) and any(
        ln.size >= max(x.size for x in pages_lines[0]) - 0.5 for lines in pages_lines[1:] for ln in lines
    )
    if title and big and not title_is_heading:
        # The title's size is not a heading level.
        title_size = max(big)
        if not any(round(ln.size * 2) / 2 == title_size for lines in pages_lines[1:] for ln in lines):
            del big[title_size]
    sizes = sorted(big, reverse=True)[:3]
    pages: list[Page] = []
    appendix_started = False
    for p, lines in enumerate(pages_lines):
        blocks = _blocks(lines, widths[p], heights[p], body, deck, sizes)
        if p == 0 and title and not title_is_heading:
            blocks = _mark_title(blocks, title)
        heading = next((b.text for b in blocks if b.kind == "heading"), None)
        if deck and heading is None and blocks and blocks[0].kind == "paragraph":
            # A frame title in body-sized bold at the top of a slide.
            first = blocks[0]
            if first.box[1] < 0.3 and len(first.text.split()) <= 14:
                heading = first.text
                blocks[0] = Block("heading", first.text, 1, first.box, first.size, first.bold)
        # An appendix named only in running text (Beamer shows it in the headline) still counts.
        raw_names = [ln.text for ln in raw_pages[p]]
        role = page_role(heading, appendix_started=appendix_started)
        if role != "appendix" and any(
            re.fullmatch(r"(?i)appendix|appendices|anhang", t.strip()) for t in raw_names
        ):
            role = "appendix"
        appendix_started = appendix_started or role == "appendix"
        if p == 0 and title and not title_is_heading and role == "content":
            role = "title"
        text = "\n".join(ln.text for ln in lines)
        words = sum(len(b.text.split()) for b in blocks)
        if words == 0:
            role = "empty"
        pages.append(Page(p + 1, widths[p], heights[p], role, heading, blocks, text, words))
    return Document("deck" if deck else "document", title, pages, removed, body)


def _title(lines: list[Line], body: float) -> str | None:
    """The largest type on the first page (when it is larger than the body), as one line."""
    candidates = [ln for ln in lines if any(c.isalpha() for c in ln.text) and not is_page_number(ln.text)]
    if not candidates:
        return None
    largest = max(ln.size for ln in candidates)
    if largest < body * 1.15:
        return None
    parts = [ln.text for ln in candidates if ln.size >= largest - 0.5]
    title = clean_text("\n".join(parts[:3])).replace("\n", " ").strip()
    title = _FOOTNOTE_MARK.sub("", title)
    if _NUMBERED_HEADING.match(title):
        return None  # "1 Introduction": an excerpt that starts at a section, not a title
    return title if 1 <= len(title.split()) <= 20 else None


def _mark_title(blocks: list[Block], title: str) -> list[Block]:
    """The title block, and the short lines after it (authors, dates, venues) as bylines."""
    out: list[Block] = []
    body_started = False
    titled = _title_block(blocks, title)
    # A heading set like three or more others on the page is a section's, not an author's line
    # ("Transparency", the first of a handout's dozen tips, right under its title).
    # (Unnumbered ones: a spec's author is set like its numbered "1.1. Version" headings.)
    styles = Counter(
        (round(b.size, 1), b.bold)
        for b in titled
        if b.kind == "heading" and not _NUMBERED_HEADING.match(b.text)
    )
    for b in titled:
        numbered = b.kind == "heading" and (
            _NUMBERED_HEADING.match(b.text) or styles[(round(b.size, 1), b.bold)] >= 3
        )
        # Authors' institutions and addresses under the title run long but are bylines all the same.
        affiliation = len(b.text.split()) <= 30 and _TITLE_PAGE_AFFILIATION.search(b.text)
        too_long = len(b.text.split()) > 10 and not affiliation
        if b.kind in ("title", "bullet") or body_started or numbered or too_long:
            body_started = body_started or (b.kind != "title")
            out.append(b)
        elif any(x.kind == "title" for x in out):
            out.append(Block("byline", b.text, 0, b.box, b.size, b.bold))
        else:
            out.append(b)
    return out


def _title_block(blocks: list[Block], title: str) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        b = replace(b, text=_FOOTNOTE_MARK.sub("", b.text)) if b.kind == "heading" else b
        if (
            b.kind == "heading"
            and (b.text == title or b.text in title)
            and not any(x.kind == "title" for x in out)
        ):
            out.append(Block("title", b.text if b.text == title else title, 0, b.box, b.size, b.bold))
        elif b.kind == "heading" and b.text in title and any(x.kind == "title" for x in out):
            continue  # the title's second line, already in the title block
        else:
            out.append(b)
    return out
