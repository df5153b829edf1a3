"""Who runs a session: a worker claims it with a conditional update and keeps a heartbeat while it
runs; a session whose heartbeat stops (its worker was killed) is claimed again by the next run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exists, or_, select, update

from reelwright.config import Settings
from reelwright.store.db import Database, shared_database
from reelwright.store.models import AgentSession, RenderFanout, now
from reelwright.store.status import ACTIVE

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


def stale_sessions(settings: Settings) -> list[str]:
    """Sessions that should be running but that no live worker holds (lost with a killed process)."""
    db = shared_database(settings.resolved_database_url)
    limit = now() - settings.stale_job_seconds
    with db.session() as s:
        rows = s.scalars(
            select(AgentSession.id).where(
                AgentSession.status.in_(ACTIVE),
                or_(AgentSession.heartbeat_at < limit, AgentSession.heartbeat_at.is_(None)),
                AgentSession.updated_at < limit,
                # Its scenes render on the cluster: the scene tasks hold their own leases.
                ~exists().where(
                    RenderFanout.session_id == AgentSession.id,
                    RenderFanout.status.in_(("rendering", "finalizing")),
                ),
            )
        )
        return list(rows)
