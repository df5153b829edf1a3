"""Hostile files through every way in: inspected in a bounded child, refused with a clear 400.

Finding 1 of issue 18: a 734-byte PDF whose Form XObject draws itself twice grew the API process
~100 MB/s until it was killed, and a 257 KB text-heavy PDF added gigabytes that were never released.
"""

from __future__ import annotations

import base64
import functools
import http.server
import re
import struct
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.adversarial.conftest import Hostile, MemoryWatch, clear_error, start_hostile
from tests.media import (
    make_encrypted_pdf,
    make_huge_png,
    make_jpeg,
    make_mp3,
    make_pdf,
    make_png,
    make_random_bytes,
    make_video,
    make_wav,
    make_webm,
)

# ----------------------------------------------------------------------------------------- the files


def build_pdf(objects: list[bytes]) -> bytes:
    """``%PDF-1.7``, the objects (numbered from 1), an xref table and a trailer, the usual way."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def recursive_form_pdf() -> bytes:
    """The issue's file: page -> /X1 Do, and Form X1 draws itself twice (with some text between)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /X1 5 0 R >> >> >>",
        b"<< /Length 6 >>\nstream\n/X1 Do\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 5 0 R >> "
        b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Length 38 >>\n"
        b"stream\n/X1 Do BT /F1 12 Tf (loop) Tj ET /X1 Do\nendstream",
    ]
    return build_pdf(objs)


