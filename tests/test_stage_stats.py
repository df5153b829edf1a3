"""The stage totals behind /metrics, written by every worker as its jobs finish: workers that
finish at the same moment must all be counted, and none may fail its (already complete) job.

Two workers inserting the first row of a stage at once used to collide on the primary key; the
loser's job then failed after it had completed (seen in the cluster bench's short jobs)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from reelwright.jobs.outcome import record_stage_seconds
from reelwright.store.db import Database, migrate
from reelwright.store.models import StageStat
from tests.services import postgres_database

WORKERS = 8


def _race(url: str) -> dict[str, tuple[int, float]]:
    migrate(url)
    db = Database(url)
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def finish_a_job() -> None:
        start.wait()
        try:
            record_stage_seconds(db, {"ingest": 1.0, "render": 2.5, "total": 4.0})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=finish_a_job) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with db.session() as s:
        rows = {row.stage: (row.count, row.total_seconds) for row in s.scalars(select(StageStat))}
    db.engine.dispose()
    return rows


def _check(rows: dict[str, tuple[int, float]]) -> None:
    assert set(rows) == {"ingest", "render", "total"}
    for stage, each in {"ingest": 1.0, "render": 2.5, "total": 4.0}.items():
        count, total = rows[stage]
        assert count == WORKERS, (stage, rows)
        assert total == pytest.approx(WORKERS * each), (stage, rows)


def test_jobs_finishing_at_once_on_postgres_are_all_counted() -> None:
    with postgres_database() as url:
        _check(_race(url))


def test_jobs_finishing_at_once_on_sqlite_are_all_counted(tmp_path: Path) -> None:
    _check(_race(f"sqlite:///{tmp_path / 'stats.db'}"))
