"""Presenters: v3 looks and groups, legacy v2 avatars, and talking-photo looks made from a portrait.

Built-in looks are the same for everyone; photo looks belong to the caller and are listed only to
them, with ``avatar_type: "photo_avatar"`` (v3) or under ``talking_photos`` (v2).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from reelwright.api.catalogue_pages import list_page
from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, check_link, owned
from reelwright.api.downloads import blob_response
from reelwright.api.errors import ApiError
from reelwright.api.idempotent_results import making, reuse
from reelwright.api.previews import preview_url
from reelwright.avatar.catalogue import AVATARS, GROUPS, AvatarGroup, AvatarInfo, get_avatar
from reelwright.avatar.drawn import is_drawn, read_description
from reelwright.avatar.photo_looks import (
    PORTRAIT,
    PREVIEW,
    create_photo_look,
    delete_photo_look,
    portrait_key,
)
from reelwright.errors import InputError
from reelwright.previews.photo import photo_preview
from reelwright.store.blobs import stage
from reelwright.store.models import Asset, PhotoAvatar

router = APIRouter(tags=["Avatars"])


class CreateAvatarRequest(BaseModel):
    type: Literal["photo", "photo_avatar", "prompt"] = Field(
        description="photo (or HeyGen's photo_avatar): a talking photo from a portrait; "
        "prompt: an illustrated presenter drawn from a description (prompt)"
    )
    asset_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="an uploaded portrait (PNG or JPEG)"
    )
    prompt: str | None = Field(default=None, max_length=2000, description="for type prompt: who to draw")
    name: str = Field(default="My photo", min_length=1, max_length=200)
    gender: Literal["female", "male"] | None = Field(
        default=None,
        description="chooses the look's default voice; without it the look speaks with the best "
        "natural voice of any gender, and the response and every render say so",
    )


# -- JSON shapes ----------------------------------------------------------------------------------


def _look(ctx: ApiContext, a: AvatarInfo) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "look_name": a.look_name,
        "avatar_type": "studio_avatar",
        "group_id": a.group_id,
        "gender": a.gender,
        "preview_image_url": preview_url(ctx, "avatar", a.id, "image.png"),
        "preview_video_url": preview_url(ctx, "avatar", a.id, "video.mp4"),
        "default_voice_id": a.default_voice,
        "preferred_orientation": a.preferred_orientation,
        "tags": list(a.tags),
        "description": a.description,
    }


def _file_path(look_id: str, name: str) -> str:
    return f"/files/photo_avatars/{look_id}/{name}"


def _portrait_url(ctx: ApiContext, row: PhotoAvatar) -> str:
    return ctx.file_url(_file_path(row.id, PORTRAIT))


def _photo_preview_url(ctx: ApiContext, row: PhotoAvatar) -> str:
    return ctx.file_url(_file_path(row.id, PREVIEW))


def _photo_look(ctx: ApiContext, row: PhotoAvatar) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "look_name": row.name,
        "avatar_type": "photo_avatar",
        "group_id": row.id,
        "gender": row.gender,
        "preview_image_url": _portrait_url(ctx, row),
        "preview_video_url": _photo_preview_url(ctx, row),
        "default_voice_id": row.default_voice_id,
        "preferred_orientation": "portrait",
        "tags": ["photo"],
        "asset_id": row.asset_id,
        "created_at": row.created_at,
    }


def _group(ctx: ApiContext, g: AvatarGroup) -> dict[str, Any]:
    return {
        "group_id": g.id,
        "name": g.name,
        "avatar_type": "studio_avatar",
        "gender": g.gender,
        "age": g.age,
        "preview_image_url": preview_url(ctx, "avatar", g.look_ids[0], "image.png"),
        "looks_count": len(g.look_ids),
        "default_look_id": g.look_ids[0],
        "look_ids": list(g.look_ids),
        "tags": list(g.tags),
    }


def _photo_group(ctx: ApiContext, row: PhotoAvatar) -> dict[str, Any]:
    return {
        "group_id": row.id,
        "name": row.name,
        "avatar_type": "photo_avatar",
        "gender": row.gender,
        "preview_image_url": _portrait_url(ctx, row),
        "looks_count": 1,
        "default_look_id": row.id,
        "look_ids": [row.id],
        "tags": ["photo"],
    }


def _photo_rows(ctx: ApiContext, owner_id: str) -> list[PhotoAvatar]:
    with ctx.db.session() as s:
        return list(
            s.scalars(
                select(PhotoAvatar)
                .where(PhotoAvatar.owner_id == owner_id)
                .order_by(PhotoAvatar.created_at, PhotoAvatar.id)
            )
        )


# -- lists ----------------------------------------------------------------------------------------


AvatarType = Literal["studio_avatar", "photo_avatar", "digital_twin"]
Ownership = Literal["public", "private"]


def _wants(ownership: Ownership | None, avatar_type: AvatarType | None, kind: AvatarType) -> bool:
    """Built-in looks are public studio avatars; photo looks are the caller's private photo
    avatars. Nothing here is a digital twin (trained from video), so that filter lists nothing."""
    owner = "public" if kind == "studio_avatar" else "private"
    return ownership in (None, owner) and avatar_type in (None, kind)


def _id(item: dict[str, Any]) -> str:
    return str(item["id"])


def _group_id(item: dict[str, Any]) -> str:
    return str(item["group_id"])


_GroupId = Annotated[str | None, Query(max_length=64, description="only this presenter's looks")]
_Limit = Annotated[int | None, Query(ge=1, le=100, description="page size; all when omitted")]
_Token = Annotated[str | None, Query(max_length=512, description="next_token of the previous page")]
_AvatarType = Annotated[AvatarType | None, Query()]
_Ownership = Annotated[Ownership | None, Query(description="public: built-in; private: yours")]


@router.get("/v3/avatars/looks", summary="List presenter looks (the id is the avatar_id)")
def list_looks(
    ctx: Ctx,
    owner_id: OwnerId,
    group_id: _GroupId = None,
    avatar_type: _AvatarType = None,
    ownership: _Ownership = None,
    limit: _Limit = None,
    token: _Token = None,
) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if _wants(ownership, avatar_type, "studio_avatar"):
        items += [_look(ctx, a) for a in AVATARS.values() if group_id in (None, a.group_id)]
    if _wants(ownership, avatar_type, "photo_avatar"):
        items += [_photo_look(ctx, r) for r in _photo_rows(ctx, owner_id) if group_id in (None, r.id)]
    return list_page(items, _id, limit=limit, token=token)


@router.get("/v3/avatars", summary="List presenter groups (a person and their looks)")
def list_avatar_groups(
    ctx: Ctx,
    owner_id: OwnerId,
    group_id: _GroupId = None,
    avatar_type: _AvatarType = None,
    ownership: _Ownership = None,
    limit: _Limit = None,
    token: _Token = None,
) -> dict[str, Any]:
    groups: list[dict[str, Any]] = []
    if _wants(ownership, avatar_type, "studio_avatar"):
        groups += [_group(ctx, g) for g in GROUPS.values() if group_id in (None, g.id)]
    if _wants(ownership, avatar_type, "photo_avatar"):
        groups += [_photo_group(ctx, r) for r in _photo_rows(ctx, owner_id) if group_id in (None, r.id)]
    return list_page(groups, _group_id, limit=limit, token=token)


def legacy_avatar(ctx: ApiContext, a: AvatarInfo) -> dict[str, Any]:
    """A look as HeyGen's v1 and v2 avatar lists show it (each list adds its own fields)."""
    return {
        "avatar_id": a.id,
        "avatar_name": a.name if a.group_id == a.id else f"{a.name} ({a.look_name})",
        "gender": a.gender,
        "preview_image_url": preview_url(ctx, "avatar", a.id, "image.png"),
        "preview_video_url": preview_url(ctx, "avatar", a.id, "video.mp4"),
    }


