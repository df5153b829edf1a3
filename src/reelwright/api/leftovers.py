"""Files of requests that died with their server: swept at start-up and then periodically.

A request writes its files before its row exists (a create fetches its file URLs into
``inputs/<session_id>/`` and only then records the session; an upload is spooled in ``tmp/``, moved
to ``assets/<id>`` and then recorded). A server killed in between leaves files no row points to.

What is removed, once nothing in it has changed for the grace period (so a live request, which is
writing or inspecting its files, is never touched, whichever process it runs in):

* ``tmp/*`` (upload spools, preview scratch);
* ``inputs/<id>/`` whose session does not exist, and ``inputs/<id>/m<run>/`` whose message does not;
* ``assets/<id>`` with no asset row;
* ``*.part`` files (half-downloaded or half-copied files) under ``inputs/`` and ``assets/``.

Files of a job (its session exists) are the job's to clean up, never the sweeper's.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select

from reelwright.config import Settings
from reelwright.store.db import Database
from reelwright.store.models import AgentMessage, AgentSession, Asset

log = logging.getLogger("reelwright.api")

SWEEP_EVERY_SECONDS = 600
_ID = re.compile(r"[0-9a-f]{32}")
_RUN = re.compile(r"m([0-9a-f]{32})")


def grace_seconds(settings: Settings) -> int:
    """How long a file must sit unchanged before it counts as left over.

    A live request can leave a file untouched for at most one silent read of a download (the
    fetch timeout) plus the inspection that follows; the margin covers both with room to spare."""
    return max(settings.partial_file_seconds, int(settings.fetch_timeout_seconds) + 300)


def _newest_change(path: Path) -> float:
    """The latest modification time of ``path`` or anything in it (0 when it vanished)."""
    try:
        newest = path.lstat().st_mtime
        if path.is_dir() and not path.is_symlink():
            for child in path.rglob("*"):
                try:
                    newest = max(newest, child.lstat().st_mtime)
                except FileNotFoundError:
                    continue
        return newest
    except FileNotFoundError:
        return 0.0


def _entries(folder: Path) -> Iterator[Path]:
    try:
        yield from list(folder.iterdir())
    except FileNotFoundError:
        return


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _candidates(files_dir: Path) -> Iterator[tuple[Path, str, str]]:
    """(path, kind, id) for each place a dead request may have left files: the row it waits for."""
    for path in _entries(files_dir / "tmp"):
        yield path, "tmp", ""
    for session_dir in _entries(files_dir / "inputs"):
        if not _ID.fullmatch(session_dir.name):
            continue
        yield session_dir, "session", session_dir.name
        for child in _entries(session_dir):
            if (run := _RUN.fullmatch(child.name)) is not None:
                yield child, "message", run.group(1)
    for path in _entries(files_dir / "assets"):
        if _ID.fullmatch(path.name):
            yield path, "asset", path.name
    for top in ("inputs", "assets"):
        for part in (files_dir / top).rglob("*.part"):
            yield part, "tmp", ""


def _has_row(db: Database, kind: str, row_id: str) -> bool:
    if kind == "tmp":
        return False
    with db.session() as s:
        if kind == "session":
            return s.get(AgentSession, row_id) is not None
        if kind == "asset":
            return s.get(Asset, row_id) is not None
        return s.scalar(select(AgentMessage.id).where(AgentMessage.run_id == row_id).limit(1)) is not None


def sweep(settings: Settings, db: Database, *, grace: int | None = None) -> list[Path]:
    """Remove what dead requests left (see the module's doc); the paths removed."""
    cutoff = time.time() - (grace_seconds(settings) if grace is None else grace)
    removed: list[Path] = []
    for path, kind, row_id in _candidates(settings.files_dir):
        # The age first: cheap, and a fresh file is a live request's whatever the database says.
        if _newest_change(path) >= cutoff or _has_row(db, kind, row_id):
            continue
        # Checked again just before removing: a session recorded meanwhile keeps its files.
        if _newest_change(path) >= cutoff or _has_row(db, kind, row_id):
            continue
        _remove(path)
        removed.append(path)
    if removed:
        log.info("removed %d file(s) left by requests that died with their server", len(removed))
    return removed


def start_sweeper(settings: Settings, db: Database) -> threading.Event:
    """Sweep now and then every ``SWEEP_EVERY_SECONDS`` in a daemon thread; set the event to stop."""
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                sweep(settings, db)
            except Exception:  # a database hiccup: try again next round
                log.warning("sweeping left-over request files failed", exc_info=True)
            if stop.wait(SWEEP_EVERY_SECONDS):
                return

    threading.Thread(target=run, name="leftover-sweeper", daemon=True).start()
    return stop
