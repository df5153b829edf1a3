"""Bodies at the edge: authenticated before they are read, cut off at the cap whatever the framing,
scanned for NUL as they stream (issue 18, findings 2, 3 and 5).

Each test sends what a hostile client would over a raw socket (chunked framing it controls, a body
that trickles) and checks the answer, how much the server let it send, and the server's memory.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx

from tests.adversarial.conftest import MB, Hostile, MemoryWatch, chunked, clear_error, raw_request


def _head(method: str, path: str, headers: dict[str, str]) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return "\r\n".join(lines) + "\r\n\r\n"


def _port(hostile: Hostile) -> int:
    return hostile.server.port


def test_unauthenticated_chunked_body_is_refused_before_a_byte_is_read(
    hostile: Hostile, memory: MemoryWatch
) -> None:
    # The attack: 400 MB chunked with no key cost 1.7 GB before the 401. We offer 200 MB.
    head = _head(
        "POST", "/v3/video-agents", {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    )
    status, envelope, sent = raw_request(_port(hostile), head, chunked(200 * MB), deadline=20)
    assert status == 401, envelope
    assert "API key" in str(envelope["error"])
    # Only what the kernel's socket buffers took before the server answered and closed.
    print(f"sent {sent / MB:.1f} MB of 200 MB before the 401")
    assert sent < 32 * MB, f"the client could send {sent / MB:.0f} MB"


def test_unauthenticated_declared_body_is_refused_without_reading(
    hostile: Hostile, memory: MemoryWatch
) -> None:
    head = _head(
        "POST", "/v3/video-agents", {"Content-Type": "application/json", "Content-Length": str(400 * MB)}
    )
    status, envelope, sent = raw_request(_port(hostile), head, chunked(64 * MB), deadline=20)
    assert status in (401, 413), envelope
    assert sent < 32 * MB


def test_authenticated_chunked_json_is_cut_off_at_the_cap(hostile: Hostile, memory: MemoryWatch) -> None:
    headers = {"X-Api-Key": hostile.key, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    status, envelope, sent = raw_request(
        _port(hostile), _head("POST", "/v3/video-agents", headers), chunked(200 * MB)
    )
    assert status == 413, envelope
    assert "larger than 4 MB" in str(envelope["error"])
    print(f"sent {sent / MB:.1f} MB of 200 MB before the 413")
    assert sent < 4 * MB + 32 * MB


def _upload_tmp_files(hostile: Hostile) -> list[Path]:
    tmp = hostile.server.data / "scratch" / "uploads"
    return list(tmp.iterdir()) if tmp.exists() else []


def test_chunked_multipart_upload_is_not_spooled_without_a_key_nor_past_the_cap(
    hostile: Hostile, memory: MemoryWatch
) -> None:
    boundary = "hostileboundary"
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()

    def body() -> list[bytes]:
        first = preamble + b"\x89PNG\r\n\x1a\n"
        return [b"%x\r\n" % len(first) + first + b"\r\n", *chunked(100 * MB)]

    content_type = f"multipart/form-data; boundary={boundary}"
    anonymous = {"Content-Type": content_type, "Transfer-Encoding": "chunked"}
    status, envelope, sent = raw_request(_port(hostile), _head("POST", "/v3/assets", anonymous), body())
    assert status == 401, envelope
    assert sent < 32 * MB
    with_key = {**anonymous, "X-Api-Key": hostile.key}
    status, envelope, sent = raw_request(_port(hostile), _head("POST", "/v3/assets", with_key), body())
    assert status == 413, envelope
    assert "larger than 2 MB" in str(envelope["error"])
    assert not _upload_tmp_files(hostile)


NUL_BODIES = [
    ("APPLICATION/JSON", json.dumps({"prompt": "a\x00b"}).encode()),
    ("application/vnd.x+json", json.dumps({"prompt": "a\x00b"}).encode()),
    ("application/json; charset=utf-8", json.dumps({"prompt": "a\x00b"}).encode()),
    ("text/json", json.dumps({"prompt": "a\x00b"}).encode()),
    ("", json.dumps({"prompt": "a\x00b"}).encode()),  # no content type: FastAPI reads JSON
    ("application/json", json.dumps({"prompt": "hi"}).encode("utf-16")),  # UTF-16 JSON, raw zero bytes
]


def test_nul_is_refused_whatever_the_json_content_type(hostile: Hostile, memory: MemoryWatch) -> None:
    with hostile.client(hostile.key) as c:
        for content_type, body in NUL_BODIES:
            answer = c.post("/v3/video-agents", content=body, headers={"Content-Type": content_type})
            assert "NUL" in clear_error(answer, 400), content_type


def test_nul_split_across_chunks_is_still_found(hostile: Hostile, memory: MemoryWatch) -> None:
    headers = {"X-Api-Key": hostile.key, "Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    parts = [b'{"prompt": "a\\u0', b"0", b'00b"}']
    chunks = [b"%x\r\n" % len(p) + p + b"\r\n" for p in parts] + [b"0\r\n\r\n"]
    status, envelope, _ = raw_request(_port(hostile), _head("POST", "/v3/video-agents", headers), chunks)
    assert status == 400 and "NUL" in str(envelope["error"]), envelope


def test_nul_in_a_web_form_is_refused(hostile: Hostile, memory: MemoryWatch) -> None:
    with hostile.client() as c:
        page = c.get("/signin")
        answer = c.post(
            "/signin",
            content=b"api_key=rw_%00x&signin_csrf=t&next=%2Fvideos",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "rw_signin=t"},
        )
        assert page.status_code == 200
        assert "NUL" in clear_error(answer, 400)


def test_a_trickling_body_does_not_slow_anyone_else(hostile: Hostile, memory: MemoryWatch) -> None:
    body = json.dumps({"prompt": "Slowly, slowly."}).encode()
    headers = {"X-Api-Key": hostile.key, "Content-Type": "application/json", "Content-Length": str(len(body))}
    results: list[int] = []

    def trickle() -> None:
        pieces = [body[i : i + 2] for i in range(0, len(body), 2)]
        status, _, _ = raw_request(_port(hostile), _head("POST", "/v3/assets", headers), pieces, pause=0.15)
        results.append(status)

    slow = [threading.Thread(target=trickle) for _ in range(8)]
    for t in slow:
        t.start()
    worst = 0.0
    with hostile.client(hostile.key) as c:
        for _ in range(10):
            started = time.perf_counter()
            assert c.get("/v3/videos").status_code == 200
            worst = max(worst, time.perf_counter() - started)
            time.sleep(0.1)
    for t in slow:
        t.join()
    assert worst < 1.0, f"a read took {worst:.2f} s while bodies trickled"
    assert all(400 <= s < 500 for s in results), results  # a JSON body is not a multipart upload


def test_nul_in_the_url_is_refused(hostile: Hostile, memory: MemoryWatch) -> None:
    with hostile.client(hostile.key) as c:
        assert "NUL" in clear_error(c.get("/v3/videos?token=%00"), 400)
    answer = httpx.get(f"{hostile.server.base}/v3/videos", params={"token": "a\x00"})
    assert answer.status_code == 400
