"""Signed downloads of videos and assets. The signature is the credential: no API key needed,
so the URLs work in a browser, a <video> tag or a CDN, until they expire."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from reelwright.api.deps import Ctx, check_link
from reelwright.api.errors import ApiError
from reelwright.store.files import VIDEO_FILES, video_key
from reelwright.store.models import Asset

router = APIRouter(prefix="/files", include_in_schema=False)

_ID = re.compile(r"[0-9a-f]{32}")
Expires = Annotated[int, Query()]
Sig = Annotated[str, Query()]


@router.get("/assets/{asset_id}")
def download_asset(asset_id: str, ctx: Ctx, expires: Expires = 0, sig: Sig = "") -> FileResponse:
    if not _ID.fullmatch(asset_id):
        raise ApiError(404, "no such file")
    check_link(ctx, f"/files/assets/{asset_id}", expires, sig)
    with ctx.db.session() as s:
        asset = s.get(Asset, asset_id)
        key, mime, name = (asset.blob_key, asset.mime_type, asset.name) if asset else ("", "", "")
    file = ctx.blobs.local_path(key) if key else None
    if file is None:
        raise ApiError(404, "no such file")
    return FileResponse(file, media_type=mime, filename=name, content_disposition_type="inline")


@router.get("/{video_id}/{name}")
def download_video_file(
    video_id: str, name: str, ctx: Ctx, expires: Expires = 0, sig: Sig = ""
) -> FileResponse:
    if name not in VIDEO_FILES or not _ID.fullmatch(video_id):
        raise ApiError(404, "no such file")
    check_link(ctx, f"/files/{video_id}/{name}", expires, sig)
    file = ctx.blobs.local_path(f"{video_key(video_id)}/{name}")
    if file is None:
        raise ApiError(404, "no such file")
    # FileResponse answers Range requests, so players can seek.
    return FileResponse(file, media_type=VIDEO_FILES[name])
