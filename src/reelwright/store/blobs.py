"""Where file bytes live: a small interface, with the local disk under the data dir behind it.

Keys are slash-separated relative names ("videos/<id>/video.mp4", "assets/<id>"). Everything that
stores or serves bytes goes through a BlobStore, so an object store can replace the disk later.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Protocol

from reelwright.config import Settings

_KEY = re.compile(r"[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")


class BlobStore(Protocol):
    def put_file(self, key: str, source: Path) -> None:
        """Move ``source`` in under ``key`` atomically (readers never see half a file)."""

    def put_tree(self, prefix: str, source: Path) -> None:
        """Move a whole folder in under ``prefix``, replacing what was there."""

    def local_path(self, key: str) -> Path | None:
        """A path that can be served or read directly, or None when the key holds nothing."""

    def delete_prefix(self, prefix: str) -> None:
        """Delete the key, or every key under the prefix; deleting nothing is not an error."""


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key) or any(part in (".", "..") for part in key.split("/")):
            raise ValueError(f"bad blob key {key!r}")
        return self.root / key

    def put_file(self, key: str, source: Path) -> None:
        dest = self._path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, dest)
        except OSError:  # another filesystem: copy beside the target, then rename
            tmp = dest.with_name(f".{dest.name}.part")
            shutil.copyfile(source, tmp)
            os.replace(tmp, dest)
            source.unlink()

    def put_tree(self, prefix: str, source: Path) -> None:
        dest = self._path(prefix)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            shutil.rmtree(dest)
        source.rename(dest)

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def delete_prefix(self, prefix: str) -> None:
        path = self._path(prefix)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def blob_store(settings: Settings) -> BlobStore:
    """The blob store ``REELWRIGHT_BLOB_URL`` names (by scheme, among the registered stores);
    unset, the data dir's ``files/`` folder."""
    from reelwright import plugins

    url = settings.blob_url or "file:"
    scheme = url.split(":", 1)[0].lower()
    stores = plugins.by_name("register_blob_stores")
    if scheme not in stores:
        raise ValueError(f"REELWRIGHT_BLOB_URL: no blob store for {scheme!r} (known: {', '.join(stores)})")
    store: BlobStore = stores[scheme].args[1](url, settings)
    return store
