"""One-click owner sign-in must never be reachable from elsewhere (findings 8 and 17), and a
signed ``/files`` link with a non-ASCII ``sig`` is a 403, not a 500 (finding 11).

A real server; the "reverse proxy" is a small relay here that behaves as nginx's bare
``proxy_pass`` does: Host rewritten to the upstream, no forwarding headers, HTTP/1.0 upstream (or
1.1, as with ``proxy_http_version 1.1``), everything else passed through."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelwright.web.auth import host_header_name, is_loopback
from tests.adversarial.live_backends import running_server
from tests.server import Server

OFFER = "Continue as this machine’s owner"


def _token(html: str) -> str:
    found = re.search(r'name="signin_csrf" value="([^"]+)"', html)
    assert found, "no sign-in form"
    return found.group(1)


def _owner_signin(client: httpx.Client, headers: dict[str, str] | None = None) -> httpx.Response:
    token = _token(client.get("/signin").text)
    return client.post("/signin/owner", data={"signin_csrf": token}, headers=headers or {})


class BareProxy:
    """Relays each connection to the upstream the way a bare nginx ``proxy_pass`` does."""

    def __init__(self, upstream_port: int, http_version: str) -> None:
        self.upstream_port, self.http_version = upstream_port, http_version
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _relay(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            headers = [line for line in lines if not line.lower().startswith(("host:", "connection:"))]
            length = next(
                (int(h.split(":", 1)[1]) for h in headers if h.lower().startswith("content-length:")), 0
            )
            while len(body) < length:
                body += conn.recv(65536)
            method, target, _version = request_line.split(" ")
            upstream_head = "\r\n".join(
                [
                    f"{method} {target} HTTP/{self.http_version}",
                    f"Host: 127.0.0.1:{self.upstream_port}",  # nginx's default: $proxy_host
                    "Connection: close",
                    *headers,
                ]
            )
            with socket.create_connection(("127.0.0.1", self.upstream_port)) as up:
                up.sendall(upstream_head.encode("latin-1") + b"\r\n\r\n" + body)
                while chunk := up.recv(65536):
                    conn.sendall(chunk)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("proxy"), {}) as srv:
        yield srv


def test_a_direct_request_from_this_machine_may_sign_in(server: Server) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as client:
        assert OFFER in client.get("/signin").text
        assert _owner_signin(client, {"Origin": server.base}).status_code == 303


@pytest.mark.parametrize(
    "header",
    [
        ("X-Forwarded-For", "203.0.113.9"),
        ("X-Forwarded-Host", "videos.example.com"),
        ("X-Forwarded-Proto", "https"),
        ("X-Real-IP", "203.0.113.9"),
        ("Forwarded", "for=203.0.113.9"),
        ("Via", "1.1 edge"),
        ("CF-Connecting-IP", "203.0.113.9"),
        ("Origin", "https://videos.example.com"),
        ("Referer", "https://videos.example.com/signin"),
        ("Origin", "http://evil.example\\@127.0.0.1"),
    ],
)
def test_any_proxy_mark_refuses_owner_sign_in(server: Server, header: tuple[str, str]) -> None:
    with httpx.Client(base_url=server.base, timeout=30) as client:
        if header[0] != "Referer":  # a link from another site: the page is offered, the POST judged
            assert OFFER not in client.get("/signin", headers=[header]).text
        answer = _owner_signin(client, dict([header]))
        assert answer.status_code == 403 and client.get("/videos").status_code == 303


@pytest.mark.parametrize(
    "host", ["evil.example\\@127.0.0.1", "evil.example@127.0.0.1", "127.0.0.1:80/x", "[::1", "127.0.0.1 x"]
)
def test_host_headers_are_parsed_strictly(server: Server, host: str) -> None:
    assert not is_loopback(host_header_name(host))
    with httpx.Client(base_url=server.base, timeout=30) as client:
        page = client.get("/signin", headers={"Host": host})
        assert page.status_code < 500 and OFFER not in page.text
        answer = _owner_signin(client, {"Host": host})
        assert answer.status_code in (400, 403), answer.text
        assert client.get("/videos").status_code == 303


@pytest.mark.parametrize("http_version", ["1.0", "1.1"])
def test_owner_sign_in_is_refused_through_a_bare_nginx_style_proxy(server: Server, http_version: str) -> None:
    proxy = BareProxy(server.port, http_version)
    try:
        with httpx.Client(base_url=proxy.base, timeout=30) as browser:
            if http_version == "1.0":
                assert OFFER not in browser.get("/signin").text
            # What a browser sends with the form: its Origin is the public site it was served from.
            answer = _owner_signin(browser, {"Origin": "https://videos.example.com"})
            assert answer.status_code == 403, answer.text
            assert browser.get("/videos").status_code == 303
    finally:
        proxy.close()


def _signin_offered(data: Path, env: dict[str, str]) -> tuple[bool, int]:
    with running_server(data, env) as srv, httpx.Client(base_url=srv.base, timeout=30) as client:
        offered = OFFER in client.get("/signin").text
        return offered, _owner_signin(client).status_code


def test_owner_signin_setting(tmp_path: Path) -> None:
    public = {"REELWRIGHT_PUBLIC_URL": "http://videos.lan:8000"}
    assert _signin_offered(tmp_path / "a", public) == (False, 403)  # auto: a public URL turns it off
    assert _signin_offered(tmp_path / "b", {**public, "REELWRIGHT_OWNER_SIGNIN": "on"}) == (True, 303)
    assert _signin_offered(tmp_path / "c", {"REELWRIGHT_OWNER_SIGNIN": "off"}) == (False, 403)


# As sent on the wire: UTF-8 letters, a lone 0xFF and a broken sequence (decoded with U+FFFD).
@pytest.mark.parametrize("sig", ["%C3%A9", "%E2%98%83" * 64, "%FF", "a%C3%28", "%EF%BF%BD" + "0" * 63])
def test_non_ascii_signature_is_403(server: Server, sig: str) -> None:
    for path in ("/files/assets/" + "a" * 32, "/files/" + "b" * 32 + "/video.mp4"):
        answer = httpx.get(f"{server.base}{path}?expires=99999999999&sig={sig}", timeout=30)
        assert answer.status_code == 403, (path, sig, answer.text)
        assert answer.json()["error"]["code"] == "forbidden"
