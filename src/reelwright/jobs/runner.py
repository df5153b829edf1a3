"""Run one agent session: claim it, then generate its video or take its chat turn.

The database row is the job: a worker claims it (:mod:`.lease`), keeps a heartbeat while it runs,
and a job whose heartbeat stops is claimed again by the next run, resuming from its checkpoint.
``POST .../stop`` is honoured between stages and scenes (:mod:`.session_hooks`).
"""

from __future__ import annotations

import logging

from reelwright.config import Settings
from reelwright.jobs import lease, outcome
from reelwright.jobs.chat_turn import chat_turn
from reelwright.jobs.drain import HandedBack
from reelwright.jobs.fanout import SegmentQueue, active_fanout
from reelwright.jobs.generate import generate
from reelwright.jobs.job import JobRun
from reelwright.request import VideoRequest
from reelwright.store.db import shared_database
from reelwright.store.models import AgentSession, Video
from reelwright.store.status import CHECKPOINT_PLANNED, VIDEO_PROCESSING

log = logging.getLogger("reelwright.jobs")


def run_session(settings: Settings, session_id: str, tasks: SegmentQueue | None = None) -> bool:
    """Run the session if no live worker holds it; whether it was handed back (see ``jobs.drain``)
    and must go back on the queue. ``tasks``: the queue's scene tasks, so a long video renders on
    many workers."""
    db = shared_database(settings.resolved_database_url)
    if active_fanout(db, session_id):
        log.info("session %s renders scene by scene on the cluster", session_id)
        return False
    if not lease.claim(db, session_id, settings.stale_job_seconds):
        log.info("session %s is finished or held by a live worker", session_id)
        return False
    with db.session() as s:
        row = s.get(AgentSession, session_id)
        assert row is not None
        request = VideoRequest.from_stored(row.prompt, row.request)
        job = JobRun(settings, db, session_id, row.owner_id, request, row.video_id, tasks=tasks)
        if row.video_id is not None:
            video = s.get(Video, row.video_id)
            job.video_processing = video is not None and video.status == VIDEO_PROCESSING
        if request.chat and not job.video_processing:
            job.video_id = None  # each approved draft renders a new video in the same session
        job.planned = row.checkpoint == CHECKPOINT_PLANNED
        attempts, stop_asked = row.attempts, row.stop_requested
    if attempts > lease.MAX_ATTEMPTS:
        # Its workers keep dying (out of memory, killed): stop trying, and say so.
        outcome.failed(job, "render_failed", f"the job stopped unexpectedly {lease.MAX_ATTEMPTS} times")
        return False
    try:
        with lease.heartbeat(db, session_id):
            if stop_asked:
                outcome.stopped(job)
            elif request.chat:
                chat_turn(job)
            else:
                generate(job)
    except HandedBack:
        lease.hand_back(db, session_id)
        log.info("session %s handed back: this worker drains", session_id)
        return True
    return False