@functools.cache
def text_heavy_pdf() -> bytes:
    """About 250 KB: one page of 330,000 compressed text runs (PDFium holds ~800 MB to read it)."""
    run = b"(" + b"The quick brown fox jumps over the lazy dog " * 4 + b") Tj 0.01 -0.01 Td\n"
    content = zlib.compress(b"BT /F1 4 Tf 10 780 Td\n" + run * 330_000 + b"ET", 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << "
        b"/F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return build_pdf(objs)


def test_the_bomb_is_the_issues_file() -> None:
    data = recursive_form_pdf()
    assert len(data) == 734
    assert 230_000 < len(text_heavy_pdf()) < 260_000


# ------------------------------------------------------------------------------------- a file server


@pytest.fixture(scope="module")
def file_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server for file URLs (the hostile server allowlists 127.0.0.1)."""
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    running = start_hostile(
        tmp_path_factory.mktemp("hostile-files"),
        {"REELWRIGHT_URL_ALLOWLIST": "127.0.0.1", "REELWRIGHT_MAX_CONCURRENT_JOBS": "1000"},
    )
    yield running
    running.server.stop()


def _web_client(hostile: Hostile) -> tuple[httpx.Client, str]:
    """A browser-like client signed in to the web app with the key; and its CSRF token."""
    client = hostile.client()
    page = client.get("/signin")
    token = re.search(r'name="signin_csrf" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    client.post("/signin", data={"api_key": hostile.key, "signin_csrf": token.group(1), "next": "/videos"})
    library = client.get("/videos")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', library.text)
    assert csrf, library.text[:500]
    return client, csrf.group(1)


# ----------------------------------------------------------------------------------------- the tests


def _send_every_way(
    hostile: Hostile, file_server: tuple[str, Path], name: str, data: bytes
) -> list[tuple[str, httpx.Response, str]]:
    """The file through each way in: (where, answer, the param that must name it)."""
    base, root = file_server
    (root / name).write_bytes(data)
    answers: list[tuple[str, httpx.Response, str]] = []
    with hostile.client(hostile.key) as c:
        answers.append(("POST /v3/assets", c.post("/v3/assets", files={"file": (name, data)}), "file"))
        encoded = base64.b64encode(data).decode()
        b64 = {"prompt": "Present this.", "files": [{"type": "base64", "data": encoded, "name": name}]}
        answers.append(("base64 file", c.post("/v3/video-agents", json=b64), "files[0]"))
        by_url = {"prompt": "Present this.", "files": [{"type": "url", "url": f"{base}/{name}"}]}
        answers.append(("url file", c.post("/v3/video-agents", json=by_url), "files[0]"))
        raw = c.post("/v1/asset", content=data, headers={"Content-Type": "application/pdf"})
        answers.append(("POST /v1/asset", raw, "body"))
    web, csrf = _web_client(hostile)
    try:
        upload = web.post("/web/api/v3/assets", files={"file": (name, data)}, headers={"X-CSRF-Token": csrf})
        answers.append(("web upload", upload, "file"))
    finally:
        web.close()
    return answers


def test_recursive_form_xobject_pdf_is_refused_everywhere_and_the_server_stays_flat(
    hostile: Hostile, file_server: tuple[str, Path], memory: MemoryWatch
) -> None:
    for where, answer, param in _send_every_way(hostile, file_server, "loop.pdf", recursive_form_pdf()):
        message = clear_error(answer, 400)
        assert "needs more than 256 MB of memory" in message, (where, message)
        assert answer.json()["error"].get("param") == param, where
    with hostile.client(hostile.key) as c:
        assert c.get("/v3/videos").status_code == 200  # still answering


def test_text_heavy_pdf_costs_the_server_nothing(
    hostile: Hostile, file_server: tuple[str, Path], memory: MemoryWatch
) -> None:
    with hostile.client(hostile.key) as c:
        answer = c.post("/v3/assets", files={"file": ("heavy.pdf", text_heavy_pdf())})
    # Reading it takes ~800 MB, over this server's 256 MB: refused, and none of it in the server.
    assert "needs more than 256 MB of memory" in clear_error(answer, 400)


def _png_with_bad_crc(tmp: Path) -> bytes:
    data = bytearray(make_png(tmp / "ok.png", 64, 64).read_bytes())
    data[29] ^= 0xFF  # inside IHDR's CRC
    return bytes(data)


def _riff_wav_lying_about_size(tmp: Path) -> bytes:
    data = bytearray(make_wav(tmp / "ok.wav", 0.5).read_bytes())
    data[40:44] = struct.pack("<I", 0x7FFFFFF0)  # the data chunk claims 2 GB
    return bytes(data[:2000])


def _wav_with_zero_channels(tmp: Path) -> bytes:
    data = bytearray(make_wav(tmp / "ok0.wav", 0.5).read_bytes())
    data[22:24] = b"\x00\x00"
    return bytes(data)


def _truncated(make: Callable[[Path], Path], fraction: float) -> Callable[[Path], bytes]:
    def build(tmp: Path) -> bytes:
        data = make(tmp).read_bytes()
        return data[: max(64, int(len(data) * fraction))]

    return build


def _garbage_after_header(header: bytes) -> Callable[[Path], bytes]:
    return lambda tmp: header + make_random_bytes(tmp / "noise", 20_000).read_bytes()


def _pdf_claiming_pages(tmp: Path) -> bytes:
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1000000000 >>",  # its own kid, a billion pages
        ]
    )


HOSTILE_FILES: dict[str, Callable[[Path], bytes]] = {
    "empty.png": lambda tmp: b"",
    "random.bin": lambda tmp: make_random_bytes(tmp / "r", 50_000).read_bytes(),
    "truncated.png": _truncated(lambda tmp: make_png(tmp / "t.png", 400, 300, "cut"), 0.4),
    "bad-crc.png": _png_with_bad_crc,
    "bomb.png": lambda tmp: make_huge_png(tmp / "huge.png").read_bytes(),
    "signature-only.png": lambda tmp: b"\x89PNG\r\n\x1a\n",
    "truncated.jpg": _truncated(lambda tmp: make_jpeg(tmp / "t.jpg", 400, 300, "cut"), 0.3),
    "huge-sof.jpg": lambda tmp: (
        b"\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9"
    ),
    "truncated.mp4": _truncated(lambda tmp: make_video(tmp / "t.mp4", 1.0, 160, 120), 0.2),
    "ftyp-garbage.mp4": _garbage_after_header(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"),
    "truncated.webm": _truncated(lambda tmp: make_webm(tmp / "t.webm", 1.0, 160, 120), 0.2),
    "ebml-garbage.webm": _garbage_after_header(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm"),
    "truncated.mp3": _truncated(lambda tmp: make_mp3(tmp / "t.mp3", 1.0), 0.05),
    "id3-garbage.mp3": _garbage_after_header(b"ID3\x04\x00\x00\x00\x00\x00\x00"),
    "lying-size.wav": _riff_wav_lying_about_size,
    "zero-channels.wav": _wav_with_zero_channels,
    "truncated.pdf": _truncated(lambda tmp: make_pdf(tmp / "t.pdf", [("Title", ["a", "b"])]), 0.5),
    "encrypted.pdf": lambda tmp: make_encrypted_pdf(tmp / "e.pdf").read_bytes(),
    "billion-pages.pdf": _pdf_claiming_pages,
    "html.png": lambda tmp: b"<!doctype html><html><script>alert(1)</script></html>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_malformed_files_of_every_type_get_a_clear_answer(
    hostile: Hostile, memory: MemoryWatch, tmp_path: Path, name: str
) -> None:
    data = HOSTILE_FILES[name](tmp_path)
    with hostile.client(hostile.key) as c:
        answer = c.post("/v3/assets", files={"file": (name, data)})
        # Some damage is tolerated by the decoders (a truncated clip still has frames): that is
        # fine, as long as the answer is a clean 2xx or a 4xx that says what is wrong.
        if answer.status_code >= 300:
            message = clear_error(answer)
            assert name in message or "empty" in message or "larger than" in message, message
        encoded = base64.b64encode(data).decode()
        body = {"prompt": "Present this.", "files": [{"type": "base64", "data": encoded, "name": name}]}
        created = c.post("/v3/video-agents", json=body)
        if created.status_code >= 300:
            assert clear_error(created)
            if created.status_code == 400 and "files[0]" in created.text:
                assert created.json()["error"]["param"].startswith("files")
