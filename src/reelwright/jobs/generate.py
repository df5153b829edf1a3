"""Generate mode: the session's request to a finished video in one run, resuming from a saved
storyboard when an earlier run got that far. Chat mode renders an approved draft the same way."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time

from reelwright import pipeline
from reelwright.avatar.photo_looks import find_photo_look
from reelwright.chat.conversation import draft_storyboard, latest_draft
from reelwright.errors import ReelwrightError
from reelwright.jobs import outcome
from reelwright.jobs.drain import DRAIN, HandedBack
from reelwright.jobs.fanout import QueueFanOut
from reelwright.jobs.job import JobRun
from reelwright.jobs.reasons import failure_reason
from reelwright.jobs.session_hooks import generating_hooks
from reelwright.plan.base import Planner
from reelwright.plan.select import planner_for
from reelwright.storyboard import Storyboard
from reelwright.styles.brand_kits import load_brand

log = logging.getLogger("reelwright.jobs")


def generate(job: JobRun) -> None:
    try:
        # Saved by whichever worker planned it; its files are staged here.
        checkpoint = job.load_checkpoint() if job.planned else None
        if job.planned and checkpoint is None and _checkpoint_from_draft(job):
            checkpoint = job.load_checkpoint()
        if checkpoint is not None:
            log.info("session %s resumes from its planned storyboard", job.session_id)
        render_job = pipeline.RenderJob(
            output=job.output,
            request=None if checkpoint else job.request,
            files=[] if checkpoint else job.input_paths(),
            storyboard=checkpoint,
            cache_dir=job.cache,
        )
    except ReelwrightError as exc:
        outcome.failed(job, outcome.failure_code(exc), str(exc))
        return
    render(job, render_job, None if checkpoint else planner_for(job.settings))


def _checkpoint_from_draft(job: JobRun) -> bool:
    """A session created planned (a storyboard sent to the API: an edit, a template) keeps its
    storyboard as a draft in the database; it becomes the checkpoint here. False when there is none."""
    with job.db.session() as s:
        row = latest_draft(s, job.session_id)
        board = draft_storyboard(row) if row is not None else None
    if board is None:
        return False
    job.save_checkpoint(board.to_json() + "\n")
    return True


def render_draft(job: JobRun, board: Storyboard) -> None:
    """Render an approved chat draft as a new video of the session."""
    try:
        local = Storyboard.model_validate(job.local_files(board.model_dump(mode="json", exclude_none=True)))
    except ReelwrightError as exc:
        outcome.failed(job, outcome.failure_code(exc), str(exc))
        return
    job.save_checkpoint(local.to_json() + "\n")
    job.planned = True
    job.progress = -1
    render(job, pipeline.RenderJob(output=job.output, storyboard=job.checkpoint, cache_dir=job.cache), None)


def render(job: JobRun, render_job: pipeline.RenderJob, planner: Planner | None) -> None:
    """Run the pipeline to a finished video and record the outcome (completed, failed or stopped)."""
    try:
        out_dir = render_job.output.parent
        if out_dir.exists():
            shutil.rmtree(out_dir)  # a crashed attempt's partial output
        out_dir.mkdir(parents=True)
        started = time.perf_counter()
        brand = load_brand(job.db, job.blobs, job.work, job.owner_id, job.request.brand_kit)
        # A pinned photo look: the pipeline gets its portrait (staged here) and located face.
        photo = find_photo_look(job.db, job.blobs, job.owner_id, job.request.avatar, scratch=job.work)
        hooks = generating_hooks(job)
        if not job.request.chat:
            # A draining worker hands a generate run back at its next boundary (a chat turn, whose
            # conversation is mid-way, finishes instead; if the process is gone first, the stale-job
            # sweep runs it again).
            asked = hooks.stop_requested
            hooks = dataclasses.replace(hooks, stop_requested=lambda: DRAIN.handing_back.is_set() or asked())
        fan_out = None if job.tasks is None else QueueFanOut(job, job.tasks, brand)
        result = pipeline.run(
            dataclasses.replace(render_job, brand=brand, photo=photo, fan_out=fan_out), planner, hooks
        )
        outcome.completed(job, result, time.perf_counter() - started)
    except pipeline.HandedOff:
        log.info("session %s: its scenes render on the cluster", job.session_id)
    except pipeline.Stopped:
        if DRAIN.handing_back.is_set() and not job.request.chat:
            raise HandedBack from None
        outcome.stopped(job)
    except ReelwrightError as exc:
        outcome.failed(job, outcome.failure_code(exc), str(exc))
    except Exception as exc:  # a bug or the machine (a full disk): record it so the user sees a reason
        log.exception("session %s failed", job.session_id)
        outcome.failed(job, *failure_reason(exc))
