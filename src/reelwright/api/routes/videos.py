"""v3 videos: get, list with cursor pagination and filters, delete with their files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.api.pagination import list_envelope, page
from reelwright.store.files import video_key
from reelwright.store.models import Video

router = APIRouter(prefix="/v3/videos", tags=["Videos"])


@router.get("", summary="List videos, newest first")
def list_videos(
    ctx: Ctx,
    owner_id: OwnerId,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    token: str | None = None,
    folder_id: Annotated[str | None, Query(max_length=64)] = None,
    title: Annotated[str | None, Query(max_length=300, description="substring, case-insensitive")] = None,
) -> dict[str, Any]:
    stmt = select(Video).where(Video.owner_id == owner_id)
    if folder_id is not None:
        stmt = stmt.where(Video.folder_id == folder_id)
    if title:
        escaped = title.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Video.title.ilike(f"%{escaped}%", escape="\\"))
    with ctx.db.session() as s:
        rows, has_more, next_token = page(s, stmt, Video.created_at, Video.id, limit=limit, token=token)
        items = [ctx.video_json(v) for v in rows]
    return list_envelope(items, has_more, next_token)


@router.get("/{video_id}", summary="Get a video's status and download URLs")
def get_video(video_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        return {"data": ctx.video_json(owned(s, Video, video_id, owner_id, "video"))}


class MoveVideoRequest(BaseModel):
    folder_id: str | None = Field(max_length=64, description="the folder to put the video in; null: none")


@router.patch("/{video_id}", summary="Move a video into a folder (folder_id), or out of any (null)")
def update_video(video_id: str, body: MoveVideoRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        video = owned(s, Video, video_id, owner_id, "video")
        video.folder_id = (body.folder_id or "").strip() or None
        s.flush()
        return {"data": ctx.video_json(video)}


@router.delete("/{video_id}", summary="Delete a video and its files")
def delete_video(video_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        video = owned(s, Video, video_id, owner_id, "video")
        if video.status in ("pending", "processing"):
            raise ApiError(409, "the video is still rendering; delete it once it has finished")
        s.delete(video)
    ctx.blobs.delete_prefix(video_key(video_id))
    return {"data": {"id": video_id, "deleted": True}}
