"""Fetch user-supplied URLs (and vet webhook URLs) without letting them reach our own network.

A URL given to the API is attacker-controlled: left unchecked it could make the server read its
cloud metadata service, an internal admin page or a database port (SSRF). So:

* only ``http`` and ``https``;
* every address the host name resolves to must be public, unless the operator allowlisted the
  name or the address (``REELWRIGHT_URL_ALLOWLIST``);
* we connect to an address we checked, not to whatever the name resolves to a moment later (DNS
  rebinding), keeping the name for the ``Host`` header and for TLS (SNI and certificate check);
* redirects are followed by hand so that every hop is checked again;
* size and one overall deadline are enforced while streaming, and the file only appears at its
  destination once complete.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import re
import secrets
import socket
import ssl
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

USER_AGENT = "Reelwright/0.1 (+file fetch)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Carrier-grade NAT space: neither private nor global to Python, but internal all the same.
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
# NAT64 embeds an IPv4 address in the low 32 bits; a NAT64 gateway would take us there.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HINT = "to REELWRIGHT_URL_ALLOWLIST to allow it"


class UnsafeUrl(Exception):
    """The URL may not be fetched: wrong scheme, malformed, or it leads to a non-public address."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchFailed(Exception):
    """The URL was allowed but could not be fetched (resolution, connection, HTTP status, limits)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# An allowlist entry's port: a number, the URL scheme's own port (an entry without one), or any.
DEFAULT_PORT: None = None
ANY_PORT = 0  # written "*"; port 0 is never a valid URL port, so it cannot clash with one
PortSpec = int | None

_PORT_SUFFIX = re.compile(r"(.*):(\d{1,5}|\*)")


def _split_port(entry: str) -> tuple[str, PortSpec]:
    """``"[::1]:8080"`` -> ``("::1", 8080)``; ``"host:*"`` -> ``("host", ANY_PORT)``; bare -> DEFAULT_PORT.

    A bare IPv6 address or network (several colons, no brackets) has no port.
    """
    if entry.startswith("["):
        inside, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise ValueError(f"allowlist entry {entry!r} is malformed; write [ipv6] or [ipv6]:port")
        return inside, _port(entry, rest[1:]) if rest else DEFAULT_PORT
    if entry.count(":") == 1 and (found := _PORT_SUFFIX.fullmatch(entry)):
        return found.group(1), _port(entry, found.group(2))
    if entry.count(":") == 1:
        raise ValueError(f"allowlist entry {entry!r} has a bad port; use 1-65535 or *")
    return entry, DEFAULT_PORT


def _port(entry: str, text: str) -> PortSpec:
    if text == "*":
        return ANY_PORT
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"allowlist entry {entry!r} has a bad port; use 1-65535 or *")
    return int(text)


def _port_matches(spec: PortSpec, port: int | None, default_port: int) -> bool:
    if spec == ANY_PORT:
        return True
    return (port or default_port) == (default_port if spec is DEFAULT_PORT else spec)


@dataclass(frozen=True)
class Allowlist:
    """Host names (exact, case-insensitive) and networks that may be reached although not public,
    each on one port: the one it names, ``*`` for any, else the URL scheme's (80 or 443).

    Ports matter: allowlisting a file server must not also open the database on the same machine.
    """

    hosts: frozenset[tuple[str, PortSpec]] = field(default_factory=frozenset)
    networks: tuple[tuple[IPNetwork, PortSpec], ...] = ()

    @classmethod
    def parse(cls, text: str) -> Allowlist:
        """Parse ``"localhost:8080,10.0.0.0/8,[::1]:*,files.internal"``; a bare address is a /32 or /128.

        Raises ValueError naming a malformed entry.
        """
        hosts: set[tuple[str, PortSpec]] = set()
        networks: list[tuple[IPNetwork, PortSpec]] = []
        for raw in text.split(","):
            entry = raw.strip().lower()
            if not entry:
                continue
            name, port = _split_port(entry)
            try:
                networks.append((ipaddress.ip_network(name, strict=False), port))
            except ValueError:
                if not re.fullmatch(r"[a-z0-9_.\-]+", name):
                    problem = "is neither a host name nor an address"
                    raise ValueError(f"allowlist entry {entry!r} {problem}") from None
                hosts.add((name.rstrip("."), port))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str, port: int | None = None, *, default_port: int = 80) -> bool:
        """Whether ``host`` on ``port`` (None: the scheme's ``default_port``) is allowlisted by name."""
        name = host.lower().rstrip(".")
        return any(n == name and _port_matches(spec, port, default_port) for n, spec in self.hosts)

    def allows_ip(self, ip: IPAddress, port: int | None = None, *, default_port: int = 80) -> bool:
        # An IPv4-mapped IPv6 address reaches the IPv4 one, so an IPv4 entry covers it too.
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(
            c in net and _port_matches(spec, port, default_port)
            for c in candidates
            for net, spec in self.networks
        )


@dataclass(frozen=True)
class FetchResult:
    path: Path
    size: int
    content_type: str | None
    final_url: str
    name: str


def _why_unsafe(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be reached without an allowlist entry, or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address lead to that address: judge it instead.
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None and (why := _why_unsafe(inner)) is not None:
            return why
    # Most specific first: 127.0.0.1, 169.254.x and 0.0.0.0 are also "private" to Python.
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (where cloud metadata services live)"
    # fec0::/10, deprecated but still routed inside some networks; Python counts it as global.
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "a site-local address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "not a public address"
    return None


def _parse(url: str) -> httpx.URL:
    # Parse with httpx, the same parser that will send the request: two parsers could disagree
    # about which host a tricky URL names.
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise UnsafeUrl("not a valid URL") from None
    if parsed.scheme not in _DEFAULT_PORTS:
        raise UnsafeUrl(f"scheme {parsed.scheme or '(none)'!r} is not allowed; use http or https")
    if not parsed.raw_host:
        raise UnsafeUrl("the URL has no host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise UnsafeUrl(f"port {parsed.port} is out of range")
    return parsed


DNS_TIMEOUT_SECONDS = 10.0
# getaddrinfo has no timeout of its own; a small pool runs it so a caller can stop waiting (a
# lookup that hangs keeps one of these threads until the resolver gives up, never the request).
_resolver = ThreadPoolExecutor(max_workers=8, thread_name_prefix="dns")


def _resolve(host: str) -> list[tuple[Any, ...]]:
    # Also turns IP literals (even odd ones such as "2130706433") into the address they mean.
    lookup = _resolver.submit(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM)
    try:
        return list(lookup.result(timeout=DNS_TIMEOUT_SECONDS))
    except FutureTimeout:
        raise FetchFailed(f"resolving host {host} took longer than {DNS_TIMEOUT_SECONDS:g} s") from None
    except (OSError, UnicodeError):
        raise FetchFailed(f"could not resolve host {host}") from None


def check_url(url: str, allowlist: Allowlist) -> list[str]:
    """Check that ``url`` may be fetched and return the addresses its host resolves to.

    Every address must be public (or allowlisted), not just the first: the connection may go to
    any of them. Raises UnsafeUrl, or FetchFailed when the name does not resolve.
    """
    parsed = _parse(url)
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded, lower case, IPv6 without brackets
    infos = _resolve(host)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise FetchFailed(f"could not resolve host {host}")
    port, default_port = parsed.port, _DEFAULT_PORTS[parsed.scheme]
    if any(allowlist.allows_host(h, port, default_port=default_port) for h in (host, parsed.host)):
        return addresses
    for address in addresses:
        ip = ipaddress.ip_address(address)
        why = _why_unsafe(ip)
        if why is None or allowlist.allows_ip(ip, port, default_port=default_port):
            continue
        # Name the exact entry to add: the port matters, a bare entry opens only the scheme's.
        suffix = f":{port}" if port not in (None, default_port) else ""
        shown = f"[{address}]" if ":" in address and suffix else address
        if address == host:
            raise UnsafeUrl(f"address {address} is {why}; add {shown}{suffix} {_HINT}")
        entries = f"{host}{suffix} or {shown}{suffix}"
        raise UnsafeUrl(f"host {host} resolves to {address}, which is {why}; add {entries} {_HINT}")
    return addresses


def _human(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb:
        return f"{n / mb:.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _safe_name(url: httpx.URL) -> str:
    """A file name from the last path segment, safe to show and to use on disk; else "file"."""
    segment = url.path.rsplit("/", 1)[-1]  # httpx has already percent-decoded the path
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", segment).strip("._-")  # no ".." or hidden files
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = stem[: 100 - len(ext) - 1] + dot + ext if dot and len(ext) <= 10 else name[:100]
    return name or "file"


def _timeout(deadline: float, total: float) -> httpx.Timeout:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchFailed(f"timed out after {total:g} s")
    return httpx.Timeout(remaining)


@functools.cache
def _tls() -> ssl.SSLContext:
    # Built once: it costs ~30 ms. SSL_CERT_FILE / SSL_CERT_DIR are honoured so that an operator can
    # trust an internal CA for allowlisted hosts; they affect trust only, never where we connect.
    return httpx.create_ssl_context(trust_env=True)


@contextlib.contextmanager
def _open(url: httpx.URL, addresses: list[str], deadline: float, total: float) -> Iterator[httpx.Response]:
    """GET ``url`` from one of its checked ``addresses``, streaming; the next is tried if one refuses.

    Pinning: the request goes to ``http(s)://<address>:<port>/...`` with the real ``Host`` header, and
    for https httpcore's ``sni_hostname`` extension makes TLS send the name as SNI and verify the
    certificate against it (it becomes ``server_hostname`` for the ssl module).
    """
    headers = {
        "Host": url.netloc.decode("ascii"),  # host[:port], no userinfo
        "User-Agent": USER_AGENT,
        # Stored as sent; also keeps a small compressed body from inflating past the size limit.
        "Accept-Encoding": "identity",
    }
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    # A fresh client per hop, ignoring proxy settings from the environment: a pooled connection is
    # never reused for another host name, and nothing is sent anywhere but the checked address.
    with httpx.Client(follow_redirects=False, trust_env=False, verify=_tls()) as client:
        for i, address in enumerate(addresses):
            request = client.build_request(
                "GET",
                url.copy_with(host=address),
                headers=headers,
                extensions=extensions,
                timeout=_timeout(deadline, total),
            )
            try:
                response = client.send(request, stream=True)
            except httpx.ConnectError:
                if i == len(addresses) - 1:
                    raise
                continue  # e.g. "localhost" gives ::1 and 127.0.0.1 but the server listens on one
            try:
                yield response
            finally:
                response.close()
            return


def _save(response: httpx.Response, dest: Path, max_bytes: int, deadline: float, total: float) -> int:
    """Stream the body into ``dest`` via a temporary file beside it; return its size."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed(f"larger than {_human(max_bytes)}")
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(6)}.part")
    size = 0
    try:
        with tmp.open("xb") as out:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:  # Content-Length may be absent or wrong
                    raise FetchFailed(f"larger than {_human(max_bytes)}")
                # httpx's read timeout only bounds each read; a trickling server would never hit it.
                if time.monotonic() > deadline:
                    raise FetchFailed(f"timed out after {total:g} s")
                out.write(chunk)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return size


def fetch_url(
    url: str,
    allowlist: Allowlist,
    *,
    max_bytes: int,
    timeout: float = 30.0,
    max_redirects: int = 5,
    dest: Path,
) -> FetchResult:
    """Download ``url`` to ``dest`` under the SSRF rules above.

    ``timeout`` bounds the whole fetch, every hop and the body together. It is checked between
    chunks and passed to httpx as the connect/read limit for each hop, so a server that goes silent
    can overrun it by at most one read (itself capped at the time that was left when the hop began).
    Raises UnsafeUrl or FetchFailed; on failure nothing is left at or beside ``dest``.
    """
    deadline = time.monotonic() + timeout
    dest.parent.mkdir(parents=True, exist_ok=True)
    current = url
    for hop in range(max_redirects + 1):
        addresses = check_url(current, allowlist)  # again on every hop: a redirect may point inward
        target = httpx.URL(current)
        host = target.host
        try:
            with _open(target, addresses, deadline, timeout) as response:
                if response.is_redirect:  # 301/302/303/307/308 with a Location
                    if hop == max_redirects:
                        break
                    try:
                        current = str(target.join(response.headers["location"]))
                    except httpx.InvalidURL:
                        raise FetchFailed(f"invalid redirect from {host}") from None
                    continue
                if not response.is_success:
                    raise FetchFailed(f"HTTP {response.status_code} from {host}")
                size = _save(response, dest, max_bytes, deadline, timeout)
                return FetchResult(
                    path=dest,
                    size=size,
                    content_type=response.headers.get("content-type"),
                    final_url=current,
                    name=_safe_name(target),
                )
        except httpx.TimeoutException:
            raise FetchFailed(f"timed out after {timeout:g} s") from None
        except httpx.ConnectError as exc:
            # Messages from the OS or TLS ("Connection refused", "certificate verify failed").
            raise FetchFailed(f"could not connect to {host}: {exc}"[:300]) from None
        except httpx.HTTPError as exc:
            # Only the type: protocol-error messages can quote what the server sent.
            raise FetchFailed(f"download from {host} failed ({type(exc).__name__})") from None
        except (httpx.InvalidURL, UnicodeError):
            # httpx parses a redirect's Location while receiving the answer, even when it follows
            # none: a malformed one (bad IDNA name, "mailto:x", "http:\\x") surfaces from send().
            raise FetchFailed(f"{host} answered with a malformed redirect (Location)") from None
    raise FetchFailed(f"too many redirects (more than {max_redirects})")
