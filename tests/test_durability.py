"""An accepted job is never lost: SIGKILL mid-render, restarts with jobs queued, and the same on
PostgreSQL with the Redis queue and workers in their own processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reelwright.ingest.media import probe
from tests.server import Server, Worker, wait_done, wait_progress
from tests.services import postgres_database, redis_queue

pytestmark = pytest.mark.slow

# A killed job is taken up again once its heartbeat is this old (the smallest allowed).
STALE = 10
PROMPT = "A 12-second explainer about how our bakery bakes bread overnight"


@pytest.fixture(params=["sqlite", "postgres+redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    env = {"REELWRIGHT_STALE_JOB_SECONDS": str(STALE)}
    if request.param == "sqlite":
        yield env
        return
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name):
        yield {
            **env,
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
        }


def _check_video(c: httpx.Client, video_id: str, tmp: Path) -> None:
    video = c.get(f"/v3/videos/{video_id}").json()["data"]
    assert video["status"] == "completed", video
    path = tmp / f"{video_id}.mp4"
    path.write_bytes(httpx.get(video["video_url"], timeout=60).content)
    info = probe(path)
    # The whole narration, both streams to the end (3.8 s since narration is placed by its words).
    assert info.video is not None and info.audio is not None and info.duration > 3
    assert info.video.duration is not None and info.audio.duration is not None
    assert abs(info.video.duration - info.audio.duration) < 0.1


def test_worker_killed_mid_render_is_resumed(tmp_path: Path, backend: dict[str, str]) -> None:
    server = Server(tmp_path / "data", {**backend, "REELWRIGHT_WORKERS": "0"})
    key = server.key("k")
    server.start()
    worker = Worker(server).start()
    try:
        with server.client(key) as c:
            sid = c.post("/v3/video-agents", json={"prompt": PROMPT}).json()["data"]["session_id"]
            wait_progress(c, sid, 30)  # rendering: the storyboard checkpoint exists
            worker.kill()
            before = c.get(f"/v3/video-agents/{sid}").json()["data"]
            assert before["status"] == "generating" and before["video_id"]
            time.sleep(STALE + 1)
            worker = Worker(server).start()
            done = wait_done(c, sid)
            assert done["status"] == "completed", done
            assert done["video_id"] == before["video_id"]  # the same video, not a second one
            _check_video(c, str(done["video_id"]), tmp_path)
            assert len(c.get("/v3/videos").json()["data"]) == 1
        assert "resumes from its planned storyboard" in (server.data / "worker.log").read_text()
    finally:
        worker.stop()
        server.stop()


def test_server_killed_mid_render_and_restarted(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", {"REELWRIGHT_STALE_JOB_SECONDS": str(STALE)})
    key = server.key("k")
    server.start()
    try:
        with server.client(key) as c:
            sid = c.post("/v3/video-agents", json={"prompt": PROMPT}).json()["data"]["session_id"]
            wait_progress(c, sid, 30)
        server.kill()
        time.sleep(STALE + 1)
        server.start()
        with server.client(key) as c:
            done = wait_done(c, sid)
            assert done["status"] == "completed", done
            _check_video(c, str(done["video_id"]), tmp_path)
    finally:
        server.stop()


def test_jobs_queued_across_a_restart_complete(tmp_path: Path) -> None:
    # Accepted while no worker runs, then the server restarts with one.
    server = Server(tmp_path / "data", {"REELWRIGHT_WORKERS": "0"})
    key = server.key("k")
    server.start()
    with server.client(key) as c:
        sids = [
            c.post("/v3/video-agents", json={"prompt": f"A 5-second hello number {i}"}).json()["data"][
                "session_id"
            ]
            for i in range(2)
        ]
    server.stop()
    server.env["REELWRIGHT_WORKERS"] = "1"
    server.start()
    try:
        with server.client(key) as c:
            for sid in sids:
                assert wait_done(c, sid)["status"] == "completed"
    finally:
        server.stop()
