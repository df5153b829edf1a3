"""Files of requests that died with their server: swept at start-up and then periodically.

A request writes its files before its row exists (a create fetches its file URLs into this node's
scratch folder, stores them under ``inputs/<session_id>/`` and only then records the session; an
upload is spooled in scratch, stored as ``assets/<id>`` and then recorded). A server killed in
between leaves files no row points to.

What is removed, once nothing in it has changed for the grace period (so a live request, which is
writing or inspecting its files, is never touched, whichever process it runs in):

* this node's scratch spools: ``uploads/*``, ``requests/*`` and loose entries (previews, speech);
* in the blob store, ``inputs/<id>/`` whose session does not exist, and ``inputs/<id>/m<run>/``
  whose message does not;
* ``assets/<id>`` with no asset row;
* ``*.part`` files (half-written files of the local store) under ``inputs/`` and ``assets/``.

Files of a job (its session exists) are the job's to clean up, never the sweeper's; the retention
policy (:mod:`reelwright.store.retention`) deletes old ones.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import select

from reelwright.config import Settings
from reelwright.store.blobs import BlobStore, blob_store
from reelwright.store.db import Database
from reelwright.store.leases import take_lease
from reelwright.store.models import AgentMessage, AgentSession, Asset
from reelwright.store.retention import apply_retention

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


@dataclass
class _Candidate:
    name: str  # a blob key or prefix, or a scratch path
    kind: str  # the row it waits for: "session", "message", "asset"; "tmp" waits for none
    row_id: str
    newest: Callable[[], float]
    remove: Callable[[], None]


# The scratch folder's own parts: jobs/ belongs to the worker runs (cleaned up as they end).
_SCRATCH_SPOOLS = ("uploads", "requests")
_SCRATCH_KEEP = ("jobs", *_SCRATCH_SPOOLS)


def _scratch_candidates(scratch: Path) -> Iterator[_Candidate]:
    paths = [p for spool in _SCRATCH_SPOOLS for p in _entries(scratch / spool)]
    paths += [p for p in _entries(scratch) if p.name not in _SCRATCH_KEEP]
    for path in paths:
        yield _Candidate(str(path), "tmp", "", partial(_newest_change, path), partial(_remove, path))


def _store_candidates(blobs: BlobStore) -> Iterator[_Candidate]:
    """Each stored group a dead request may have left, with the newest change in it."""
    groups: dict[tuple[str, str, str], float] = {}
    for top in ("inputs/", "assets/"):
        for blob in blobs.scan(top):
            parts = blob.key.split("/")
            if parts[-1].endswith(".part"):
                groups[(blob.key, "tmp", "")] = blob.modified
                continue
            if top == "assets/" and len(parts) == 2 and _ID.fullmatch(parts[1]):
                groups[(blob.key, "asset", parts[1])] = blob.modified
            elif top == "inputs/" and len(parts) >= 3 and _ID.fullmatch(parts[1]):
                group = ("/".join(parts[:2]), "session", parts[1])
                groups[group] = max(groups.get(group, 0.0), blob.modified)
                if len(parts) >= 4 and (run := _RUN.fullmatch(parts[2])) is not None:
                    group = ("/".join(parts[:3]), "message", run.group(1))
                    groups[group] = max(groups.get(group, 0.0), blob.modified)

    def newest(name: str, listed: float) -> float:
        return max(listed, *(b.modified for b in blobs.scan(name)))

    for (name, kind, row_id), modified in groups.items():
        yield _Candidate(
            name, kind, row_id, partial(newest, name, modified), partial(blobs.delete_prefix, name)
        )


def _has_row(db: Database, kind: str, row_id: str) -> bool:
    if kind == "tmp":
        return False
    with db.session() as s:
        if kind == "session":
            return s.get(AgentSession, row_id) is not None
        if kind == "asset":
            return s.get(Asset, row_id) is not None
        return s.scalar(select(AgentMessage.id).where(AgentMessage.run_id == row_id).limit(1)) is not None


def sweep(settings: Settings, db: Database, *, grace: int | None = None) -> list[str]:
    """Remove what dead requests left (see the module's doc); the keys and paths removed."""
    cutoff = time.time() - (grace_seconds(settings) if grace is None else grace)
    removed: list[str] = []
    candidates = [*_scratch_candidates(settings.scratch_dir), *_store_candidates(blob_store(settings))]
    for c in candidates:
        # The age first: cheap, and a fresh file is a live request's whatever the database says.
        if c.newest() >= cutoff or _has_row(db, c.kind, c.row_id):
            continue
        # Checked again just before removing: a session recorded meanwhile keeps its files.
        if c.newest() >= cutoff or _has_row(db, c.kind, c.row_id):
            continue
        c.remove()
        removed.append(c.name)
    if removed:
        log.info("removed %d file(s) left by requests that died with their server", len(removed))
    return removed


def start_sweeper(settings: Settings, db: Database) -> threading.Event:
    """Sweep (and apply the retention policy) now and then every ``SWEEP_EVERY_SECONDS`` in a daemon
    thread; set the event to stop."""
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                sweep(settings, db)
            except Exception:  # a database or store hiccup: try again next round
                log.warning("sweeping left-over request files failed", exc_info=True)
            try:
                # Every node runs this loop; the lease lets one of them apply the policy each round.
                if take_lease(db, "retention", SWEEP_EVERY_SECONDS):
                    apply_retention(settings, db, blob_store(settings))
            except Exception:
                log.warning("applying the retention policy failed", exc_info=True)
            if stop.wait(SWEEP_EVERY_SECONDS):
                return

    threading.Thread(target=run, name="leftover-sweeper", daemon=True).start()
    return stop
