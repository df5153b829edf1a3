"""One video, many workers: a job's scenes rendered by two worker processes that share only
PostgreSQL, Redis and an S3 bucket, and a worker killed in the middle of a scene.

Every job here fans out (the threshold is lowered to any video of 4+ scenes); the
``render_segments`` rows say which worker rendered each scene."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from reelwright.ingest.media import probe
from reelwright.store.models import AgentMessage, RenderFanout, RenderSegment, Video
from tests.media import make_pdf
from tests.s3_server import s3_server
from tests.server import Server, Worker, wait_done
from tests.services import postgres_database, redis_queue

pytestmark = pytest.mark.slow

PROMPT = "A 40-second summary of this deck"
STEPS = ["Wash hands", "Wear gloves", "Label food", "Separate raw food", "Store cold", "Clean benches"]


def _deck(path: Path) -> bytes:
    """A PDF of six pages: the planner makes a scene of each."""
    pages = [
        (f"Step {i}: {step}", [f"Why {step.lower()} matters", f"How to {step.lower()} every shift"])
        for i, step in enumerate(STEPS, 1)
    ]
    return make_pdf(path, pages).read_bytes()


def _create(client: httpx.Client, asset_id: str) -> str:
    body = {"prompt": PROMPT, "files": [{"type": "asset_id", "asset_id": asset_id}]}
    created = client.post("/v3/video-agents", json=body)
    assert created.status_code == 200, created.text
    return str(created.json()["data"]["session_id"])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[dict[str, str], Engine]]:
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name), s3_server() as s3:
        env = {
            **s3.env(),
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
            "REELWRIGHT_WORKERS": "0",  # the API node renders nothing: the workers do
            "REELWRIGHT_FANOUT_MIN_SCENES": "4",
            "REELWRIGHT_FANOUT_MIN_SECONDS": "0",
            # A killed worker's scene is handed on after 10 s without a heartbeat.
            "REELWRIGHT_STALE_JOB_SECONDS": "10",
        }
        engine = create_engine(db_url)
        try:
            yield env, engine
        finally:
            engine.dispose()


def _segments(engine: Engine, video_id: str) -> list[RenderSegment]:
    with Session(engine) as s:
        rows = s.scalars(
            select(RenderSegment).where(RenderSegment.video_id == video_id).order_by(RenderSegment.index)
        )
        return list(rows)


def _pid(worker: str | None) -> int:
    assert worker is not None
    return int(worker.split(":")[1])


def _completed_once(engine: Engine, session_id: str, video_id: str) -> None:
    with engine.connect() as conn:
        ready = conn.scalar(
            select(func.count()).where(
                AgentMessage.session_id == session_id, AgentMessage.content.like("Your video%ready%")
            )
        )
        fan = conn.execute(select(RenderFanout.status).where(RenderFanout.video_id == video_id)).scalar()
        video = conn.execute(select(Video.status).where(Video.id == video_id)).scalar()
    assert ready == 1, ready  # one "your video is ready": the job completed exactly once
    assert fan == "done" and video == "completed", (fan, video)


def _download(client: httpx.Client, video_id: str, to: Path) -> float:
    data = client.get(f"/v3/videos/{video_id}").json()["data"]
    to.write_bytes(httpx.get(data["video_url"], timeout=60).content)
    info = probe(to)
    assert info.video is not None and info.audio is not None
    return info.duration


def _video_of(client: httpx.Client, session_id: str, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/v3/video-agents/{session_id}").json()["data"]
        if data.get("video_id"):
            return str(data["video_id"])
        assert data["status"] not in ("completed", "failed"), data
        time.sleep(0.3)
    raise AssertionError("the session never handed out a video id")


def test_scenes_render_on_both_workers_and_a_killed_workers_scene_is_retried(
    tmp_path: Path, cluster: tuple[dict[str, str], Engine]
) -> None:
    env, engine = cluster
    api = Server(tmp_path / "api", env)
    key = api.key("k")
    workers: list[Worker] = []
    for name in ("worker-1", "worker-2"):
        own = Server(tmp_path / name, env)  # its settings and its own data dir only
        own.data.mkdir()
        workers.append(Worker(own))
    try:
        api.start()
        for worker in workers:
            worker.start()
        pids = {w.proc.pid for w in workers if w.proc is not None}
        with api.client(key) as c:
            up = c.post(
                "/v3/assets", files={"file": ("deck.pdf", _deck(tmp_path / "deck.pdf"), "application/pdf")}
            )
            assert up.status_code == 200, up.text
            asset_id = up.json()["data"]["asset_id"]
            # 1. Both workers render scenes of the same video; it completes once.
            sid = _create(c, asset_id)
            done = wait_done(c, sid, timeout=600)
            assert done["status"] == "completed", done
            video_id = str(done["video_id"])
            segments = _segments(engine, video_id)
            assert len(segments) >= 4
            assert all(s.status == "done" for s in segments)
            by = {_pid(s.worker) for s in segments}
            assert by == pids, f"scenes rendered by {[s.worker for s in segments]}"
            _completed_once(engine, sid, video_id)
            assert _download(c, video_id, tmp_path / "one.mp4") > 10

            # 2. A worker killed in the middle of a scene: another worker renders that scene.
            sid = _create(c, asset_id)
            video_id = _video_of(c, sid)
            deadline = time.monotonic() + 300
            victim = None
            while victim is None and time.monotonic() < deadline:
                running = [s for s in _segments(engine, video_id) if s.status == "running"]
                if running:
                    victim = running[0]
                    break
                time.sleep(0.2)
            assert victim is not None, "no scene ever started"
            time.sleep(1.0)  # well into the scene
            killed = next(w for w in workers if w.proc is not None and w.proc.pid == _pid(victim.worker))
            killed_pid = _pid(victim.worker)
            killed.kill()
            done = wait_done(c, sid, timeout=600)
            assert done["status"] == "completed", done
            segments = _segments(engine, video_id)
            retried = segments[victim.index]
            assert retried.status == "done" and _pid(retried.worker) != killed_pid, retried
            assert retried.attempts >= 2, retried
            assert all(s.status == "done" for s in segments)
            _completed_once(engine, sid, video_id)
            assert _download(c, video_id, tmp_path / "two.mp4") > 10
    finally:
        for worker in workers:
            worker.stop()
        api.stop()
