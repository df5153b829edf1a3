"""SSRF-safe fetching against a real HTTP server on 127.0.0.1 (no mocks, no outside network)."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

import reelwright.net.fetch as fetch_module
from reelwright.net.fetch import Allowlist, FetchFailed, FetchResult, UnsafeUrl, check_url, fetch_url
from tests.quiet_http import QuietHTTPServer

BODY = bytes(range(256)) * 40  # 10 KiB, every byte value
BIG = b"x" * 200_000
LIMIT = 50_000  # max_bytes for the size tests: BIG is four times that
LOOPBACK = Allowlist.parse("127.0.0.1:*")  # the test servers listen on random ports


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # so the no-Content-Length route can use chunked encoding
    seen: list[str]  # paths requested, shared through the server (set in the fixture)

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, headers={"Location": location})

    def do_GET(self) -> None:
        self.seen.append(self.path)
        port = self.connection.getsockname()[1]
        try:
            if self.path == "/file/report%20v2.pdf":
                self._send(200, BODY, {"Content-Type": "application/pdf"})
            elif self.path == "/echo":  # what the request said about itself
                self._send(200, f"{self.headers['Host']}|{self.headers['User-Agent']}".encode())
            elif self.path == "/missing":
                self._send(404, b"secret body text")
            elif self.path.startswith("/chain/"):  # /chain/3 -> /chain/2 -> ... -> the file
                left = int(self.path.rsplit("/", 1)[1])
                self._redirect(f"/chain/{left - 1}" if left > 0 else "../file/report%20v2.pdf")
            elif self.path == "/loop":
                self._redirect("/loop")
            elif self.path == "/to-ip":  # an absolute redirect to the same server, by IP address
                self._redirect(f"http://127.0.0.1:{port}/file/report%20v2.pdf")
            elif self.path == "/big":
                self._send(200, BIG)
            elif self.path == "/big-chunked":  # no Content-Length: only counting can stop it
                self.send_response(200)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i in range(0, len(BIG), 10_000):
                    piece = BIG[i : i + 10_000]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            elif self.path == "/trickle":  # a byte every 50 ms for 10 s: no single read times out
                self.send_response(200)
                self.send_header("Content-Length", "200")
                self.end_headers()
                for _ in range(200):
                    self.wfile.write(b".")
                    self.wfile.flush()
                    time.sleep(0.05)
            elif self.path == "/silent":  # headers only after 10 s
                time.sleep(10)
                self._send(200, b"late")
            else:
                self._send(404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as the test wanted


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def base(server: tuple[str, list[str]]) -> str:
    return server[0]


def _fetch(
    url: str,
    dest: Path,
    allowlist: Allowlist = LOOPBACK,
    *,
    max_bytes: int = 1_000_000,
    timeout: float = 5.0,
    max_redirects: int = 5,
) -> FetchResult:
    return fetch_url(
        url, allowlist, max_bytes=max_bytes, timeout=timeout, max_redirects=max_redirects, dest=dest
    )


# --- check_url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://100.64.0.1/", "shared"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fc00::1]/", "private"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 written as one number
        ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 wrapping 127.0.0.1
    ],
)
def test_non_public_addresses_are_refused(url: str, why: str) -> None:
    with pytest.raises(UnsafeUrl) as info:
        check_url(url, Allowlist.parse(""))
    assert why in info.value.reason
    assert "REELWRIGHT_URL_ALLOWLIST" in info.value.reason


def test_loopback_message() -> None:
    with pytest.raises(UnsafeUrl) as info:
        check_url("http://127.0.0.1:8080/x", Allowlist.parse(""))
    assert info.value.reason == (
        "address 127.0.0.1 is a loopback address; add 127.0.0.1:8080 to REELWRIGHT_URL_ALLOWLIST to allow it"
    )


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "x"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl, match="scheme"):
        check_url(url, Allowlist.parse("0.0.0.0/0,::/0"))


def test_missing_host_is_refused() -> None:
    with pytest.raises(UnsafeUrl, match="no host"):
        check_url("http:///path", Allowlist.parse(""))


@pytest.mark.parametrize("entries", ["127.0.0.1", "127.0.0.0/8", " 10.0.0.0/8 , 127.0.0.0/8 ", "LocalHost"])
def test_allowlist_lets_loopback_through(entries: str) -> None:
    url = "http://localhost/" if entries.strip().lower() == "localhost" else "http://127.0.0.1/"
    assert check_url(url, Allowlist.parse(entries)) == ["127.0.0.1"]


def test_allowlist_parsing() -> None:
    allow = Allowlist.parse("localhost,10.0.0.0/8,::1,files.internal.,[fd00::1]")
    assert allow.allows_host("LOCALHOST") and allow.allows_host("files.internal")
    assert not allow.allows_host("10.0.0.0/8") and not allow.allows_host("example.com")
    assert allow.allows_ip(ipaddress.ip_address("10.20.30.40"))
    assert allow.allows_ip(ipaddress.ip_address("::1"))
    assert allow.allows_ip(ipaddress.ip_address("fd00::1"))
    assert allow.allows_ip(ipaddress.ip_address("::ffff:10.0.0.1"))  # mapped form of an allowed address
    assert not allow.allows_ip(ipaddress.ip_address("127.0.0.1"))
    assert not allow.allows_ip(ipaddress.ip_address("11.0.0.1"))


def test_allowlisted_address_does_not_open_others() -> None:
    with pytest.raises(UnsafeUrl):
        check_url("http://10.1.2.3/", Allowlist.parse("127.0.0.1,192.168.0.0/16"))


def test_a_hanging_dns_lookup_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # A resolver that never answers cannot be made here, so the lookup itself is slowed down;
    # what is under test is that the caller stops waiting.
    real = socket.getaddrinfo

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(2)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", slow)
    monkeypatch.setattr(fetch_module, "DNS_TIMEOUT_SECONDS", 0.2)
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"resolving host example\.org took longer than 0\.2 s"):
        check_url("https://example.org/a.pdf", Allowlist.parse(""))
    assert time.monotonic() - started < 1.5


def test_unresolvable_host_fails() -> None:
    with pytest.raises(FetchFailed, match=r"could not resolve host nonexistent\.invalid"):
        check_url("http://nonexistent.invalid/file", Allowlist.parse(""))


def test_public_address_passes_without_dns() -> None:
    assert check_url("https://93.184.215.14/x", Allowlist.parse("")) == ["93.184.215.14"]


# --- fetch_url ---------------------------------------------------------------------------------


def test_happy_path(base: str, tmp_path: Path) -> None:
    dest = tmp_path / "00"
    got = fetch_url(
        f"{base}/file/report%20v2.pdf", Allowlist.parse("127.0.0.0/8:*"), max_bytes=len(BODY), dest=dest
    )
    assert dest.read_bytes() == BODY
    assert (got.path, got.size, got.content_type) == (dest, len(BODY), "application/pdf")
    assert got.final_url == f"{base}/file/report%20v2.pdf"
    assert got.name == "report_v2.pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00"]


def test_loopback_refused_by_default(base: str, server: tuple[str, list[str]], tmp_path: Path) -> None:
    seen = server[1]
    before = len(seen)
    with pytest.raises(UnsafeUrl, match="loopback"):
        fetch_url(f"{base}/file/report%20v2.pdf", Allowlist.parse(""), max_bytes=10**6, dest=tmp_path / "f")
    assert len(seen) == before  # refused before connecting
    assert list(tmp_path.iterdir()) == []


def test_redirect_chain_is_followed(base: str, tmp_path: Path) -> None:
    got = _fetch(f"{base}/chain/3", tmp_path / "f")
    assert (tmp_path / "f").read_bytes() == BODY
    assert got.final_url == f"{base}/file/report%20v2.pdf"  # relative Locations resolved
    assert got.name == "report_v2.pdf"


def test_redirect_limit(base: str, tmp_path: Path) -> None:
    with pytest.raises(FetchFailed, match=r"too many redirects \(more than 5\)"):
        _fetch(f"{base}/loop", tmp_path / "f")
    with pytest.raises(FetchFailed, match="more than 2"):
        _fetch(f"{base}/chain/3", tmp_path / "f", max_redirects=2)  # 4 redirects needed
    _fetch(f"{base}/chain/3", tmp_path / "f", max_redirects=4)  # exactly enough
    assert (tmp_path / "f").read_bytes() == BODY


def test_redirect_target_is_checked_again(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, seen = server
    port = base.rsplit(":", 1)[1]
    by_name = Allowlist.parse("localhost:*")  # the name is trusted, the bare address is not
    # The same allowlist fetches directly by name, so the refusal below is the redirect's doing.
    _fetch(f"http://localhost:{port}/file/report%20v2.pdf", tmp_path / "ok", by_name)
    before = len(seen)
    with pytest.raises(UnsafeUrl, match=r"address 127\.0\.0\.1 is a loopback address"):
        _fetch(f"http://localhost:{port}/to-ip", tmp_path / "f", by_name)
    assert seen[before:] == ["/to-ip"]  # the first hop was made; the redirect target never was
    assert not (tmp_path / "f").exists()


def test_pinned_request_keeps_host_name(base: str, tmp_path: Path) -> None:
    # The connection goes to the checked address, but the server still sees the name it was asked for.
    port = base.rsplit(":", 1)[1]
    _fetch(f"http://localhost:{port}/echo", tmp_path / "f", Allowlist.parse("localhost:*"))
    assert (tmp_path / "f").read_text() == f"localhost:{port}|Reelwright/0.1 (+file fetch)"


def test_http_error_status(base: str, tmp_path: Path) -> None:
    with pytest.raises(FetchFailed) as info:
        _fetch(f"{base}/missing", tmp_path / "f")
    assert info.value.reason == "HTTP 404 from 127.0.0.1"  # no body in the message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_size_limit(base: str, tmp_path: Path, path: str) -> None:
    with pytest.raises(FetchFailed, match="larger than 49 KB"):
        _fetch(base + path, tmp_path / "f", max_bytes=LIMIT)
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary


def test_size_limit_exact(base: str, tmp_path: Path) -> None:
    got = _fetch(f"{base}/big-chunked", tmp_path / "f", max_bytes=len(BIG))
    assert got.size == len(BIG) and (tmp_path / "f").read_bytes() == BIG


@pytest.mark.parametrize("path", ["/trickle", "/silent"])
def test_overall_deadline(base: str, tmp_path: Path, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match=r"timed out after 1 s"):
        _fetch(base + path, tmp_path / "f", timeout=1.0)
    assert time.monotonic() - started < 2.0
    assert list(tmp_path.iterdir()) == []


def test_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(FetchFailed, match=r"could not connect to 127\.0\.0\.1"):
        _fetch(f"http://127.0.0.1:{port}/x", tmp_path / "f")


# --- https: pinned to the address, but SNI and certificate checked against the name -----------


class _TlsHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = f"{self.headers['Host']}|{self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def tls_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, int], list[str]]]:
    """Two HTTPS servers on 127.0.0.1, with self-signed certificates for two different names."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make certificates")
    folder = tmp_path_factory.mktemp("tls")
    ports: dict[str, int] = {}
    sni: list[str] = []
    servers = []
    for name in ("localhost", "other.example"):
        key, crt = folder / f"{name}.key", folder / f"{name}.crt"
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
                *("-keyout", str(key), "-out", str(crt), "-subj", f"/CN={name}"),
                *("-addext", f"subjectAltName=DNS:{name}", "-addext", "basicConstraints=critical,CA:TRUE"),
            ],
            check=True,
            capture_output=True,
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(crt, key)
        context.sni_callback = lambda _sock, server_name, _ctx: sni.append(server_name)
        httpd = QuietHTTPServer(("127.0.0.1", 0), _TlsHandler)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        ports[name] = httpd.server_address[1]
        servers.append(httpd)
    bundle = folder / "trusted.pem"
    bundle.write_bytes((folder / "localhost.crt").read_bytes() + (folder / "other.example.crt").read_bytes())
    try:
        yield bundle, ports, sni
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()


def test_https_is_pinned_but_verified_by_name(
    tls_servers: tuple[Path, dict[str, int], list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle, ports, sni = tls_servers
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    fetch_module._tls.cache_clear()  # the TLS context is built once; rebuild it with our CA
    try:
        by_name = Allowlist.parse("localhost:*")
        got = _fetch(f"https://localhost:{ports['localhost']}/a/b.txt?x=1", tmp_path / "f", by_name)
        assert (tmp_path / "f").read_text() == f"localhost:{ports['localhost']}|/a/b.txt?x=1"
        assert got.name == "b.txt" and sni[-1] == "localhost"
        # The certificate is checked against the name, not the address we connected to.
        with pytest.raises(FetchFailed, match=r"could not connect to localhost.*not valid for 'localhost'"):
            _fetch(f"https://localhost:{ports['other.example']}/a", tmp_path / "g", by_name)
        assert list(tmp_path.iterdir()) == [tmp_path / "f"]
    finally:
        monkeypatch.delenv("SSL_CERT_FILE")
        fetch_module._tls.cache_clear()
