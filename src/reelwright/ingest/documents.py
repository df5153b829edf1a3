"""Documents beyond PDF: PowerPoint, Word, Markdown, plain text and HTML, read into the same model.

Each format is read with its maintained library (see docs/decisions/0009-document-inputs.md) into
the :class:`~reelwright.ingest.document.Document` a PDF's layout gives, so the planners use them
unchanged: a deck's pages are its slides (with their speaker notes), a document's pages are its
top-level sections. Office files are zip containers, so their unpacked size is checked before any
library opens them (a small zip can hold gigabytes).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelwright.ingest.document import Block, BlockKind, Document, DocumentKind, Page, page_role
from reelwright.ingest.files import InputFile, Limits, reject
from reelwright.ingest.pdf import clean_text
from reelwright.ingest.running_text import is_page_number
from reelwright.ingest.sniff import DOCX, HTML, MARKDOWN, PPTX, TEXT

__all__ = ["inspect_document", "read_docx", "read_html", "read_markdown", "read_pptx"]

EMU_PER_POINT = 12700
# Documents without pages (Word, Markdown, HTML) get a letter-sized page per section.
_SHEET = (612.0, 792.0)
_ZIP_ENTRIES = 10_000
_NOUN = {"pptx": "presentation", "docx": "Word document", "markdown": "Markdown file", "text": "text file"}


_HTML_MIN_WORDS = 20
_ERROR_PAGE = re.compile(
    r"^(?:\d{3}\b|(?:page )?not found|forbidden|access denied|unauthori[sz]ed|(?:sign|log) ?in\b|error\b)",
    re.IGNORECASE,
)


class DocumentProblem(Exception):
    """A document that cannot be used; the message is one line for the user."""


def inspect_document(info: InputFile, _head: bytes, limits: Limits) -> None:
    """The input reader of ``document`` files: the model, its pages' text, and the exact type."""
    fmt = _format(info, limits)
    kind = {"pptx": PPTX, "docx": DOCX, "html": HTML, "markdown": MARKDOWN, "text": TEXT}[fmt]
    info.mime = kind.mime
    try:
        if fmt == "pptx":
            document = read_pptx(info.path)
        elif fmt == "docx":
            document = read_docx(info.path)
        elif fmt == "html":
            document = read_html(info.path.read_bytes())
        else:
            document = read_markdown(_text(info.path), plain=fmt == "text")
    except DocumentProblem as exc:
        reject(str(exc))
    noun = "HTML page" if fmt == "html" else _NOUN[fmt]
    if not document.pages:
        reject(
            "presentation has no slides"
            if fmt == "pptx"
            else "Word document has no text (empty, or pictures only?)"
            if fmt == "docx"
            else f"{noun} is empty"
            if fmt == "html" or not info.path.read_bytes().strip()
            else f"{noun} has no text to narrate (only code or markup?)"
        )
    if len(document.pages) > limits.document_pages:
        unit = "slides" if fmt == "pptx" else "sections"
        reject(f"{noun} has {len(document.pages)} {unit}; the limit is {limits.document_pages}")
    if not any(p.words or p.notes for p in document.pages):
        reject(f"{noun} has no text (pictures only?)" if fmt in ("pptx", "docx") else f"{noun} has no text")
    if fmt == "html" and (
        sum(p.words for p in document.pages) < _HTML_MIN_WORDS or _ERROR_PAGE.search(document.title or "")
    ):
        # What a failed download or an expired session saves instead of the file that was meant.
        reject("HTML page has almost no text (an error or login page saved instead of the file?)")
    info.document = document
    info.page_texts = [_page_text(p) for p in document.pages]


def _page_text(page: Page) -> str:
    # A language-model planner reads page_texts: the notes are what the speaker says over the slide.
    return page.text + (f"\nSpeaker notes: {page.notes}" if page.notes else "")


