"""Turn a request's ``files`` into checked files in the blob store, before any job starts.

Each item is fetched (URL, with the SSRF rules of :mod:`reelwright.net.fetch`), decoded (base64,
size-checked before decoding) or copied from the caller's own assets into this node's scratch
folder, then recognised from its bytes by :func:`reelwright.ingest.files.inspect_files` (in a
bounded child process, see :mod:`reelwright.ingest.sandbox`), and only then stored. Any problem is
a 400 (413 for size) naming ``files[i]``, and nothing half-written stays behind, here or stored.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
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
        if not ctx.blobs.fetch(key, dest):
            raise ApiError(400, f"file {index}: asset {spec.asset_id!r} has no stored bytes", param=param)
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
    ctx: ApiContext, owner_id: str, files: Sequence[UrlFile | AssetFile | Base64File], prefix: str
) -> list[str]:
    """Fetch and check every file, then store them under the blob ``prefix``; return their keys.
    The caller deletes the prefix (``ctx.blobs.delete_prefix``) if it then fails."""
    if not files:
        return []
    downloads = any(isinstance(spec, UrlFile) for spec in files)
    # Downloads hold a slot of the owner's for their whole duration (see api/fetch_slots.py).
    slot = fetch_slot(owner_id, ctx.settings.fetch_slots_per_key) if downloads else nullcontext()
    with slot:
        return _store_all(ctx, owner_id, files, prefix)


def _store_all(
    ctx: ApiContext, owner_id: str, files: Sequence[UrlFile | AssetFile | Base64File], prefix: str
) -> list[str]:
    scratch = ctx.settings.scratch_dir / "requests"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="files-") as tmp:
        folder = Path(tmp)
        stored = [_store_one(ctx, owner_id, i, spec, folder) for i, spec in enumerate(files)]
        try:
            inspect_files([p for p, _ in stored], names=[n for _, n in stored])
        except FileRejected as exc:
            raise ApiError(400, str(exc), param=exc.param) from None
        keys = [f"{prefix}/{path.name}" for path, _ in stored]
        try:
            for (path, _), key in zip(stored, keys, strict=True):
                ctx.blobs.put_file(key, path)
        except BaseException:
            ctx.blobs.delete_prefix(prefix)
            raise
    return keys
