"""Turn a request's ``files`` into checked files on disk, before any job starts.

Each item is fetched (URL, with the SSRF rules of :mod:`reelwright.net.fetch`), decoded (base64,
size-checked before decoding) or copied from the caller's own assets, then recognised from its bytes
by :func:`reelwright.ingest.files.inspect_files` (in a bounded child process, see
:mod:`reelwright.ingest.sandbox`). Any problem is a 400 (413 for size) naming
``files[i]``, and the folder is removed so nothing half-written stays behind.
"""

from __future__ import annotations

import base64
import binascii
import os
import shutil
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.api.fetch_slots import fetch_slot
from reelwright.api.schemas import AssetFile, Base64File, UrlFile
from reelwright.errors import FileRejected
from reelwright.ingest.files import LIMITS
from reelwright.ingest.sandbox import inspect_files
from reelwright.net.fetch import Allowlist, FetchFailed, UnsafeUrl, fetch_url
from reelwright.store.models import Asset

# The largest any accepted kind may be (videos); each kind's own limit is checked from the bytes.
MAX_FILE_BYTES = max(
    LIMITS.video_bytes, LIMITS.image_bytes, LIMITS.audio_bytes, LIMITS.pdf_bytes, LIMITS.document_bytes
)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def _link_or_copy(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)  # same disk: instant, and the asset can be deleted independently
    except OSError:
        shutil.copyfile(src, dest)


def _store_one(
    ctx: ApiContext, owner_id: str, index: int, spec: UrlFile | AssetFile | Base64File, folder: Path
) -> tuple[Path, str]:
    param = f"files[{index}]"
    dest = folder / f"{index:02d}"
    if isinstance(spec, Base64File):
        # Four base64 characters carry three bytes: refuse an oversized file before decoding it.
        if len(spec.data) // 4 * 3 > MAX_FILE_BYTES + 3:
            raise ApiError(413, f"file {index} is larger than {_mb(MAX_FILE_BYTES)}", param=param)
        try:
            raw = base64.b64decode(spec.data, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, f"file {index}: data is not valid base64", param=param) from None
        dest.write_bytes(raw)
        return dest, spec.name or f"file-{index}"
    if isinstance(spec, AssetFile):
        with ctx.db.session() as s:
            asset = s.get(Asset, spec.asset_id)
            if asset is None or asset.owner_id != owner_id:  # someone else's asset does not exist
                raise ApiError(400, f"file {index}: no asset {spec.asset_id!r}", param=param)
            key, name = asset.blob_key, asset.name
        src = ctx.blobs.local_path(key)
        if src is None:
            raise ApiError(400, f"file {index}: asset {spec.asset_id!r} has no stored bytes", param=param)
        _link_or_copy(src, dest)
        return dest, name
    try:
        got = fetch_url(
            spec.url,
            Allowlist.parse(ctx.settings.url_allowlist),
            max_bytes=MAX_FILE_BYTES,
            timeout=ctx.settings.fetch_timeout_seconds,
            dest=dest,
        )
    except UnsafeUrl as exc:
        raise ApiError(400, f"file {index}: {exc.reason}", param=param) from None
    except FetchFailed as exc:
        raise ApiError(
            400, f"file {index} could not be downloaded: {exc.reason}", code="download_failed", param=param
        ) from None
    return got.path, got.name


def store_request_files(
    ctx: ApiContext, owner_id: str, files: Sequence[UrlFile | AssetFile | Base64File], folder: Path
) -> list[str]:
    """Fetch and check every file into ``folder``; return their keys relative to the files dir."""
    if not files:
        return []
    downloads = any(isinstance(spec, UrlFile) for spec in files)
    # Downloads hold a slot of the owner's for their whole duration (see api/fetch_slots.py).
    slot = fetch_slot(owner_id, ctx.settings.fetch_slots_per_key) if downloads else nullcontext()
    with slot:
        return _store_all(ctx, owner_id, files, folder)


def _store_all(
    ctx: ApiContext, owner_id: str, files: Sequence[UrlFile | AssetFile | Base64File], folder: Path
) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        stored = [_store_one(ctx, owner_id, i, spec, folder) for i, spec in enumerate(files)]
        try:
            inspect_files([p for p, _ in stored], names=[n for _, n in stored])
        except FileRejected as exc:
            raise ApiError(400, str(exc), param=exc.param) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return [str(p.relative_to(ctx.settings.files_dir)) for p, _ in stored]