def _format(info: InputFile, limits: Limits) -> str:
    if info.mime == HTML.mime:
        return "html"
    if info.mime in (MARKDOWN.mime, TEXT.mime):
        return "markdown" if info.mime == MARKDOWN.mime else "text"
    # A zip: its directory says what it is, and how much it unpacks to.
    try:
        with zipfile.ZipFile(info.path) as z:
            entries = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        reject("document is damaged or truncated (not a readable zip container)")
    if len(entries) > _ZIP_ENTRIES:
        reject(f"document holds {len(entries)} parts; the limit is {_ZIP_ENTRIES}")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > limits.document_unpacked_bytes:
        reject(
            f"document unpacks to {unpacked / 2**20:.1f} MB; the limit is "
            f"{limits.document_unpacked_bytes / 2**20:g} MB"
        )
    names = {e.filename for e in entries}
    if "ppt/presentation.xml" in names:
        return "pptx"
    if "word/document.xml" in names:
        return "docx"
    reject("not a supported file type (a zip archive that is not a PowerPoint or Word document)")


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        reject("text file is not valid UTF-8; save it as UTF-8")


# ---------------------------------------------------------------------------------------- building


@dataclass
class _Draft:
    """A page being read: its blocks, notes and pictures, before roles and running text."""

    blocks: list[Block]
    width: float = _SHEET[0]
    height: float = _SHEET[1]
    notes: str = ""
    figures: list[str] | None = None


# The titles Office fills in by itself name nothing.
_DEFAULT_TITLE = re.compile(
    r"^(?:(?:powerpoint )?presentation|document|untitled|slide)\s*\d*$", re.IGNORECASE
)


def _named(core_title: str | None) -> str | None:
    title = _one_line(core_title or "")
    return title if title and not _DEFAULT_TITLE.match(title) else None


def _one_line(text: str) -> str:
    return clean_text(text).replace("\n", " ").strip()


def _build(
    kind: DocumentKind, title: str | None, drafts: list[_Draft], running: Iterable[str] = ()
) -> Document:
    removed = list(dict.fromkeys(running))
    pages: list[Page] = []
    appendix_started = False
    for n, d in enumerate(drafts, start=1):
        blocks = [b for b in d.blocks if b.text and b.text not in removed and not is_page_number(b.text)]
        heading = next((b.text for b in blocks if b.kind == "heading"), None)
        if heading is None and n == 1 and kind == "deck":
            heading = next((b.text for b in blocks if b.kind == "title"), None)
        role = page_role(heading, appendix_started=appendix_started)
        appendix_started = appendix_started or role == "appendix"
        if n == 1 and any(b.kind == "title" for b in blocks) and role == "content":
            role = "title"
        words = sum(len(b.text.split()) for b in blocks)
        if words == 0 and not d.notes:
            role = "empty"
        text = "\n".join(b.text for b in blocks)
        pages.append(
            Page(n, d.width, d.height, role, heading, blocks, text, words, d.notes, list(d.figures or []))
        )
    return Document(kind, title, pages, removed, 0.0)


def _sectioned(blocks: list[Block], title: str | None) -> list[_Draft]:
    """A page per top-level section: the levels used are read from the headings themselves."""
    levels = sorted({b.level for b in blocks if b.kind == "heading"})
    top = levels[0] if levels else 1
    drafts: list[_Draft] = [_Draft([])]
    for b in blocks:
        if b.kind == "heading" and b.level == top and drafts[-1].blocks:
            drafts.append(_Draft([]))
        drafts[-1].blocks.append(b)
    # Headings renumbered from 1, so the top level of any document is level 1 for the planners.
    for d in drafts:
        d.blocks = [
            Block(b.kind, b.text, b.level - top + 1, b.box) if b.kind == "heading" else b for b in d.blocks
        ]
    return [d for d in drafts if d.blocks]


