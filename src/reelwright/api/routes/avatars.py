"""Presenters: v3 looks and groups, legacy v2 avatars."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from reelwright.api.deps import OwnerId
from reelwright.api.listing import all_items
from reelwright.avatar.catalogue import AVATARS, AvatarInfo

router = APIRouter(tags=["Avatars"])


def _look(a: AvatarInfo) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "avatar_type": "studio_avatar",
        "group_id": a.id,
        "gender": a.gender,
        "preview_image_url": None,
        "preview_video_url": None,
        "default_voice_id": a.default_voice,
        "preferred_orientation": a.preferred_orientation,
        "tags": list(a.tags),
    }


@router.get("/v3/avatars/looks", summary="List presenter looks (the id is the avatar_id)")
def list_looks(_owner: OwnerId) -> dict[str, Any]:
    return all_items([_look(a) for a in AVATARS.values()])


@router.get("/v3/avatars", summary="List presenter groups")
def list_avatar_groups(_owner: OwnerId) -> dict[str, Any]:
    return all_items(
        [
            {
                "group_id": a.id,
                "name": a.name,
                "gender": a.gender,
                "preview_image_url": None,
                "looks_count": 1,
                "default_look_id": a.id,
                "tags": list(a.tags),
            }
            for a in AVATARS.values()
        ]
    )


@router.get("/v2/avatars", summary="List avatars (legacy)")
def list_avatars_v2(_owner: OwnerId) -> dict[str, Any]:
    avatars = [
        {
            "avatar_id": a.id,
            "avatar_name": a.name,
            "gender": a.gender,
            "preview_image_url": None,
            "preview_video_url": None,
            "premium": False,
            "type": None,
            "tags": list(a.tags),
            "default_voice_id": a.default_voice,
        }
        for a in AVATARS.values()
    ]
    return {"error": None, "data": {"avatars": avatars, "talking_photos": []}}
