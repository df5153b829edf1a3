"""``POST /v3/voices/speech``: text -> an audio file with word timings, from the same voices and
the same pause markers as a video's narration.

The audio is stored as one of the caller's assets, so ``request_id`` is an ``asset_id`` that works
wherever assets do (a request's ``files``, ``/v3/assets/{id}``, ``/v1/asset/list``), and
``audio_url`` is the asset's signed link.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from reelwright.api.assets_service import store_asset
from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.errors import ApiError
from reelwright.errors import InputError
from reelwright.plan.language import language_name
from reelwright.voice.catalogue import get_voice, speaks
from reelwright.voice.narrate import MAX_SPEED, MIN_SPEED, narrate

router = APIRouter(tags=["Voices"])

_CHUNK = 1024 * 1024
# In SSML input only <break time="..."/> means something here (narrate turns it into silence);
# every other tag is dropped and its text spoken.
_NON_BREAK_TAG = re.compile(r"<(?!break\b)[^>]*>", re.IGNORECASE)


class SpeechRequest(BaseModel):
    text: str = Field(min_length=1, max_length=5000, description='may hold [pause 1s] or <break time="1s"/>')
    voice_id: str = Field(min_length=1, max_length=64)
    input_type: Literal["text", "ssml"] = "text"
    speed: float = Field(default=1.0, ge=MIN_SPEED, le=MAX_SPEED)
    language: str | None = Field(default=None, max_length=35, description="checked against the voice")
    locale: str | None = Field(default=None, max_length=35, description="checked against the voice")


async def _file_chunks(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            yield chunk


@router.post("/v3/voices/speech", summary="Speak text with a voice: an audio file and word timings")
async def speech(body: SpeechRequest, ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    try:
        voice = get_voice(body.voice_id)
    except InputError as exc:
        raise ApiError(400, str(exc), param="voice_id") from None
    for field in ("language", "locale"):
        wanted = getattr(body, field)
        if wanted and not speaks(voice, wanted):
            raise ApiError(
                400,
                f"voice {voice.id!r} speaks {language_name(voice.language)}, not {wanted!r}",
                param=field,
            )
    text = _NON_BREAK_TAG.sub("", body.text) if body.input_type == "ssml" else body.text
    scratch = ctx.settings.scratch_dir
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="speech-") as tmp:
        wav = Path(tmp) / "speech.wav"
        try:
            # Synthesis takes CPU seconds: off the event loop.
            audio = await run_in_threadpool(narrate, text, voice.id, wav, speed=body.speed)
        except InputError as exc:
            raise ApiError(400, str(exc), param="text") from None
        asset = await store_asset(ctx, owner_id, _file_chunks(wav), "speech.wav", "text")
    return {
        "data": {
            "request_id": asset.id,
            "audio_url": ctx.asset_url(asset),
            "duration": round(audio.duration, 3),
            "word_timestamps": [{"word": w.word, "start": w.start, "end": w.end} for w in audio.words],
            "voice_id": voice.id,
            "mime_type": asset.mime_type,
        }
    }
