"""Run one agent session through the pipeline, keeping its row (status, progress) up to date.

The database row is the job: a worker claims it with a conditional update, keeps a heartbeat while
it runs, and a job whose heartbeat stops (a killed worker) is claimed again by the next run. The
planned storyboard is saved as a checkpoint, so a job run again resumes at rendering.

Chat mode runs one turn per task: draft a storyboard and wait in ``reviewing``, act on the user's
unread messages (revise, ask, or render the approved draft as a new video of the session).
``POST .../stop`` is honoured at the next checkpoint (between stages and scenes).
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session as DbSession

from reelwright import pipeline
from reelwright.avatar.photo_looks import find_photo_look
from reelwright.chat.conversation import (
    add_message,
    apply_revision,
    draft_storyboard,
    latest_draft,
    mark_read,
    save_draft,
    summarise,
    unread_messages,
)
from reelwright.chat.interpret import interpret
from reelwright.chat.rules import HELP
from reelwright.config import Settings
from reelwright.errors import InputError, ReelwrightError
from reelwright.ingest.files import InputFile
from reelwright.ingest.sandbox import inspect_files  # bounded: a hostile file cannot take the worker down
from reelwright.jobs.reasons import failure_reason
from reelwright.plan.base import Planner, PlanRequest
from reelwright.plan.select import planner_for
from reelwright.store.blobs import LocalBlobStore
from reelwright.store.db import Database
from reelwright.store.models import AgentSession, StageStat, Video, now
from reelwright.storyboard import Storyboard
from reelwright.styles.brand_kits import load_brand
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
        state = _State(row.video_id)
        if row.video_id is not None:
            video = s.get(Video, row.video_id)
            state.video_processing = video is not None and video.status == "processing"
        job = _Job(settings, db, session_id, row.owner_id, row.prompt, dict(row.request), state)
        if job.chat and not state.video_processing:
            state.video_id = None  # each approved draft renders a new video in the same session
        state.planned = row.checkpoint == "planned"
        attempts, stop_asked = row.attempts, row.stop_requested
    if attempts > MAX_ATTEMPTS:
        # Its workers keep dying (out of memory, killed): stop trying, and say so.
        _fail(job, "render_failed", f"the job stopped unexpectedly {MAX_ATTEMPTS} times")
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
    try:
        if stop_asked:
            _stopped(job)
        elif job.chat:
            _chat_turn(job)
        else:
            _generate(job)
    finally:
        stop.set()


class StopRequested(Exception):
    """The user asked to stop (``POST .../stop``); raised at the next checkpoint."""


@dataclass
class _Job:
    """One run of a session: where it is, whose it is, and what it was asked."""

    settings: Settings
    db: Database
    session_id: str
    owner_id: str
    prompt: str
    options: dict[str, Any]
    state: _State

    @property
    def chat(self) -> bool:
        return self.options.get("mode") == "chat"

    @property
    def work(self) -> Path:
        return self.settings.files_dir / "work" / self.session_id

    @property
    def checkpoint(self) -> Path:
        """The planned storyboard: saved before rendering, so a run again resumes from it."""
        return self.work / "storyboard.json"

    @property
    def output(self) -> Path:
        return self.work / "out" / "video.mp4"

    @property
    def cache(self) -> Path:
        return self.settings.data_dir / "cache"

    def input_paths(self) -> list[Path]:
        return [self.settings.files_dir / key for key in self.options.get("file_keys", [])]


def _check_stop(sess: AgentSession) -> None:
    if sess.stop_requested:
        raise StopRequested


def _drain(planner: Planner | None) -> list[str]:
    if planner is None:
        return []
    said = list(planner.messages)
    planner.messages.clear()
    return said


def _render_progress(job: _Job) -> pipeline.ProgressFn:
    """Session progress from pipeline stages; rendering hands out the video id; stops are honoured."""
    state = job.state

    def progress(stage: str, fraction: float) -> None:
        lo, hi = _STAGE_SPAN.get(stage, (0, 100))
        pct = int(lo + (hi - lo) * max(0.0, min(1.0, fraction)))
        generating = stage in _GENERATING
        starts_generating = generating and not state.video_processing
        if pct <= state.progress and not starts_generating:
            return
        state.progress = pct
        with job.db.session() as s:
            sess = s.get(AgentSession, job.session_id)
            assert sess is not None
            _check_stop(sess)
            sess.progress = max(sess.progress, pct)
            if starts_generating:
                # Rendering begins: the session hands out its video id, the video is processing.
                _video_row(s, job, sess).status = "processing"
                state.video_processing = True
                sess.status = "generating"

    return progress


def _video_row(s: DbSession, job: _Job, sess: AgentSession) -> Video:
    """The video this run makes; the first need creates it and the session hands out its id."""
    if job.state.video_id is None:
        video = Video(owner_id=job.owner_id, session_id=job.session_id, title=sess.title)
        s.add(video)
        s.flush()
        job.state.video_id = sess.video_id = video.id
        return video
    row = s.get(Video, job.state.video_id)
    assert row is not None
    return row


def _draft_progress(job: _Job) -> pipeline.ProgressFn:
    """Progress while a chat draft is planned and measured (the session stays ``thinking``)."""
    spans = {"plan": (0, 10), "voice": (10, 95)}

    def progress(stage: str, fraction: float) -> None:
        lo, hi = spans.get(stage, (0, 95))
        pct = int(lo + (hi - lo) * max(0.0, min(1.0, fraction)))
        if pct <= job.state.progress:
            return
        job.state.progress = pct
        with job.db.session() as s:
            sess = s.get(AgentSession, job.session_id)
            assert sess is not None
            _check_stop(sess)
            sess.progress = pct

    return progress


def _generate(job: _Job) -> None:
    """Generate mode: prompt to finished video in one go, resuming from a saved storyboard."""
    checkpoint = job.checkpoint
    options = job.options
    render_job = pipeline.RenderJob(
        output=job.output,
        prompt=job.prompt,
        storyboard=checkpoint if job.state.planned and checkpoint.is_file() else None,
        checkpoint=checkpoint,
        orientation=options.get("orientation"),
        duration=options.get("duration_sec"),
        avatar=options.get("avatar_id"),
        voice=options.get("voice_id"),
        style=options.get("style_id"),
        files=job.input_paths(),
        cache_dir=job.cache,
    )
    if render_job.storyboard is not None:
        log.info("session %s resumes from its planned storyboard", job.session_id)
    _render(job, render_job, planner_for(job.settings))


def _render(job: _Job, render_job: pipeline.RenderJob, planner: Planner | None) -> None:
    """Run the pipeline to a finished video and record the outcome (completed, failed or stopped)."""
    state, db, session_id = job.state, job.db, job.session_id
    checkpoint = job.checkpoint
    progress = _render_progress(job)

    def tracked(stage: str, fraction: float) -> None:
        if stage == "render" and not state.planned and checkpoint.is_file():
            _mark_planned(job, checkpoint, _drain(planner))
            state.planned = True
        progress(stage, fraction)

    try:
        out_dir = render_job.output.parent
        if out_dir.exists():
            shutil.rmtree(out_dir)  # a crashed attempt's partial output
        out_dir.mkdir(parents=True)
        started = time.perf_counter()
        brand = load_brand(db, job.settings.files_dir, job.owner_id, job.options.get("brand_kit_id"))
        # A pinned photo look: the pipeline gets its portrait and located face.
        photo = find_photo_look(db, blob_store(job.settings), job.owner_id, render_job.avatar)
        result = pipeline.run(
            dataclasses.replace(render_job, brand=brand, photo=photo), tracked, planner=planner
        )
        assert state.video_id is not None
        if checkpoint.is_file():  # kept with the video: its page shows the script and scenes
            shutil.copyfile(checkpoint, out_dir / "storyboard.json")
        blob_store(job.settings).put_tree(video_key(state.video_id), out_dir)
        with db.session() as s:
            sess = s.get(AgentSession, session_id)
            video = s.get(Video, state.video_id)
            assert sess is not None and video is not None
            sess.status, sess.progress, sess.heartbeat_at = "completed", 100, None
            sess.title = sess.title or result.storyboard.title
            video.status, video.duration, video.completed_at = "completed", result.duration, now()
            video.title = result.storyboard.title
            for said in _drain(planner):
                add_message(s, session_id, "model", said)
            ready = f'Your video "{video.title}" is ready ({result.duration:.0f} s).'
            for note in [ready, *result.notes]:
                add_message(s, session_id, "model", note[:1].upper() + note[1:])
            if job.chat:
                # The session stays open for revisions, each rendering a new video.
                sess.checkpoint, sess.attempts, sess.stop_requested = None, 0, False
            enqueue_session_events(s, sess, video, settings=job.settings)  # the outbox: same transaction
        _clean_up(job)
        record_stage_seconds(db, {**result.stage_seconds, "total": time.perf_counter() - started})
    except StopRequested:
        _stopped(job)
    except ReelwrightError as exc:
        code = "invalid_input" if isinstance(exc, InputError) else "render_failed"
        _fail(job, code, str(exc), _drain(planner))
    except Exception as exc:  # a bug or the machine (a full disk): record it so the user sees a reason
        log.exception("session %s failed", session_id)
        _fail(job, *failure_reason(exc), _drain(planner))


# --- chat mode ----------------------------------------------------------------------------------


def _chat_turn(job: _Job) -> None:
    """Chat mode: draft a storyboard for review, act on the user's messages, render when approved."""
    db, session_id = job.db, job.session_id
    with db.session() as s:
        sess = s.get(AgentSession, session_id)
        assert sess is not None
        approved = sess.checkpoint == "render"
        unread = [(m.id, m.content, dict(m.data)) for m in unread_messages(s, session_id)]
        draft_row = latest_draft(s, session_id)
        draft = draft_storyboard(draft_row) if draft_row is not None else None
        draft_seconds = float(draft_row.data.get("duration", 0)) if draft_row is not None else None
    if approved and draft is not None:
        _render_draft(job, draft)  # approved before a crash: render what was approved
        return
    read = [mid for mid, _, _ in unread]
    planner = planner_for(job.settings)
    try:
        if draft is None:
            # The prompt is the first message; anything said before the first draft refines it.
            _take_message_extras(job, [data for _, _, data in unread])
            files = inspect_files(job.input_paths())
            request = _plan_request(job, files, tuple(text for _, text, _ in unread[1:]), None)
            planned = pipeline.plan_draft(
                request, planner, work_parent=job.work, cache_dir=job.cache, progress=_draft_progress(job)
            )
            _present(job, planned, _drain(planner), read)
            return
        if not unread:
            _settle(job, "reviewing", [], read)  # a repeated task with nothing new to do
            return
        text = "\n".join(text for _, text, _ in unread)
        pinned = _take_message_extras(job, [data for _, _, data in unread])
        files = inspect_files(job.input_paths())  # a revision changes no files: read them once
        request = _plan_request(job, files, (text,), draft)
        revision = interpret(text, draft, draft_seconds, request, planner)
        if revision.action == "ask" and not pinned:
            question = revision.question or HELP
            _settle(job, "waiting_for_input", [*_drain(planner), question], read)
            return
        if revision.action == "approve" and not pinned:
            _settle(
                job, None, [*_drain(planner), revision.reply or "Rendering the video now."], read, render=True
            )
            _render_draft(job, draft)
            return
        job.options = apply_revision(job.options, revision, draft)
        request = _plan_request(job, files, (text,), draft)
        planned = pipeline.plan_draft(
            request, planner, work_parent=job.work, cache_dir=job.cache, progress=_draft_progress(job)
        )
        _present(job, planned, _drain(planner), read, render=revision.render_after)
        if revision.render_after:
            _render_draft(job, planned.storyboard)
    except StopRequested:
        _stopped(job)
    except ReelwrightError as exc:
        # A revision that cannot be made is an answer to the user, not a failed session.
        if draft is None:
            _fail(job, "invalid_input", str(exc), _drain(planner))
        else:
            _settle(job, "reviewing", [*_drain(planner), f"I could not do that: {exc}"], read, error=True)
    except Exception as exc:
        log.exception("session %s failed", session_id)
        code, reason = failure_reason(exc)
        if draft is None:
            _fail(job, code, reason, _drain(planner))
        else:
            _settle(job, "reviewing", [reason], read, error=True)


