"""Row leases on a real SQLite file (and the race on PostgreSQL too), as workers share them: of
workers racing for one row exactly one gets it, a row whose holder stopped beating is taken over,
and one it beats is not."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, select, update

from reelwright.config import Settings
from reelwright.jobs.row_leases import (
    DONE,
    PENDING,
    RUNNING,
    LeasedRow,
    beat_seconds,
    beating,
    claim,
    release,
)
from reelwright.store.db import Database, migrate
from reelwright.store.models import RenderFanout, RenderSegment, VoiceChunk, now
from tests.services import postgres_database

STALE_AFTER = 60

Key = tuple[ColumnElement[bool], ...]


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    migrate(url)
    return url


def _add_row(db: Database, row: LeasedRow, status: str = PENDING, **values: object) -> Key:
    """One row of the given table, free to claim; the conditions that name it."""
    with db.session() as s:
        if row is RenderSegment:
            # A segment belongs to a fanned-out video (a foreign key).
            s.add(
                RenderFanout(video_id="v1", session_id="s1", status="rendering", n_segments=1, started_at=0.0)
            )
            s.flush()
            s.add(RenderSegment(video_id="v1", index=0, status=status, attempts=0, **values))
            return (RenderSegment.video_id == "v1", RenderSegment.index == 0)
        s.add(VoiceChunk(batch_id="b1", index=0, session_id="s1", status=status, attempts=0, **values))
        return (VoiceChunk.batch_id == "b1", VoiceChunk.index == 0)


def _holder(db: Database, row: LeasedRow, key: Key) -> tuple[str, str | None, int]:
    with db.session() as s:
        found = s.execute(select(row.status, row.worker, row.attempts).where(*key)).one()
        return found[0], found[1], found[2]


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database the workers share: a SQLite file, or PostgreSQL (skipped when it is down)."""
    if request.param == "sqlite":
        yield _database(tmp_path)
        return
    with postgres_database() as url:
        migrate(url)
        yield url


@pytest.mark.parametrize("row", [RenderSegment, VoiceChunk], ids=["render_segments", "voice_chunks"])
def test_of_workers_racing_for_a_row_exactly_one_gets_it(shared_url: str, row: LeasedRow) -> None:
    n = 8
    workers = [Database(shared_url) for _ in range(n)]  # each its own engine, as another process has
    try:
        key = _add_row(workers[0], row)
        start = threading.Barrier(n)
        won: list[tuple[str, int]] = []

        def work(db: Database, name: str) -> None:
            start.wait()
            attempt = claim(db, row, name, STALE_AFTER, *key)
            if attempt is not None:
                won.append((name, attempt))

        threads = [threading.Thread(target=work, args=(db, f"w{i}")) for i, db in enumerate(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(won) == 1, won
        winner, attempt = won[0]
        assert attempt == 1
        assert _holder(workers[0], row, key) == (RUNNING, winner, 1)
        # Its holder is alive (it claimed just now): nobody takes it, and its attempts stay one.
        assert claim(workers[1], row, "late", STALE_AFTER, *key) is None
        assert _holder(workers[0], row, key) == (RUNNING, winner, 1)
    finally:
        for db in workers:
            db.engine.dispose()


def test_a_row_whose_holder_stopped_beating_is_taken_over_once(tmp_path: Path) -> None:
    db = Database(_database(tmp_path))
    # A worker took it and was killed ten minutes ago: no heartbeat since.
    key = _add_row(db, VoiceChunk, RUNNING, worker="gone:1:t", heartbeat_at=now() - 600)
    assert claim(db, VoiceChunk, "me", STALE_AFTER, *key) == 1  # the dead worker's try was not counted
    assert _holder(db, VoiceChunk, key) == (RUNNING, "me", 1)
    assert claim(db, VoiceChunk, "other", STALE_AFTER, *key) is None

    # Handed back (it failed here): free at once, for any worker; only its holder can hand it back.
    assert not release(db, VoiceChunk, *key, VoiceChunk.worker == "other")
    assert release(db, VoiceChunk, *key, VoiceChunk.worker == "me")
    assert _holder(db, VoiceChunk, key) == (PENDING, None, 1)
    assert claim(db, VoiceChunk, "other", STALE_AFTER, *key) == 2

    # A done row is never taken, however old its heartbeat.
    with db.session() as s:
        s.execute(update(VoiceChunk).where(*key).values(status=DONE, heartbeat_at=now() - 600))
    assert claim(db, VoiceChunk, "third", STALE_AFTER, *key) is None


def test_a_row_its_holder_beats_is_not_taken_over(tmp_path: Path) -> None:
    url = _database(tmp_path)
    settings = Settings(data_dir=tmp_path / "data", database_url=url, stale_job_seconds=10)
    db = Database(url)
    key = _add_row(db, VoiceChunk)
    # Claimed as if long ago: only the heartbeat can keep it from looking dead.
    assert claim(db, VoiceChunk, "me", settings.stale_job_seconds, *key, at=now() - 600) == 1
    with beating(db, settings, VoiceChunk, *key, VoiceChunk.worker == "me"):
        time.sleep(beat_seconds(settings) + 1)
        assert claim(db, VoiceChunk, "other", settings.stale_job_seconds, *key) is None
    assert _holder(db, VoiceChunk, key) == (RUNNING, "me", 1)
