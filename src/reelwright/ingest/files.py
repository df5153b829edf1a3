"""Accept and validate the user's files, and extract what the planner and renderer need from them.

Every check that fails raises :class:`~reelwright.errors.FileRejected` with a one-line problem that
tells the user what to fix. Checks run cheapest first and never decode pixels before the declared
size has been checked, so a small malicious file cannot make us allocate gigabytes.
"""

from __future__ import annotations

import math
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, NoReturn

from PIL import Image

from reelwright.errors import FileRejected, InputError
from reelwright.ingest import media, pdf
from reelwright.ingest.document import Document
from reelwright.ingest.layout_pdf import read_pdf_document
from reelwright.ingest.sniff import HEAD_SIZE, sniff

__all__ = ["LIMITS", "MB", "InputFile", "Limits", "inspect_file", "inspect_files"]

MB = 1024 * 1024

# Containers pad streams (encoder delay, AAC priming, rounding to whole frames), so a clip cut at
# exactly the limit often measures a few hundredths over it. Don't reject those.
_DURATION_TOLERANCE_S = 0.25

_UNSUPPORTED = (
    "not a supported file type; expected PNG, JPEG, MP4, WebM, MP3, WAV, PDF, PowerPoint (.pptx), "
    "Word (.docx), Markdown, plain text or HTML"
)
# Office's encrypted files and its old binary formats are OLE compound files, not zips.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

_PIL_FORMAT = {"png": "PNG", "jpeg": "JPEG"}
_EXIF_ORIENTATION = 0x0112
_KIND_NOUN = {
    "image": "images",
    "video": "videos",
    "audio": "audio files",
    "pdf": "PDFs",
    "document": "documents",
}


@dataclass(frozen=True, slots=True)
class Limits:
    max_files: int = 20
    image_bytes: int = 50 * MB
    image_pixels: int = 40_000_000
    image_min_side: int = 16
    image_max_side: int = 16384
    audio_bytes: int = 50 * MB
    audio_seconds: float = 600.0
    video_bytes: int = 100 * MB
    video_seconds: float = 600.0
    pdf_bytes: int = 50 * MB
    pdf_pages: int = 300
    # PowerPoint, Word, Markdown, text and HTML files; a zip's parts are checked unpacked too.
    document_bytes: int = 50 * MB
    document_unpacked_bytes: int = 200 * MB
    document_pages: int = 300  # slides, or top-level sections

    def max_bytes(self, kind: str) -> int:
        return {
            "image": self.image_bytes,
            "audio": self.audio_bytes,
            "video": self.video_bytes,
            "pdf": self.pdf_bytes,
            "document": self.document_bytes,
        }[kind]


LIMITS = Limits()


@dataclass
class InputFile:
    index: int
    path: Path
    name: str
    kind: str  # "image" | "video" | "audio" | "pdf" | "document" (pptx, docx, markdown, text, html)
    mime: str  # image/png, ..., application/pdf, text/markdown, text/html, the Office types
    size_bytes: int
    width: int | None = None  # images, videos: as displayed (EXIF orientation / display rotation applied)
    height: int | None = None
    duration: float | None = None  # audio, video: seconds
    has_audio: bool = False  # videos: an audio stream that decodes
    # pdf: one cleaned string per page, in reading order, without running text (headers, footers,
    # page numbers, navigation bars), so no planner ever reads them out.
    # document: one string per slide or top-level section (a slide's speaker notes after its text).
    page_texts: list[str] = field(default_factory=list)
    # pdf, document: pages of titled, positioned blocks (plain, picklable data)
    document: Document | None = None


# An input reader: fills in ``info`` for its kind of file (``head`` is the file's first bytes), or
# rejects the file with a one-line problem (:func:`reject`).
Reader = Callable[[InputFile, bytes, Limits], None]