def _take_message_extras(job: _Job, extras: list[dict[str, Any]]) -> bool:
    """Files, avatar_id and voice_id sent with messages join the session's options. True if any."""
    changed = False
    for data in extras:
        if data.get("file_keys"):
            job.options["file_keys"] = [*job.options.get("file_keys", []), *data["file_keys"]]
            changed = True
        for key in ("avatar_id", "voice_id"):
            if data.get(key):
                job.options[key] = data[key]
                changed = True
        if data.get("avatar_id"):
            job.options["no_avatar"] = False
    return changed


def _plan_request(
    job: _Job, files: list[InputFile], instructions: tuple[str, ...], previous: Storyboard | None
) -> PlanRequest:
    opts = job.options
    return PlanRequest(
        prompt=job.prompt,
        files=files,
        orientation=opts.get("orientation"),
        duration=opts.get("duration_sec"),
        avatar=opts.get("avatar_id"),
        voice=opts.get("voice_id"),
        style=opts.get("style_id"),
        no_avatar=bool(opts.get("no_avatar")),
        tone=opts.get("tone"),
        voice_speed=opts.get("voice_speed"),
        drop_scenes=tuple(opts.get("drop_scenes", ())),
        instructions=instructions,
        previous=previous,
    )


def _present(
    job: _Job, planned: pipeline.PlannedDraft, said: list[str], read: list[str], *, render: bool = False
) -> None:
    """Save a new draft and show it: the session waits in ``reviewing`` (or renders it at once)."""
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        resource = save_draft(s, job.session_id, planned.storyboard, planned.duration)
        for text in said:
            add_message(s, job.session_id, "model", text)
        summary = summarise(planned.storyboard, planned.duration)
        add_message(s, job.session_id, "model", summary, kind="resource", resource_ids=[resource.id])
        sess.title = planned.storyboard.title
        _end_turn(s, job, sess, read, None if render else "reviewing", render=render)


