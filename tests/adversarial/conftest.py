"""The standing adversarial suite: hostile clients and files against a real ``reelwright serve``.

Every test here talks HTTP (only to loopback) to a server in its own process and watches that
process's resident memory while it does. Two rules hold for every test:

* the server's RSS may grow by at most :data:`MEMORY_BOUND_MB` over the test (sampled every 25 ms,
  so a spike that is released again still counts);
* every answer is a 2xx or a 4xx/503/507 with the error envelope's message: :func:`clear_error`.

Keep each test to seconds: floods are bounded in count and time, big bodies are refused long before
they would be big, and the servers run with small limits (:data:`SMALL_LIMITS`).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.server import Server

MB = 1024 * 1024
MEMORY_BOUND_MB = 80
"""How much the server's RSS may grow during one test (first-use imports and caches included)."""

# Small limits keep hostile inputs quick to refuse: a Form XObject bomb reaches 256 MB in a few
# seconds, and bodies over a few MB are refused without waiting for 200 MB to stream.
SMALL_LIMITS = {
    "REELWRIGHT_WORKERS": "0",
    "REELWRIGHT_INSPECT_MEMORY_MB": "256",
    "REELWRIGHT_INSPECT_CPU_SECONDS": "10",
    "REELWRIGHT_INSPECT_WALL_SECONDS": "20",
    "REELWRIGHT_MAX_REQUEST_MB": "4",
    "REELWRIGHT_MAX_UPLOAD_MB": "2",
}


def rss_bytes(pid: int) -> int:
    """Resident set size of ``pid`` (VmRSS), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class MemoryWatch:
    """Samples one process's RSS in the background; the baseline is taken at start."""

    pid: int
    interval: float = 0.025
    baseline: int = 0
    peak: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MemoryWatch:
        self.baseline = self.peak = rss_bytes(self.pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, rss_bytes(self.pid))
            self.samples += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pid))

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / MB

    @property
    def now_mb(self) -> float:
        return rss_bytes(self.pid) / MB


def clear_error(answer: httpx.Response, *statuses: int) -> str:
    """Assert ``answer`` is one of ``statuses`` (any 4xx when none given) with a message; return it."""
    assert answer.status_code < 500 or answer.status_code in (503, 507), (answer.status_code, answer.text)
    if statuses:
        assert answer.status_code in statuses, (answer.status_code, answer.text)
    else:
        assert 400 <= answer.status_code < 500, (answer.status_code, answer.text)
    error = answer.json()["error"]
    message = str(error["message"])
    assert len(message) > 10 and "internal error" not in message, error
    return message


@dataclass
class Hostile:
    """A running server for hostile tests: its base URL, a valid key, and a memory watch."""

    server: Server
    key: str

    @property
    def pid(self) -> int:
        assert self.server.proc is not None
        return self.server.proc.pid

    def client(self, key: str | None = None, timeout: float = 60) -> httpx.Client:
        headers = {"X-Api-Key": key} if key else {}
        return httpx.Client(base_url=self.server.base, headers=headers, timeout=timeout)

    def alive(self) -> bool:
        return self.server.proc is not None and self.server.proc.poll() is None


