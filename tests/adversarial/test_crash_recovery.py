"""A server killed mid-request (SIGKILL): its ``Idempotency-Key`` is free again within the lease
(finding 13; it was refused for ~10 minutes), and the files its requests left are swept at the
next start (finding 14), while the files of live jobs and of requests still running stay."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from reelwright.api.idempotency import LEASE_SECONDS
from reelwright.api.leftovers import sweep
from reelwright.config import Settings
from reelwright.store.db import Database, migrate
from reelwright.store.models import AgentMessage, AgentSession, Asset, Owner
from tests.adversarial.live_backends import BACKENDS, FileServer, backend_env, send_bytes, trickle
from tests.media import make_png
from tests.server import Server

TWO_HOURS = 2 * 3600


def _backdate(root: Path, seconds: int) -> None:
    """Make everything under ``root`` look untouched for ``seconds``: time passing, without waiting."""
    then = time.time() - seconds
    for path in [root, *root.rglob("*")]:
        os.utime(path, (then, then), follow_symlinks=False)


def _wait(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _slow_upload(base: str, key: str, stop: threading.Event) -> None:
    """A legacy raw-body upload that sends a few bytes a second until the server dies."""

    def body() -> Iterator[bytes]:
        yield b"\x89PNG\r\n\x1a\n" + b"\0" * 4096
        while not stop.wait(0.2):
            yield b"\0" * 64

    with contextlib.suppress(httpx.HTTPError):  # the server is killed under it
        httpx.post(f"{base}/v1/asset", content=body(), headers={"X-Api-Key": key}, timeout=120)


def _post_until_killed(url: str, body: dict[str, object], headers: dict[str, str]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.post(url, json=body, headers=headers, timeout=120)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    with backend_env(request.param) as env:
        yield env


def test_a_crash_mid_request_frees_its_key_and_its_files(backend: dict[str, str], tmp_path: Path) -> None:
    png = make_png(tmp_path / "slide.png", 320, 240, "after").read_bytes()
    files = FileServer()
    stop = threading.Event()
    files.routes["/slide.png"] = trickle(100_000, 0.2, stop)  # never finishes before the kill
    env = {**backend, "REELWRIGHT_WORKERS": "0", "REELWRIGHT_URL_ALLOWLIST": f"127.0.0.1:{files.port}"}
    server = Server(tmp_path / "data", env)
    key = server.key("crasher")
    body = {"prompt": "A clip from a slow file", "files": [{"type": "url", "url": f"{files.base}/slide.png"}]}
    headers = {"X-Api-Key": key, "Idempotency-Key": "crash-1"}
    server.start()
    try:
        with server.client(key) as c:  # a live job with its input file, which must survive
            kept = c.post(
                "/v3/video-agents",
                json={
                    "prompt": "A queued job",
                    "files": [{"type": "base64", "data": base64.b64encode(png).decode()}],
                },
            )
            assert kept.status_code == 200, kept.text
        kept_inputs = server.data / "files" / "inputs" / kept.json()["data"]["session_id"]
        creator = threading.Thread(
            target=_post_until_killed, args=(f"{server.base}/v3/video-agents", body, headers), daemon=True
        )
        uploader = threading.Thread(target=_slow_upload, args=(server.base, key, stop), daemon=True)
        creator.start()
        uploader.start()
        files.wait_for("/slide.png")
        tmp = server.data / "scratch" / "uploads"
        requests = server.data / "scratch" / "requests"
        _wait(lambda: any(p.stat().st_size > 4000 for p in tmp.glob("upload-*")), "the upload to be spooled")
        _wait(lambda: any(requests.rglob("*.part")), "the download to start")
        server.kill()
        killed_at = time.monotonic()
        stop.set()
        leftovers = [*tmp.glob("upload-*"), *requests.rglob("*.part")]
        assert len(leftovers) == 2, leftovers

        # Time passes (the files look two hours old); meanwhile another process's request is writing.
        _backdate(server.data / "files", TWO_HOURS)
        _backdate(server.data / "scratch", TWO_HOURS)
        live = server.data / "files" / "inputs" / secrets.token_hex(16)
        live.mkdir()
        (live / "00").write_bytes(b"being written right now")

        files.routes["/slide.png"] = send_bytes(png, "image/png")
        server.start()
        # The key is refused only while the dead request's lease lasts, then runs afresh.
        while True:
            retry = httpx.post(f"{server.base}/v3/video-agents", json=body, headers=headers, timeout=60)
            if retry.status_code != 409:
                break
            assert retry.json()["error"]["code"] == "request_in_progress"
            assert time.monotonic() - killed_at < LEASE_SECONDS + 15, "the dead request's key was never freed"
            time.sleep(1)
        assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers, retry.text
        replay = httpx.post(f"{server.base}/v3/video-agents", json=body, headers=headers, timeout=60)
        assert replay.headers.get("Idempotent-Replayed") == "true" and replay.json() == retry.json()

        _wait(lambda: not any(p.exists() for p in leftovers), "the start-up sweep")
        assert not list(tmp.glob("upload-*"))
        assert (kept_inputs / "00").exists()  # a job's input: its row exists
        assert (live / "00").exists()  # fresh: a request still running somewhere
    finally:
        stop.set()
        server.stop()
        files.close()


def test_sweep_rules(tmp_path: Path) -> None:
    """Each kind of leftover, and each thing that must stay, against a real SQLite database."""
    settings = Settings(data_dir=tmp_path)
    migrate(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    root = settings.files_dir
    with db.session() as s:
        owner = Owner(name="o")
        s.add(owner)
        s.flush()
        session = AgentSession(owner_id=owner.id, prompt="p")
        s.add(session)
        s.flush()
        s.add(AgentMessage(session_id=session.id, role="user", content="m", run_id="c" * 32))
        s.add(
            Asset(
                id="a" * 32,
                owner_id=owner.id,
                name="a",
                kind="image",
                mime_type="image/png",
                size_bytes=1,
                blob_key="assets/" + "a" * 32,
            )
        )
    paths = {
        f"inputs/{session.id}/00": True,  # the session's own input
        f"inputs/{session.id}/m{'c' * 32}/00": True,  # a stored message's input
        f"inputs/{session.id}/m{'d' * 32}/00": False,  # a message that was never stored
        f"inputs/{session.id}/.01.abcdef.part": False,  # a half download
        f"inputs/{'e' * 32}/00": False,  # a session that was never stored
        f"assets/{'a' * 32}": True,
        f"assets/{'b' * 32}": False,  # moved in, then the server died before the row
        "assets/.x.part": False,
        "videos/" + "f" * 32 + "/video.mp4": True,  # not the sweeper's business
    }
    scratch = {  # this node's own spools
        "uploads/upload-dead": False,
        "requests/files-dead/00": False,
        "speech-dead/speech.wav": False,
        "jobs/" + "9" * 32 + "/storyboard.json": True,  # a worker run's, cleaned up as it ends
    }
    for folder, rels in ((root, paths), (settings.scratch_dir, scratch)):
        for rel in rels:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(b"x")
        _backdate(folder, TWO_HOURS)
    (settings.scratch_dir / "uploads" / "upload-live").write_bytes(b"being written")
    sweep(settings, db)
    for rel, stays in paths.items():
        assert (root / rel).exists() == stays, rel
    for rel, stays in scratch.items():
        assert (settings.scratch_dir / rel).exists() == stays, rel
    assert (settings.scratch_dir / "uploads" / "upload-live").exists()
    assert sweep(settings, db) == []
