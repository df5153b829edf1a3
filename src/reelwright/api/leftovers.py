"""Files of requests that died with their server: swept at start-up and then periodically.

A request writes its files before its row exists (a create fetches its file URLs into this node's
scratch folder, stores them under ``inputs/<session_id>/`` and only then records the session; an
upload is spooled in scratch, stored as ``assets/<id>`` and then recorded; a template copies its
files under ``templates/<id>/`` before its row). A server killed in between leaves files no row
points to.

What is removed, once nothing in it has changed for the grace period (so a live request, which is
writing or inspecting its files, is never touched, whichever process it runs in):

* this node's scratch spools: ``uploads/*``, ``requests/*`` and loose entries (previews, speech),
  by every node, each round (its own disk);
* in the blob store, by the one node holding the ``retention`` lease each round: ``inputs/<id>/``
  and ``work/<id>/`` whose session does not exist, ``inputs/<id>/m<run>/`` whose message does not,
  ``templates/<id>/`` whose template does not, ``assets/<id>`` with no asset row, and ``*.part``
  files (half-written files of the local store).

Only those four prefixes are listed, once a round, and a group is listed again only when it is
about to be deleted: a bucket of many live jobs costs a page of listing per thousand objects, not a
listing per job (videos, photo looks and previews can hold no orphans of a request and are not
listed at all). Files of a job (its session exists) are the job's to clean up, never the sweeper's;
the retention policy (:mod:`reelwright.store.retention`) deletes old ones, from their rows.
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
from reelwright.store.leases import HOLDER, take_lease
from reelwright.store.models import AgentMessage, AgentSession, Asset, VideoTemplate
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
    listed: float  # the newest change as first seen (a store's listing, a file's mtime)
    newest: Callable[[], float]
    remove: Callable[[], None]


# The scratch folder's own parts: jobs/ belongs to the worker runs (cleaned up as they end).
_SCRATCH_SPOOLS = ("uploads", "requests")
_SCRATCH_KEEP = ("jobs", *_SCRATCH_SPOOLS)


def _scratch_candidates(scratch: Path) -> Iterator[_Candidate]:
    paths = [p for spool in _SCRATCH_SPOOLS for p in _entries(scratch / spool)]
    paths += [p for p in _entries(scratch) if p.name not in _SCRATCH_KEEP]
    for path in paths:
        yield _Candidate(
            str(path), "tmp", "", _newest_change(path), partial(_newest_change, path), partial(_remove, path)
        )


# The prefixes where a request that died leaves files: a group (a session's inputs, a template's
# files) is named by the row that would own it.
_GROUPED = {"inputs/": "session", "work/": "session", "templates/": "template"}


def _store_candidates(blobs: BlobStore) -> Iterator[_Candidate]:
    """Each stored group a dead request may have left, with the newest change in it (as listed)."""
    groups: dict[tuple[str, str, str], float] = {}
    for top in ("inputs/", "assets/", "work/", "templates/"):
        for blob in blobs.scan(top):
            parts = blob.key.split("/")
            if parts[-1].endswith(".part"):
                groups[(blob.key, "tmp", "")] = blob.modified
                continue
            if top == "assets/" and len(parts) == 2 and _ID.fullmatch(parts[1]):
                groups[(blob.key, "asset", parts[1])] = blob.modified
            elif top in _GROUPED and len(parts) >= 3 and _ID.fullmatch(parts[1]):
                group = ("/".join(parts[:2]), _GROUPED[top], parts[1])
                groups[group] = max(groups.get(group, 0.0), blob.modified)
                if top == "inputs/" and len(parts) >= 4 and (run := _RUN.fullmatch(parts[2])) is not None:
                    group = ("/".join(parts[:3]), "message", run.group(1))
                    groups[group] = max(groups.get(group, 0.0), blob.modified)

    def newest(name: str, listed: float) -> float:
        return max(listed, *(b.modified for b in blobs.scan(name)))

    for (name, kind, row_id), modified in groups.items():
        yield _Candidate(
            name, kind, row_id, modified, partial(newest, name, modified), partial(blobs.delete_prefix, name)
        )


def _has_row(db: Database, kind: str, row_id: str) -> bool:
    if kind == "tmp":
        return False
    with db.session() as s:
        if kind == "session":
            return s.get(AgentSession, row_id) is not None
        if kind == "asset":
            return s.get(Asset, row_id) is not None
        if kind == "template":
            return s.get(VideoTemplate, row_id) is not None
        return s.scalar(select(AgentMessage.id).where(AgentMessage.run_id == row_id).limit(1)) is not None


def _remove_left_overs(
    candidates: Iterator[_Candidate], cutoff: float, has_row: Callable[[str, str], bool]
) -> list[str]:
    removed: list[str] = []
    for c in candidates:
        # The age first, as listed: free, and a fresh file is a live request's whatever the
        # database says. Only a group about to go is looked at again.
        if c.listed >= cutoff or has_row(c.kind, c.row_id):
            continue
        # Checked again just before removing: a file or a row written meanwhile keeps the group.
        if c.newest() >= cutoff or has_row(c.kind, c.row_id):
            continue
        c.remove()
        removed.append(c.name)
    return removed


def sweep_scratch(settings: Settings, *, grace: int | None = None) -> list[str]:
    """Remove what dead requests left in this node's scratch folder; the paths removed."""
    cutoff = time.time() - (grace_seconds(settings) if grace is None else grace)
    return _remove_left_overs(_scratch_candidates(settings.scratch_dir), cutoff, lambda kind, row_id: False)


