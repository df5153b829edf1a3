"""Run one agent session through the pipeline, keeping its row (status, progress) up to date.

The database row is the job: a worker claims it with a conditional update, keeps a heartbeat while
it runs, and a job whose heartbeat stops (a killed worker) is claimed again by the next run. The
planned storyboard is saved as a checkpoint, so a job run again resumes at rendering.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass
from functools import cache

from sqlalchemy import or_, select, update

from reelwright import pipeline
from reelwright.config import Settings
from reelwright.errors import InputError, ReelwrightError
from reelwright.store.blobs import LocalBlobStore
from reelwright.store.db import Database
from reelwright.store.models import AgentSession, StageStat, Video, now
from reelwright.webhooks.outbox import enqueue_session_events

log = logging.getLogger("reelwright.jobs")

ACTIVE = ("thinking", "generating")
# Where each pipeline stage sits in the session's 0-100 progress.
_STAGE_SPAN = {
    "ingest": (0, 5),
    "plan": (5, 10),
    "voice": (10, 25),
    "render": (25, 98),
    "publish": (98, 100),
}
_GENERATING = ("voice", "render", "publish")
MAX_ATTEMPTS = 3


@dataclass
class _State:
    video_id: str | None
    video_processing: bool = False
    planned: bool = False
    progress: int = -1


@cache
def database(url: str) -> Database:
    return Database(url)


def blob_store(settings: Settings) -> LocalBlobStore:
    return LocalBlobStore(settings.files_dir)


def video_key(video_id: str) -> str:
    return f"videos/{video_id}"


def _claim(db: Database, session_id: str, stale_after: int) -> bool:
    """Take the session unless a live worker holds it (heartbeat fresher than ``stale_after``)."""
    t = now()
    with db.session() as s:
        result = s.execute(
            update(AgentSession)
            .where(
                AgentSession.id == session_id,
                AgentSession.status.in_(ACTIVE),
                or_(AgentSession.heartbeat_at.is_(None), AgentSession.heartbeat_at < t - stale_after),
            )
            .values(heartbeat_at=t, attempts=AgentSession.attempts + 1)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def stale_sessions(settings: Settings) -> list[str]:
    """Sessions that should be running but that no live worker holds (lost with a killed process)."""
    db = database(settings.resolved_database_url)
    limit = now() - settings.stale_job_seconds
    with db.session() as s:
        rows = s.scalars(
            select(AgentSession.id).where(
                AgentSession.status.in_(ACTIVE),
                or_(AgentSession.heartbeat_at < limit, AgentSession.heartbeat_at.is_(None)),
                AgentSession.updated_at < limit,
            )
        )
        return list(rows)


def record_stage_seconds(db: Database, timings: dict[str, float]) -> None:
    """Add this job's stage durations to the shared totals behind /metrics."""
    with db.session() as s:
        for stage, seconds in timings.items():
            changed = s.execute(
                update(StageStat)
                .where(StageStat.stage == stage)
                .values(count=StageStat.count + 1, total_seconds=StageStat.total_seconds + seconds)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                s.add(StageStat(stage=stage, count=1, total_seconds=seconds))


def run_session(settings: Settings, session_id: str) -> None:
    db = database(settings.resolved_database_url)
    if not _claim(db, session_id, settings.stale_job_seconds):
        log.info("session %s is finished or held by a live worker", session_id)
        return
    with db.session() as s:
        row = s.get(AgentSession, session_id)
        assert row is not None
        prompt, options, owner_id = row.prompt, dict(row.request), row.owner_id
        state = _State(row.video_id)
        if row.video_id is not None:
            video = s.get(Video, row.video_id)
            state.video_processing = video is not None and video.status == "processing"
        resumed = state.planned = row.checkpoint == "planned"
        attempts = row.attempts
    if attempts > MAX_ATTEMPTS:
        # Its workers keep dying (out of memory, killed): stop trying, and say so.
        _fail(
            db,
            session_id,
            owner_id,
            state,
            "render_failed",
            f"the job stopped unexpectedly {MAX_ATTEMPTS} times",
        )
        _clean_up(settings, session_id)
        return

    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(10):
            with db.session() as s:
                s.execute(
                    update(AgentSession).where(AgentSession.id == session_id).values(heartbeat_at=now())
                )

    beat = threading.Thread(target=heartbeat, daemon=True, name=f"heartbeat-{session_id[:8]}")
    beat.start()

    def progress(stage: str, fraction: float) -> None:
        lo, hi = _STAGE_SPAN.get(stage, (0, 100))
        pct = int(lo + (hi - lo) * max(0.0, min(1.0, fraction)))
        generating = stage in _GENERATING
        starts_generating = generating and not state.video_processing
        if pct <= state.progress and not starts_generating:
            return
        state.progress = pct
        with db.session() as s:
            sess = s.get(AgentSession, session_id)
            assert sess is not None
            sess.progress = max(sess.progress, pct)
            if starts_generating:
                # Rendering begins: the session hands out its video id, the video is processing.
                if state.video_id is None:
                    video = Video(owner_id=owner_id, session_id=session_id, title=sess.title)
                    s.add(video)
                    s.flush()
                    state.video_id = sess.video_id = video.id
                video_row = s.get(Video, state.video_id)
                assert video_row is not None
                video_row.status = "processing"
                state.video_processing = True
                sess.status = "generating"

    work = settings.files_dir / "work" / session_id
    checkpoint = work / "storyboard.json"
    try:
        out_dir = work / "out"
        if out_dir.exists():
            shutil.rmtree(out_dir)  # a crashed attempt's partial output
        out_dir.mkdir(parents=True)
        started = time.perf_counter()
        job = pipeline.RenderJob(
            output=out_dir / "video.mp4",
            prompt=prompt,
            storyboard=checkpoint if resumed and checkpoint.is_file() else None,
            checkpoint=checkpoint,
            orientation=options.get("orientation"),
            duration=options.get("duration_sec"),
            avatar=options.get("avatar_id"),
            voice=options.get("voice_id"),
            style=options.get("style_id"),
            files=[settings.files_dir / key for key in options.get("file_keys", [])],
            cache_dir=settings.data_dir / "cache",
        )
        if job.storyboard is not None:
            log.info("session %s resumes from its planned storyboard", session_id)

        def tracked(stage: str, fraction: float) -> None:
            if stage == "render" and not state.planned and checkpoint.is_file():
                _mark_planned(db, session_id)
                state.planned = True
            progress(stage, fraction)

        result = pipeline.run(job, tracked)
        assert state.video_id is not None
        blob_store(settings).put_tree(video_key(state.video_id), out_dir)
        with db.session() as s:
            sess = s.get(AgentSession, session_id)
            video = s.get(Video, state.video_id)
            assert sess is not None and video is not None
            sess.status, sess.progress, sess.heartbeat_at = "completed", 100, None
            sess.title = sess.title or result.storyboard.title
            video.status, video.duration, video.completed_at = "completed", result.duration, now()
            video.title = result.storyboard.title
            enqueue_session_events(s, sess, video, settings=settings)  # the outbox: same transaction
        _clean_up(settings, session_id)
        record_stage_seconds(db, {**result.stage_seconds, "total": time.perf_counter() - started})
    except ReelwrightError as exc:
        code = "invalid_input" if isinstance(exc, InputError) else "render_failed"
        _fail(db, session_id, owner_id, state, code, str(exc))
        _clean_up(settings, session_id)
    except Exception as exc:  # a bug: record it so the user sees a reason
        log.exception("session %s failed", session_id)
        _fail(db, session_id, owner_id, state, "internal_error", f"internal error: {type(exc).__name__}")
        _clean_up(settings, session_id)
    finally:
        stop.set()


def _clean_up(settings: Settings, session_id: str) -> None:
    """A finished job's working files and inputs are no longer needed."""
    shutil.rmtree(settings.files_dir / "work" / session_id, ignore_errors=True)
    shutil.rmtree(settings.files_dir / "inputs" / session_id, ignore_errors=True)


def _mark_planned(db: Database, session_id: str) -> None:
    with db.session() as s:
        s.execute(
            update(AgentSession)
            .where(AgentSession.id == session_id, AgentSession.checkpoint.is_(None))
            .values(checkpoint="planned")
        )


def _fail(db: Database, session_id: str, owner_id: str, state: _State, code: str, message: str) -> None:
    with db.session() as s:
        sess = s.get(AgentSession, session_id)
        assert sess is not None
        if state.video_id is None:
            video = Video(owner_id=owner_id, session_id=session_id, status="failed", title=sess.title)
            s.add(video)
            s.flush()
            state.video_id = sess.video_id = video.id
        video_row = s.get(Video, state.video_id)
        assert video_row is not None
        video_row.status, video_row.failure_code, video_row.failure_message = "failed", code, message
        video_row.completed_at = now()
        sess.status, sess.error, sess.heartbeat_at = "failed", message, None
        enqueue_session_events(s, sess, video_row)  # the outbox: same transaction
