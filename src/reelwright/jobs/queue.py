"""The task queue (Huey), built by whoever runs the process (``serve``, ``worker``), never at import.

The database is the source of truth for every job; the queue only says "run session X". A task
lost with a killed worker is found again by the periodic stale-job sweep (the session's heartbeat
stops). The backend comes from ``REELWRIGHT_QUEUE_URL``'s scheme among the registered queues
(SQLite in the data dir when unset, Redis for several machines).
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, crontab

from reelwright import plugins
from reelwright.config import Settings

log = logging.getLogger("reelwright.jobs")


def make_huey(settings: Settings) -> Huey:
    url = settings.queue_url or "sqlite:"
    scheme = url.split(":", 1)[0].lower()
    backends = plugins.by_name("register_queues")
    if scheme not in backends:
        raise ValueError(
            f"REELWRIGHT_QUEUE_URL must be one of {', '.join(f'{s}://' for s in backends)} URLs, got {url!r}"
        )
    huey: Huey = backends[scheme].args[1](url, settings)
    return huey


class JobQueue:
    """Sessions to run, and the consumer that runs them (in this process or a ``worker``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.huey = make_huey(settings)
        self._render = self.huey.task(retries=2, retry_delay=5, name="reelwright.render_session")(
            self._run_session
        )
        # A long video's scenes, each its own task on any worker, and the task that joins them
        # (jobs.fanout: the database, not the queue, knows when every scene is done).
        self._segment = self.huey.task(name="reelwright.render_segment")(self._run_segment)
        self._finalize = self.huey.task(name="reelwright.finalize_video")(self._run_finalize)
        self._watch = self.huey.task(name="reelwright.watch_video")(self._run_watch)
        # An idle worker's share of a long script's voicing (jobs.voicing).
        self._voice = self.huey.task(name="reelwright.voice_chunks")(self._run_voice)
        self.huey.periodic_task(crontab(minute="*"), name="reelwright.requeue_stale_jobs")(self.requeue_stale)

    def _run_session(self, session_id: str) -> None:
        from reelwright.jobs.drain import DRAIN
        from reelwright.jobs.runner import run_session

        with DRAIN.task():
            handed_back = run_session(self.settings, session_id, self)
        if handed_back:
            self.enqueue(session_id)  # another worker (or this one, restarted) resumes it

    def _run_segment(self, video_id: str, index: int) -> None:
        from reelwright.jobs.drain import DRAIN
        from reelwright.jobs.fanout import run_segment

        # A scene whose worker drains away mid-render stops beating: the watch hands it to another.
        with DRAIN.task():
            run_segment(self.settings, self, video_id, index)

    def _run_finalize(self, video_id: str) -> None:
        from reelwright.jobs.drain import DRAIN
        from reelwright.jobs.fanout import finalize

        with DRAIN.task():
            finalize(self.settings, video_id)

    def _run_watch(self, video_id: str) -> None:
        from reelwright.jobs.fanout import reconcile
        from reelwright.jobs.row_leases import beat_seconds

        if reconcile(self.settings, self, video_id):
            self._watch.schedule(args=(video_id,), delay=beat_seconds(self.settings))

    def _run_voice(self, batch_id: str) -> None:
        from reelwright.jobs.drain import DRAIN
        from reelwright.jobs.voicing import help_voice

        # A chunk whose worker drains away stops beating: the planning run voices it itself.
        with DRAIN.task():
            help_voice(self.settings, batch_id)

    def voice(self, batch_id: str) -> None:
        self._voice(batch_id)

    def segment(self, video_id: str, index: int) -> None:
        self._segment(video_id, index)

    def finalize(self, video_id: str) -> None:
        self._finalize(video_id)

    def watch(self, video_id: str) -> None:
        """Check the video's scenes every few seconds until it is finished (a lost scene is
        queued again within a stale period, not at the next minutely sweep)."""
        from reelwright.jobs.row_leases import beat_seconds

        self._watch.schedule(args=(video_id,), delay=beat_seconds(self.settings))

    def enqueue(self, session_id: str) -> None:
        self._render(session_id)

    def pending_count(self) -> int:
        count: int = self.huey.pending_count()
        return count

    def requeue_stale(self) -> None:
        """Run again the sessions whose worker stopped beating (killed, or lost with a server).

        Every consumer runs this each minute; each stale session is requeued by one of them, and
        each fanned-out video's lost scenes are handed to another worker."""
        from reelwright.jobs.fanout import active_videos, reconcile
        from reelwright.jobs.lease import requeue_stale
        from reelwright.jobs.voicing import forget_abandoned_batches

        requeue_stale(self.settings, self.enqueue)
        for video_id in active_videos(self.settings):
            reconcile(self.settings, self, video_id)
        forget_abandoned_batches(self.settings)

    def consumer(self, workers: int, shutdown_timeout: float | None = None) -> Any:
        """Huey's consumer; ``stop(graceful=True)`` waits ``shutdown_timeout`` for running tasks."""
        return self.huey.create_consumer(
            workers=workers, worker_type="thread", periodic=True, shutdown_timeout=shutdown_timeout
        )
