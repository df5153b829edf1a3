"""URL rules: allowlist entries carry a port (finding 9), fec0::/10 is private (18), and a file
server's malformed redirect is a 400 ``download_failed``, never a 500 (10).

Address checks call the functions directly; fetches go only to loopback servers."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from reelwright.config import Settings
from reelwright.net.fetch import Allowlist, FetchFailed, UnsafeUrl, _why_unsafe, check_url, fetch_url
from tests.adversarial.live_backends import FileServer, error_of, raw_redirect, running_server, send_bytes
from tests.media import make_png
from tests.server import Server


def test_a_bare_entry_opens_only_the_schemes_port() -> None:
    allow = Allowlist.parse("127.0.0.1,files.internal")
    assert check_url("http://127.0.0.1/x", allow) == ["127.0.0.1"]
    assert check_url("http://127.0.0.1:80/x", allow) == ["127.0.0.1"]
    assert allow.allows_host("files.internal", None, default_port=443)
    assert not allow.allows_host("files.internal", 8080, default_port=80)
    # https's port is 443: the same bare entry does not open port 80 for it, nor 5432 for anyone.
    assert not allow.allows_ip(ipaddress.ip_address("127.0.0.1"), 80, default_port=443)
    for url in ("http://127.0.0.1:5432/", "http://127.0.0.1:6379/", "https://127.0.0.1:80/"):
        with pytest.raises(UnsafeUrl, match="loopback") as info:
            check_url(url, allow)
        port = url.rsplit(":", 1)[1].strip("/")
        assert f"add 127.0.0.1:{port} to REELWRIGHT_URL_ALLOWLIST" in info.value.reason


def test_host_port_entries() -> None:
    allow = Allowlist.parse("127.0.0.1:8080, localhost:9000, 10.0.0.0/8:9000, [::1]:8443, [fd00::/8]:*")
    assert check_url("http://127.0.0.1:8080/", allow) == ["127.0.0.1"]
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1:8081/", allow)
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1/", allow)  # port 80 was not named
    assert allow.allows_host("LOCALHOST", 9000) and not allow.allows_host("localhost", 9001)
    assert allow.allows_ip(ipaddress.ip_address("10.9.9.9"), 9000)
    assert not allow.allows_ip(ipaddress.ip_address("10.9.9.9"), None)
    assert allow.allows_ip(ipaddress.ip_address("::1"), 8443, default_port=443)
    assert not allow.allows_ip(ipaddress.ip_address("::1"), None, default_port=443)
    assert allow.allows_ip(ipaddress.ip_address("fd12::5"), 1) and allow.allows_ip(
        ipaddress.ip_address("fd12::5")
    )
    # The IPv4-mapped form of an allowed address is allowed on the same port only.
    assert allow.allows_ip(ipaddress.ip_address("::ffff:127.0.0.1"), 8080)
    assert not allow.allows_ip(ipaddress.ip_address("::ffff:127.0.0.1"), 22)


def test_any_port_entry() -> None:
    allow = Allowlist.parse("127.0.0.1:*")
    for port in (1, 80, 5432, 65535):
        assert check_url(f"http://127.0.0.1:{port}/", allow) == ["127.0.0.1"]


@pytest.mark.parametrize(
    "entries", ["host:0", "host:65536", "host:http", "[::1", "[::1]x", "a b", "exa$mple.com", "h:1:2:x/"]
)
def test_malformed_entries_are_refused_at_start(entries: str) -> None:
    with pytest.raises(ValueError, match="allowlist entry"):
        Allowlist.parse(entries)
    with pytest.raises(ValidationError, match="allowlist entry"):
        Settings(url_allowlist=entries)


@pytest.mark.parametrize("address", ["fec0::1", "fec0:1234::5", "feff:ffff::1"])
def test_site_local_ipv6_is_private(address: str) -> None:
    assert _why_unsafe(ipaddress.ip_address(address)) == "a site-local address"
    with pytest.raises(UnsafeUrl, match="site-local"):
        check_url(f"http://[{address}]/", Allowlist.parse(""))
    # An allowlist entry still lets the operator reach it on purpose.
    assert check_url(f"http://[{address}]/", Allowlist.parse(f"[{address}]")) == [address]


@pytest.fixture
def files() -> Iterator[FileServer]:
    server = FileServer()
    try:
        yield server
    finally:
        server.close()


def test_redirects_are_checked_against_the_port(files: FileServer, tmp_path: Path) -> None:
    other = FileServer()  # a second loopback service the allowlist does not name
    try:
        other.routes["/secret"] = send_bytes(b"internal")
        files.routes["/hop"] = raw_redirect(f"http://127.0.0.1:{other.port}/secret".encode())
        files.routes["/ok"] = send_bytes(b"fine")
        allow = Allowlist.parse(f"127.0.0.1:{files.port}")
        assert fetch_url(f"{files.base}/ok", allow, max_bytes=100, dest=tmp_path / "ok").size == 4
        with pytest.raises(UnsafeUrl, match=f"add 127.0.0.1:{other.port} to"):
            fetch_url(f"{files.base}/hop", allow, max_bytes=100, dest=tmp_path / "f")
        assert "/secret" not in other.hits and not (tmp_path / "f").exists()
    finally:
        other.close()


# Locations httpx cannot parse: each raised from send() as InvalidURL or an IDNA error, a 500.
MALFORMED = [
    b"mailto:x",
    b"data:,x",
    b"http:\\\\x",
    b"http://xn--ls8h.la/",
    b"http://[::1",
    b"http://\xe2\x80\x8d/",
]


@pytest.mark.parametrize("location", MALFORMED)
def test_fetch_of_a_malformed_redirect_fails_cleanly(
    files: FileServer, tmp_path: Path, location: bytes
) -> None:
    files.routes["/r"] = raw_redirect(location)
    with pytest.raises(FetchFailed):
        fetch_url(
            f"{files.base}/r", Allowlist.parse(f"127.0.0.1:{files.port}"), max_bytes=100, dest=tmp_path / "f"
        )
    assert not list(tmp_path.iterdir())


def test_server_answers_400_for_malformed_redirects_and_other_ports(
    files: FileServer, tmp_path: Path
) -> None:
    make_png(tmp_path / "slide.png", 64, 64)
    files.routes["/slide.png"] = send_bytes((tmp_path / "slide.png").read_bytes(), "image/png")
    for i, location in enumerate(MALFORMED):
        files.routes[f"/bad/{i}"] = raw_redirect(location)
    other = FileServer()
    other.routes["/slide.png"] = files.routes["/slide.png"]
    files.routes["/to-other-port"] = raw_redirect(f"{other.base}/slide.png".encode())
    env = {"REELWRIGHT_URL_ALLOWLIST": f"127.0.0.1:{files.port}"}
    try:
        server = Server(tmp_path / "data", {"REELWRIGHT_WORKERS": "0", **env})
        key = server.key("url-rules")
        with running_server(tmp_path / "data", env) as server, server.client(key) as c:

            def create(url: str) -> httpx.Response:
                return c.post(
                    "/v3/video-agents",
                    json={"prompt": "A short clip", "files": [{"type": "url", "url": url}]},
                )

            assert create(f"{files.base}/slide.png").status_code == 200  # the allowed port works
            for i in range(len(MALFORMED)):
                r = create(f"{files.base}/bad/{i}")
                assert r.status_code == 400, (MALFORMED[i], r.text)
                assert error_of(r)["code"] == "download_failed", r.text
            r = create(f"{other.base}/slide.png")  # the same host on a port the allowlist does not name
            assert r.status_code == 400 and f"127.0.0.1:{other.port}" in error_of(r)["message"], r.text
            r = create(f"{files.base}/to-other-port")  # ... and reached through a redirect
            assert r.status_code == 400 and f"127.0.0.1:{other.port}" in error_of(r)["message"], r.text
            assert "/slide.png" not in other.hits
    finally:
        other.close()