class _Rejected(Exception):
    """Internal: a check failed; inspect_file turns it into FileRejected with index and name."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _reject(problem: str) -> NoReturn:
    raise _Rejected(problem)


reject = _reject  # for input readers: the file is refused with this one-line problem


def inspect_files(
    paths: Sequence[Path | str],
    *,
    names: Sequence[str | None] | None = None,
    limits: Limits = LIMITS,
    inspect_one: Callable[..., InputFile] | None = None,
    at_once: int = 1,
) -> list[InputFile]:
    """Validate every file; the first problem, by position, is raised.

    ``names`` are the names to show the user (e.g. the original upload names) where the stored paths
    differ; indexes are 0-based, matching the ``files[i]`` parameter in errors. ``inspect_one``
    replaces :func:`inspect_file` (the sandbox runs each file in a bounded child process), and
    ``at_once`` files are then read side by side.
    """
    inspect = inspect_one or inspect_file
    if len(paths) > limits.max_files:
        raise InputError(f"too many files: {len(paths)} (at most {limits.max_files})", param="files")
    if names is not None and len(names) != len(paths):
        raise ValueError(f"got {len(names)} names for {len(paths)} files")

    def one(index: int) -> InputFile:
        return inspect(index, paths[index], name=names[index] if names is not None else None, limits=limits)

    if at_once < 2 or len(paths) < 2:
        return [one(index) for index in range(len(paths))]
    pool = ThreadPoolExecutor(max_workers=min(at_once, len(paths)), thread_name_prefix="reelwright-inspect")
    try:
        return list(pool.map(one, range(len(paths))))  # in order: the first problem by position
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def inspect_file(
    index: int, path: Path | str, *, name: str | None = None, limits: Limits = LIMITS
) -> InputFile:
    """Validate one file and describe it. Raises FileRejected(index, name, problem)."""
    path = Path(path)
    shown = name or path.name
    try:
        return _inspect(index, path, shown, limits)
    except _Rejected as rejected:
        raise FileRejected(index, shown, rejected.problem) from rejected.__cause__


def _inspect(index: int, path: Path, name: str, limits: Limits) -> InputFile:
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            _reject("not a regular file")
        with path.open("rb") as f:
            head = f.read(HEAD_SIZE)
    except FileNotFoundError:
        _reject("file not found")
    except PermissionError:
        _reject("file cannot be read (permission denied)")
    except OSError as exc:
        _reject(f"file cannot be read ({exc.strerror or type(exc).__name__})")
    size = st.st_size
    if size == 0:
        _reject("file is empty")

    kind = sniff(head)
    if kind is None:
        _reject(_ole_problem(path) if head.startswith(_OLE_MAGIC) else _UNSUPPORTED)

    max_bytes = limits.max_bytes(kind.kind)
    if size > max_bytes:
        _reject(f"file is {_megabytes(size)}; the limit for {_KIND_NOUN[kind.kind]} is {max_bytes / MB:g} MB")

    info = InputFile(index=index, path=path, name=name, kind=kind.kind, mime=kind.mime, size_bytes=size)
    _reader(kind.kind)(info, head, limits)
    return info


def _ole_problem(path: Path) -> str:
    """Why an OLE compound file is refused: a password-protected Office file, or an old binary one."""
    try:
        with path.open("rb") as f:
            data = f.read(4 * MB)  # the directory naming the streams sits near the start or the end
            f.seek(max(0, path.stat().st_size - 4 * MB))
            data += f.read()
    except OSError:
        return _UNSUPPORTED
    if _ENCRYPTED_PACKAGE in data:
        return "document is password-protected (encrypted); save it without a password and upload it again"
    return "old Office format (.doc, .ppt, .xls) is not supported; save it as .docx, .pptx or PDF"


def _reader(kind: str) -> Reader:
    """The registered input reader of a file kind (``register_input_readers``)."""
    from reelwright import plugins

    readers = plugins.by_name("register_input_readers")
    if kind not in readers:
        _reject(_UNSUPPORTED)
    reader: Reader = readers[kind].args[1]
    return reader


def _megabytes(size: int) -> str:
    # Round up so that a file just over the limit never prints as exactly the limit.
    return f"{math.ceil(size / MB * 10) / 10:.1f} MB"


def _clock(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


# ----------------------------------------------------------------------------------------------- images


def _check_image_size(width: int, height: int, limits: Limits) -> None:
    shape = f"{width}×{height} pixels"
    if width * height > limits.image_pixels:
        _reject(f"image is {shape}; the limit is {limits.image_pixels / 1e6:g} megapixels")
    if max(width, height) > limits.image_max_side:
        _reject(f"image is {shape}; each side must be at most {limits.image_max_side} pixels")
    if min(width, height) < limits.image_min_side:
        _reject(f"image is {shape}; each side must be at least {limits.image_min_side} pixels")


def inspect_image(info: InputFile, head: bytes, limits: Limits) -> None:
    fmt = "png" if info.mime == "image/png" else "jpeg"
    # Our own header parse first: it needs no decoder and is immune to Pillow's global
    # MAX_IMAGE_PIXELS setting, so the user gets the real dimensions in the message.
    declared = _png_dimensions(head) if fmt == "png" else _jpeg_dimensions_of(info.path)
    if declared is not None:
        _check_image_size(*declared, limits)

    try:
        # Image.open only parses headers; pixels are decoded by load(). Restricting to the sniffed
        # format stops Pillow from trying every other plugin on a damaged file.
        with Image.open(info.path, formats=[_PIL_FORMAT[fmt]]) as image:
            width, height = image.size
            _check_image_size(width, height, limits)
            image.load()  # full decode: catches truncated and corrupt data
            orientation = image.getexif().get(_EXIF_ORIENTATION)
    except _Rejected:
        raise
    except Image.DecompressionBombError as exc:
        # Only reachable when our parse failed and Pillow's own bomb guard fired.
        _reject_from(exc, f"image is too large; the limit is {limits.image_pixels / 1e6:g} megapixels")
    except Exception as exc:
        # Pillow signals bad data with OSError, SyntaxError, ValueError, EOFError, zlib.error, ... —
        # for untrusted input every failure to decode means the same thing to the user.
        _reject_from(exc, "image is damaged or truncated")

    # EXIF orientations 5-8 mean the camera stored the picture on its side; report it as shown.
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    info.width, info.height = width, height


def _reject_from(exc: BaseException, problem: str) -> NoReturn:
    raise _Rejected(problem) from exc


def _png_dimensions(head: bytes) -> tuple[int, int] | None:
    # Signature (8) + IHDR length (4) + b"IHDR" (4) + width (4) + height (4).
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


# Start-of-frame markers carry the image size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_JPEG_STANDALONE = frozenset({0x01, 0xD8, *range(0xD0, 0xD8)})
_JPEG_MAX_JUNK = 64 * 1024


def _jpeg_dimensions_of(path: Path) -> tuple[int, int] | None:
    try:
        with path.open("rb") as f:
            return _jpeg_dimensions(f)
    except OSError:
        return None


def _jpeg_dimensions(f: BinaryIO) -> tuple[int, int] | None:
    """Width and height from the first SOF segment, walking marker segments without decoding.

    None when the structure is not what we expect; the caller then falls back to Pillow.
    """
    if f.read(2) != b"\xff\xd8":
        return None
    junk = 0
    while True:
        byte = f.read(1)
        while byte and byte != b"\xff":  # tolerate stray bytes between segments, as decoders do
            junk += 1
            if junk > _JPEG_MAX_JUNK:
                return None
            byte = f.read(1)
        while byte == b"\xff":  # any number of fill bytes may precede a marker
            byte = f.read(1)
        if not byte:
            return None
        marker = byte[0]
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data, before any frame header
            return None
        length_bytes = f.read(2)
        if len(length_bytes) < 2:
            return None
        length = int.from_bytes(length_bytes, "big")
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            sof = f.read(5)  # precision, height, width
            if len(sof) < 5:
                return None
            height = int.from_bytes(sof[1:3], "big")
            width = int.from_bytes(sof[3:5], "big")
            # Height 0 means "defined later by a DNL marker"; leave that rarity to Pillow.
            return (width, height) if height else None
        f.seek(length - 2, 1)


# ----------------------------------------------------------------------------------------- audio/video


def inspect_video(info: InputFile, _head: bytes, limits: Limits) -> None:
    try:
        probed = media.probe(info.path)
    except media.MediaError as exc:
        _reject_from(exc, "video is damaged or cannot be read")
    video = probed.video
    if video is None:
        _reject("video has no video stream")
    duration = probed.duration if probed.duration is not None else video.duration
    if duration is not None and duration > limits.video_seconds + _DURATION_TOLERANCE_S:
        _reject(f"video is {_clock(duration)} long; the limit is {_clock(limits.video_seconds)}")
    if not media.first_frame_decodes(info.path):
        # Packets that do not decode are damage (or a codec we lack); no packets at all is an empty track.
        _reject(
            "video cannot be decoded (damaged or unsupported codec)"
            if video.frames
            else "video has no frames"
        )
    info.width, info.height = video.display_width, video.display_height
    info.duration = duration
    info.has_audio = probed.audio is not None and media.first_audio_decodes(info.path)


def inspect_audio(info: InputFile, _head: bytes, limits: Limits) -> None:
    try:
        probed = media.probe(info.path)
    except media.MediaError as exc:
        _reject_from(exc, "audio is damaged or cannot be read")
    audio = probed.audio
    if audio is None:
        _reject("audio has no audio stream")
    duration = audio.duration if audio.duration is not None else probed.duration
    if duration is not None and duration > limits.audio_seconds + _DURATION_TOLERANCE_S:
        _reject(f"audio is {_clock(duration)} long; the limit is {_clock(limits.audio_seconds)}")
    if not media.first_audio_decodes(info.path):
        _reject("audio cannot be decoded (damaged or no sound data)")
    info.duration = duration


# ------------------------------------------------------------------------------------------------- pdf


def inspect_pdf(info: InputFile, _head: bytes, limits: Limits) -> None:
    try:
        pages = pdf.page_count(info.path)
        if pages == 0:
            _reject("PDF has no pages")
        if pages > limits.pdf_pages:
            _reject(f"PDF has {pages} pages; the limit is {limits.pdf_pages}")
        raw = pdf.page_texts(info.path)
    except pdf.PdfError as exc:
        _reject_from(exc, str(exc))
    info.page_texts = raw
    try:
        document = read_pdf_document(info.path)
    except Exception:
        return
    if len(document.pages) == len(raw):
        info.document = document
        info.page_texts = [page.text for page in document.pages]
