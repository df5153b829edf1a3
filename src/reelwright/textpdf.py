"""A small text PDF writer: pages of a heading and bullet points in Helvetica, text-extractable.

Written by hand (standard-14 fonts, WinAnsiEncoding, exact xref offsets) because Pillow's PDF
output is image-only and pypdfium2 cannot add text. ``reelwright bench --cluster`` makes its deck
with it; the tests make their documents with it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path


def pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding, kept 7-bit by octal-escaping everything else."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    out += b")"
    return bytes(out)


def _pdf_page_content(heading: str, bullets: list[str], width: float, height: float) -> bytes:
    margin = 54.0
    parts: list[bytes] = [
        # A coloured band at the top, so rendering tests have something that is not white or black.
        b"0.20 0.40 0.80 rg 0 %.2f %.2f 18 re f" % (height - 18, width),
        b"0 0 0 rg",
    ]
    y = height - margin - 24
    parts.append(b"BT /F2 24 Tf %.2f %.2f Td %s Tj ET" % (margin, y, pdf_string(heading)))
    y -= 40
    size = 14.0
    # Helvetica averages about half an em per character; good enough for wrapping test text.
    chars_per_line = max(10, int((width - 2 * margin - 18) / (size * 0.5)))
    for bullet in bullets:
        # Break only at spaces so that joining the lines with spaces gives the bullet back exactly.
        lines = textwrap.wrap(bullet, chars_per_line, break_on_hyphens=False) or [""]
        for i, line in enumerate(lines):
            prefix = "\u2022 " if i == 0 else ""
            x = margin if i == 0 else margin + 10
            parts.append(b"BT /F1 %.1f Tf %.2f %.2f Td %s Tj ET" % (size, x, y, pdf_string(prefix + line)))
            y -= size * 1.4
        y -= size * 0.4
    return b"\n".join(parts) + b"\n"


def make_pdf(
    path: Path,
    pages: list[tuple[str, list[str]]],
    *,
    size: tuple[float, float] = (612.0, 792.0),
) -> Path:
    """A real, text-extractable PDF: each page gets a heading and bullet points in Helvetica.
    ``size`` is in points (1/72 in)."""
    width, height = size
    objects: list[bytes] = []  # objects[i] is object number i + 1

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree exists
    pages_obj = add(b"")
    font_regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font_bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    page_ids: list[int] = []
    for heading, bullets in pages:
        content = _pdf_page_content(heading, bullets, width, height)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, width, height, font_regular, font_bold, stream)
            )
        )
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref_at,
    )
    Path(path).write_bytes(bytes(out))
    return path