def _promote_title(blocks: list[Block], *, first_line: bool = True) -> tuple[str | None, list[Block]]:
    """The document's title: a lone top heading that opens it, else (text files) a short first line."""
    if not blocks:
        return None, blocks
    first = blocks[0]
    if first.kind == "title":
        return first.text, blocks
    headings = [b for b in blocks if b.kind == "heading"]
    if first.kind == "heading" and sum(1 for h in headings if h.level <= first.level) == 1:
        return first.text, [Block("title", first.text, 0, first.box), *blocks[1:]]
    if (
        first_line
        and first.kind == "paragraph"
        and len(first.text.split()) <= 12
        and not first.text.endswith((".", ":", ","))
    ):
        return first.text, [Block("title", first.text, 0, first.box), *blocks[1:]]
    return None, blocks


# -------------------------------------------------------------------------------------- PowerPoint


def read_pptx(path: Path) -> Document:
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentProblem("presentation is damaged or cannot be read") from exc
    except Exception as exc:  # lxml and the package reader raise many types on damaged parts
        raise DocumentProblem("presentation is damaged or cannot be read") from exc
    width = (prs.slide_width or 9144000) / EMU_PER_POINT
    height = (prs.slide_height or 6858000) / EMU_PER_POINT
    drafts: list[_Draft] = []
    for n, slide in enumerate(prs.slides, start=1):
        blocks: list[Block] = []
        figures: list[str] = []
        shapes = sorted(_all_shapes(slide.shapes), key=lambda s: ((s.top or 0), (s.left or 0)))
        for shape in shapes:
            blocks += _shape_blocks(shape, n, figures, width * EMU_PER_POINT, height * EMU_PER_POINT)
        notes = ""
        if slide.has_notes_slide:
            frame = slide.notes_slide.notes_text_frame
            # One line per paragraph: notes are often jotted labels and fragments, and where a line
            # ends is what says where a thought ends.
            lines = frame.text.replace("\v", "\n").splitlines() if frame is not None else []
            notes = "\n".join(line for line in (_one_line(raw) for raw in lines) if line)
        drafts.append(_Draft(blocks, width, height, notes, figures))
    running = _repeated(drafts)
    title = next((b.text for b in drafts[0].blocks if b.kind == "title"), None) if drafts else None
    if not title:
        title = _named(prs.core_properties.title)
    return _build("deck", title, drafts, running)


def _all_shapes(shapes: Any) -> list[Any]:
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out: list[Any] = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            out += _all_shapes(shape.shapes)
        else:
            out.append(shape)
    return out


def _shape_blocks(shape: Any, slide: int, figures: list[str], w: float, h: float) -> list[Block]:
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    box = (
        (shape.left or 0) / w,
        (shape.top or 0) / h,
        ((shape.left or 0) + (shape.width or 0)) / w,
        ((shape.top or 0) + (shape.height or 0)) / h,
    )
    placeholder = shape.placeholder_format.type if shape.is_placeholder else None
    if placeholder in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.DATE):
        return []  # running text by definition
    if shape.shape_type == MSO_SHAPE_TYPE.PICTURE or placeholder == PP_PLACEHOLDER.PICTURE:
        described = (shape._element.xpath("./p:nvPicPr/p:cNvPr/@descr") or [""])[0]
        figures.append(_one_line(described or shape.name or "picture"))
        return []
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = ["; ".join(_one_line(c.text) for c in row.cells if c.text.strip()) for row in shape.table.rows]
        return [Block("paragraph", r, 0, box) for r in rows if r]
    if not getattr(shape, "has_text_frame", False) or not shape.has_text_frame:
        return []
    paragraphs = [
        (p.level, _one_line("".join(r.text for r in p.runs) or p.text)) for p in shape.text_frame.paragraphs
    ]
    paragraphs = [(lvl, t) for lvl, t in paragraphs if t]
    if not paragraphs:
        return []
    if placeholder in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE):
        text = " ".join(t for _, t in paragraphs)
        kind: BlockKind = "title" if slide == 1 and placeholder == PP_PLACEHOLDER.CENTER_TITLE else "heading"
        return [Block(kind, text, 0 if kind == "title" else 1, box, bold=True)]
    if placeholder == PP_PLACEHOLDER.SUBTITLE and slide == 1:
        return [Block("byline", t, 0, box) for _, t in paragraphs]
    listed = placeholder in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT) or len(paragraphs) > 1
    return [
        Block("bullet", t, lvl + 1, box)
        if (listed and not t.endswith(".")) or lvl
        else Block("paragraph", t, 0, box)
        for lvl, t in paragraphs
    ]


