"""Cluster operation: periodic work done once across processes, leases, worker heartbeats and
health, draining on SIGTERM, and ``serve --processes``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from reelwright.config import Settings
from reelwright.store.db import Database, migrate
from reelwright.store.models import AgentSession, Owner, WebhookDelivery
from tests.services import postgres_database, redis_queue

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cluster_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name):
        yield {
            "REELWRIGHT_DATA_DIR": str(tmp_path / "data"),
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
            "REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*",
        }


class _Receiver:
    """A webhook receiver on a free port that counts every delivery id it is sent."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        lock = threading.Lock()
        seen = self.seen

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    seen[self.headers["X-Reelwright-Delivery"]] += 1
                time.sleep(0.02)  # a receiver that takes a moment: the senders overlap
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_two_processes_share_the_periodic_work_without_doing_anything_twice(
    cluster_env: dict[str, str],
) -> None:
    settings = Settings(**{k.removeprefix("REELWRIGHT_").lower(): v for k, v in cluster_env.items()})
    migrate(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    receiver = _Receiver()
    old = int(time.time()) - 3600
    with db.session() as s:
        owner = Owner(name="o")
        s.add(owner)
        s.flush()
        # Lost jobs (their workers died an hour ago), a live one, and a finished one.
        stale = [AgentSession(owner_id=owner.id, prompt=f"job {i}", status="generating") for i in range(30)]
        live = AgentSession(owner_id=owner.id, prompt="live", status="generating")
        done = AgentSession(owner_id=owner.id, prompt="done", status="completed")
        s.add_all([*stale, live, done])
        deliveries = [
            WebhookDelivery(owner_id=owner.id, url=receiver.url, event_type="video_agent.success", body="{}")
            for _ in range(30)
        ]
        s.add_all(deliveries)
        s.flush()
        for row in [*stale, done]:
            row.heartbeat_at, row.updated_at = old, old
        live.heartbeat_at, live.updated_at = int(time.time()), old
        stale_ids = {row.id for row in stale}
        delivery_ids = {d.id for d in deliveries}

    start_at = time.time() + 4  # both processes have imported everything by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.cluster_compete", str(start_at)],
            cwd=ROOT,
            env={**os.environ, **cluster_env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    receiver.server.shutdown()

    # Each stale job was requeued by exactly one process, and is on the queue exactly once.
    requeued = [sid for r in results for sid in r["requeued"]]
    assert sorted(requeued) == sorted(stale_ids), results
    from reelwright.jobs.queue import JobQueue

    queue = JobQueue(settings)
    assert queue.pending_count() == len(stale_ids)
    queued = Counter(task.args[0] for task in queue.huey.pending())
    assert set(queued) == stale_ids and set(queued.values()) == {1}
    # Each event was delivered once, and recorded as delivered.
    assert set(receiver.seen) == delivery_ids and set(receiver.seen.values()) == {1}, receiver.seen
    assert sum(r["attempts"] for r in results) == len(delivery_ids)
    with db.session() as s:
        statuses = {d.status for d in s.query(WebhookDelivery)}
    assert statuses == {"delivered"}
    # One of them holds the retention lease.
    assert sorted(r["lease"] for r in results) == [False, True]
    print("requeued per process:", [len(r["requeued"]) for r in results])
    print("deliveries per process:", [r["attempts"] for r in results])

    # A second sweep within the stale period requeues nothing: the jobs wait in the queue.
    from reelwright.jobs.lease import requeue_stale

    assert requeue_stale(settings, queue.enqueue) == []
    db.engine.dispose()


def test_a_lease_is_held_renewed_released_and_taken_over(tmp_path: Path) -> None:
    from reelwright.store.leases import release_lease, take_lease

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate(url)
    db = Database(url)
    assert take_lease(db, "retention", 600, holder="a")
    assert not take_lease(db, "retention", 600, holder="b")  # held by a
    assert take_lease(db, "retention", 600, holder="a")  # a renews its own
    release_lease(db, "retention", holder="a")
    assert take_lease(db, "retention", 600, holder="b")
    assert take_lease(db, "other", 0, holder="a")  # expired at once: anyone may take it
    assert take_lease(db, "other", 600, holder="b")
    db.engine.dispose()


@pytest.mark.slow
def test_sigterm_mid_render_hands_the_job_to_another_worker(
    tmp_path: Path, cluster_env: dict[str, str]
) -> None:
    from tests.server import Server, Worker, free_port, wait_done, wait_progress

    # A stale period far longer than the test: the job moves on because it is handed back.
    env = {**cluster_env, "REELWRIGHT_WORKERS": "0", "REELWRIGHT_DRAIN_SECONDS": "0"}
    del env["REELWRIGHT_DATA_DIR"]
    server = Server(tmp_path / "data", env)
    key = server.key("k")
    server.start()
    health = free_port()
    first = Worker(server, "--health-port", str(health), log=tmp_path / "first.log").start()
    second = Worker(server, log=tmp_path / "second.log")
    try:
        probe = f"http://127.0.0.1:{health}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{probe}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "first.log").read_text()[-3000:]
            time.sleep(0.3)
        # It takes work while it still loads what its first job needs, and says what that is.
        warming = httpx.get(f"{probe}/readyz", timeout=5).json()["warming"]
        assert set(warming) <= {"reelwright-reader-server", "reelwright-mix-import", "reelwright-voice-load"}
        while warming:
            assert time.monotonic() < deadline, (tmp_path / "first.log").read_text()[-3000:]
            time.sleep(0.2)
            warming = httpx.get(f"{probe}/readyz", timeout=5).json()["warming"]
        alive = httpx.get(f"{probe}/healthz", timeout=5).json()
        assert alive["status"] == "ok" and alive["state"] == "running"
        with server.client(key) as c:
            ready = c.get("/readyz").json()
            assert ready["status"] == "ok" and [w["id"] for w in ready["workers"]] == [alive["worker"]]
            prompt = "A 12-second explainer about how our bakery bakes bread overnight"
            sid = c.post("/v3/video-agents", json={"prompt": prompt}).json()["data"]["session_id"]
            wait_progress(c, sid, 30)  # rendering: the storyboard checkpoint exists
            assert httpx.get(f"{probe}/healthz", timeout=5).json()["running"] == 1
            second.start()
            stopped_at = time.monotonic()
            assert first.proc is not None
            first.proc.terminate()  # SIGTERM: drain, hand the job back
            assert first.proc.wait(timeout=60) == 0
            drained = time.monotonic() - stopped_at
            first.proc = None
            done = wait_done(c, sid, timeout=240)
            assert done["status"] == "completed", done
            videos = c.get("/v3/videos").json()["data"]
            assert [v["id"] for v in videos] == [done["video_id"]]  # one video, not two
            ready = c.get("/readyz").json()
            assert len(ready["workers"]) == 1 and ready["workers"][0]["id"] != alive["worker"]
        first_log = (tmp_path / "first.log").read_text()
        assert "handed back: this worker drains" in first_log
        assert "resumes from its planned storyboard" in (tmp_path / "second.log").read_text()
        print(f"the first worker drained and exited in {drained:.1f} s")
    finally:
        first.stop()
        second.stop()
        server.stop()


@pytest.mark.slow
def test_sigterm_lets_the_running_job_finish_within_the_drain_period(
    tmp_path: Path, cluster_env: dict[str, str]
) -> None:
    from tests.server import Server, Worker, free_port, wait_progress

    env = {**cluster_env, "REELWRIGHT_WORKERS": "0", "REELWRIGHT_DRAIN_SECONDS": "300"}
    del env["REELWRIGHT_DATA_DIR"]
    server = Server(tmp_path / "data", env)
    key = server.key("k")
    server.start()
    health = free_port()
    worker = Worker(server, "--health-port", str(health), log=tmp_path / "worker.log").start()
    try:
        with server.client(key) as c:
            prompt = "A 12-second explainer about how our bakery bakes bread overnight"
            sid = c.post("/v3/video-agents", json={"prompt": prompt}).json()["data"]["session_id"]
            wait_progress(c, sid, 30, timeout=180)
            assert worker.proc is not None
            worker.proc.terminate()
            # Draining: alive, but not ready for work, while it finishes the job.
            deadline = time.monotonic() + 10
            while (ready := httpx.get(f"http://127.0.0.1:{health}/readyz", timeout=5)).status_code == 200:
                assert time.monotonic() < deadline, ready.text
                time.sleep(0.1)
            assert ready.status_code == 503 and ready.json()["draining"] is True
            assert httpx.get(f"http://127.0.0.1:{health}/healthz", timeout=5).json()["state"] == "draining"
            assert worker.proc.wait(timeout=240) == 0  # it exits once the job is done
            worker.proc = None
            data = c.get(f"/v3/video-agents/{sid}").json()["data"]
            assert data["status"] == "completed", data  # finished by the same worker, before it left
            assert len(c.get("/v3/videos").json()["data"]) == 1
        log = (tmp_path / "worker.log").read_text()
        assert "handed back: this worker drains" not in log and "worker stopped" in log
    finally:
        worker.stop()
        server.stop()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
def test_serve_with_several_processes(tmp_path: Path) -> None:
    """`serve --processes 2`: two API processes on one port and one worker process beside them."""
    from tests.server import Server, wait_done

    server = Server(tmp_path / "data", {"REELWRIGHT_WORKERS": "1"}, args=("--processes", "2"))
    key = server.key("k")
    server.start()
    try:
        assert server.proc is not None
        parent = server.proc.pid
        with server.client(key) as c:
            deadline = time.monotonic() + 60
            while not (ready := c.get("/readyz").json())["workers"]:
                assert time.monotonic() < deadline, ready
                time.sleep(0.5)
            assert ready["status"] == "ok" and len(ready["workers"]) == 1
            commands = {
                pid: Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in _children(parent)
            }
            workers = [pid for pid, argv in commands.items() if b"worker" in argv]
            assert len(workers) == 1, commands
            assert len(commands) >= 3, commands  # two server processes (and their supervisor's helpers)
            created = c.post("/v3/video-agents", json={"prompt": "A 5-second hello from the team"})
            sid = created.json()["data"]["session_id"]
            assert wait_done(c, sid)["status"] == "completed"
            # Requests are spread over both processes and all succeed.
            assert all(c.get("/healthz").status_code == 200 for _ in range(20))
        server.stop()

        def running(pid: int) -> bool:
            try:
                return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
            except OSError:
                return False

        deadline = time.monotonic() + 10
        while (left := [commands[p] for p in commands if running(p)]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, left  # SIGTERM stopped all of them
    finally:
        server.stop()


def test_doctor_names_the_workers_that_report(tmp_path: Path) -> None:
    from reelwright.doctor import _workers
    from reelwright.jobs.worker_node import NodeHeartbeat

    settings = Settings(data_dir=tmp_path)
    migrate(settings.resolved_database_url)
    assert _workers(settings).startswith("none reporting now")
    db = Database(settings.resolved_database_url)
    node = NodeHeartbeat(db, 3).start()
    try:
        line = _workers(settings)
        assert line.startswith("1 reporting:") and f"pid {os.getpid()} (running, 0/3 busy)" in line, line
    finally:
        node.stop()
    assert _workers(settings).startswith("none reporting now")  # a stopped worker is not listed
    db.engine.dispose()


def test_the_api_readiness_names_an_unreachable_queue(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from reelwright.api.app import create_app
    from reelwright.jobs.queue import JobQueue

    settings = Settings(data_dir=tmp_path / "data", queue_url="redis://127.0.0.1:9/0")
    app = create_app(settings, queue=JobQueue(settings))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200  # alive: the process answers
        ready = client.get("/readyz")
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert body["database"] == "ok" and body["workers"] == []
        assert body["queue"].startswith("unreachable: ")
