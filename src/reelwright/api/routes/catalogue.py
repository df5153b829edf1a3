"""Presenters, voices and the account: v3 lists, legacy v2 lists and ``/v3/users/me``.

Preview media (images, clips, audio) come with the presenter and voice work; until then their URLs
are null rather than pointing at nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from reelwright.api.deps import Ctx, OwnerId
from reelwright.avatar.catalogue import AVATARS, AvatarInfo
from reelwright.jobs.runner import ACTIVE
from reelwright.store.models import AgentSession, Owner, Video
from reelwright.voice.catalogue import VOICES, VoiceInfo

router = APIRouter(tags=["Avatars, voices, account"])


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


def _voice(v: VoiceInfo) -> dict[str, Any]:
    return {
        "voice_id": v.id,
        "name": v.name,
        "language": v.language,
        "gender": v.gender,
        "type": "public",
        "engine": v.engine,
        "quality": v.quality,
        "preview_audio_url": None,
        "support_pause": v.support_pause,
        "support_locale": False,
    }


def _all(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": items, "has_more": False, "next_token": None}


@router.get("/v3/avatars/looks", summary="List presenter looks (the id is the avatar_id)")
def list_looks(_owner: OwnerId) -> dict[str, Any]:
    return _all([_look(a) for a in AVATARS.values()])


@router.get("/v3/avatars", summary="List presenter groups")
def list_avatar_groups(_owner: OwnerId) -> dict[str, Any]:
    return _all(
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


@router.get("/v3/voices", summary="List voices")
def list_voices(_owner: OwnerId) -> dict[str, Any]:
    return _all([_voice(v) for v in VOICES.values()])


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


@router.get("/v2/voices", summary="List voices (legacy)")
def list_voices_v2(_owner: OwnerId) -> dict[str, Any]:
    voices = [
        {
            "voice_id": v.id,
            "language": v.language,
            "gender": v.gender,
            "name": v.name,
            "preview_audio": None,
            "support_pause": v.support_pause,
            "emotion_support": False,
            "support_interactive_avatar": False,
            "support_locale": False,
        }
        for v in VOICES.values()
    ]
    return {"error": None, "data": {"voices": voices}}


@router.get("/v3/users/me", summary="Who this key belongs to and what it may still use")
def users_me(owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        owner = s.get(Owner, owner_id)
        assert owner is not None
        running = s.scalar(
            select(func.count())
            .select_from(AgentSession)
            .where(AgentSession.owner_id == owner_id, AgentSession.status.in_(ACTIVE))
        )
        videos = s.scalar(select(func.count()).select_from(Video).where(Video.owner_id == owner_id))
    limit = ctx.settings.max_concurrent_jobs
    return {
        "data": {
            "user_id": owner.id,
            "username": owner.name,
            "created_at": owner.created_at,
            "videos": videos or 0,
            "concurrent_jobs": {
                "limit": limit,
                "running": running or 0,
                "available": max(0, limit - (running or 0)),
            },
            # Self-hosted: rendering costs no credits, only machine time.
            "remaining_quota": None,
        }
    }
