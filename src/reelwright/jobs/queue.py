"""The task queue (Huey): SQLite in the data folder by default, Redis with ``REELWRIGHT_QUEUE_URL``.

The database is the source of truth for every job; the queue only says "run session X". A task
lost with a killed worker is found again by :func:`requeue_stale` (the session's heartbeat stops).
"""

from __future__ import annotations

import logging

from huey import Huey, RedisHuey, SqliteHuey, crontab

from reelwright.config import Settings

log = logging.getLogger("reelwright.jobs")


def make_huey(settings: Settings) -> Huey:
    url = settings.queue_url
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(settings.queue_name, url=url)
    if url:
        raise ValueError(f"REELWRIGHT_QUEUE_URL must be a redis:// URL, got {url!r}")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=str(settings.data_dir / "queue.db"))


settings = Settings()
huey = make_huey(settings)


@huey.task(retries=2, retry_delay=5)
def render_session(session_id: str) -> None:
    from reelwright.jobs.runner import run_session

    run_session(settings, session_id)


@huey.periodic_task(crontab(minute="*"))
def requeue_stale_jobs() -> None:
    from reelwright.jobs.runner import stale_sessions

    for session_id in stale_sessions(settings):
        log.warning("session %s has no live worker; running it again", session_id)
        render_session(session_id)
