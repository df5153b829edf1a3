"""How a run ends: completed, failed or stopped. Each writes the session and video rows, the
session's messages and the webhook events in one transaction (the outbox), then cleans up."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DbSession

from reelwright.chat.conversation import add_message, latest_draft, save_draft
from reelwright.errors import InputError, ReelwrightError
from reelwright.jobs.job import JobRun
from reelwright.jobs.session_hooks import video_row
from reelwright.pipeline.run import JobResult
from reelwright.store.db import Database
from reelwright.store.files import STORYBOARD_FILE, inputs_key, video_key, work_key
from reelwright.store.models import AgentSession, StageStat, Video, now
from reelwright.store.status import (
    COMPLETED,
    FAILED,
    REVIEWING,
    VIDEO_COMPLETED,
    VIDEO_FAILED,
    VIDEO_UNFINISHED,
)
from reelwright.storyboard import Storyboard
from reelwright.webhooks.outbox import enqueue_session_events

log = logging.getLogger("reelwright.jobs")


def failure_code(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "invalid_input"
    return "render_failed" if isinstance(exc, ReelwrightError) else "internal_error"


def completed(
    job: JobRun,
    result: JobResult,
    total_seconds: float,
    guard: Callable[[DbSession], bool] | None = None,
) -> None:
    """Store the video's files, mark it completed, tell the user and the webhooks.

    ``guard``: a conditional update run first in the same transaction; when it changes nothing
    (another task completed this video), nothing is written."""
    out_dir = result.video.parent
    assert job.video_id is not None
    if job.checkpoint.is_file():  # kept with the video: its page shows the script and scenes
        shutil.copyfile(job.checkpoint, out_dir / STORYBOARD_FILE)
    # Every file is uploaded before the row says completed: only then is the video shown.
    job.blobs.put_tree(video_key(job.video_id), out_dir)
    with job.db.session() as s:
        if guard is not None and not guard(s):
            log.warning("video %s was completed by another task", job.video_id)
            return
        sess = s.get(AgentSession, job.session_id)
        video = s.get(Video, job.video_id)
        assert sess is not None and video is not None
        sess.status, sess.progress, sess.heartbeat_at = COMPLETED, 100, None
        sess.title = sess.title or result.storyboard.title
        video.status, video.duration, video.completed_at = VIDEO_COMPLETED, result.duration, now()
        video.title = result.storyboard.title
        ready = f'Your video "{video.title}" is ready ({result.duration:.0f} s).'
        for note in [ready, *result.notes]:
            add_message(s, job.session_id, "model", note[:1].upper() + note[1:])
        if job.request.chat:
            # The session stays open for revisions, each rendering a new video.
            sess.checkpoint, sess.attempts, sess.stop_requested = None, 0, False
        enqueue_session_events(s, sess, video, settings=job.settings)  # the outbox: same transaction
    # The video is complete from here on: nothing after this may turn it into a failure.
    try:
        clean_up(job)
    except Exception:  # a blob store hiccup: retention sweeps what is left
        log.warning("session %s: its working files were not all removed", job.session_id, exc_info=True)
    record_stage_seconds(job.db, {**result.stage_seconds, "total": total_seconds})


def failed(job: JobRun, code: str, message: str, said: Sequence[str] = ()) -> None:
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        video = video_row(s, job, sess)
        video.status, video.failure_code, video.failure_message = VIDEO_FAILED, code, message
        video.completed_at = now()
        sess.status, sess.error, sess.heartbeat_at = FAILED, message, None
        if job.request.chat:
            sess.checkpoint, sess.attempts, sess.stop_requested = None, 0, False
        for text in said:
            add_message(s, job.session_id, "model", text)
        add_message(s, job.session_id, "model", message, kind="error")
        enqueue_session_events(s, sess, video)  # the outbox: same transaction
    clean_up(job)


def stopped(job: JobRun) -> None:
    """Stop at the user's request, keeping what exists: earlier videos, and the draft to revise."""
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        sess.stop_requested, sess.heartbeat_at, sess.checkpoint = False, None, None
        if job.video_id is not None:
            video = s.get(Video, job.video_id)
            if video is not None and video.status in VIDEO_UNFINISHED:
                video.status, video.failure_code = VIDEO_FAILED, "stopped"
                video.failure_message, video.completed_at = "stopped at the user's request", now()
        done = s.scalars(
            select(Video.id)
            .where(Video.session_id == job.session_id, Video.status == VIDEO_COMPLETED)
            .order_by(Video.id.desc())
        ).first()
        if done is not None:
            sess.video_id = done
        draft = latest_draft(s, job.session_id)
        checkpoint = _stored_checkpoint(job) if draft is None else None
        if checkpoint is not None:
            # Generate mode stopped after planning: keep the storyboard as a draft to review.
            board = Storyboard.load(checkpoint)
            draft = save_draft(s, job.session_id, board, board.target_duration or 0)
        if draft is not None:
            sess.request = job.request.revised(mode="chat").stored()
            sess.status, sess.progress = REVIEWING, 100
            add_message(
                s,
                job.session_id,
                "model",
                "Stopped at your request. The storyboard draft is kept: tell me what to change, "
                'or say "render it".',
                kind="resource",
                resource_ids=[draft.id],
            )
        else:
            sess.status, sess.error = FAILED, "stopped at your request before a storyboard existed"
            add_message(s, job.session_id, "model", sess.error, kind="error")
    shutil.rmtree(job.work, ignore_errors=True)  # this worker's copies; the checkpoint stays stored


def _stored_checkpoint(job: JobRun) -> Path | None:
    try:
        return job.load_checkpoint()
    except ReelwrightError:  # its input files are gone: nothing to keep as a draft
        log.warning("session %s: its planned storyboard cannot be kept", job.session_id, exc_info=True)
        return None


def clean_up(job: JobRun) -> None:
    """A finished job's working files, and its inputs unless the conversation may use them again."""
    shutil.rmtree(job.work, ignore_errors=True)
    job.blobs.delete_prefix(work_key(job.session_id))
    if not job.request.chat:
        job.blobs.delete_prefix(inputs_key(job.session_id))


def record_stage_seconds(db: Database, timings: dict[str, float]) -> None:
    """Add this job's stage durations to the shared totals behind /metrics.

    One upsert per stage (INSERT … ON CONFLICT DO UPDATE): two workers finishing at once both
    found no row for a new stage and both inserted it, and the loser's unique violation failed a
    video that was already complete. The totals are statistics: if they cannot be written, the
    job still stands, and the failure is logged."""
    # Both dialects' inserts take the same ON CONFLICT clause.
    inserts: dict[str, Callable[[type[StageStat]], PgInsert | SqliteInsert]] = {
        "postgresql": postgresql_insert,
        "sqlite": sqlite_insert,
    }
    upsert = inserts.get(db.engine.dialect.name)
    try:
        with db.session() as s:
            for stage, seconds in timings.items():
                grow = {"count": StageStat.count + 1, "total_seconds": StageStat.total_seconds + seconds}
                first = {"stage": stage, "count": 1, "total_seconds": seconds}
                if upsert is not None:
                    row = upsert(StageStat).values(**first)
                    s.execute(row.on_conflict_do_update(index_elements=[StageStat.stage], set_=grow))
                else:  # another database: update, else insert (may race; logged below)
                    changed = s.execute(update(StageStat).where(StageStat.stage == stage).values(**grow))
                    if not changed.rowcount:  # type: ignore[attr-defined]
                        s.add(StageStat(**first))
    except SQLAlchemyError:
        log.warning("stage timings not recorded (the job itself is done)", exc_info=True)