def sweep_store(settings: Settings, db: Database, blobs: BlobStore, *, grace: int | None = None) -> list[str]:
    """Remove what dead requests left in the blob store; the keys removed."""
    cutoff = time.time() - (grace_seconds(settings) if grace is None else grace)
    removed = _remove_left_overs(_store_candidates(blobs), cutoff, partial(_has_row, db))
    if removed:
        log.info("removed %d stored file group(s) left by requests that died with their server", len(removed))
    return removed


def sweep(settings: Settings, db: Database, *, grace: int | None = None) -> list[str]:
    """Both sweeps at once (see the module's doc); the keys and paths removed."""
    return [
        *sweep_scratch(settings, grace=grace),
        *sweep_store(settings, db, blob_store(settings), grace=grace),
    ]


def sweep_round(
    settings: Settings, db: Database, blobs: BlobStore, *, holder: str = HOLDER, grace: int | None = None
) -> bool:
    """One round of a node's sweeper: its own scratch, then, if it holds the ``retention`` lease
    (one node a round), the store's left-overs and the retention policy. Whether it held the lease."""
    try:
        sweep_scratch(settings, grace=grace)
    except Exception:  # a disk hiccup: try again next round
        log.warning("sweeping left-over scratch files failed", exc_info=True)
    try:
        if not take_lease(db, "retention", SWEEP_EVERY_SECONDS, holder):
            return False
    except Exception:  # the database is down: the thread lives on, to try next round
        log.warning("could not take the retention lease", exc_info=True)
        return False
    try:
        sweep_store(settings, db, blobs, grace=grace)
    except Exception:  # a database or store hiccup: try again next round
        log.warning("sweeping left-over stored files failed", exc_info=True)
    try:
        apply_retention(settings, db, blobs)
    except Exception:
        log.warning("applying the retention policy failed", exc_info=True)
    return True


def start_sweeper(settings: Settings, db: Database) -> threading.Event:
    """Sweep (and apply the retention policy) now and then every ``SWEEP_EVERY_SECONDS`` in a daemon
    thread; set the event to stop."""
    stop = threading.Event()

    def run() -> None:
        blobs = blob_store(settings)
        while True:
            sweep_round(settings, db, blobs)
            if stop.wait(SWEEP_EVERY_SECONDS):
                return

    threading.Thread(target=run, name="leftover-sweeper", daemon=True).start()
    return stop
