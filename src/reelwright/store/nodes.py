"""The workers that report heartbeats (``worker_nodes``, written by ``reelwright.jobs.worker_node``)."""

from __future__ import annotations

from sqlalchemy import select

from reelwright.store.db import Database
from reelwright.store.models import WorkerNode, now

# A worker beats every 10 s; one silent for three beats is taken for gone.
LIVE_SECONDS = 30


def live_workers(db: Database) -> list[WorkerNode]:
    """Workers whose heartbeat is recent, running or draining, oldest first."""
    with db.session() as s:
        return list(
            s.scalars(
                select(WorkerNode)
                .where(WorkerNode.heartbeat_at >= now() - LIVE_SECONDS, WorkerNode.state != "stopped")
                .order_by(WorkerNode.started_at)
            )
        )