def _settle(
    job: _Job,
    status: str | None,
    said: list[str],
    read: list[str],
    *,
    render: bool = False,
    error: bool = False,
) -> None:
    """Answer without a new draft: a question, an acknowledgement, or what went wrong."""
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        for text in said:
            add_message(s, job.session_id, "model", text, kind="error" if error else "text")
        _end_turn(s, job, sess, read, status, render=render)


def _end_turn(
    s: DbSession, job: _Job, sess: AgentSession, read: list[str], status: str | None, *, render: bool
) -> None:
    """The turn's messages are read and its options kept; a new status ends the run, ``render``
    marks the draft approved (rendered next, or after a crash)."""
    mark_read(s, read)
    sess.request = dict(job.options)
    if render:
        sess.checkpoint = "render"
    if status is not None:
        sess.status, sess.progress, sess.heartbeat_at = status, 100, None
        sess.attempts, sess.stop_requested = 0, False


def _render_draft(job: _Job, board: Storyboard) -> None:
    job.work.mkdir(parents=True, exist_ok=True)
    job.checkpoint.write_text(board.to_json() + "\n", encoding="utf-8")
    job.state.planned = True
    job.state.progress = -1
    render_job = pipeline.RenderJob(output=job.output, storyboard=job.checkpoint, cache_dir=job.cache)
    _render(job, render_job, None)


