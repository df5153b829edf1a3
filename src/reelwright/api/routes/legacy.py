"""Legacy v1 Video Agent: generate, and the video status that HeyGen's older clients poll."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import failure_number
from reelwright.api.schemas import AssetFile, LegacyGenerateRequest
from reelwright.api.sessions import create_session, video_request
from reelwright.store.models import AgentSession, Video

router = APIRouter(prefix="/v1", tags=["Legacy v1"])


@router.post("/video_agent/generate", summary="Create a video from a prompt (legacy)")
def generate(body: LegacyGenerateRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    config = body.config
    request = video_request(
        prompt=body.prompt,
        api="v1",
        avatar=config.avatar_id if config else None,
        duration=config.duration_sec if config else None,
        orientation=config.orientation if config else None,
    )
    created = create_session(
        ctx,
        owner_id,
        request,
        files=[AssetFile(type="asset_id", asset_id=f.asset_id) for f in body.files],
        callback_url=body.callback_url,
        callback_id=body.callback_id,
        with_video=True,
    )
    return {"error": None, "data": {"video_id": created.video_id}}


@router.get("/video_status.get", summary="Get a video's status (legacy)")
def video_status(
    video_id: Annotated[str, Query(min_length=1)], owner_id: OwnerId, ctx: Ctx
) -> dict[str, Any]:
    with ctx.db.session() as s:
        video = owned(s, Video, video_id, owner_id, "video")
        sess = s.get(AgentSession, video.session_id) if video.session_id else None
        urls = ctx.video_urls(video)
        # HeyGen's typed clients declare error.code an integer; our readable code rides along.
        error = (
            {
                "code": failure_number(video.failure_code),
                "message": video.failure_message or "",
                "detail": video.failure_message or "",
                "failure_code": video.failure_code,
            }
            if video.status == "failed"
            else None
        )
        return {
            "code": 100,
            "message": "Success",
            "data": {
                "id": video.id,
                "status": video.status,
                "video_url": urls["video_url"],
                "video_url_caption": urls["captioned_video_url"],
                "caption_url": urls["subtitle_url"],
                "thumbnail_url": urls["thumbnail_url"],
                "gif_url": urls["gif_url"],
                "video_page_url": urls["video_page_url"],
                "duration": video.duration,
                "callback_id": sess.callback_id if sess else None,
                "created_at": video.created_at,
                "error": error,
            },
        }