class TmpfsServer(Server):
    """A server whose ``files`` folder is a small tmpfs of its own, so a full disk is a real ENOSPC.

    The tmpfs is mounted in a user and mount namespace of the server's own (``unshare``): no root
    needed, nothing mounted on the machine. The database and logs stay on the real disk.
    """

    def __init__(self, data: Path, env: dict[str, str] | None = None, *, size_kb: int) -> None:
        super().__init__(data, env)
        self.size_kb = size_kb

    def _spawn(self, command: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        files = self.data / "files"
        files.mkdir(parents=True, exist_ok=True)
        script = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"'
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [*_UNSHARE, "sh", "-c", script, "sh", f"{self.size_kb}k", str(files), *_serve(command)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.proc


_UNSHARE = ["unshare", "--user", "--map-root-user", "--mount"]


def _serve(command: str) -> list[str]:
    return [sys.executable, "-m", "reelwright", command]


def tmpfs_unavailable() -> str | None:
    """Why a private tmpfs cannot be mounted here (None when it can)."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        [*_UNSHARE, "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"cannot mount a private tmpfs: {probe.stderr.strip() or probe.returncode}"
    return None


def start_hostile(data: Path, env: dict[str, str] | None = None, *, tmpfs_kb: int | None = None) -> Hostile:
    merged = {**SMALL_LIMITS, **(env or {})}
    server = TmpfsServer(data, merged, size_kb=tmpfs_kb) if tmpfs_kb else Server(data, merged)
    server.start()
    key = server.key("adversary")
    # Warm up the code paths the tests use (first imports, the inspection fork server), so the
    # memory watch measures what hostile input costs rather than what starting up costs.
    with httpx.Client(base_url=server.base, headers={"X-Api-Key": key}, timeout=60) as c:
        c.get("/v3/videos")
        c.post("/v3/assets", files={"file": ("warm.png", _tiny_png(), "image/png")})
        c.post("/v3/video-agents", json={"prompt": "\x00"})
    return Hostile(server, key)


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """One server (SQLite, no workers, small limits) shared by a test module."""
    running = start_hostile(tmp_path_factory.mktemp("hostile"))
    yield running
    running.server.stop()


@pytest.fixture
def memory(hostile: Hostile) -> Iterator[MemoryWatch]:
    """Watches the server's RSS for one test and fails it when it grows past the bound."""
    watch = MemoryWatch(hostile.pid).start()
    yield watch
    watch.stop()
    # Shown with -s (or -rP): what each hostile test cost the server.
    print(f"server RSS {watch.baseline / MB:.0f} MB -> peak {watch.peak / MB:.0f} MB")
    assert hostile.alive(), "the server died"
    assert watch.growth_mb < MEMORY_BOUND_MB, (
        f"server RSS grew by {watch.growth_mb:.0f} MB (bound {MEMORY_BOUND_MB} MB; "
        f"{watch.baseline / MB:.0f} MB -> peak {watch.peak / MB:.0f} MB)"
    )


# ------------------------------------------------------------------------------------- raw HTTP


def raw_request(
    port: int,
    head: str,
    chunks: Iterator[bytes] | list[bytes],
    *,
    pause: float = 0.0,
    deadline: float = 20.0,
) -> tuple[int, dict[str, object], int]:
    """Send ``head`` then ``chunks`` over a plain socket, stopping when the server answers or closes.

    Returns (status, error envelope or {}, bytes of body sent). Lets a test send what httpx will
    not: chunked framing it controls, bodies that trickle, and bodies the server refuses midway.
    """
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=deadline) as sock:
        sock.sendall(head.encode("latin-1"))
        sock.setblocking(False)
        ends = time.monotonic() + deadline
        answer = b""
        for chunk in chunks:
            if time.monotonic() > ends:
                break
            try:
                answer += sock.recv(65536)
                break  # the server answered before the body was complete
            except BlockingIOError:
                pass
            except OSError:
                break
            try:
                sock.setblocking(True)
                sock.sendall(chunk)
                sent += len(chunk)
            except OSError:  # the server closed the connection after answering
                break
            finally:
                sock.setblocking(False)
            if pause:
                time.sleep(pause)
        sock.setblocking(True)
        sock.settimeout(max(1.0, ends - time.monotonic()))
        try:
            while b"\r\n\r\n" not in answer or not _complete(answer):
                more = sock.recv(65536)
                if not more:
                    break
                answer += more
        except OSError:
            pass
    return (*_parse(answer), sent)


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    m = re.search(rb"content-length:\s*(\d+)", head, re.IGNORECASE)
    return m is not None and len(body) >= int(m.group(1))


def _parse(answer: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    m = re.match(r"HTTP/1\.[01] (\d{3})", status_line)
    assert m, f"no HTTP answer: {answer[:200]!r}"
    try:
        envelope = json.loads(body) if body else {}
    except ValueError:
        envelope = {}
    return int(m.group(1)), envelope


def chunked(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    """``total`` bytes of JSON-ish filler as HTTP/1.1 chunks (then the last chunk)."""
    block = b"x" * size
    left = total
    while left > 0:
        part = block[: min(size, left)]
        left -= len(part)
        yield b"%x\r\n" % len(part) + part + b"\r\n"
    yield b"0\r\n\r\n"
