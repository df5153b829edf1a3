"""What the benchmark asks the cluster for: one long narrated deck, and many short jobs at once."""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from reelwright.clusterbench.nodes import Cluster
from reelwright.jobs.fanout import soundtrack_index
from reelwright.jobs.voicing import MAX_HELPERS
from reelwright.store.models import RenderFanout, RenderSegment, VoiceChunk
from reelwright.textpdf import make_pdf

SECONDS_PER_PAGE = 8.4  # measured: 22 narrated pages made a 185 s video
POLL = 0.25  # seconds between looks at the job (the figures' resolution)

_TOPICS = [
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


def pages_for(minutes: float) -> int:
    return max(2, round(minutes * 60 / SECONDS_PER_PAGE))


# Where each round of the topics happens: a long deck repeats no statement, since the planner says
# a repeated one once (a 10-minute deck that cycled its topics made a 4-minute video).
_PLACES = [
    "in the kitchen",
    "at the bar",
    "in the bakery",
    "in the storeroom",
    "at the counter",
    "on delivery days",
]


def make_deck(path: Path, pages: int) -> Path:
    """A text PDF of ``pages`` pages, one kitchen-safety step each (the planner narrates each)."""
    slides = []
    for i in range(pages):
        topic = _TOPICS[i % len(_TOPICS)]
        rounds = i // len(_TOPICS)
        place = _PLACES[rounds % len(_PLACES)]
        # The first round reads as the deck always did; later ones say where, then which round.
        where = f" {place}" if rounds else ""
        again = f", round {rounds // len(_PLACES) + 1}" if rounds >= len(_PLACES) else ""
        slides.append(
            (
                f"Step {i + 1}: {topic}{where}",
                [
                    f"Why {topic.lower()} matters for everyone {place}{again}",
                    f"How to {topic.lower()} properly every single shift{where}{again}",
                    f"What the inspector looks for in step {i + 1} and how to record it",
                ],
            )
        )
    return make_pdf(path, slides)


@dataclass(frozen=True)
class LongRun:
    """One long video's figures, in seconds from the job's creation."""

    wall: float  # created → completed
    duration: float  # the video's length
    scenes: int
    fanned_out: bool
    serial: float  # created → hand-off: read, plan, voice (shared), the narration placed
    scene_part: float  # hand-off → the join claimed: every scene rendered (all workers)
    join: float  # join claimed → completed (one worker)
    scene_seconds: float  # the scene renders' own times, summed
    workers_used: int
    # Within ``serial``: the script voiced together (the first chunk planned → the last voiced),
    # and how many workers could share it (its chunks, at most the planner and its helpers).
    voice: float = 0.0
    voicers: int = 1
    # CPU seconds (with the ffmpeg processes): what each part would take with every worker alone
    # on its cores, which other load on the machine distorts far less than wall time.
    cpu_serial: float = math.nan  # the busiest worker's, up to the hand-off
    cpu_scenes: float = math.nan  # the busiest worker's, during the scenes
    cpu_join: float = math.nan

    @property
    def cpu_path(self) -> float:
        return self.cpu_serial + self.cpu_scenes + self.cpu_join

    @property
    def shared(self) -> float:
        return self.scene_part + self.join


def long_video(cluster: Cluster, deck: Path, pages: int) -> LongRun:
    api = cluster.api
    key = api.key()
    cpu_before = cluster.cpu_by_worker()
    cpu_handoff: list[float] | None = None
    cpu_final: list[float] | None = None
    db_url = api.env["REELWRIGHT_DATABASE_URL"]
    engine = create_engine(db_url)
    try:
        with api.client(key) as c:
            up = c.post("/v3/assets", files={"file": ("deck.pdf", deck.read_bytes(), "application/pdf")})
            up.raise_for_status()
            asset = up.json()["data"]["asset_id"]
            body = {
                "prompt": f"A {round(pages * SECONDS_PER_PAGE)}-second training video walking through "
                "every page of this deck",
                "files": [{"type": "asset_id", "asset_id": asset}],
            }
            t0 = time.time()
            created = c.post("/v3/video-agents", json=body)
            created.raise_for_status()
            sid = created.json()["data"]["session_id"]
            finalizing_seen: float | None = None
            voice_planned: float | None = None
            voice_done: float | None = None
            chunks = 0
            deadline = time.monotonic() + 3 * 3600
            while True:
                data = c.get(f"/v3/video-agents/{sid}").json()["data"]
                if data["status"] in ("completed", "failed"):
                    wall = time.time() - t0
                    break
                if voice_done is None:
                    with Session(engine) as s:
                        states = list(
                            s.scalars(select(VoiceChunk.status).where(VoiceChunk.session_id == sid))
                        )
                    if states and voice_planned is None:
                        voice_planned = time.time()
                    chunks = max(chunks, len(states))
                    # The planner deletes the rows as soon as the last chunk is voiced.
                    if voice_planned is not None and all(state == "done" for state in states):
                        voice_done = time.time()
                video_id = data.get("video_id")
                if finalizing_seen is None and video_id:
                    with Session(engine) as s:
                        status = s.scalar(
                            select(RenderFanout.status).where(RenderFanout.video_id == video_id)
                        )
                    if status is not None and cpu_handoff is None:
                        cpu_handoff = cluster.cpu_by_worker()
                    if status in ("finalizing", "done"):
                        finalizing_seen = time.time()
                        cpu_final = cluster.cpu_by_worker()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the long video did not finish in 3 hours: {data}")
                cluster.check()
                time.sleep(POLL)
            cpu_end = cluster.cpu_by_worker()
            if data["status"] != "completed":
                raise RuntimeError(f"the long video failed: {data.get('error') or data}")
            video_id = str(data["video_id"])
            video = c.get(f"/v3/videos/{video_id}").json()["data"]
        with Session(engine) as s:
            fan = s.get(RenderFanout, video_id)
            parts = list(s.scalars(select(RenderSegment).where(RenderSegment.video_id == video_id)))
            # The last row is the soundtrack (jobs.fanout.soundtrack_index), not a scene.
            segments = [x for x in parts if fan is None or x.index != soundtrack_index(fan.n_segments)]
    finally:
        engine.dispose()
    duration = float(video.get("duration") or 0)
    if fan is None:  # rendered in one task: too short to fan out
        return LongRun(
            wall=wall,
            duration=duration,
            scenes=0,
            fanned_out=False,
            serial=wall,
            scene_part=0.0,
            join=0.0,
            scene_seconds=0.0,
            workers_used=1,
            cpu_serial=_spent(cpu_before, cpu_end),
            cpu_scenes=0.0,
            cpu_join=0.0,
        )
    cpu_handoff = cpu_handoff or cpu_end
    cpu_final = cpu_final or cpu_end
    handoff = fan.started_at - t0
    joined = (finalizing_seen or t0 + wall) - t0
    return LongRun(
        wall=wall,
        duration=duration,
        scenes=len(segments),
        fanned_out=True,
        serial=handoff,
        scene_part=joined - handoff,
        join=wall - joined,
        scene_seconds=sum(x.seconds or 0.0 for x in segments),
        workers_used=len({(x.worker or "").rsplit(":", 1)[0] for x in segments}),
        voice=(voice_done - voice_planned) if voice_planned is not None and voice_done is not None else 0.0,
        voicers=max(1, min(chunks, MAX_HELPERS + 1)),
        # Idle workers voice shares of the script before the hand-off: the busiest one's is the path.
        cpu_serial=max(b - a for a, b in zip(cpu_before, cpu_handoff, strict=True)),
        cpu_scenes=max(b - a for a, b in zip(cpu_handoff, cpu_final, strict=True)),
        cpu_join=_spent(cpu_final, cpu_end),
    )


def _spent(before: list[float], after: list[float]) -> float:
    return sum(b - a for a, b in zip(before, after, strict=True))


@dataclass(frozen=True)
class ShortRun:
    jobs: int
    total: float
    per_minute: float
    p50: float
    p99: float
    lost: int


def _percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def short_jobs(cluster: Cluster, n: int) -> ShortRun:
    """``n`` 5-second jobs created at once; each one's latency from the first creation."""
    api = cluster.api
    key = api.key()
    with api.client(key) as c:
        t0 = time.time()
        sids = [
            c.post("/v3/video-agents", json={"prompt": f"A 5-second hello number {i}"}).json()["data"][
                "session_id"
            ]
            for i in range(n)
        ]

    def finish(sid: str) -> tuple[str, float]:
        deadline = time.monotonic() + 3600
        with httpx.Client(base_url=api.base, headers={"X-Api-Key": key}, timeout=60) as c2:
            while time.monotonic() < deadline:
                status = str(c2.get(f"/v3/video-agents/{sid}").json()["data"]["status"])
                if status in ("completed", "failed"):
                    return status, time.time() - t0
                time.sleep(0.5)
        return "timed out", time.time() - t0

    with ThreadPoolExecutor(max_workers=min(n, 32)) as pool:
        results = list(pool.map(finish, sids))
    total = time.time() - t0
    latencies = sorted(t for status, t in results if status == "completed")
    return ShortRun(
        jobs=n,
        total=total,
        per_minute=len(latencies) / total * 60 if total > 0 else math.nan,
        p50=_percentile(latencies, 0.5),
        p99=_percentile(latencies, 0.99),
        lost=n - len(latencies),
    )
