"""``reelwright doctor`` checks a node end to end and says what is wrong in plain words."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.s3_server import s3_server
from tests.services import postgres_database, redis_queue


def _doctor(data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reelwright", "doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "REELWRIGHT_DATA_DIR": str(data), "COLUMNS": "250", **env},
    )


def _prepare(data: Path, **env: str) -> None:
    """What `serve` makes on a new node: the schema, the queue and the files folder."""
    code = (
        "from reelwright.config import Settings; from reelwright.store.db import migrate; "
        "from reelwright.jobs.queue import make_huey; s = Settings(); s.data_dir.mkdir(parents=True); "
        "migrate(s.resolved_database_url); make_huey(s).pending_count(); s.files_dir.mkdir()"
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env={**os.environ, "REELWRIGHT_DATA_DIR": str(data), **env}
    )


def test_a_fresh_node_says_what_is_missing_then_passes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = _doctor(data)
    assert proc.returncode == 1
    assert "does not exist yet" in proc.stdout and "no database yet" in proc.stdout
    _prepare(data)
    proc = _doctor(data)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("data dir", "database", "queue", "blob store", "ffmpeg", "voices", "fonts", "planner"):
        words = name.split()
        assert any(line.split()[: len(words) + 1] == [*words, "ok"] for line in proc.stdout.splitlines()), (
            name
        )
    assert "FAIL" not in proc.stdout and "schema up to date" in proc.stdout and "libx264" in proc.stdout


def test_postgres_and_redis_node(tmp_path: Path) -> None:
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name):
        env = {
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
        }
        _prepare(tmp_path / "data", **env)
        proc = _doctor(tmp_path / "data", **env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "redis://" in proc.stdout and "schema up to date" in proc.stdout


def test_unreachable_services_are_named_with_the_fix(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _prepare(data)
    proc = _doctor(
        data,
        REELWRIGHT_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/none",
        REELWRIGHT_QUEUE_URL="redis://127.0.0.1:9/0",
    )
    assert proc.returncode == 1
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert "FAIL" in lines["database"] and "REELWRIGHT_DATABASE_URL" in lines["database"]
    assert "FAIL" in lines["queue"] and "is Redis running" in lines["queue"]
    # Whether any worker reports is unknown without the database: said, not guessed.
    assert "FAIL" in lines["workers"] and "cannot read the workers' heartbeats" in lines["workers"]
    assert "3 check(s) failed: database, queue, workers" in proc.stderr
    bad = _doctor(data, REELWRIGHT_WORKERS="many")
    assert bad.returncode == 2 and "REELWRIGHT_WORKERS" in bad.stderr


def test_an_s3_blob_store_is_written_read_presigned_and_deleted(tmp_path: Path) -> None:
    with s3_server() as s3:
        data = tmp_path / "data"
        _prepare(data)
        proc = _doctor(data, **s3.env("node"), REELWRIGHT_BLOB_PUBLIC="presigned")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        line = next(line for line in proc.stdout.splitlines() if line.split()[:2] == ["blob", "store"])
        assert f"s3://{s3.bucket}/node" in line and "write, read back, presign and delete work" in line
        assert s3.keys() == []  # the probe is gone
        wrong = _doctor(data, **{**s3.env(), "REELWRIGHT_BLOB_URL": "s3://no-such-bucket"})
        assert wrong.returncode == 1
        line = next(line for line in wrong.stdout.splitlines() if line.split()[:2] == ["blob", "store"])
        assert "FAIL" in line and "cannot reach s3://no-such-bucket" in line
