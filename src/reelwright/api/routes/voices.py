"""Voices: v3 and legacy v2 lists."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from reelwright.api.deps import OwnerId
from reelwright.api.listing import all_items
from reelwright.voice.catalogue import VOICES, VoiceInfo

router = APIRouter(tags=["Voices"])


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


@router.get("/v3/voices", summary="List voices")
def list_voices(_owner: OwnerId) -> dict[str, Any]:
    return all_items([_voice(v) for v in VOICES.values()])


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
