"""Row leases: a piece of shared work, one database row, done by one worker at a time.

A scene of a fanned-out video (``render_segments``, :mod:`reelwright.jobs.fanout`) and a share of
a script voiced together (``voice_chunks``, :mod:`reelwright.jobs.voicing`) are rows that move
pending → running → done. A worker claims one with a conditional update (pending, or running but
stale), so of any number racing for it exactly one wins; it beats the row's ``heartbeat_at``
while it works (:func:`beating`); a row whose holder stopped beating for the stale period (it
was killed) may be claimed again. A whole session's lease is another matter:
:mod:`reelwright.jobs.lease`.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, and_, or_, select, update

from reelwright.config import Settings
from reelwright.store.db import Database
from reelwright.store.models import RenderFanout, RenderSegment, VoiceChunk, now

PENDING, RUNNING, DONE = "pending", "running", "done"

LeasedRow = type[RenderSegment] | type[VoiceChunk]


def worker_name() -> str:
    """Who holds a lease: this machine, process and thread (a worker process runs several threads)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def beat_seconds(settings: Settings) -> float:
    """Heartbeats come several times per stale period, so a live task never looks dead."""
    return max(1.0, min(10.0, settings.stale_job_seconds / 4))


def stale(row: LeasedRow, limit: int) -> ColumnElement[bool]:
    """Running, but its holder has not beaten since ``limit``: it was killed."""
    return and_(row.status == RUNNING, row.heartbeat_at < limit)


def claimable(row: LeasedRow, t: int, stale_after: int) -> ColumnElement[bool]:
    """Free to take at time ``t``: never taken (or handed back), or held by a dead worker."""
    return or_(row.status == PENDING, stale(row, t - stale_after))


def claim(
    db: Database,
    row: LeasedRow,
    me: str,
    stale_after: int,
    *where: ColumnElement[bool],
    at: int | None = None,
) -> int | None:
    """Take the row ``where`` selects if it is claimable; its attempt number (this one counted),
    or None when it is done or a live worker holds it.

    ``at``: the time the caller judged the row free by (now when not given)."""
    t = now() if at is None else at
    with db.session() as s:
        taken = s.execute(
            update(row)
            .where(*where, claimable(row, t, stale_after))
            .values(status=RUNNING, worker=me, heartbeat_at=t, attempts=row.attempts + 1)
        )
        if not taken.rowcount:  # type: ignore[attr-defined]
            return None
        # The same transaction: the row is ours until it commits, so this is our attempt.
        return s.scalar(select(row.attempts).where(*where))


def release(db: Database, row: LeasedRow, *held: ColumnElement[bool]) -> bool:
    """Hand back a row this worker holds (``held`` names it and its holder) for any worker to
    claim at once; False when it was no longer ours."""
    with db.session() as s:
        released = s.execute(update(row).where(*held).values(status=PENDING, worker=None))
        return bool(released.rowcount)  # type: ignore[attr-defined]


@contextmanager
def beating(
    db: Database,
    settings: Settings,
    what: type[RenderSegment] | type[RenderFanout] | type[VoiceChunk],
    *where: object,
) -> Iterator[None]:
    """Keep a lease fresh while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(beat_seconds(settings)):
            with db.session() as s:
                s.execute(update(what).where(*where).values(heartbeat_at=now()))  # type: ignore[arg-type]

    thread = threading.Thread(target=beat, daemon=True, name="row-lease-heartbeat")
    thread.start()
    try:
        yield
    finally:
        stop.set()
