"""The built-in blob store (the data dir's ``files/`` folder), registered through the plugin hook."""

from __future__ import annotations

from reelwright.config import Settings
from reelwright.hookspecs import Register, hookimpl
from reelwright.store.blobs import BlobStore, LocalBlobStore


def _local(_url: str, settings: Settings) -> BlobStore:
    return LocalBlobStore(settings.files_dir)


@hookimpl
def register_blob_stores(register: Register) -> None:
    register("file", _local)
