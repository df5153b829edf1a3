"""The pipeline's seams for a session: progress into its row, the user's stop flag, checkpoints.

Progress is the stage table's weighting (``pipeline.stages``) as a 0-100 number on the session;
when the first generating stage starts, the session hands out its video id and the video is
``processing``. ``POST .../stop`` sets a flag that the pipeline reads between stages and scenes.
The planned storyboard is saved (atomically, in the blob store) so a run again, on any worker,
resumes at rendering.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from reelwright.chat.conversation import add_message
from reelwright.jobs.job import JobRun
from reelwright.pipeline.publish import for_export
from reelwright.pipeline.stages import DRAFT_STAGES, GENERATING_STAGES, STAGE_NAMES, Hooks, overall
from reelwright.request import VideoRequest
from reelwright.store.models import AgentSession, Video
from reelwright.store.status import CHECKPOINT_PLANNED, GENERATING, VIDEO_PROCESSING
from reelwright.storyboard import Storyboard

STOP_CHECK_SECONDS = 0.5  # how often the stop flag is read while a stage reports progress


def video_row(s: DbSession, job: JobRun, sess: AgentSession) -> Video:
    """The video this run makes; the first need creates it and the session hands out its id."""
    if job.video_id is None:
        # A chat session's video is made on approval: the folder asked for at creation waits in its request.
        folder = VideoRequest.from_stored(sess.prompt, sess.request).folder
        video = Video(owner_id=job.owner_id, session_id=job.session_id, title=sess.title, folder_id=folder)
        s.add(video)
        s.flush()
        job.video_id = sess.video_id = video.id
        return video
    row = s.get(Video, job.video_id)
    assert row is not None
    return row


def _stop_flag(job: JobRun) -> bool:
    with job.db.session() as s:
        return bool(s.scalar(select(AgentSession.stop_requested).where(AgentSession.id == job.session_id)))


def _stop_check(job: JobRun) -> Callable[[], bool]:
    last = [0.0]

    def stop_requested() -> bool:
        t = time.monotonic()
        if t - last[0] < STOP_CHECK_SECONDS:
            return False
        last[0] = t
        return _stop_flag(job)

    return stop_requested


class SessionCheckpoints:
    """Saves the planned storyboard beside the job and marks the session ``planned``."""

    def __init__(self, job: JobRun) -> None:
        self.job = job

    def planned(self, board: Storyboard, messages: Sequence[str]) -> None:
        job = self.job
        job.save_checkpoint(for_export(board).to_json() + "\n")
        with job.db.session() as s:
            s.execute(
                update(AgentSession)
                .where(AgentSession.id == job.session_id, AgentSession.checkpoint.is_(None))
                .values(checkpoint=CHECKPOINT_PLANNED)
            )
            sess = s.get(AgentSession, job.session_id)
            assert sess is not None
            sess.title = sess.title or board.title
            for text in messages:
                add_message(s, job.session_id, "model", text)
        job.planned = True


def generating_hooks(job: JobRun) -> Hooks:
    """A generate run (or an approved draft's render): the whole stage table, up to 100."""

    def progress(stage: str, fraction: float) -> None:
        pct = int(100 * overall(stage, fraction, STAGE_NAMES))
        starts_generating = stage in GENERATING_STAGES and not job.video_processing
        if pct <= job.progress and not starts_generating:
            return
        job.progress = pct
        with job.db.session() as s:
            sess = s.get(AgentSession, job.session_id)
            assert sess is not None
            sess.progress = max(sess.progress, pct)
            if starts_generating:
                # Rendering begins: the session hands out its video id, the video is processing.
                video_row(s, job, sess).status = VIDEO_PROCESSING
                job.video_processing = True
                sess.status = GENERATING

    return Hooks(progress=progress, checkpoints=SessionCheckpoints(job), stop_requested=_stop_check(job))


def draft_hooks(job: JobRun) -> Hooks:
    """A chat draft is planned and measured (the session stays ``thinking``); up to 95 until shown."""

    def progress(stage: str, fraction: float) -> None:
        pct = int(95 * overall(stage, fraction, DRAFT_STAGES))
        if pct <= job.progress:
            return
        job.progress = pct
        with job.db.session() as s:
            sess = s.get(AgentSession, job.session_id)
            assert sess is not None
            sess.progress = pct

    return Hooks(progress=progress, stop_requested=_stop_check(job))
