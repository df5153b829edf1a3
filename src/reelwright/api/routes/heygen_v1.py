"""HeyGen's v1 reads and housekeeping that published clients call: the user, the video list and
delete, voices, avatars, assets and talking photos.

Envelopes as HeyGen shows them: most v1 routes answer ``{"code": 100, "data", "message"}``; the
asset list answers ``{"error": null, "data"}``. Ids are shared with every other route (a video id
works in ``/v1/video_status.get`` and ``/v3/videos/{id}``, an asset id in a request's ``files``, a
talking photo id as an ``avatar_id``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.pagination import page
from reelwright.api.previews import preview_url
from reelwright.api.routes import assets, videos
from reelwright.api.routes.avatars import _photo_rows, _portrait_url, legacy_avatar
from reelwright.avatar.catalogue import AVATARS
from reelwright.store.models import Asset, Owner, Video
from reelwright.voice.catalogue import VOICES

router = APIRouter(prefix="/v1", tags=["HeyGen v1 (legacy)"])


def _v1(data: Any) -> dict[str, Any]:
    return {"code": 100, "data": data, "message": "Success"}


@router.get("/user/me", summary="Who this key belongs to (HeyGen v1)")
def user_me(ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    with ctx.db.session() as s:
        owner = s.get(Owner, owner_id)
        assert owner is not None
        name = owner.name
    # A self-hosted key has a name and nothing else: no e-mail, no first or last name.
    return _v1({"username": name, "email": "", "first_name": name, "last_name": ""})


@router.get("/video.list", summary="List videos, newest first (HeyGen v1)")
def video_list(
    ctx: Ctx,
    owner_id: OwnerId,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    token: Annotated[str | None, Query(description="the token of the previous page")] = None,
) -> dict[str, Any]:
    stmt = select(Video).where(Video.owner_id == owner_id)
    with ctx.db.session() as s:
        rows, _has_more, next_token = page(s, stmt, Video.created_at, Video.id, limit=limit, token=token)
        items = [
            {
                "video_id": v.id,
                "status": v.status,
                "created_at": v.created_at,
                "type": "GENERATED",
                "video_title": v.title or "",
            }
            for v in rows
        ]
    return _v1({"videos": items, "token": next_token})


@router.delete("/video.delete", summary="Delete a video and its files (HeyGen v1)")
def video_delete(
    ctx: Ctx, owner_id: OwnerId, video_id: Annotated[str, Query(min_length=1, max_length=64)]
) -> dict[str, Any]:
    videos.delete_video(video_id, owner_id, ctx)
    return _v1(None)


@router.get("/voice.list", summary="List voices (HeyGen v1)")
def voice_list(ctx: Ctx, _owner: OwnerId) -> dict[str, Any]:
    voices = [
        {
            "voice_id": v.id,
            "language": v.language,
            "gender": v.gender,
            "display_name": v.name,
            "preview_audio": preview_url(ctx, "voice", v.id, "audio.mp3"),
            "support_pause": v.support_pause,
        }
        for v in VOICES.values()
    ]
    return _v1({"voices": voices})


@router.get("/avatar.list", summary="List avatars (HeyGen v1)")
def avatar_list(ctx: Ctx, _owner: OwnerId) -> dict[str, Any]:
    avatars = [legacy_avatar(ctx, a) for a in AVATARS.values()]
    return _v1({"avatars": avatars})


@router.get("/talking_photo.list", summary="List your talking photos (HeyGen v1)")
def talking_photo_list(ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    photos = [
        {"id": r.id, "circle_image": _portrait_url(ctx, r), "image_url": _portrait_url(ctx, r)}
        for r in _photo_rows(ctx, owner_id)
    ]
    return _v1(photos)


@router.get("/asset/list", summary="List your assets, newest first (HeyGen v1)")
def asset_list(
    ctx: Ctx,
    owner_id: OwnerId,
    file_type: Annotated[
        str | None, Query(max_length=16, description="image, video, audio, pdf, document or font")
    ] = None,
    folder_id: Annotated[
        str | None, Query(max_length=64, description="assets are not in folders here")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    token: str | None = None,
) -> dict[str, Any]:
    stmt = select(Asset).where(Asset.owner_id == owner_id)
    if file_type:
        stmt = stmt.where(Asset.kind == file_type)
    if folder_id:
        stmt = stmt.where(Asset.id.is_(None))  # no asset is in a folder: an empty list, not all of them
    with ctx.db.session() as s:
        rows, _has_more, next_token = page(s, stmt, Asset.created_at, Asset.id, limit=limit, token=token)
        items = [
            {
                "id": a.id,
                "name": a.name,
                "file_type": a.kind,
                "folder_id": "",
                "created_ts": a.created_at,
                "url": ctx.asset_url(a),
            }
            for a in rows
        ]
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    # HeyGen documents ``total`` as a string.
    return {"error": None, "data": {"assets": items, "total": str(total), "token": next_token}}


@router.post("/asset/{asset_id}/delete", summary="Delete an asset and its bytes (HeyGen v1)")
def asset_delete(asset_id: str, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    assets.delete_asset(asset_id, owner_id, ctx)
    return {"error": None, "data": None}
