"""The API against a real server: `reelwright serve` in a subprocess, keys from `reelwright keys`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelwright.ingest.media import probe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return proc.stdout.strip().splitlines()[-1]


class Server:
    def __init__(self, base: str, keys: list[str]) -> None:
        self.base, self.keys = base, keys

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"X-Api-Key": key} if key else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("data")
    port = _free_port()
    env = {
        **os.environ,
        "REELWRIGHT_DATA_DIR": str(data),
        "REELWRIGHT_PORT": str(port),
        "REELWRIGHT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REELWRIGHT_CACHE_DIR": str(data / "cache"),
    }
    keys = [_cli("keys", "create", "--name", name, env=env) for name in ("alice", "bob")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "reelwright", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the server did not start")
            time.sleep(0.3)
        yield Server(base, keys)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_done(client: httpx.Client, session_id: str, timeout: float = 180) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    seen: set[str] = set()
    while time.monotonic() < deadline:
        data = client.get(f"/v3/video-agents/{session_id}").json()["data"]
        seen.add(str(data["status"]))
        if data["status"] in ("completed", "failed"):
            data["seen"] = sorted(seen)
            return dict(data)
        time.sleep(0.5)
    raise AssertionError(f"session {session_id} did not finish; saw {seen}")


@pytest.mark.slow
def test_prompt_to_downloaded_video(server: Server, tmp_path: Path) -> None:
    with server.client(server.keys[0]) as c:
        r = c.post(
            "/v3/video-agents", json={"prompt": "A 6-second teaser about our bakery", "callback_id": "b-1"}
        )
        assert r.status_code == 200, r.text
        created = r.json()["data"]
        assert created["status"] == "thinking" and isinstance(created["created_at"], int)
        assert r.headers["X-Request-Id"]
        session = _wait_done(c, created["session_id"])
        assert session["status"] == "completed", session
        assert session["progress"] == 100 and session["video_id"]
        video = c.get(f"/v3/videos/{session['video_id']}").json()["data"]
        assert video["status"] == "completed" and 5.4 <= video["duration"] <= 6.6
        for field in ("video_url", "captioned_video_url", "subtitle_url", "thumbnail_url", "gif_url"):
            assert str(video[field]).startswith(server.base + "/files/"), field
        mp4 = httpx.get(video["video_url"], timeout=30)
        assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"
        (tmp_path / "v.mp4").write_bytes(mp4.content)
        info = probe(tmp_path / "v.mp4")
        assert info.video is not None and info.video.codec == "h264" and info.audio is not None
        # Players seek with Range requests.
        part = httpx.get(video["video_url"], headers={"Range": "bytes=0-99"}, timeout=30)
        assert part.status_code == 206 and len(part.content) == 100
        # A tampered link is refused.
        bad = httpx.get(str(video["video_url"]).replace("sig=", "sig=0"), timeout=30)
        assert bad.status_code == 403 and bad.json()["error"]["code"] == "forbidden"
    # Another owner cannot see it.
    with server.client(server.keys[1]) as other:
        assert other.get(f"/v3/video-agents/{created['session_id']}").status_code == 404
        assert other.get(f"/v3/videos/{session['video_id']}").json()["error"]["code"] == "not_found"


def test_auth_and_validation_errors(server: Server) -> None:
    with server.client() as anon:
        r = anon.post("/v3/video-agents", json={"prompt": "hi"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    with server.client(server.keys[0]) as c:
        r = c.post("/v3/video-agents", json={"prompt": ""})
        assert r.status_code == 400 and r.json()["error"]["param"] == "prompt"
        r = c.post("/v3/video-agents", json={"prompt": "x", "avatar_id": "nobody"})
        assert r.status_code == 400 and r.json()["error"] == {
            "code": "validation_error",
            "message": "unknown avatar_id 'nobody'",
            "param": "avatar_id",
        }
        r = c.post("/v3/video-agents", json={"prompt": "x", "orientation": "square"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "orientation"
        assert c.get("/v3/videos/0123456789abcdef0123456789abcdef").status_code == 404
    with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {server.keys[0]}"}) as bearer:
        assert bearer.get("/v3/videos/0123456789abcdef0123456789abcdef").status_code == 404
