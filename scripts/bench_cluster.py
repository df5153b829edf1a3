"""Cluster benchmark: one long video on 1, 2, … worker processes, then many short jobs at once.

Usage::

    python scripts/bench_cluster.py                        # 3-minute video on 1 and 2 workers, 20 short jobs
    python scripts/bench_cluster.py --workers 1,2,4 --pages 22 --short-jobs 20

Each run is a real cluster on this machine, sharing nothing on disk: one API process
(``REELWRIGHT_WORKERS=0``) and N ``reelwright worker`` processes, each with its own empty data
dir, and a fresh PostgreSQL database, Redis namespace and S3 bucket (moto's S3 server) between
them. The long video is a PDF deck of ``--pages`` pages narrated page by page (22 pages make about
three minutes), 1080p30 with a presenter; its scenes fan out over the workers
(docs/decisions/0014). Printed per worker count: the job's wall time (created → completed), split
into the part one worker does (read, plan, voice, soundtrack: up to the hand-off) and the part
the cluster shares (scenes and the join), the speed-up over one worker and the efficiency
(speed-up / workers). Then ``--short-jobs`` 5-second jobs created at once on the widest cluster:
throughput, p50/p99 latency and how many were lost (not completed).

Run it on a quiet machine: every figure is wall time. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from tests.media import make_pdf
from tests.s3_server import s3_server
from tests.server import Server, Worker, wait_done
from tests.services import postgres_database, redis_queue

from reelwright.store.models import RenderFanout, RenderSegment

TOPICS = [
    "Wash hands",
    "Wear gloves",
    "Label food",
    "Separate raw food",
    "Store cold",
    "Check temperatures",
    "Clean benches",
    "Report problems",
    "Handle allergens",
    "Thaw safely",
    "Cook through",
    "Cool quickly",
    "Reheat once",
    "Rotate stock",
    "Dispose of waste",
    "Control pests",
    "Keep records",
    "Train new staff",
    "Dress for work",
    "Stay home when ill",
    "Serve safely",
    "Close the kitchen",
]


def _deck(path: Path, pages: int) -> bytes:
    slides = [
        (
            f"Step {i}: {topic}",
            [
                f"Why {topic.lower()} matters for everyone in the kitchen",
                f"How to {topic.lower()} properly every single shift",
                "What the inspector checks and how to record it",
            ],
        )
        for i, topic in enumerate((TOPICS * 4)[:pages], 1)
    ]
    return make_pdf(path, slides).read_bytes()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


class Cluster:
    def __init__(self, root: Path, env: dict[str, str], workers: int) -> None:
        self.api = Server(root / "api", env)
        self.workers = []
        for i in range(workers):
            own = Server(root / f"worker-{i + 1}", env)
            own.data.mkdir(parents=True)
            self.workers.append(Worker(own))

    def __enter__(self) -> Cluster:
        self.api.start()
        for w in self.workers:
            w.start()
        return self

    def __exit__(self, *_: object) -> None:
        for w in self.workers:
            w.stop()
        self.api.stop()


def _services(root: Path, workers: int, fn, extra: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name), s3_server() as s3:
        env = {
            **s3.env(),
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
            "REELWRIGHT_WORKERS": "0",
            "REELWRIGHT_MAX_CONCURRENT_JOBS": "1000",
            **(extra or {}),
        }
        with Cluster(root, env, workers) as cluster:
            return fn(cluster, db_url)


def long_video(root: Path, workers: int, pages: int, *, fan_out: bool = True) -> dict[str, float]:
    def run(cluster: Cluster, db_url: str) -> dict[str, float]:
        key = cluster.api.key("bench")
        with cluster.api.client(key) as c:
            up = c.post(
                "/v3/assets", files={"file": ("deck.pdf", _deck(root / "deck.pdf", pages), "application/pdf")}
            )
            up.raise_for_status()
            asset = up.json()["data"]["asset_id"]
            body = {
                "prompt": "A 3-minute training video walking through every page of this deck",
                "files": [{"type": "asset_id", "asset_id": asset}],
            }
            t0 = time.time()
            sid = c.post("/v3/video-agents", json=body).json()["data"]["session_id"]
            done = wait_done(c, sid, timeout=3600)
            wall = time.time() - t0
            if done["status"] != "completed":
                raise SystemExit(f"the job failed: {done}")
            video = c.get(f"/v3/videos/{done['video_id']}").json()["data"]
        engine = create_engine(db_url)
        with Session(engine) as s:
            fan = s.get(RenderFanout, str(done["video_id"]))
            segs = list(
                s.scalars(select(RenderSegment).where(RenderSegment.video_id == str(done["video_id"])))
            )
        engine.dispose()
        handoff = (fan.started_at - t0) if fan is not None else float("nan")
        return {
            "wall": wall,
            "duration": float(video.get("duration") or 0),
            "serial": handoff,
            "parallel": wall - handoff if fan is not None else float("nan"),
            "scenes": float(len(segs)),
            "scene_seconds": sum(x.seconds or 0 for x in segs),
            "workers_used": float(len({(x.worker or "").rsplit(":", 1)[0] for x in segs})),
        }

    extra = None if fan_out else {"REELWRIGHT_FANOUT": "0"}
    return _services(root, workers, run, extra)  # type: ignore[no-any-return]


def short_jobs(root: Path, workers: int, n: int) -> dict[str, float]:
    def run(cluster: Cluster, _db: str) -> dict[str, float]:
        key = cluster.api.key("bench")
        with cluster.api.client(key) as c:
            t0 = time.time()
            sids = [
                c.post("/v3/video-agents", json={"prompt": f"A 5-second hello number {i}"}).json()["data"][
                    "session_id"
                ]
                for i in range(n)
            ]

        def finish(sid: str) -> tuple[str, float]:
            with cluster.api.client(key) as c2:
                done = wait_done(c2, sid, timeout=3600)
            return str(done["status"]), time.time() - t0

        with ThreadPoolExecutor(max_workers=n) as pool:
            results = list(pool.map(finish, sids))
        total = time.time() - t0
        latencies = sorted(t for status, t in results if status == "completed")
        lost = n - len(latencies)

        def pct(p: float) -> float:
            return (
                latencies[min(len(latencies) - 1, round(p * (len(latencies) - 1)))]
                if latencies
                else float("nan")
            )

        return {
            "total": total,
            "per_min": len(latencies) / total * 60,
            "p50": pct(0.5),
            "p99": pct(0.99),
            "lost": lost,
        }

    return _services(root, workers, run)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2,4")
    parser.add_argument("--pages", type=int, default=22, help="deck pages (22 make about 3 minutes)")
    parser.add_argument("--short-jobs", type=int, default=20)
    parser.add_argument(
        "--one-task", action="store_true", help="also render it on one worker in one task (no fan-out)"
    )
    args = parser.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    print(f"before: {_load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="rw-bench-cluster-") as tmp:
        root = Path(tmp)
        results = {}
        for n in counts:
            print(f"long video on {n} worker(s)…", flush=True)
            results[n] = long_video(root / f"long-{n}", n, args.pages)
            r = results[n]
            print(
                f"  {r['duration']:.0f} s video, {r['scenes']:.0f} scenes on "
                f"{r['workers_used']:.0f} worker(s): "
                f"wall {r['wall']:.1f} s (one worker: {r['serial']:.1f} s to the hand-off; "
                f"shared: {r['parallel']:.1f} s; scene renders {r['scene_seconds']:.1f} s in all)",
                flush=True,
            )
        if args.one_task:
            print("long video on 1 worker, in one task (fan-out off)…", flush=True)
            one = long_video(root / "long-one-task", 1, args.pages, fan_out=False)
            print(f"  wall {one['wall']:.1f} s for a {one['duration']:.0f} s video", flush=True)
        base = results[counts[0]]
        print("\nworkers  wall s  speed-up  efficiency  shared-part speed-up")
        for n in counts:
            r = results[n]
            speedup = base["wall"] / r["wall"] * counts[0]
            shared = base["parallel"] / r["parallel"] * counts[0]
            print(f"{n:>7}  {r['wall']:6.1f}  {speedup:8.2f}×  {speedup / n:10.0%}  {shared:8.2f}×")
        widest = max(counts)
        if args.short_jobs:
            print(f"\n{args.short_jobs} short jobs at once on {widest} worker(s)…", flush=True)
            s = short_jobs(root / "short", widest, args.short_jobs)
            print(
                f"  {s['total']:.1f} s for all: {s['per_min']:.1f} jobs/min, "
                f"latency p50 {s['p50']:.1f} s, p99 {s['p99']:.1f} s, lost {s['lost']:.0f}"
            )
        if args.one_task:
            print(
                f"\none worker, one task: {one['wall']:.1f} s (the fan-out's own cost on one worker: "
                f"{results[1]['wall'] / one['wall'] - 1:+.0%})"
                if 1 in results
                else ""
            )
    print(f"after: {_load()}")


if __name__ == "__main__":
    httpx.Timeout(60)
    main()