def _repeated(drafts: list[_Draft]) -> list[str]:
    """Text on at least half the slides (three or more) that is not a title: a footline, a logo's line."""
    if len(drafts) < 3:
        return []
    seen = Counter(
        t for d in drafts for t in {b.text for b in d.blocks if b.kind not in ("title", "heading")}
    )
    return [t for t, c in seen.items() if c >= max(3, len(drafts) / 2)]


# -------------------------------------------------------------------------------------------- Word


def read_docx(path: Path) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentProblem("Word document is damaged or cannot be read") from exc
    except Exception as exc:  # lxml and the package reader raise many types on damaged parts
        raise DocumentProblem("Word document is damaged or cannot be read") from exc
    blocks: list[Block] = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            block = _paragraph_block(item)
            if block is not None:
                blocks.append(block)
        elif isinstance(item, Table):
            blocks += _table_blocks(item)
    title, blocks = _promote_title(blocks, first_line=False)
    if not title:
        title = _named(doc.core_properties.title)
    drafts = _sectioned(blocks, title)
    if doc.sections:
        section = doc.sections[0]
        if section.page_width and section.page_height:
            for d in drafts:
                d.width, d.height = section.page_width.pt, section.page_height.pt
    return _build("document", title, drafts)


_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def _paragraph_block(p: Any) -> Block | None:
    text = _one_line(p.text)
    if not text:
        return None
    style = (p.style.name if p.style is not None else "") or ""
    if style.lower() == "title":
        return Block("title", text)
    m = _HEADING_STYLE.match(style)
    outline = p._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if m or outline:
        return Block("heading", text, int(m.group(1)) if m else int(outline[0]) + 1, bold=True)
    numbered = p._p.xpath("./w:pPr/w:numPr/w:ilvl/@w:val")
    if numbered or style.lower().startswith("list"):
        return Block("bullet", text, (int(numbered[0]) if numbered else 0) + 1)
    return Block("paragraph", text)


def _table_blocks(table: Any) -> list[Block]:
    out = []
    for row in table.rows:
        cells = list(dict.fromkeys(_one_line(c.text) for c in row.cells))  # merged cells repeat
        line = "; ".join(c for c in cells if c)
        if line:
            out.append(Block("paragraph", line))
    return out


# ----------------------------------------------------------------------------------- Markdown, text


