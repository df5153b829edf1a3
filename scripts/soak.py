#!/usr/bin/env python3
"""Soak test: mixed API traffic and real renders against a real server and worker processes, with
workers killed at random (SIGKILL), for ``--minutes`` (default 60).

It reports, and exits non-zero unless all three are 0:

* jobs lost: accepted sessions that never reached ``completed``/``failed`` once traffic stopped and
  the workers had time to drain;
* jobs duplicated: an ``Idempotency-Key`` that produced more than one session, or a session that
  produced more than one video;
* 5xx: server errors among all answers (transport errors are counted apart);

and the memory trend of each process: the API server's RSS over the run (first and last tenth,
peak, slope), and per worker slot the same over each of its lives.

    python scripts/soak.py --minutes 8
    python scripts/soak.py --minutes 60 --database-url postgresql+psycopg://postgres@127.0.0.1/soak \\
        --queue-url redis://127.0.0.1:6379/0

Only loopback traffic; everything runs in a temporary data dir unless ``--data`` names one.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

TERMINAL = ("completed", "failed")
PROMPTS = [
    "A short clip about how our bakery bakes bread overnight",
    "Explain in three points why backups matter for a small office",
    "A quick welcome message for new members of a hiking club",
    "Announce a new opening time for the city library on Sundays",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float | None:
    """Resident memory of one process in MB, from /proc (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def _tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


@dataclass
class Proc:
    role: str  # "api" or "worker-<slot>"
    popen: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB)


class Fleet:
    """The server and worker processes, sharing one data dir and database."""

    def __init__(self, env: dict[str, str], data: Path, workers: int) -> None:
        self.env, self.data, self.slots = env, data, workers
        self.api: Proc | None = None
        self.workers: dict[int, Proc] = {}
        self.retired: list[Proc] = []  # killed worker lives, kept for their memory samples
        self.kills = 0
        self.lock = threading.Lock()

    def _spawn(self, role: str, command: list[str]) -> Proc:
        log = (self.data / f"{role}.log").open("ab")
        popen = subprocess.Popen(
            [sys.executable, "-m", "reelwright", *command],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a kill takes its ffmpeg children too
        )
        return Proc(role, popen)

    def start(self, base: str) -> None:
        self.api = self._spawn("api", ["serve"])
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.api.popen.poll() is not None:
                raise SystemExit(f"the server did not start; see {self.data / 'api.log'}")
            time.sleep(0.3)
        for slot in range(self.slots):
            self.workers[slot] = self._spawn(f"worker-{slot}", ["worker"])

    def kill_random_worker(self) -> str:
        with self.lock:
            slot = random.choice(list(self.workers))
            victim = self.workers[slot]
            os.killpg(victim.popen.pid, signal.SIGKILL)
            victim.popen.wait()
            self.retired.append(victim)
            self.workers[slot] = self._spawn(f"worker-{slot}", ["worker"])
            self.kills += 1
            return victim.role

    def sample(self, t0: float) -> None:
        with self.lock:
            procs = [p for p in [self.api, *self.workers.values()] if p is not None]
        for proc in procs:
            mb = _rss_mb(proc.popen.pid)
            if mb is not None:
                proc.samples.append((time.monotonic() - t0, mb))

    def stop(self) -> None:
        procs = [p for p in [*self.workers.values(), self.api] if p is not None]
        for proc in procs:
            if proc.popen.poll() is None:
                os.killpg(proc.popen.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.popen.pid, signal.SIGKILL)


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    by_route: Counter[str] = field(default_factory=Counter)  # "GET /v3/videos 200"
    transport_errors: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    sessions: dict[str, set[str]] = field(default_factory=dict)  # idempotency key -> session ids
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, response: httpx.Response | None, error: Exception | None = None) -> None:
        with self.lock:
            if response is None:
                self.transport_errors[type(error).__name__] += 1
                return
            self.statuses[response.status_code] += 1
            self.by_route[f"{label} {response.status_code}"] += 1
            if response.status_code >= 500:
                self.server_errors.append(f"{label} {response.status_code} {response.text[:200]}")


