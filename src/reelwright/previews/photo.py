"""A photo look's talking preview clip, drawn on first request and kept beside its portrait.

Photo looks are users' own, so unlike the catalogue's previews (``cache``) the clip lives in the
blob store next to the look's portrait, under the key ``avatar.photo_looks`` names.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from reelwright.avatar.photo_looks import photo_look, preview_key
from reelwright.store.blobs import BlobStore
from reelwright.store.db import Database
from reelwright.store.models import PhotoAvatar

_preview_locks: dict[str, threading.Lock] = {}
_preview_guard = threading.Lock()


def photo_preview(db: Database, blobs: BlobStore, look_id: str, scratch: Path) -> str | None:
    """The blob key of the look's talking preview clip, drawn on first request and kept beside its
    portrait; ``None`` when the look does not exist (any more)."""
    key = preview_key(look_id)
    if blobs.info(key) is not None:
        return key
    with _preview_guard:
        lock = _preview_locks.setdefault(look_id, threading.Lock())
    with lock:  # a second request waits for the first one's clip instead of drawing it again
        if blobs.info(key) is not None:
            return key
        scratch.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="photo-preview-", dir=scratch) as tmp:
            with db.session() as s:
                row = s.get(PhotoAvatar, look_id)
                look = photo_look(row, blobs, Path(tmp)) if row is not None else None
            if look is None:
                return None
            from reelwright.previews.avatar import render_look_preview  # loads Piper: only when needed

            render_look_preview(look_id, Path(tmp) / "out", look)
            blobs.put_file(key, Path(tmp) / "out" / "video.mp4")
        return key
