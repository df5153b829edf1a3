"""Serving catalogue previews: ``GET /previews/{kind}/{item_id}/{name}``.

Previews show built-in presenters, voices and styles, which are the same for every caller, so
their URLs are public and stable (like a CDN's) and can be cached by browsers for a day.
"""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx
from reelwright.api.errors import ApiError
from reelwright.previews import Kind, PreviewCache, UnknownPreview
from reelwright.store.blobs import BlobStore

router = APIRouter(prefix="/previews", include_in_schema=False)


def preview_url(ctx: ApiContext, kind: Kind, item_id: str, name: str) -> str:
    """The absolute URL of one preview file (rendered on its first request)."""
    return f"{ctx.settings.public_base}/previews/{kind}/{item_id}/{name}"


_caches: dict[tuple[str, int], PreviewCache] = {}
_caches_lock = threading.Lock()


def preview_cache(ctx: ApiContext) -> PreviewCache:
    # A node keeps its own copies on disk (served with sendfile); a remote store shares them.
    shared: BlobStore | None = ctx.blobs if ctx.settings.blob_url else None
    root = str((ctx.settings.data_dir / "previews").absolute())
    with _caches_lock:
        key = (root, id(shared))
        if key not in _caches:
            _caches[key] = PreviewCache(Path(root), shared)
        return _caches[key]


@router.get("/{kind}/{item_id}/{name}")
async def get_preview(kind: str, item_id: str, name: str, ctx: Ctx) -> FileResponse:
    try:
        # A first request renders (seconds of CPU): keep it off the event loop.
        path, media_type = await run_in_threadpool(preview_cache(ctx).get, kind, item_id, name)
    except UnknownPreview:
        raise ApiError(404, "no such preview") from None
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})
