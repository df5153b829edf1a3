"""Run one agent session through the pipeline, keeping its row (status, progress) up to date."""

from __future__ import annotations

import logging
import shutil
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import or_, select, update

from reelwright import pipeline
from reelwright.config import Settings
from reelwright.errors import InputError, ReelwrightError
from reelwright.store.db import Database
from reelwright.store.models import AgentSession, Video, now

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


@dataclass
class _State:
    video_id: str | None
    progress: int = -1


@cache
def database(url: str) -> Database:
    return Database(url)


def video_dir(settings: Settings, video_id: str) -> Path:
    return settings.files_dir / "videos" / video_id


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


def run_session(settings: Settings, session_id: str) -> None:
    db = database(settings.resolved_database_url)
    if not _claim(db, session_id, settings.stale_job_seconds):
        log.info("session %s is finished or held by a live worker", session_id)
        return
    with db.session() as s:
        row = s.get(AgentSession, session_id)
        assert row is not None
        prompt, options, owner_id, video_id = row.prompt, dict(row.request), row.owner_id, row.video_id

    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(10):
            with db.session() as s:
                s.execute(
                    update(AgentSession).where(AgentSession.id == session_id).values(heartbeat_at=now())
                )

    beat = threading.Thread(target=heartbeat, daemon=True, name=f"heartbeat-{session_id[:8]}")
    beat.start()
    state = _State(video_id)

    def progress(stage: str, fraction: float) -> None:
        lo, hi = _STAGE_SPAN.get(stage, (0, 100))
        pct = int(lo + (hi - lo) * max(0.0, min(1.0, fraction)))
        generating = stage in ("voice", "render", "publish")
        if pct <= state.progress and not (generating and state.video_id is None):
            return
        state.progress = pct
        with db.session() as s:
            sess = s.get(AgentSession, session_id)
            assert sess is not None
            sess.progress = max(sess.progress, pct)
            if generating and state.video_id is None:
                video = Video(owner_id=owner_id, session_id=session_id, status="processing", title=sess.title)
                s.add(video)
                s.flush()
                state.video_id = sess.video_id = video.id
                sess.status = "generating"
            elif generating:
                sess.status = "generating"

    try:
        out_dir = settings.files_dir / "work" / session_id
        out_dir.mkdir(parents=True, exist_ok=True)
        job = pipeline.RenderJob(
            output=out_dir / "video.mp4",
            prompt=prompt,
            orientation=options.get("orientation"),
            duration=options.get("duration_sec"),
            avatar=options.get("avatar_id"),
            voice=options.get("voice_id"),
            style=options.get("style_id"),
            files=[Path(p) for p in options.get("file_paths", [])],
            cache_dir=settings.data_dir / "cache",
        )
        result = pipeline.run(job, progress)
        assert state.video_id is not None
        final = video_dir(settings, state.video_id)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            shutil.rmtree(final)
        out_dir.rename(final)
        with db.session() as s:
            sess = s.get(AgentSession, session_id)
            video = s.get(Video, state.video_id)
            assert sess is not None and video is not None
            sess.status, sess.progress, sess.heartbeat_at = "completed", 100, None
            sess.title = sess.title or result.storyboard.title
            video.status, video.duration, video.completed_at = "completed", result.duration, now()
            video.title = result.storyboard.title
    except ReelwrightError as exc:
        code = "invalid_input" if isinstance(exc, InputError) else "render_failed"
        _fail(db, session_id, owner_id, state, code, str(exc))
    except Exception as exc:  # a bug: record it so the user sees a reason, then let Huey retry
        log.exception("session %s failed", session_id)
        _fail(db, session_id, owner_id, state, "internal_error", f"internal error: {type(exc).__name__}")
    finally:
        stop.set()


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
