"""Voices: v3 and legacy v2 lists, each voice with a preview the product renders itself."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from reelwright.api.catalogue_pages import list_page
from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.errors import ApiError
from reelwright.api.previews import preview_url
from reelwright.plan.language import language_name
from reelwright.voice.catalogue import VOICES, VoiceInfo, speaks

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


# HeyGen's own default speech engine: every HeyGen voice speaks with it, so a client asking for
# "starfish" voices (the official n8n node's default) means "voices with their usual engine", which
# is every voice here. Any other engine name must be one of ours.
HEYGEN_DEFAULT_ENGINE = "starfish"


def _speaks(v: VoiceInfo, language: str) -> bool:
    """``en``, ``en-US`` or a language's English name (``English``, ``German``)."""
    wanted = language.strip().lower()
    return speaks(v, wanted) or wanted == language_name(v.language).lower()


@router.get("/v3/voices", summary="List voices (filtered, in cursor pages)")
def list_voices(
    ctx: Ctx,
    _owner: OwnerId,
    language: Annotated[
        str | None, Query(max_length=64, description="a language tag (en, pt-BR) or name (English)")
    ] = None,
    gender: Annotated[Literal["female", "male"] | None, Query()] = None,
    type: Annotated[
        Literal["public", "private"] | None,
        Query(description="public: the shipped voices; private: your own (none on this server)"),
    ] = None,
    engine: Annotated[
        str | None, Query(max_length=64, description="piper or espeak (HeyGen's starfish: any)")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=100, description="page size; all when omitted")] = None,
    token: Annotated[str | None, Query(max_length=512)] = None,
) -> dict[str, Any]:
    engines = sorted({v.engine for v in VOICES.values()})
    if engine is not None and engine != HEYGEN_DEFAULT_ENGINE and engine not in engines:
        raise ApiError(400, f"engine must be one of {', '.join(engines)}", param="engine")
    voices = [
        v
        for v in VOICES.values()
        if (language is None or _speaks(v, language))
        and (gender is None or v.gender == gender)
        and type != "private"  # no cloned or uploaded voices exist on this server
        and (engine in (None, HEYGEN_DEFAULT_ENGINE) or v.engine == engine)
    ]
    return list_page([_voice(ctx, v) for v in voices], _voice_id, limit=limit, token=token)


def _voice_id(item: dict[str, Any]) -> str:
    return str(item["voice_id"])


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
