"""Where file bytes live: a small interface, with the local disk under the data dir behind it by
default and an S3-compatible object store (:mod:`reelwright.store.s3`) when configured.

Keys are slash-separated relative names ("videos/<id>/video.mp4", "assets/<id>"). Everything that
stores or serves bytes goes through a BlobStore: nothing assumes that the API and the workers share
a disk. Code that needs a file on disk (ffmpeg, the inspectors) stages a copy into its own scratch
folder with :func:`stage`; the local store hands out its own path instead of copying.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from reelwright.config import Settings

_KEY = re.compile(r"[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")
CHUNK = 1024 * 1024


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"bad blob key {key!r}")
    return key


@dataclass(frozen=True)
class BlobInfo:
    key: str
    size: int
    modified: float  # seconds since the epoch


class BlobStore(Protocol):
    def put_file(self, key: str, source: Path) -> None:
        """Move ``source`` in under ``key`` atomically (readers never see half a file)."""

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically."""

    def put_tree(self, prefix: str, source: Path) -> None:
        """Move a whole folder in under ``prefix``, replacing what was there."""

    def copy(self, src_key: str, dst_key: str) -> bool:
        """Store a copy of ``src_key``'s bytes under ``dst_key`` (atomically, inside the store: no
        bytes pass through this machine where the store can avoid it); False when ``src_key``
        holds nothing."""

    def local_path(self, key: str) -> Path | None:
        """A path on this machine holding the key's bytes, or None: the key holds nothing, or the
        store is remote (then :meth:`fetch` copies the bytes here)."""

    def fetch(self, key: str, dest: Path) -> bool:
        """Copy the key's bytes to ``dest`` (atomically); False when the key holds nothing."""

    def read_bytes(self, key: str) -> bytes | None:
        """The key's bytes, or None when it holds nothing (for small files: storyboards, subtitles)."""

    def info(self, key: str) -> BlobInfo | None:
        """Size and modification time, or None when the key holds nothing."""

    def iter_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        """The bytes ``start`` to ``end`` inclusive, in chunks (a download's Range)."""

    def presigned_url(
        self, key: str, ttl: int, *, media_type: str, filename: str | None = None
    ) -> str | None:
        """A URL that fetches the key straight from the store for ``ttl`` seconds; None when the
        store cannot make one (the local disk)."""

    def scan(self, prefix: str) -> Iterator[BlobInfo]:
        """Every key under ``prefix`` (a folder: ``inputs/``), in no particular order."""

    def delete_prefix(self, prefix: str) -> None:
        """Delete the key, or every key under the prefix; deleting nothing is not an error."""


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

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

    def put_bytes(self, key: str, data: bytes) -> None:
        dest = self._path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.part")
        tmp.write_bytes(data)
        os.replace(tmp, dest)

    def put_tree(self, prefix: str, source: Path) -> None:
        dest = self._path(prefix)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            shutil.rmtree(dest)
        try:
            source.rename(dest)
        except OSError:  # another filesystem: copy beside the target, then rename
            tmp = dest.with_name(f".{dest.name}.part")
            try:
                _copy_tree(source, tmp)
                tmp.rename(dest)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            shutil.rmtree(source, ignore_errors=True)

    def copy(self, src_key: str, dst_key: str) -> bool:
        return self.fetch(src_key, self._path(dst_key))  # a hard link where it can

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def fetch(self, key: str, dest: Path) -> bool:
        src = self.local_path(key)
        if src is None:
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.part")
        try:
            os.link(src, tmp)  # same disk: instant, and either copy can be deleted independently
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dest)
        return True

    def read_bytes(self, key: str) -> bytes | None:
        path = self.local_path(key)
        try:
            return path.read_bytes() if path is not None else None
        except FileNotFoundError:
            return None

    def info(self, key: str) -> BlobInfo | None:
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            return None
        return BlobInfo(key, st.st_size, st.st_mtime)

    def iter_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        with self._path(key).open("rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0 and (chunk := f.read(min(CHUNK, left))):
                left -= len(chunk)
                yield chunk

    def presigned_url(
        self, key: str, ttl: int, *, media_type: str, filename: str | None = None
    ) -> str | None:
        return None

    def scan(self, prefix: str) -> Iterator[BlobInfo]:
        top = self._path(prefix.rstrip("/"))
        if top.is_file():
            yield BlobInfo(prefix.rstrip("/"), *_size_time(top))
            return
        for dirpath, _dirs, files in os.walk(top):
            for name in files:
                path = Path(dirpath) / name
                try:
                    size, mtime = _size_time(path)
                except FileNotFoundError:
                    continue
                yield BlobInfo(path.relative_to(self.root).as_posix(), size, mtime)

    def delete_prefix(self, prefix: str) -> None:
        path = self._path(prefix)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _copy_tree(source: Path, dest: Path) -> None:
    """``shutil.copytree`` that stops at the first failure with its own OSError (a full disk says
    ENOSPC), where copytree gathers them into a ``shutil.Error`` that says only "error"."""
    for path in sorted(source.rglob("*")):
        target = dest / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _size_time(path: Path) -> tuple[int, float]:
    st = path.stat()
    return st.st_size, st.st_mtime


def stage(store: BlobStore, key: str, scratch: Path) -> Path | None:
    """A readable file with the key's bytes: the local store's own file, or a copy fetched into
    ``scratch`` (at ``scratch/<key>``, so a key's copy is found again); None when the key holds nothing."""
    # Absolute: storyboards name their files by these paths, and resolve relative ones elsewhere.
    path = store.local_path(key)
    if path is not None:
        return path.absolute()
    dest = (scratch / check_key(key)).absolute()
    if dest.is_file():
        return dest
    return dest if store.fetch(key, dest) else None


def scratch_file(scratch: Path, prefix: str) -> Path:
    """A new empty file in the scratch folder (an upload's spool)."""
    scratch.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=scratch, prefix=prefix)
    os.close(fd)
    return Path(name)


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
