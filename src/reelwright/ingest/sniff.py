"""Recognise a file's type from its first bytes.

Extensions and declared content types are whatever the uploader's client made up, so the ingest stage
trusts only magic numbers. Everything that is not one of the supported formats is ``None``.

Documents beyond PDF (kind ``document``) are recognised from their structure: PowerPoint and Word
files are zip containers whose part names (``ppt/``, ``word/``) say which; an HTML page is markup
(:func:`looks_like_html`); Markdown and plain text are valid UTF-8 without control bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DOCX",
    "HEAD_SIZE",
    "HTML",
    "JPEG",
    "MARKDOWN",
    "MP3",
    "MP4",
    "OOXML",
    "PDF",
    "PNG",
    "PPTX",
    "TEXT",
    "WAV",
    "WEBM",
    "Kind",
    "looks_like_html",
    "sniff",
]

HEAD_SIZE = 4096
"""How many leading bytes callers should pass to :func:`sniff` (it copes with fewer)."""

KindName = Literal["image", "video", "audio", "pdf", "document"]


@dataclass(frozen=True, slots=True)
class Kind:
    kind: KindName
    mime: str
    format: str  # short name: png, jpeg, mp4, webm, mp3, wav, pdf


PNG = Kind("image", "image/png", "png")
JPEG = Kind("image", "image/jpeg", "jpeg")
MP4 = Kind("video", "video/mp4", "mp4")
WEBM = Kind("video", "video/webm", "webm")
MP3 = Kind("audio", "audio/mpeg", "mp3")
WAV = Kind("audio", "audio/wav", "wav")
PDF = Kind("pdf", "application/pdf", "pdf")
PPTX = Kind("document", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
DOCX = Kind("document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
# A zip whose first bytes hold neither part name yet: the reader looks at the whole directory.
OOXML = Kind("document", "application/zip", "ooxml")
HTML = Kind("document", "text/html", "html")
MARKDOWN = Kind("document", "text/markdown", "markdown")
TEXT = Kind("document", "text/plain", "text")
DOCUMENT_KINDS = {k.mime: k for k in (PPTX, DOCX, HTML, MARKDOWN, TEXT)}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"

# ISO BMFF is also the container of HEIF/AVIF stills and some camera raws; those share the 'ftyp'
# box with MP4 but are images we do not accept, so their major brands must not pass as video.
_NON_VIDEO_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis", b"crx "}
)
# Old QuickTime files may start with one of these atoms instead of 'ftyp'.
_QUICKTIME_LEADING_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})

# MPEG audio bitrates in kbit/s, indexed by the 4-bit header field; 0 ("free format") is unsupported.
_BITRATES: dict[tuple[bool, int], tuple[int, ...]] = {
    # (is MPEG-1, layer) -> table
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}

_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<script", "<meta", "<title", "<iframe", "<div")


def sniff(head: bytes) -> Kind | None:
    """The supported format whose signature ``head`` (the file's first bytes) carries, else ``None``."""
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if _is_iso_bmff_video(head):
        return MP4
    if head.startswith(_EBML_MAGIC):
        return WEBM
    if len(head) >= 12 and head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return WAV
    if _is_id3(head) or _mpeg_audio_frames_at_start(head):
        return MP3
    # PDF readers accept the header anywhere in the first 1024 bytes, and so do real-world PDFs
    # (some carry a MacBinary or mail header in front). Checked last: it is the weakest signature.
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office(head)
    if looks_like_html(head):
        return HTML
    text = _utf8_text(head)
    if text is not None and head:  # blank text is still text: its reader says it is empty
        return MARKDOWN if _MARKDOWN_SIGNS.search(text) else TEXT
    return None


def _office(head: bytes) -> Kind | None:
    """A zip container: an Office Open XML document when its part names say so."""
    if b"ppt/" in head:
        return PPTX
    if b"word/" in head:
        return DOCX
    if b"[Content_Types].xml" in head or b"_rels/" in head or b"docProps/" in head:
        return OOXML
    return None  # any other zip (an archive, an OpenDocument file, an EPUB)


# Lines only Markdown writes: ATX headings, fenced code, list marks, links, setext underlines.
_MARKDOWN_SIGNS = re.compile(
    r"^(?:#{1,6}\s+\S|```|~~~|[-*+]\s+\S|\d{1,3}[.)]\s+\S|>\s|={3,}\s*$|-{3,}\s*$)|\[[^\]\n]+\]\([^)\s]+\)",
    re.MULTILINE,
)
# Text files hold printable characters, tabs and line breaks; anything else means binary data.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def _utf8_text(head: bytes) -> str | None:
    """The head decoded as UTF-8 text (a character cut at its end is fine), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16: rare for documents; told apart from binary data only by guessing
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    if _BINARY.search(text) or text.lstrip().startswith("<"):
        return None  # binary data, or XML/SVG markup that is not a page
    return text


def looks_like_html(head: bytes) -> bool:
    """True for markup that is almost certainly an HTML page (e.g. a login or error page saved by mistake)."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom) : 2048].decode(encoding, errors="ignore")
            break
    else:
        text = head[:1024].decode("latin-1")
    text = text.lstrip().lower()
    return text.startswith("<") and any(marker in text for marker in _HTML_MARKERS)


def _is_iso_bmff_video(head: bytes) -> bool:
    if len(head) < 12:
        return False
    box_size = int.from_bytes(head[:4], "big")
    box_type = head[4:8]
    if box_type == b"ftyp":
        # size 1 means a 64-bit size follows; any other sane ftyp holds at least a major brand + version.
        if box_size != 1 and box_size < 16:
            return False
        # 'qt  ' (QuickTime .mov) is deliberately accepted as MP4: same container, same demuxer.
        return head[8:12] not in _NON_VIDEO_BRANDS
    return box_type in _QUICKTIME_LEADING_ATOMS and (box_size in (0, 1) or box_size >= 8)


def _is_id3(head: bytes) -> bool:
    # "ID3", major version 2..4, revision byte never 0xFF, then four 7-bit "synchsafe" size bytes.
    return (
        len(head) >= 10
        and head.startswith(b"ID3")
        and head[3] in (2, 3, 4)
        and head[4] != 0xFF
        and all(b < 0x80 for b in head[6:10])
    )


def _mpeg_audio_frame_length(header: bytes) -> int | None:
    """Length in bytes of the MPEG audio frame whose 4-byte header this is, or None if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0x03  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
    layer_bits = (header[1] >> 1) & 0x03  # 1: layer III, 2: layer II, 3: layer I, 0: reserved (ADTS AAC)
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0x03
    padding = (header[2] >> 1) & 0x01
    if (
        version == 1
        or layer_bits == 0
        or bitrate_index in (0, 15)
        or rate_index == 3
        or header[3] & 0x03 == 2
    ):
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version][rate_index]
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and not mpeg1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


def _mpeg_audio_frames_at_start(head: bytes) -> bool:
    """An MP3 without ID3 tag: a valid frame header at offset 0, and the next frame right after it.

    Two frame syncs in a row make random binary data vanishingly unlikely to pass; a head too short to
    hold the second header (a tiny file) is judged on the first alone.
    """
    length = _mpeg_audio_frame_length(head[:4])
    if length is None:
        return False
    if len(head) < length + 4:
        return True
    following = _mpeg_audio_frame_length(head[length : length + 4])
    return following is not None and (head[length + 1] & 0xFE) == (head[1] & 0xFE)
