"""Script videos: HeyGen's ``POST /v2/video/generate`` and v3 ``POST /v3/videos``.

Both record an agent session whose storyboard is already written (see :mod:`..script_video`), so
the worker renders it through the same durable queue, limits, status, lists and webhooks
(``avatar_video.success`` / ``avatar_video.fail`` to the callback URL) as every other video.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.errors import ApiError
from reelwright.api.fetch_slots import off_request_pool
from reelwright.api.script_video import (
    AvatarCharacter,
    CreateVideoRequest,
    ScriptVideoRequest,
    TalkingPhotoCharacter,
    TextVoice,
    VideoInput,
    build_storyboard,
    named_for_scene,
    plan_script,
    v3_inputs,
    v3_size,
)
from reelwright.api.sessions import NewSession, create_session, video_request
from reelwright.avatar.photo_looks import owns_photo_look
from reelwright.storyboard import Storyboard

router = APIRouter(tags=["Script videos"])

MAX_PROMPT = 10_000  # the session keeps the script as its prompt (for lists and the web app)


def _owned_photos(ctx: ApiContext, owner_id: str, inputs: Sequence[VideoInput]) -> set[str]:
    ids = set()
    for item in inputs:
        ch = item.character
        if isinstance(ch, AvatarCharacter):
            ids.add(ch.avatar_id)
        elif isinstance(ch, TalkingPhotoCharacter):
            ids.add(ch.talking_photo_id)
    return {i for i in ids if owns_photo_look(ctx.db, owner_id, i)}


def _script_text(inputs: Sequence[VideoInput], title: str) -> str:
    said = "\n\n".join(i.voice.input_text for i in inputs if i.voice.type == "text")
    return (said or title)[:MAX_PROMPT]


def _create(
    ctx: ApiContext,
    owner_id: str,
    inputs: list[VideoInput],
    *,
    title: str | None,
    size: tuple[int, int] | None,
    size_param: str,
    caption: bool,
    callback_url: str | None,
    callback_id: str | None,
    folder_id: str | None,
    test: bool,
) -> tuple[NewSession, list[str]]:
    plan = plan_script(inputs, owns_photo=_owned_photos(ctx, owner_id, inputs), test=test)
    name = title or "Script video"

    def storyboard(paths: list[Path]) -> Storyboard:
        return build_storyboard(
            inputs, plan, paths, title=name, size=size, size_param=size_param, caption=caption
        )

    # Each scene's text was checked against its own voice; the session's prompt (the whole
    # script) names a voice only when every scene has the same one.
    voices = {i.voice.voice_id for i in inputs if isinstance(i.voice, TextVoice)}
    request = video_request(
        prompt=_script_text(inputs, name),
        avatar=plan.avatar,
        no_avatar=plan.avatar is None,
        voice=plan.voice if len(voices) <= 1 else None,
        title=name[:100],
        api="script",
    )
    try:
        created = create_session(
            ctx,
            owner_id,
            request,
            files=plan.files,
            callback_url=callback_url,
            callback_id=callback_id,
            with_video=True,
            storyboard=storyboard,
            folder_id=folder_id,
        )
    except ApiError as exc:
        raise named_for_scene(exc, plan) from None
    return created, plan.notes


@router.post("/v2/video/generate", summary="Create a script video, one scene per input (HeyGen v2)")
async def generate_v2(body: ScriptVideoRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    # It may download backgrounds and recordings for a while: off the request threadpool.
    return await off_request_pool(_generate_v2, body, owner_id, ctx)


def _generate_v2(body: ScriptVideoRequest, owner_id: str, ctx: ApiContext) -> dict[str, Any]:
    size = (body.dimension.width, body.dimension.height) if body.dimension is not None else None
    created, notes = _create(
        ctx,
        owner_id,
        body.video_inputs,
        title=body.title,
        size=size,
        size_param="dimension",
        caption=body.caption,
        callback_url=body.callback_url,
        callback_id=body.callback_id,
        folder_id=body.folder_id,
        test=body.test,
    )
    data: dict[str, Any] = {"video_id": created.video_id}
    if notes:
        data["notes"] = notes
    return {"error": None, "data": data}


@router.post("/v3/videos", summary="Create an avatar video from a script (HeyGen v3)")
async def create_video_v3(body: CreateVideoRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    return await off_request_pool(_create_v3, body, owner_id, ctx)


def _create_v3(body: CreateVideoRequest, owner_id: str, ctx: ApiContext) -> dict[str, Any]:
    created, notes = _create(
        ctx,
        owner_id,
        v3_inputs(body),
        title=body.title,
        size=v3_size(body.aspect_ratio, body.resolution),
        size_param="resolution",
        caption=False,
        callback_url=body.callback_url,
        callback_id=body.callback_id,
        folder_id=None,
        test=body.test,
    )
    settings = body.voice_settings
    if settings is not None and settings.volume != 1.0:
        notes.append("voice_settings.volume: narration is loudness-normalised; volume is not applied")
    data: dict[str, Any] = {
        "video_id": created.video_id,
        "status": "pending",
        "created_at": created.created_at,
    }
    if notes:
        data["notes"] = notes
    return {"data": data}
