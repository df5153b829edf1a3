"""Leases on periodic work, in the database every node shares.

Periodic work (the retention sweep) runs in every API node and worker; a lease makes one of them do
each round. Taking it is one conditional statement, so two nodes that try at the same instant
cannot both win: an UPDATE that matches only an expired lease (or our own), else an INSERT that the
primary key lets only one node make.
"""

from __future__ import annotations

import os
import secrets
import socket

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from reelwright.store.db import Database
from reelwright.store.models import Lease, now

# This process's name as a lease holder (and a worker's id): readable in the table, and unique.
HOLDER = f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def take_lease(db: Database, name: str, seconds: int, holder: str = HOLDER) -> bool:
    """Hold ``name`` for ``seconds`` from now if nobody else holds it; whether we do now.

    The holder renews its own lease, so the same node keeps the work while it lives; when it stops,
    its lease runs out and the next node to ask takes over."""
    t = now()
    with db.session() as s:
        taken = s.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.expires_at <= t, Lease.holder == holder))
            .values(holder=holder, expires_at=t + seconds)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return True
    try:
        with db.session() as s:
            if s.get(Lease, name) is not None:
                return False  # held, unexpired, by another node
            s.add(Lease(name=name, holder=holder, expires_at=t + seconds))
    except IntegrityError:
        return False  # another node made the row first
    return True


def release_lease(db: Database, name: str, holder: str = HOLDER) -> None:
    """Give the lease up early (a node shutting down), so another takes the work at once."""
    with db.session() as s:
        s.execute(
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder)
            .values(expires_at=0)
            .execution_options(synchronize_session=False)
        )
