"""The API against a real server: `reelwright serve` in a subprocess, keys from `reelwright keys`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from reelwright.ingest.media import probe
from tests.server import Server, wait_done


@dataclass
class Running:
    base: str
    keys: list[str]
    server: Running

    def client(self, key: str | None = None) -> httpx.Client:
        return self.server.client(key)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    srv = Server(tmp_path_factory.mktemp("data"))
    keys = [srv.key(name) for name in ("alice", "bob")]
    srv.start()
    try:
        yield Running(srv.base, keys, srv)
    finally:
        srv.stop()


_wait_done = wait_done


@pytest.mark.slow
def test_prompt_to_downloaded_video(server: Running, tmp_path: Path) -> None:
    with server.client(server.keys[0]) as c:
        r = c.post(
            "/v3/video-agents",
            json={
                "prompt": (
                    "A 6-second teaser about our bakery. "
                    "Our bread is baked fresh every morning. Come taste it."
                ),
                "callback_id": "b-1",
            },
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


def test_auth_and_validation_errors(server: Running) -> None:
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
        r = c.post("/v3/video-agents", json={"prompt": "x", "orientation": "diagonal"})
        assert r.status_code == 400 and r.json()["error"]["param"] == "orientation"
        assert c.get("/v3/videos/0123456789abcdef0123456789abcdef").status_code == 404
    with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {server.keys[0]}"}) as bearer:
        assert bearer.get("/v3/videos/0123456789abcdef0123456789abcdef").status_code == 404