@router.get("/v2/avatars", summary="List avatars and talking photos (legacy)")
def list_avatars_v2(ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    avatars = [
        {
            **legacy_avatar(ctx, a),
            "premium": False,
            "type": None,
            "tags": list(a.tags),
            "default_voice_id": a.default_voice,
        }
        for a in AVATARS.values()
    ]
    photos = [
        {
            "talking_photo_id": r.id,
            "talking_photo_name": r.name,
            "preview_image_url": _portrait_url(ctx, r),
        }
        for r in _photo_rows(ctx, owner_id)
    ]
    return {"error": None, "data": {"avatars": avatars, "talking_photos": photos}}


# -- one look -------------------------------------------------------------------------------------


@router.post("/v3/avatars", summary="Create a photo look (a talking photo) from an uploaded portrait")
def create_avatar(body: CreateAvatarRequest, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    """The portrait must show exactly one face, front-facing and large enough to animate; a photo
    with no face, several faces or a small face is refused with a 400 that says which."""
    if body.type == "prompt":
        return {"data": _drawn_from(ctx, body)}
    if body.asset_id is None:
        raise ApiError(400, f"asset_id: required for type {body.type!r}", param="asset_id")
    asset_id = body.asset_id
    made = making("photo_look")
    if made.earlier is not None:  # an earlier try of this request made it, and died unanswered
        with ctx.db.session() as s:
            if (earlier := reuse(s, made, PhotoAvatar, owner_id)) is not None:
                return {"data": _created_look(ctx, earlier)}
    with ctx.db.session() as s:
        asset = owned(s, Asset, asset_id, owner_id, "asset")
        kind, key = asset.kind, asset.blob_key
    if kind != "image":
        raise ApiError(400, f"asset {asset_id!r} is a {kind}, not a photo (PNG or JPEG)", param="asset_id")
    scratch = ctx.settings.scratch_dir
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="look-") as tmp:
        source = stage(ctx.blobs, key, Path(tmp))
        if source is None:
            raise ApiError(404, f"no asset {asset_id!r}")
        try:
            row = create_photo_look(
                ctx.db,
                ctx.blobs,
                owner_id=owner_id,
                asset_id=asset_id,
                source=source,
                name=body.name,
                gender=body.gender,
                scratch=scratch,
                noted=made.note,
            )
        except InputError as exc:
            raise ApiError(400, str(exc), param=exc.param or "asset_id") from None
    return {"data": _created_look(ctx, row)}


def _created_look(ctx: ApiContext, row: PhotoAvatar) -> dict[str, Any]:
    created = _photo_look(ctx, row)
    if row.gender is None:
        created["message"] = (
            f"no gender given, so the look speaks with {row.default_voice_id!r} (the best natural voice); "
            "create it with gender female or male, or pass voice_id when rendering"
        )
    return created


def _drawn_from(ctx: ApiContext, body: CreateAvatarRequest) -> dict[str, Any]:
    """An illustrated presenter from a description: its id spells the parts, so nothing is stored
    and the id works in every request; the answer says what was drawn, chosen and not honoured."""
    if not body.prompt or not body.prompt.strip():
        raise ApiError(400, "prompt: describe the presenter for type prompt", param="prompt")
    reading = read_description(body.prompt)
    info = get_avatar(reading.spec.id)
    look = _look(ctx, info)
    look.update(
        name=body.name if "name" in body.model_fields_set else info.name,
        avatar_type="drawn",
        description=info.description,
        honoured=reading.honoured,
        chosen=reading.chosen,
        not_honoured=reading.not_honoured,
    )
    if reading.not_honoured:
        look["message"] = "drawn without: " + ", ".join(reading.not_honoured) + " (no part draws these)"
    return look


@router.get("/v3/avatars/looks/{look_id}", summary="Get one look (built-in, drawn or your photo look)")
def get_look(look_id: str, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    if look_id in AVATARS:
        return {"data": _look(ctx, AVATARS[look_id])}
    if is_drawn(look_id):
        return {"data": {**_look(ctx, get_avatar(look_id)), "avatar_type": "drawn"}}
    with ctx.db.session() as s:
        return {"data": _photo_look(ctx, owned(s, PhotoAvatar, look_id, owner_id, "avatar look"))}


@router.delete("/v3/avatars/looks/{look_id}", summary="Delete one of your photo looks")
def delete_look(look_id: str, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    if look_id in AVATARS:
        raise ApiError(400, f"{look_id!r} is a built-in look and cannot be deleted", param="look_id")
    with ctx.db.session() as s:
        owned(s, PhotoAvatar, look_id, owner_id, "avatar look")
    delete_photo_look(ctx.db, ctx.blobs, look_id)
    return {"data": {"id": look_id, "deleted": True}}


@router.get(f"/files/photo_avatars/{{look_id}}/{PORTRAIT}", include_in_schema=False)
def download_portrait(look_id: str, request: Request, ctx: Ctx, expires: int = 0, sig: str = "") -> Response:
    """A photo look's portrait, by signed URL (like every other file link)."""
    # The signature vouches for the id: only ids of real looks (32 hex digits) are ever signed.
    check_link(ctx, _file_path(look_id, PORTRAIT), expires, sig)
    return blob_response(ctx, request, portrait_key(look_id), "image/png")


@router.get(f"/files/photo_avatars/{{look_id}}/{PREVIEW}", include_in_schema=False)
def download_photo_preview(
    look_id: str, request: Request, ctx: Ctx, expires: int = 0, sig: str = ""
) -> Response:
    """A photo look speaking a line, by signed URL; drawn on its first request (a few seconds)."""
    check_link(ctx, _file_path(look_id, PREVIEW), expires, sig)
    key = photo_preview(ctx.db, ctx.blobs, look_id, ctx.settings.scratch_dir)
    if key is None:
        raise ApiError(404, "no such file")
    return blob_response(ctx, request, key, "video/mp4")