def _stopped(job: _Job) -> None:
    """Stop at the user's request, keeping what exists: earlier videos, and the draft to revise."""
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        sess.stop_requested, sess.heartbeat_at, sess.checkpoint = False, None, None
        if job.state.video_id is not None:
            video = s.get(Video, job.state.video_id)
            if video is not None and video.status in ("pending", "processing"):
                video.status, video.failure_code = "failed", "stopped"
                video.failure_message, video.completed_at = "stopped at the user's request", now()
        done = s.scalars(
            select(Video.id)
            .where(Video.session_id == job.session_id, Video.status == "completed")
            .order_by(Video.id.desc())
        ).first()
        if done is not None:
            sess.video_id = done
        draft = latest_draft(s, job.session_id)
        if draft is None and job.checkpoint.is_file():
            # Generate mode stopped after planning: keep the storyboard as a draft to review.
            board = Storyboard.load(job.checkpoint)
            draft = save_draft(s, job.session_id, board, board.target_duration or 0)
        if draft is not None:
            sess.request = {**job.options, "mode": "chat"}
            sess.status, sess.progress = "reviewing", 100
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
            sess.status, sess.error = "failed", "stopped at your request before a storyboard existed"
            add_message(s, job.session_id, "model", sess.error, kind="error")
    shutil.rmtree(job.output.parent, ignore_errors=True)


def _clean_up(job: _Job) -> None:
    """A finished job's working files, and its inputs unless the conversation may use them again."""
    shutil.rmtree(job.work, ignore_errors=True)
    if not job.chat:
        shutil.rmtree(job.settings.files_dir / "inputs" / job.session_id, ignore_errors=True)


def _mark_planned(job: _Job, checkpoint: Path, said: list[str]) -> None:
    title = Storyboard.load(checkpoint).title
    with job.db.session() as s:
        s.execute(
            update(AgentSession)
            .where(AgentSession.id == job.session_id, AgentSession.checkpoint.is_(None))
            .values(checkpoint="planned")
        )
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        sess.title = sess.title or title
        for text in said:
            add_message(s, job.session_id, "model", text)


def _fail(job: _Job, code: str, message: str, said: Sequence[str] = ()) -> None:
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        video_row = _video_row(s, job, sess)
        video_row.status, video_row.failure_code, video_row.failure_message = "failed", code, message
        video_row.completed_at = now()
        sess.status, sess.error, sess.heartbeat_at = "failed", message, None
        if job.chat:
            sess.checkpoint, sess.attempts, sess.stop_requested = None, 0, False
        for text in said:
            add_message(s, job.session_id, "model", text)
        add_message(s, job.session_id, "model", message, kind="error")
        enqueue_session_events(s, sess, video_row)  # the outbox: same transaction
    _clean_up(job)