def read_markdown(text: str, *, plain: bool = False) -> Document:
    """Markdown (or plain text, where indentation is not code) into sections of headings and lists."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    if plain:
        md.disable(["code", "html_block", "html_inline"])
    tokens = md.parse(text)
    blocks: list[Block] = []
    depth = 0
    heading_level = 0
    in_item = 0
    row: list[str] = []
    in_cell = False
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            in_item += 1
        elif tok.type == "list_item_close":
            in_item -= 1
        elif tok.type == "heading_open":
            heading_level = int(tok.tag[1:])
        elif tok.type == "heading_close":
            heading_level = 0
        elif tok.type in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = tok.type.endswith("_open")
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row:
            blocks.append(Block("paragraph", "; ".join(row)))
        elif tok.type == "inline":
            said = _inline_text(tok.children or [])
            if not said:
                continue
            if in_cell:
                row.append(said)
            elif heading_level:
                blocks.append(Block("heading", said, heading_level, bold=True))
            elif in_item:
                blocks.append(Block("bullet", said, depth))
            else:
                blocks.append(Block("paragraph", said))
        # Code (fenced or indented) and raw HTML are not narrated: nobody reads code aloud.
    title, blocks = _promote_title(blocks)
    return _build("document", title, _sectioned(blocks, title))


def _inline_text(children: list[Any]) -> str:
    parts: list[str] = []
    for c in children:
        if c.type in ("text", "code_inline"):
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        # images: their alt text is a child text token of the image, not said
    return re.sub(r"\s+", " ", "".join(parts)).strip()


# -------------------------------------------------------------------------------------------- HTML

_SKIPPED = frozenset({"pre", "code", "script", "style", "nav", "footer", "aside", "form", "figure", "math"})


_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "ul",
        "ol",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "blockquote",
        "dl",
        "pre",
    }
)


def read_html(data: bytes) -> Document:
    """The page's main content (navigation, footers and side bars removed by readability), read
    from its markup: headings with their levels, paragraphs, list items and table rows."""
    import lxml.html
    from readability import Document as Readable

    try:
        readable = Readable(data)
        main = readable.summary(html_partial=True)
        page_title = _one_line(readable.short_title() or "") or None
        root = lxml.html.fromstring(main) if main.strip() else None
    except Exception as exc:  # the parsers raise many types on broken markup
        raise DocumentProblem("HTML page cannot be read") from exc
    blocks = _html_blocks(root) if root is not None else []
    if not blocks:
        raise DocumentProblem("HTML page has no main text (only navigation, scripts or pictures?)")
    if page_title and blocks[0].kind == "heading" and blocks[0].text.lower() == page_title.lower():
        blocks[0] = Block("title", blocks[0].text)  # the page's own title heading
    title, blocks = _promote_title(blocks, first_line=False)
    return _build("document", title or page_title, _sectioned(blocks, title or page_title))


def _html_blocks(root: Any) -> list[Block]:
    for br in root.iter("br"):  # a line break separates lines, as the reader sees them
        br.tail = "\n" + (br.tail or "")
    blocks: list[Block] = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIPPED or any(a.tag in _SKIPPED for a in el.iterancestors()):
            continue
        if re.fullmatch(r"h[1-6]", tag):
            text = _one_line(el.text_content())
            if text:
                blocks.append(Block("heading", text, int(tag[1]), bold=True))
        elif tag == "li":
            own = "".join(_own_text(el))
            depth = sum(1 for a in el.iterancestors() if a.tag in ("ul", "ol"))
            blocks += [Block("bullet", t, max(1, depth)) for t in _lines(own)[:1]]
        elif tag == "tr":
            cells = [_one_line(c.text_content()) for c in el if c.tag in ("td", "th")]
            line = "; ".join(c for c in cells if c)
            if line:
                blocks.append(Block("paragraph", line))
        elif tag in ("p", "dd", "dt", "blockquote", "div") and not any(
            a.tag in ("li", "td", "th", "p") for a in el.iterancestors()
        ):
            if tag in ("blockquote", "div") and any(d.tag in _BLOCK_TAGS for d in el.iterdescendants()):
                continue  # a container: its paragraphs are read on their own
            lines = _lines("".join(_own_text(el)))
            # Short lines broken apart are a list (a table of contents); long ones one wrapped paragraph.
            if len(lines) > 1 and any(len(t.split()) > 12 for t in lines):
                lines = [" ".join(lines)]
            blocks += [Block("paragraph", t) for t in lines]
    return blocks


def _own_text(el: Any) -> list[str]:
    """The element's text without nested lists and tables (read as their own blocks)."""
    out = [el.text or ""]
    for child in el:
        if child.tag not in ("ul", "ol", "table", *_SKIPPED):
            out.append("".join(_own_text(child)))
        out.append(child.tail or "")
    return out


def _lines(text: str) -> list[str]:
    return [t for t in (_one_line(line) for line in text.split("\n")) if t]