class Traffic:
    """Client threads: creates (with retries under the same key), reads, uploads, bad input."""

    def __init__(self, base: str, key: str, tally: Tally, max_in_flight: int) -> None:
        self.base, self.key, self.tally, self.max_in_flight = base, key, tally, max_in_flight
        self.stop = threading.Event()
        self.png = _tiny_png()
        self.finished: set[str] = set()  # sessions seen completed or failed

    def _call(
        self, client: httpx.Client, label: str, method: str, path: str, **kw: Any
    ) -> httpx.Response | None:
        try:
            response = client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.tally.record(label, None, exc)
            return None
        self.tally.record(label, response)
        return response

    def _in_flight(self) -> int:
        with self.tally.lock:
            return sum(len(ids) for ids in self.tally.sessions.values()) - len(self.finished)

    def creator(self) -> None:
        with httpx.Client(base_url=self.base, headers={"X-Api-Key": self.key}, timeout=60) as c:
            while not self.stop.is_set():
                if self._in_flight() >= self.max_in_flight:
                    self.stop.wait(1)
                    continue
                idem = f"soak-{secrets.token_hex(8)}"
                body = {"prompt": random.choice(PROMPTS), "duration_sec": 5}
                if random.random() < 0.3:
                    body["files"] = [{"type": "base64", "data": base64.b64encode(self.png).decode()}]
                # A client that retries (a lost answer, a timeout): the same key, the same body.
                for _ in range(random.choice((1, 1, 2, 3))):
                    r = self._call(
                        c,
                        "POST /v3/video-agents",
                        "POST",
                        "/v3/video-agents",
                        json=body,
                        headers={"Idempotency-Key": idem},
                    )
                    if r is not None and r.status_code == 200:
                        with self.tally.lock:
                            self.tally.sessions.setdefault(idem, set()).add(r.json()["data"]["session_id"])
                self.stop.wait(random.uniform(0.5, 2))

    def poller(self) -> None:
        with httpx.Client(base_url=self.base, headers={"X-Api-Key": self.key}, timeout=60) as c:
            while not self.stop.is_set():
                with self.tally.lock:
                    pending = [
                        s for ids in self.tally.sessions.values() for s in ids if s not in self.finished
                    ]
                for sid in pending:
                    r = self._call(c, "GET /v3/video-agents/{id}", "GET", f"/v3/video-agents/{sid}")
                    if r is not None and r.status_code == 200 and r.json()["data"]["status"] in TERMINAL:
                        self.finished.add(sid)
                self.stop.wait(2)

    def reader(self) -> None:
        paths = [
            "/v3/videos",
            "/v3/video-agents",
            "/v3/voices",
            "/v3/users/me",
            "/v3/video-agents/styles",
            "/healthz",
            "/metrics",
            "/v3/webhooks/events",
        ]
        with httpx.Client(base_url=self.base, headers={"X-Api-Key": self.key}, timeout=60) as c:
            while not self.stop.is_set():
                path = random.choice(paths)
                r = self._call(c, f"GET {path}", "GET", path, params={"limit": 5})
                if r is not None and r.status_code == 200 and path.startswith("/v3/vid"):
                    token = r.json().get("next_token")
                    if token:
                        self._call(
                            c, f"GET {path} (page 2)", "GET", path, params={"limit": 5, "token": token}
                        )
                self.stop.wait(random.uniform(0.05, 0.3))

    def uploader(self) -> None:
        with httpx.Client(base_url=self.base, headers={"X-Api-Key": self.key}, timeout=60) as c:
            while not self.stop.is_set():
                r = self._call(
                    c,
                    "POST /v3/assets",
                    "POST",
                    "/v3/assets",
                    files={"file": ("s.png", self.png, "image/png")},
                )
                if r is not None and r.status_code == 200:
                    asset_id = r.json()["data"]["asset_id"]
                    self._call(c, "GET /v3/assets/{id}", "GET", f"/v3/assets/{asset_id}")
                    self._call(c, "DELETE /v3/assets/{id}", "DELETE", f"/v3/assets/{asset_id}")
                self.stop.wait(random.uniform(0.5, 2))

    def hostile(self) -> None:
        """Input that must be refused with a 4xx: bad JSON, bad ids, forged tokens, no key."""
        cases: list[tuple[str, str, dict[str, Any]]] = [
            (
                "POST",
                "/v3/video-agents",
                {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
            ),
            ("POST", "/v3/video-agents", {"json": {"prompt": ""}}),
            ("POST", "/v3/video-agents", {"json": {"prompt": "x", "voice_id": "nope"}}),
            (
                "POST",
                "/v3/video-agents",
                {"json": {"prompt": "x", "files": [{"type": "base64", "data": "!!"}]}},
            ),
            ("GET", "/v3/videos", {"params": {"token": "Zm9vOmJhcg"}}),
            ("GET", "/v3/video-agents/" + "0" * 32, {}),
            ("GET", "/files/" + "0" * 32 + "/video.mp4", {"params": {"expires": "1", "sig": "é"}}),
        ]
        with httpx.Client(base_url=self.base, headers={"X-Api-Key": self.key}, timeout=60) as c:
            while not self.stop.is_set():
                method, path, kw = random.choice(cases)
                self._call(c, f"{method} {path[:40]} (hostile)", method, path, **kw)
                self.stop.wait(random.uniform(0.2, 1))


def _trend(samples: list[tuple[float, float]]) -> dict[str, float]:
    if not samples:
        return {}
    mbs = [mb for _, mb in samples]
    tenth = max(1, len(samples) // 10)
    slope = 0.0
    if len(samples) > 2:
        ts = [t for t, _ in samples]
        slope = statistics.linear_regression(ts, mbs).slope * 60
    # A worker grows while it loads its models and renders its first job; what matters is whether
    # it keeps growing after that, so the slope is also given over the second half of its life.
    settled = samples[len(samples) // 2 :]
    settled_slope = 0.0
    if len(settled) > 2:
        settled_slope = (
            statistics.linear_regression([t for t, _ in settled], [mb for _, mb in settled]).slope * 60
        )
    return {
        "settled_slope_mb_per_min": round(settled_slope, 2),
        "first_mb": round(statistics.median(mbs[:tenth]), 1),
        "last_mb": round(statistics.median(mbs[-tenth:]), 1),
        "peak_mb": round(max(mbs), 1),
        "slope_mb_per_min": round(slope, 2),
        "minutes": round((samples[-1][0] - samples[0][0]) / 60, 1),
    }


def _runs_after_kills(env: dict[str, str], session_ids: list[str]) -> int:
    """How many sessions a worker claimed more than once: jobs a kill interrupted and that ran again."""
    from sqlalchemy import func, select

    from reelwright.store.db import Database
    from reelwright.store.models import AgentSession

    url = (
        env.get("REELWRIGHT_DATABASE_URL")
        or f"sqlite:///{Path(env['REELWRIGHT_DATA_DIR']) / 'reelwright.db'}"
    )
    db = Database(url)
    try:
        with db.session() as s:
            count = s.scalar(
                select(func.count()).where(AgentSession.id.in_(session_ids), AgentSession.attempts > 1)
            )
        return int(count or 0)
    finally:
        db.engine.dispose()


def _worker_trends(fleet: Fleet) -> dict[str, dict[str, float]]:
    """Each worker life's memory trend, named by slot and life (a killed worker's slot restarts)."""
    lives: Counter[str] = Counter()
    out: dict[str, dict[str, float]] = {}
    for proc in sorted([*fleet.retired, *fleet.workers.values()], key=lambda p: (p.role, p.started)):
        lives[proc.role] += 1
        out[f"{proc.role} life {lives[proc.role]}"] = _trend(proc.samples)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=60, help="how long traffic runs (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--kill-every", type=float, default=45, help="mean seconds between worker kills")
    parser.add_argument("--max-in-flight", type=int, default=3, help="renders queued or running at once")
    parser.add_argument(
        "--drain-minutes", type=float, default=10, help="how long to wait for jobs at the end"
    )
    parser.add_argument("--data", type=Path, help="data dir (default: a new temporary one)")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in the data dir)")
    parser.add_argument("--queue-url", help="Redis URL (default: the SQLite queue in the data dir)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    random.seed(args.seed)

    data = args.data or Path(tempfile.mkdtemp(prefix="reelwright-soak-"))
    data.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "REELWRIGHT_DATA_DIR": str(data),
        "REELWRIGHT_PORT": str(port),
        "REELWRIGHT_PUBLIC_URL": base,
        "REELWRIGHT_WORKERS": "0",  # the API process only; the workers are separate processes
        "REELWRIGHT_PRERENDER_PREVIEWS": "0",
        "REELWRIGHT_STALE_JOB_SECONDS": "10",  # a killed worker's job is taken up again quickly
        "REELWRIGHT_MAX_CONCURRENT_JOBS": str(args.max_in_flight + 2),
    }
    if args.database_url:
        env["REELWRIGHT_DATABASE_URL"] = args.database_url
    if args.queue_url:
        env["REELWRIGHT_QUEUE_URL"] = args.queue_url
        env["REELWRIGHT_QUEUE_NAME"] = f"soak-{secrets.token_hex(4)}"
    key = (
        subprocess.run(
            [sys.executable, "-m", "reelwright", "keys", "create", "--name", "soak"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    fleet = Fleet(env, data, args.workers)
    tally = Tally()
    traffic = Traffic(base, key, tally, args.max_in_flight)
    t0 = time.monotonic()
    all_ids: list[str] = []
    print(f"soak: {args.minutes:g} min, {args.workers} workers, data {data}", flush=True)
    fleet.start(base)
    threads = [
        threading.Thread(target=f, daemon=True)
        for f in (
            traffic.creator,
            traffic.poller,
            traffic.reader,
            traffic.reader,
            traffic.uploader,
            traffic.hostile,
        )
    ]
    for t in threads:
        t.start()
    end = t0 + args.minutes * 60
    next_kill = time.monotonic() + random.uniform(0.5, 1.5) * args.kill_every
    next_report = time.monotonic() + 60
    try:
        while time.monotonic() < end:
            fleet.sample(t0)
            if time.monotonic() >= next_kill:
                victim = fleet.kill_random_worker()
                print(f"  {time.monotonic() - t0:6.0f} s  SIGKILL {victim}", flush=True)
                next_kill = time.monotonic() + random.uniform(0.5, 1.5) * args.kill_every
            if time.monotonic() >= next_report:
                with tally.lock:
                    made = sum(len(v) for v in tally.sessions.values())
                api_mb = fleet.api.samples[-1][1] if fleet.api and fleet.api.samples else 0
                print(
                    f"  {time.monotonic() - t0:6.0f} s  answers {sum(tally.statuses.values())}, "
                    f"sessions {made}, finished {len(traffic.finished)}, api {api_mb:.0f} MB",
                    flush=True,
                )
                next_report = time.monotonic() + 60
            time.sleep(2)
        # Traffic stops; renders drain (no more kills), then every accepted session is checked.
        traffic.stop.set()
        for t in threads:
            t.join(timeout=70)
        deadline = time.monotonic() + args.drain_minutes * 60
        outcome: dict[str, str] = {}
        videos_per_session: dict[str, int] = {}
        with httpx.Client(base_url=base, headers={"X-Api-Key": key}, timeout=60) as c:
            all_ids = sorted({s for ids in tally.sessions.values() for s in ids})
            while True:
                fleet.sample(t0)
                for sid in all_ids:
                    if outcome.get(sid) in TERMINAL:
                        continue
                    r = c.get(f"/v3/video-agents/{sid}")
                    tally.record("GET /v3/video-agents/{id} (drain)", r)
                    outcome[sid] = (
                        r.json()["data"]["status"] if r.status_code == 200 else f"HTTP {r.status_code}"
                    )
                if all(outcome.get(s) in TERMINAL for s in all_ids) or time.monotonic() > deadline:
                    break
                time.sleep(3)
            for sid in all_ids:
                r = c.get(f"/v3/video-agents/{sid}/videos", params={"limit": 50})
                tally.record("GET /v3/video-agents/{id}/videos (check)", r)
                videos_per_session[sid] = len(r.json()["data"]) if r.status_code == 200 else -1
            failures: Counter[str] = Counter()
            for sid in all_ids:
                if outcome.get(sid) == "failed":
                    data_ = c.get(f"/v3/video-agents/{sid}").json()["data"]
                    errors = [m["content"] for m in data_.get("messages", []) if m.get("type") == "error"]
                    failures[(errors or ["(no message)"])[0][:120]] += 1
    finally:
        traffic.stop.set()
        fleet.stop()

    reruns = _runs_after_kills(env, all_ids)
    lost = [s for s in all_ids if outcome.get(s) not in TERMINAL]
    duplicated_keys = {k: sorted(v) for k, v in tally.sessions.items() if len(v) > 1}
    duplicated_videos = {
        s: n for s, n in videos_per_session.items() if outcome.get(s) == "completed" and n != 1
    }
    report = {
        "minutes": args.minutes,
        "workers": args.workers,
        "worker_kills": fleet.kills,
        "database": "postgresql" if args.database_url else "sqlite",
        "queue": "redis" if args.queue_url else "sqlite",
        "answers": sum(tally.statuses.values()),
        "statuses": dict(sorted(tally.statuses.items())),
        "transport_errors": dict(tally.transport_errors),
        "5xx": sum(n for s, n in tally.statuses.items() if s >= 500),
        "5xx_examples": tally.server_errors[:10],
        "sessions_accepted": len(all_ids),
        "idempotency_keys": len(tally.sessions),
        "completed": sum(1 for s in all_ids if outcome.get(s) == "completed"),
        "failed": sum(1 for s in all_ids if outcome.get(s) == "failed"),
        "failure_reasons": dict(failures),
        "sessions_run_more_than_once": reruns,  # taken up again after their worker was killed
        "jobs_lost": len(lost),
        "lost_ids": lost[:20],
        "jobs_duplicated": len(duplicated_keys) + len(duplicated_videos),
        "duplicated": {"keys": duplicated_keys, "videos": duplicated_videos},
        "memory": {"api": _trend(fleet.api.samples if fleet.api else []), **_worker_trends(fleet)},
        "data_dir": str(data),
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    ok = report["jobs_lost"] == 0 and report["jobs_duplicated"] == 0 and report["5xx"] == 0
    print("soak: OK" if ok else "soak: FAILED", flush=True)
    if ok and args.data is None:
        shutil.rmtree(data, ignore_errors=True)  # kept when something failed, to look into
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
