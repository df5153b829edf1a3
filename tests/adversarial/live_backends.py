"""Helpers for the adversarial tests of the server's own rules (idempotency, capacity, crash
recovery, URL rules, proxies): a real server on SQLite or on PostgreSQL + Redis, direct database
access to set up and inspect state, and a loopback file server whose answers the test controls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.quiet_http import QuietHTTPServer
from tests.server import Server
from tests.services import postgres_database, redis_queue

BACKENDS = ("sqlite", "postgres")


@contextmanager
def backend_env(backend: str) -> Iterator[dict[str, str]]:
    """Settings for a server on ``backend``: SQLite in its data dir, or a fresh PostgreSQL database
    with a Redis queue of its own (skipped, or failed in CI, when those are down)."""
    if backend == "sqlite":
        yield {}
        return
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name):
        yield {
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
        }


@contextmanager
def running_server(data: Path, env: dict[str, str]) -> Iterator[Server]:
    """A started server (no embedded workers unless ``env`` asks), stopped afterwards."""
    server = Server(data, {"REELWRIGHT_WORKERS": "0", **env})
    server.start()
    try:
        yield server
    finally:
        server.stop()


def sql(server: Server, statement: str, **params: object) -> list[tuple[object, ...]]:
    """Run SQL against the server's own database (SQLite file or PostgreSQL); rows, if any."""
    url = server.env.get("REELWRIGHT_DATABASE_URL") or f"sqlite:///{server.data / 'reelwright.db'}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


Route = Callable[[BaseHTTPRequestHandler], None]


class FileServer:
    """A loopback HTTP server; ``routes[path](handler)`` answers each GET (404 otherwise).

    ``hits`` records the paths asked for, so a test can wait until the API has started a fetch."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.hits.append(self.path)
                route = outer.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                route(self)

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_for(self, path: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while path not in self.hits:
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing fetched {path} (hits: {self.hits})")
            time.sleep(0.05)


def send_bytes(body: bytes, content_type: str = "application/octet-stream") -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return route


def raw_redirect(location: bytes) -> Route:
    """A 302 whose Location is exactly these bytes (http.server would refuse to write some)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n\r\n")
        h.close_connection = True

    return route


def trickle(total: int, every: float, stop: threading.Event) -> Route:
    """Announce ``total`` bytes, then send one every ``every`` seconds until done or ``stop`` is set."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.send_header("Content-Length", str(total))
        h.end_headers()
        for _ in range(total):
            if stop.wait(every):
                return
            try:
                h.wfile.write(b"x")
                h.wfile.flush()
            except OSError:
                return

    return route


def error_of(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert "error" in body, body
    return dict(body["error"])
