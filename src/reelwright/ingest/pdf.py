"""PDF text extraction and page rendering with pypdfium2.

PDFium keeps global state and is not thread-safe, so every call into it (including closing objects)
happens under one module lock, and every object is closed explicitly instead of being left to the
garbage collector, which could finalise it on another thread while the lock is held elsewhere.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

__all__ = ["PDFIUM_LOCK", "PdfError", "clean_text", "page_count", "page_texts", "render_page"]

PDFIUM_LOCK = threading.RLock()
"""Held around all PDFium use; take it too if you call pypdfium2 directly elsewhere in the process."""


class PdfError(Exception):
    """A PDF that cannot be used; the message is a one-line explanation fit for the user."""


# Only used to word an error message, so a bounded read is enough.
_DIAGNOSE_BYTES = 64 * 1024 * 1024
_PAGE_COUNTS = re.compile(rb"/Count\s+(\d+)")


@contextmanager
def _document(path: str | Path) -> Iterator[Any]:
    """Open a document (caller holds the lock), mapping PDFium's load errors to :class:`PdfError`."""
    try:
        doc = pdfium.PdfDocument(str(path))
    except OSError as exc:
        raise PdfError("PDF cannot be read") from exc
    except pdfium.PdfiumError as exc:
        raise PdfError(_load_failure(path, exc.err_code)) from exc
    try:
        yield doc
    finally:
        doc.close()


def _load_failure(path: str | Path, err_code: int | None) -> str:
    """Why PDFium refused the file, in the user's words.

    FPDF_GetLastError is process-global and not reset by a successful load, and some failures (a
    document with zero pages) set no code at all, so a code can be left over from an earlier file.
    Each diagnosis is therefore confirmed against the file's bytes before it is believed.
    """
    try:
        with open(path, "rb") as f:
            data = f.read(_DIAGNOSE_BYTES)
    except OSError:
        return "PDF cannot be read"
    if b"/Encrypt" in data:
        if err_code == pdfium_c.FPDF_ERR_PASSWORD:
            return "PDF is password-protected"
        if err_code == pdfium_c.FPDF_ERR_SECURITY:
            return "PDF is encrypted in a way that is not supported"
    counts = [int(m) for m in _PAGE_COUNTS.findall(data)]
    if counts and max(counts) == 0:
        return "PDF has no pages"
    return "PDF is damaged or truncated"


def page_count(path: str | Path) -> int:
    with PDFIUM_LOCK, _document(path) as doc:
        return len(doc)


def page_texts(path: str | Path) -> list[str]:
    """The text of each page, in order, cleaned by :func:`clean_text` ("" for pages without text)."""
    with PDFIUM_LOCK, _document(path) as doc:
        texts: list[str] = []
        for index in range(len(doc)):
            try:
                page = doc[index]
            except pdfium.PdfiumError as exc:
                raise PdfError(f"PDF is damaged or truncated (page {index + 1} cannot be loaded)") from exc
            try:
                textpage = page.get_textpage()
                try:
                    texts.append(clean_text(textpage.get_text_range()))
                finally:
                    textpage.close()
            except pdfium.PdfiumError as exc:
                raise PdfError(f"PDF is damaged or truncated (page {index + 1} cannot be read)") from exc
            finally:
                page.close()
        return texts


def render_page(path: str | Path, page_number: int, max_width: int, max_height: int) -> Image.Image:
    """Render page ``page_number`` (1-based) as RGB on white, as large as fits in max_width×max_height.

    The aspect ratio is kept, so one side usually comes out smaller than the box.
    """
    if max_width < 1 or max_height < 1:
        raise ValueError(f"render box must be at least 1×1, got {max_width}×{max_height}")
    with PDFIUM_LOCK, _document(path) as doc:
        if not 1 <= page_number <= len(doc):
            raise ValueError(f"page {page_number} out of range: the PDF has {len(doc)} pages")
        page = doc[page_number - 1]
        try:
            # get_size() is the displayed size in points (after the page's /Rotate), as render() draws it.
            width_pt, height_pt = page.get_size()
            if width_pt <= 0 or height_pt <= 0:
                raise PdfError(f"PDF page {page_number} has no area")
            scale = min(max_width / width_pt, max_height / height_pt)
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), rev_byteorder=True)
            try:
                image: Image.Image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
        finally:
            page.close()
    # PDFium rounds the bitmap size up, so a page can overshoot the box by a pixel; squeeze it back.
    if image.width > max_width or image.height > max_height:
        image = image.resize(
            (min(image.width, max_width), min(image.height, max_height)), Image.Resampling.LANCZOS
        )
    return image


# PDFium reports a hyphen it judged to be end-of-line hyphenation as U+FFFE (get_text_range) or
# U+0002 (get_text_bounded), already without the line break; U+00AD is a soft hyphen from the file.
_MARKED_HYPHEN = re.compile(r"(\S*)[\ufffe\x02\u00ad][ \t]*(?:\r\n|\r|\n)?[ \t]*(?=\w)")
# An ordinary hyphen at a line end followed by a lowercase continuation: "exam-\nple".
_LINE_END_HYPHEN = re.compile(r"(\S*\w)-[ \t]*(?:\r\n|\r|\n)[ \t]*(?=[a-z])")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\u00ad]")


def _join_hyphenated(match: re.Match[str]) -> str:
    fragment = match.group(1)
    # "state-of-the-\nart" was a compound that happened to break at one of its own hyphens: keep it.
    # Otherwise ("exam-\nple") the hyphen only existed for the line break.
    return fragment + "-" if "-" in fragment else fragment


def clean_text(raw: str) -> str:
    """Normalise extracted text: join hyphenated line breaks, one space between words, one line per line.

    Line structure is kept (headings and bullets usually sit on their own lines); runs of blank lines
    collapse to one, and the result has no leading or trailing whitespace.
    """
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = _MARKED_HYPHEN.sub(_join_hyphenated, text)
    text = _LINE_END_HYPHEN.sub(_join_hyphenated, text)
    text = _CONTROL.sub("", text)
    text = _HORIZONTAL_SPACE.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
