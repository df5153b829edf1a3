"""Who runs a session: a worker claims it with a conditional update and keeps a heartbeat while it
runs; a session whose heartbeat stops (its worker was killed) is claimed again by the next run.

The stale-job sweep runs on every worker, every minute; each stale session is put back on the
queue by one of them, once per stale period, because requeueing it is a conditional update too.
A worker that drains (SIGTERM) hands its session back: the lease is released and the session
queued again at once, for any worker to resume from its checkpoint."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, and_, exists, or_, select, update

from reelwright.config import Settings
from reelwright.store.db import Database, shared_database
from reelwright.store.models import AgentSession, RenderFanout, now
from reelwright.store.status import ACTIVE

log = logging.getLogger("reelwright.jobs")

MAX_ATTEMPTS = 3  # a job whose workers keep dying (out of memory, killed) fails after this many
HEARTBEAT_SECONDS = 10


def claim(db: Database, session_id: str, stale_after: int) -> bool:
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


@contextmanager
def heartbeat(db: Database, session_id: str) -> Iterator[None]:
    """Beat every few seconds while the block runs, so no other worker takes the session."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            with db.session() as s:
                s.execute(
                    update(AgentSession).where(AgentSession.id == session_id).values(heartbeat_at=now())
                )

    thread = threading.Thread(target=beat, daemon=True, name=f"heartbeat-{session_id[:8]}")
    thread.start()
    try:
        yield
    finally:
        stop.set()


def _stale(limit: int) -> ColumnElement[bool]:
    """Should be running, but no live worker holds it, and nobody requeued it within the period."""
    return and_(
        AgentSession.status.in_(ACTIVE),
        or_(AgentSession.heartbeat_at < limit, AgentSession.heartbeat_at.is_(None)),
        AgentSession.updated_at < limit,
        or_(AgentSession.requeued_at < limit, AgentSession.requeued_at.is_(None)),
        # Its scenes render on the cluster: the scene tasks hold their own leases.
        ~exists().where(
            RenderFanout.session_id == AgentSession.id,
            RenderFanout.status.in_(("rendering", "finalizing")),
        ),
    )


def stale_sessions(settings: Settings) -> list[str]:
    """Sessions that should be running but that no live worker holds (lost with a killed process)."""
    db = shared_database(settings.resolved_database_url)
    with db.session() as s:
        return list(s.scalars(select(AgentSession.id).where(_stale(now() - settings.stale_job_seconds))))


def requeue_stale(settings: Settings, enqueue: Callable[[str], None]) -> list[str]:
    """Queue again the stale sessions this process wins (see the module's doc); their ids."""
    db = shared_database(settings.resolved_database_url)
    requeued = []
    for session_id in stale_sessions(settings):
        t = now()
        with db.session() as s:
            won = s.execute(
                update(AgentSession)
                .where(AgentSession.id == session_id, _stale(t - settings.stale_job_seconds))
                # updated_at is the user's "last changed": a requeue is not a change they made.
                .values(requeued_at=t, updated_at=AgentSession.updated_at)
                .execution_options(synchronize_session=False)
            )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            log.warning("session %s has no live worker; running it again", session_id)
            enqueue(session_id)
            requeued.append(session_id)
    return requeued


def hand_back(db: Database, session_id: str) -> None:
    """Release a session this worker stops running (it drains): the next worker claims it at once.

    The attempt does not count against ``MAX_ATTEMPTS``: the worker stopped in good order."""
    with db.session() as s:
        s.execute(
            update(AgentSession)
            .where(AgentSession.id == session_id)
            .values(heartbeat_at=None, attempts=AgentSession.attempts - 1, requeued_at=now())
            .execution_options(synchronize_session=False)
        )
