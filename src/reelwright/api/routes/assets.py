"""v3 assets (multipart upload, get, delete) and the legacy raw-body ``POST /v1/asset``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile

from reelwright.api.assets_service import store_asset
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.store.models import Asset

router = APIRouter(tags=["Assets"])

_CHUNK = 1024 * 1024


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(_CHUNK):
        yield chunk


@router.post("/v3/assets", summary="Upload a file (multipart, one part named `file`, at most 32 MB)")
async def upload_asset(
    file: Annotated[
        UploadFile,
        File(description="PNG, JPEG, MP4, WebM, MP3, WAV, PDF, PPTX, DOCX, Markdown, text or HTML"),
    ],
    owner_id: OwnerId,
    ctx: Ctx,
) -> dict[str, Any]:
    asset = await store_asset(ctx, owner_id, _upload_chunks(file), file.filename, "file")
    return {"data": ctx.asset_json(asset)}


@router.get("/v3/assets/{asset_id}", summary="Get an asset")
def get_asset(asset_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        return {"data": ctx.asset_json(owned(s, Asset, asset_id, owner_id, "asset"))}


@router.delete("/v3/assets/{asset_id}", summary="Delete an asset and its bytes")
def delete_asset(asset_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        asset = owned(s, Asset, asset_id, owner_id, "asset")
        key = asset.blob_key
        s.delete(asset)
    ctx.blobs.delete_prefix(key)
    return {"data": {"asset_id": asset_id, "deleted": True}}


@router.post(
    "/v1/asset",
    summary="Upload a file (legacy): the raw bytes as the body",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                m: {"schema": {"type": "string", "format": "binary"}}
                for m in (
                    "image/png",
                    "image/jpeg",
                    "video/mp4",
                    "video/webm",
                    "audio/mpeg",
                    "application/pdf",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "text/markdown",
                    "text/plain",
                    "text/html",
                )
            },
        }
    },
)
async def upload_asset_v1(request: Request, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    asset = await store_asset(ctx, owner_id, request.stream(), None, "body")
    return {
        "code": 100,
        "data": {
            "id": asset.id,
            "name": asset.name,
            "file_type": asset.kind,
            "folder_id": "",
            "meta": None,
            "created_ts": asset.created_at,
            "url": ctx.asset_url(asset),
            "image_key": None,
            "size": asset.size_bytes,
        },
        "message": "Success",
    }
