"""Chat mode, one turn per task: draft a storyboard and wait in ``reviewing``; act on the user's
unread messages (revise, ask, or render the approved draft as a new video of the session)."""

from __future__ import annotations

import logging
import shutil
from typing import Any

from sqlalchemy.orm import Session as DbSession

from reelwright import pipeline
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
from reelwright.errors import ReelwrightError
from reelwright.ingest.sandbox import inspect_files  # bounded: a hostile file cannot take the worker down
from reelwright.jobs import outcome
from reelwright.jobs.generate import render_draft
from reelwright.jobs.job import JobRun
from reelwright.jobs.reasons import failure_reason
from reelwright.jobs.session_hooks import draft_hooks
from reelwright.plan.base import Planner, PlanRequest
from reelwright.plan.chat_rules import HELP
from reelwright.plan.select import planner_for
from reelwright.store.models import AgentSession
from reelwright.store.status import CHECKPOINT_APPROVED, REVIEWING, WAITING_FOR_INPUT
from reelwright.storyboard import Storyboard

log = logging.getLogger("reelwright.jobs")


def chat_turn(job: JobRun) -> None:
    try:
        _turn(job)
    finally:
        # This worker's copies of the inputs; the next turn, on whichever worker, stages its own.
        shutil.rmtree(job.work, ignore_errors=True)


def _turn(job: JobRun) -> None:
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        approved = sess.checkpoint == CHECKPOINT_APPROVED
        unread = [(m.id, m.content, dict(m.data)) for m in unread_messages(s, job.session_id)]
        draft_row = latest_draft(s, job.session_id)
        draft = draft_storyboard(draft_row) if draft_row is not None else None
        draft_seconds = float(draft_row.data.get("duration", 0)) if draft_row is not None else None
    if approved and draft is not None:
        render_draft(job, draft)  # approved before a crash: render what was approved
        return
    read = [mid for mid, _, _ in unread]
    planner = planner_for(job.settings)
    try:
        if draft is not None:  # planned elsewhere, perhaps: its pictures and clips staged here
            draft = Storyboard.model_validate(
                job.local_files(draft.model_dump(mode="json", exclude_none=True))
            )
        if draft is None:
            # The prompt is the first message; anything said before the first draft refines it.
            _take_message_extras(job, [data for _, _, data in unread])
            files = inspect_files(job.input_paths())
            request = PlanRequest(job.request, files, tuple(text for _, text, _ in unread[1:]))
            _present(job, _plan(job, request, planner), read)
            return
        if not unread:
            _settle(job, REVIEWING, [], read)  # a repeated task with nothing new to do
            return
        text = "\n".join(text for _, text, _ in unread)
        pinned = _take_message_extras(job, [data for _, _, data in unread])
        files = inspect_files(job.input_paths())  # a revision changes no files: read them once
        reading = planner.read_message(
            text, draft, draft_seconds, PlanRequest(job.request, files, (text,), draft)
        )
        revision, said = reading.revision, list(reading.messages)
        if revision.action == "ask" and not pinned:
            _settle(job, WAITING_FOR_INPUT, [*said, revision.question or HELP], read)
            return
        if revision.action == "approve" and not pinned:
            _settle(job, None, [*said, revision.reply or "Rendering the video now."], read, render=True)
            render_draft(job, draft)
            return
        job.request = apply_revision(job.request, revision, draft)
        planned = _plan(job, PlanRequest(job.request, files, (text,), draft), planner)
        _present(job, planned, read, said=said, render=revision.render_after)
        if revision.render_after:
            render_draft(job, planned.storyboard)
    except pipeline.Stopped:
        outcome.stopped(job)
    except ReelwrightError as exc:
        # A revision that cannot be made is an answer to the user, not a failed session.
        if draft is None:
            outcome.failed(job, "invalid_input", str(exc))
        else:
            _settle(job, REVIEWING, [f"I could not do that: {exc}"], read, error=True)
    except Exception as exc:  # a bug or the machine (a full disk): the user still hears why
        log.exception("session %s failed", job.session_id)
        code, reason = failure_reason(exc)
        if draft is None:
            outcome.failed(job, code, reason)
        else:
            _settle(job, REVIEWING, [reason], read, error=True)


def _plan(job: JobRun, request: PlanRequest, planner: Planner) -> pipeline.PlannedDraft:
    return pipeline.plan_draft(
        request, planner, work_parent=job.work, cache_dir=job.cache, hooks=draft_hooks(job)
    )


def _take_message_extras(job: JobRun, extras: list[dict[str, Any]]) -> bool:
    """Files, avatar_id and voice_id sent with messages join the session's request. True if any."""
    changed = False
    for data in extras:
        if data.get("file_keys"):
            job.request = job.request.revised(files=(*job.request.files, *data["file_keys"]))
            changed = True
        if data.get("avatar_id"):
            job.request = job.request.revised(avatar=data["avatar_id"], no_avatar=False)
            changed = True
        if data.get("voice_id"):
            job.request = job.request.revised(voice=data["voice_id"])
            changed = True
    return changed


def _present(
    job: JobRun,
    planned: pipeline.PlannedDraft,
    read: list[str],
    *,
    said: list[str] | None = None,
    render: bool = False,
) -> None:
    """Save a new draft and show it: the session waits in ``reviewing`` (or renders it at once)."""
    with job.db.session() as s:
        sess = s.get(AgentSession, job.session_id)
        assert sess is not None
        resource = save_draft(s, job.session_id, planned.storyboard, planned.duration)
        for text in [*(said or []), *planned.messages]:
            add_message(s, job.session_id, "model", text)
        summary = summarise(planned.storyboard, planned.duration)
        add_message(s, job.session_id, "model", summary, kind="resource", resource_ids=[resource.id])
        sess.title = planned.storyboard.title
        _end_turn(s, job, sess, read, None if render else REVIEWING, render=render)


def _settle(
    job: JobRun,
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
    s: DbSession, job: JobRun, sess: AgentSession, read: list[str], status: str | None, *, render: bool
) -> None:
    """The turn's messages are read and its request kept; a new status ends the run, ``render``
    marks the draft approved (rendered next, or after a crash)."""
    mark_read(s, read)
    sess.request = job.request.stored()
    if render:
        sess.checkpoint = CHECKPOINT_APPROVED
    if status is not None:
        sess.status, sess.progress, sess.heartbeat_at = status, 100, None
        sess.attempts, sess.stop_requested = 0, False
