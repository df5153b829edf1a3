"""HeyGen's v2 reads that published clients call before anything else: avatar groups and their
looks, one avatar's details, the remaining quota, and deleting a talking photo.

Envelope: ``{"error": null, "data": ...}``. Ids are the ones every other route takes: a group id is
a presenter (``ava``) or a talking photo; an ``avatar_id`` is a look (``ava_casual``) or a talking
photo's id, usable as ``avatar_id`` in ``POST /v3/video-agents`` and ``/v3/avatars/looks/{id}``.
Built-in presenters are HeyGen's "public" avatars (the same for every key); talking photos are the
caller's own ("private").
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.previews import preview_url
from reelwright.api.routes.avatars import _photo_preview_url, _photo_rows, _portrait_url
from reelwright.api.sessions import running_jobs
from reelwright.avatar.catalogue import AVATARS, GROUPS, AvatarGroup, AvatarInfo
from reelwright.avatar.photo_looks import delete_photo_look
from reelwright.store.models import PhotoAvatar

router = APIRouter(prefix="/v2", tags=["HeyGen v2 (legacy)"])

PUBLIC_GROUP = "PUBLIC"
PHOTO_GROUP = "PHOTO"
# Built-in presenters ship with the product: they have no creation time of their own.
BUILT_IN_CREATED_AT = 0


def _v2(data: Any) -> dict[str, Any]:
    return {"error": None, "data": data}


def built_in_group(ctx: ApiContext, g: AvatarGroup) -> dict[str, Any]:
    first = AVATARS[g.look_ids[0]]
    return {
        "id": g.id,
        "name": g.name,
        "created_at": BUILT_IN_CREATED_AT,
        "num_looks": len(g.look_ids),
        "preview_image": preview_url(ctx, "avatar", first.id, "image.png"),
        "group_type": PUBLIC_GROUP,
        "train_status": "ready",
        "default_voice_id": first.default_voice,
    }


def photo_group(ctx: ApiContext, row: PhotoAvatar) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "created_at": row.created_at,
        "num_looks": 1,
        "preview_image": _portrait_url(ctx, row),
        "group_type": PHOTO_GROUP,
        "train_status": "ready",
        "default_voice_id": row.default_voice_id,
    }


def built_in_avatar(ctx: ApiContext, a: AvatarInfo) -> dict[str, Any]:
    return {
        "avatar_id": a.id,
        "avatar_name": a.name if a.group_id == a.id else f"{a.name} ({a.look_name})",
        "gender": a.gender,
        "preview_image_url": preview_url(ctx, "avatar", a.id, "image.png"),
        "preview_video_url": preview_url(ctx, "avatar", a.id, "video.mp4"),
        "premium": False,
        "type": "avatar",
        "tags": list(a.tags),
        "default_voice_id": a.default_voice,
    }


def photo_avatar(ctx: ApiContext, row: PhotoAvatar) -> dict[str, Any]:
    return {
        "avatar_id": row.id,
        "avatar_name": row.name,
        "gender": row.gender or "unknown",
        "preview_image_url": _portrait_url(ctx, row),
        "preview_video_url": _photo_preview_url(ctx, row),
        "premium": False,
        "type": "talking_photo",
        "tags": ["photo"],
        "default_voice_id": row.default_voice_id,
    }


@router.get("/avatar_group.list", summary="List avatar groups (HeyGen v2)")
def list_avatar_groups(
    ctx: Ctx,
    owner_id: OwnerId,
    include_public: Annotated[
        bool, Query(description="also list the built-in presenters (HeyGen's public avatars)")
    ] = False,
) -> dict[str, Any]:
    groups = [photo_group(ctx, r) for r in _photo_rows(ctx, owner_id)]
    if include_public:
        groups += [built_in_group(ctx, g) for g in GROUPS.values()]
    return _v2({"total_count": len(groups), "avatar_group_list": groups})


@router.get("/avatar_group/{group_id}/avatars", summary="List the avatars (looks) of one group (HeyGen v2)")
def list_group_avatars(group_id: str, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    if group_id in GROUPS:
        looks = [built_in_avatar(ctx, AVATARS[look]) for look in GROUPS[group_id].look_ids]
        return _v2({"avatar_list": looks})
    with ctx.db.session() as s:
        row = owned(s, PhotoAvatar, group_id, owner_id, "avatar group")
    return _v2({"avatar_list": [photo_avatar(ctx, row)]})


@router.get("/avatar/{avatar_id}/details", summary="One avatar's details (HeyGen v2)")
def avatar_details(avatar_id: str, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    if avatar_id in AVATARS:
        item, is_public = built_in_avatar(ctx, AVATARS[avatar_id]), True
    else:
        with ctx.db.session() as s:
            row = owned(s, PhotoAvatar, avatar_id, owner_id, "avatar")
        item, is_public = photo_avatar(ctx, row), False
    return _v2(
        {
            "type": item["type"],
            "id": item["avatar_id"],
            "name": item["avatar_name"],
            "gender": item["gender"],
            "preview_image_url": item["preview_image_url"],
            "preview_video_url": item["preview_video_url"],
            "premium": False,
            "is_public": is_public,
            "default_voice_id": item["default_voice_id"],
            "tags": item["tags"],
        }
    )


@router.get("/user/remaining_quota", summary="What this key may still start (HeyGen v2)")
def remaining_quota(ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    """Self-hosted: rendering costs no credits, so the honest quota is how many more jobs this key
    may start right now (its concurrency limit minus its queued and running jobs)."""
    with ctx.db.session() as s:
        running = running_jobs(s, owner_id)
    limit = ctx.settings.max_concurrent_jobs
    available = max(0, limit - running)
    return _v2(
        {
            "remaining_quota": available,
            "details": {
                "api": available,
                "streaming_avatar": 0,
                "streaming_avatar_instance_quota": 0,
                "seat": 1,
            },
            "self_hosted": True,
            "unit": "concurrent_jobs",
            "concurrent_jobs": {"limit": limit, "running": running, "available": available},
            "note": (
                "Self-hosted Reelwright: videos cost no credits. remaining_quota is how many more "
                "jobs this key may start now (its concurrency limit minus its queued and running jobs)."
            ),
        }
    )


@router.delete("/talking_photo/{talking_photo_id}", summary="Delete one of your talking photos (HeyGen v2)")
def delete_talking_photo(talking_photo_id: str, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    with ctx.db.session() as s:
        owned(s, PhotoAvatar, talking_photo_id, owner_id, "talking photo")
    delete_photo_look(ctx.db, ctx.blobs, talking_photo_id)
    return _v2(None)
