"""The built-in blob stores, registered through the plugin hook: the data dir's ``files/`` folder
(``file:``, the default, or ``file:///path``) and an S3-compatible object store
(``s3://bucket/prefix``)."""

from __future__ import annotations

import threading
from pathlib import Path

from reelwright.config import Settings
from reelwright.hookspecs import Register, hookimpl
from reelwright.store.blobs import BlobStore, LocalBlobStore

_clients: dict[tuple[object, ...], BlobStore] = {}
_lock = threading.Lock()


def _local(url: str, settings: Settings) -> BlobStore:
    """``file:`` is the data dir's own folder; ``file:///path`` a folder every process names alike
    (a shared mount, or one machine's processes standing in for a cluster's)."""
    path = url.split(":", 1)[1]
    if path.startswith("//"):
        path = path[2:]  # file:///srv/blobs → /srv/blobs (an empty host)
    return LocalBlobStore(Path(path) if path else settings.files_dir)


def _s3(url: str, settings: Settings) -> BlobStore:
    # One client per configuration and process: making one costs tens of milliseconds, and boto3's
    # clients are thread-safe.
    secret = settings.s3_secret_access_key
    config = (
        url,
        settings.s3_endpoint_url,
        settings.s3_public_endpoint_url,
        settings.s3_region,
        settings.s3_access_key_id,
        secret.get_secret_value() if secret else None,
        settings.s3_addressing_style,
    )
    with _lock:
        if config not in _clients:
            from reelwright.store.s3 import S3BlobStore

            _clients[config] = S3BlobStore(url, settings)
        return _clients[config]


@hookimpl
def register_blob_stores(register: Register) -> None:
    register("file", _local)
    register("s3", _s3)
