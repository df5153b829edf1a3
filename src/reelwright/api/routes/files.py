"""Signed downloads of videos and assets. The signature is the credential: no API key needed,
so the URLs work in a browser, a <video> tag or a CDN, until they expire. The bytes come from the
blob store (see :mod:`reelwright.api.downloads`): this node's disk, a redirect to a presigned
object-store URL, or streamed through."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from reelwright.api.deps import Ctx, check_link
from reelwright.api.downloads import blob_response
from reelwright.api.errors import ApiError
from reelwright.store.files import VIDEO_FILES, video_file_key
from reelwright.store.models import Asset

router = APIRouter(prefix="/files", include_in_schema=False)

_ID = re.compile(r"[0-9a-f]{32}")
Expires = Annotated[int, Query()]
Sig = Annotated[str, Query()]


@router.get("/assets/{asset_id}")
def download_asset(
    asset_id: str, request: Request, ctx: Ctx, expires: Expires = 0, sig: Sig = ""
) -> Response:
    if not _ID.fullmatch(asset_id):
        raise ApiError(404, "no such file")
    check_link(ctx, f"/files/assets/{asset_id}", expires, sig)
    with ctx.db.session() as s:
        asset = s.get(Asset, asset_id)
        key, mime, name = (asset.blob_key, asset.mime_type, asset.name) if asset else ("", "", "")
    if not key:
        raise ApiError(404, "no such file")
    return blob_response(ctx, request, key, mime, name)


@router.get("/{video_id}/{name}")
def download_video_file(
    video_id: str, name: str, request: Request, ctx: Ctx, expires: Expires = 0, sig: Sig = ""
) -> Response:
    if name not in VIDEO_FILES or not _ID.fullmatch(video_id):
        raise ApiError(404, "no such file")
    check_link(ctx, f"/files/{video_id}/{name}", expires, sig)
    # Range requests are answered, so players can seek.
    return blob_response(ctx, request, video_file_key(video_id, name), VIDEO_FILES[name])
