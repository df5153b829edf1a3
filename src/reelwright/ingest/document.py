"""A document as a reader sees it: pages of titled, positioned text blocks, without running text.

Built from a file's layout (see :mod:`reelwright.ingest.layout_pdf`), not its flat text, so the
planners can tell a heading from a footer and a slide deck from a report. Plain data only (str,
int, float, lists and tuples): it pickles for a sandboxed inspection child and round-trips through
JSON with :func:`document_to_dict` and :func:`document_from_dict`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["title", "byline", "heading", "bullet", "paragraph"]
PageRole = Literal["title", "content", "outline", "closing", "appendix", "references", "empty"]
DocumentKind = Literal["deck", "document"]


@dataclass
class Block:
    kind: BlockKind
    text: str  # one line of prose: line breaks and end-of-line hyphenation joined, bullet mark removed
    level: int = 0  # headings: 1 is the top level; bullets: nesting depth from 1
    # x0, top, x1, bottom as fractions of the page's width and height, origin at the top left.
    box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    size: float = 0.0  # font size in points
    bold: bool = False


@dataclass
class Page:
    number: int  # 1-based
    width: float  # points
    height: float
    role: PageRole = "content"
    heading: str | None = None  # the slide's title or the first heading on the page
    blocks: list[Block] = field(default_factory=list)
    text: str = ""  # the page's lines in reading order, running text removed
    words: int = 0
    # What the speaker says over the slide (PowerPoint's notes): preferred to the slide's own text
    # when narrating, since the slide's text is on screen anyway.
    notes: str = ""
    figures: list[str] = field(default_factory=list)  # the pictures on the page, by description or name


@dataclass
class Document:
    kind: DocumentKind
    title: str | None
    pages: list[Page] = field(default_factory=list)
    running: list[str] = field(default_factory=list)  # removed lines: headers, footers, page numbers
    body_size: float = 0.0

    def content_pages(self, *, appendix: bool = False) -> list[Page]:
        """Pages worth narrating: not outlines, thank-you or reference pages; appendix if asked."""
        wanted = {"content", "title"} | ({"appendix"} if appendix else set())
        return [p for p in self.pages if p.role in wanted]


@dataclass
class Section:
    """A heading and what it says up to the next heading of the same or a higher level."""

    heading: str | None
    level: int
    page: int  # where it starts
    blocks: list[Block] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)


def sections(doc: Document, *, appendix: bool = False, max_level: int = 1) -> list[Section]:
    """The document's sections down to ``max_level`` headings, in reading order.

    Text before the first heading forms a section without a heading (the abstract, a preface).
    Lower-level headings stay inside their section as blocks.
    """
    out: list[Section] = []
    current: Section | None = None
    for page in doc.content_pages(appendix=appendix):
        for block in page.blocks:
            if block.kind in ("title", "byline"):
                continue
            if block.kind == "heading" and block.level <= max_level:
                current = Section(block.text, block.level, page.number, pages=[page.number])
                out.append(current)
                continue
            if current is None:
                current = Section(None, 0, page.number, pages=[page.number])
                out.append(current)
            if page.number not in current.pages:
                current.pages.append(page.number)
            current.blocks.append(block)
    return out


def document_to_dict(doc: Document) -> dict[str, Any]:
    return asdict(doc)


def document_from_dict(data: dict[str, Any]) -> Document:
    pages = [
        Page(
            **{
                **p,
                "blocks": [Block(**{**b, "box": tuple(b["box"])}) for b in p.get("blocks", [])],
            }
        )
        for p in data.get("pages", [])
    ]
    return Document(
        kind=data["kind"],
        title=data.get("title"),
        pages=pages,
        running=list(data.get("running", [])),
        body_size=float(data.get("body_size", 0.0)),
    )


# Headings that name a page with nothing to narrate.
_OUTLINE = re.compile(
    r"^(?:outline|agenda|contents|table of contents|overview of the talk|inhalt|gliederung)$", re.I
)
_CLOSING = re.compile(
    r"^(?:thank(?:s| you)(?: for your attention| for listening)?|questions|any questions|q\s*&\s*a|"
    r"the end|danke|vielen dank|merci|gracias)\W*$",
    re.I,
)
_APPENDIX = re.compile(r"^(?:appendix|appendices|anhang|annexe?|backup(?: slides)?)\b", re.I)
_REFERENCES = re.compile(
    r"^(?:\d+\.?\s+)?(?:references|bibliography|literatur|works cited|acknowledge?ments)$", re.I
)


def page_role(heading: str | None, *, appendix_started: bool) -> PageRole:
    text = (heading or "").strip().rstrip(":")
    if _APPENDIX.match(text) or appendix_started:
        return "appendix"
    if _OUTLINE.match(text):
        return "outline"
    if _CLOSING.match(text):
        return "closing"
    if _REFERENCES.match(text):
        return "references"
    return "content"
