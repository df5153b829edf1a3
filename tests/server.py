"""A real `reelwright serve` in a subprocess, for tests that talk HTTP to it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str]) -> str:
    """Run the CLI; the last line of its output."""
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return proc.stdout.strip().splitlines()[-1]


class _Child:
    """A ``reelwright`` subprocess in its own process group: stopped gently, or killed outright."""

    proc: subprocess.Popen[bytes] | None = None

    def _spawn(self, command: str, env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
        """``python -m reelwright <command> <args>`` in a new session, its output appended to ``log``."""
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "reelwright", command, *args],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.proc

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL it and everything it started: nothing gets to clean up."""
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None


class Server(_Child):
    """``reelwright serve`` on a free port with its own data folder; restartable and killable."""

    def __init__(
        self,
        data: Path,
        env: dict[str, str] | None = None,
        *,
        port: int | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.data = data
        self.args = args  # after `serve`
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "REELWRIGHT_DATA_DIR": str(data),
            "REELWRIGHT_PORT": str(self.port),
            "REELWRIGHT_PUBLIC_URL": self.base,
            "REELWRIGHT_CACHE_DIR": str(data / "cache"),
            # Tests that need previews ask for them; drawing all of them at every start would
            # only take CPU from the renders under test.
            "REELWRIGHT_PRERENDER_PREVIEWS": "0",
            **(env or {}),
        }
        self.log = data / "server.log"

    def key(self, name: str) -> str:
        return cli("keys", "create", "--name", name, env=self.env)

    def start(self, timeout: float = 60) -> Server:
        self.data.mkdir(parents=True, exist_ok=True)
        proc = self._spawn("serve", self.env, self.log, *self.args)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"X-Api-Key": key} if key else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=60)


def wait_done(client: httpx.Client, session_id: str, timeout: float = 240) -> dict[str, object]:
    """Poll a session until it completes or fails; its last state, plus every status seen."""
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        data = client.get(f"/v3/video-agents/{session_id}").json()["data"]
        if not seen or seen[-1] != data["status"]:
            seen.append(str(data["status"]))
        if data["status"] in ("completed", "failed"):
            data["seen"] = seen
            return dict(data)
        time.sleep(0.5)
    raise AssertionError(f"session {session_id} did not finish; saw {seen}")


class Worker(_Child):
    """``reelwright worker`` sharing a server's settings (another machine, in production)."""

    def __init__(self, server: Server, *args: str, log: Path | None = None) -> None:
        self.server = server
        self.args = args
        self.log = log or server.data / "worker.log"

    def start(self) -> Worker:
        self._spawn("worker", self.server.env, self.log, *self.args)
        return self


def wait_progress(client: httpx.Client, session_id: str, at_least: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/v3/video-agents/{session_id}").json()["data"]
        if data["progress"] >= at_least:
            return
        assert data["status"] not in ("completed", "failed"), data
        time.sleep(0.2)
    raise AssertionError(f"session {session_id} never reached {at_least}%")
