"""Storing uploaded assets: recognised from the bytes, size-limited, written atomically."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator
from functools import cache

import anyio

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.api.idempotent_results import making, reuse
from reelwright.errors import FileRejected
from reelwright.store.files import asset_key
from reelwright.store.models import Asset, new_id
from reelwright.styles.brand_kits import classify_upload


@cache
def _inspecting() -> anyio.CapacityLimiter:
    # Threads that wait on inspections; the sandbox itself bounds how many children run at once.
    return anyio.CapacityLimiter(16)


def safe_name(name: str | None, fallback: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = re.sub(r"[^\w.\- ]+", "_", base)[:200]
    return base or fallback


async def store_asset(
    ctx: ApiContext, owner_id: str, chunks: AsyncIterator[bytes], name: str | None, param: str
) -> Asset:
    """Stream an upload to scratch (refusing it once past the limit), check it, store it, record it."""
    made = making("asset")
    if made.earlier is not None:
        # An earlier try of this request (same Idempotency-Key) stored it and died unanswered.
        with ctx.db.session() as s:
            if (found := reuse(s, made, Asset, owner_id)) is not None:
                s.expunge(found)
                return found
    limit = ctx.settings.max_upload_mb * 1024 * 1024
    # Spooled in this node's scratch folder, checked there, and only then stored.
    tmp_dir = ctx.settings.scratch_dir / "uploads"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = tmp_dir / os.path.basename(tmp_name)
    try:
        size = 0
        with os.fdopen(fd, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ApiError(
                        413, f"uploads are limited to {ctx.settings.max_upload_mb} MB", param=param
                    )
                out.write(chunk)
        if size == 0:
            raise ApiError(400, "the upload is empty", param=param)
        shown = safe_name(name, "upload")
        # Fonts are accepted as assets (for brand kits) though never as files of a video. The
        # check runs in a bounded child process, waited for on a thread of its own so the event
        # loop and the request threadpool stay free.
        try:
            kind, mime = await anyio.to_thread.run_sync(classify_upload, tmp, shown, limiter=_inspecting())
        except FileRejected as exc:
            raise ApiError(400, f"{shown}: {exc.problem}", param=param) from None
        asset_id = new_id()
        key = asset_key(asset_id)
        ctx.blobs.put_file(key, tmp)
        try:
            with ctx.db.session() as s:
                asset = Asset(
                    id=asset_id,
                    owner_id=owner_id,
                    name=shown,
                    kind=kind,
                    mime_type=mime,
                    size_bytes=size,
                    blob_key=key,
                )
                s.add(asset)
                s.flush()
                made.note(s, asset_id)  # commits with the row, or neither does
        except BaseException:
            ctx.blobs.delete_prefix(key)
            raise
        return asset
    finally:
        tmp.unlink(missing_ok=True)
