"""Voices: v3 and legacy v2 lists, each voice with a preview the product renders itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.listing import all_items
from reelwright.api.previews import preview_url
from reelwright.voice.catalogue import VOICES, VoiceInfo

router = APIRouter(tags=["Voices"])


def _preview(ctx: ApiContext, v: VoiceInfo) -> str:
    return preview_url(ctx, "voice", v.id, "audio.mp3")


def _voice(ctx: ApiContext, v: VoiceInfo) -> dict[str, Any]:
    return {
        "voice_id": v.id,
        "name": v.name,
        "language": v.language,
        "gender": v.gender,
        "type": "public",
        "engine": v.engine,
        # "natural" (neural) or "robotic" (eSpeak NG formant synthesis): said plainly, so nobody
        # picks a robotic voice by accident.
        "quality": v.quality,
        "description": v.description,
        "preview_audio_url": _preview(ctx, v),
        "support_pause": v.support_pause,
        "support_locale": False,
    }


@router.get("/v3/voices", summary="List voices")
def list_voices(ctx: Ctx, _owner: OwnerId) -> dict[str, Any]:
    return all_items([_voice(ctx, v) for v in VOICES.values()])


@router.get("/v2/voices", summary="List voices (legacy)")
def list_voices_v2(ctx: Ctx, _owner: OwnerId) -> dict[str, Any]:
    voices = [
        {
            "voice_id": v.id,
            "language": v.language,
            "gender": v.gender,
            "name": v.name,
            "preview_audio": _preview(ctx, v),
            "support_pause": v.support_pause,
            "emotion_support": False,
            "support_interactive_avatar": False,
            "support_locale": False,
        }
        for v in VOICES.values()
    ]
    return {"error": None, "data": {"voices": voices}}
