"""Share links: a public, unguessable, revocable page for one finished video.

``POST /v3/videos/{video_id}/share`` hands out the video's link (the same one until it is revoked,
so a repeat does not scatter links), ``GET`` shows it, ``DELETE`` revokes it: the page, its embed
and its media then answer 404. The page itself is served by the web app (``/share/{token}``).
"""

from __future__ import annotations

import secrets
from html import escape
from typing import Any, Final

from fastapi import APIRouter
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.store.models import Video, VideoShare, now
from reelwright.store.status import VIDEO_COMPLETED

router = APIRouter(prefix="/v3/videos", tags=["Videos"])

SHARE_PATH: Final = "/share"
TOKEN_BYTES: Final = 24  # 192 random bits, 32 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def active_share(s: Session, video_id: str) -> VideoShare | None:
    return s.scalars(
        select(VideoShare)
        .where(VideoShare.video_id == video_id, VideoShare.revoked_at.is_(None))
        .order_by(VideoShare.id.desc())
    ).first()


def share_json(ctx: ApiContext, share: VideoShare, title: str | None) -> dict[str, Any]:
    url = f"{ctx.settings.public_base}{SHARE_PATH}/{share.token}"
    label = escape(title or "Video", quote=True)
    embed = (
        f'<iframe src="{url}/embed" width="640" height="360" title="{label}" '
        'style="border:0;max-width:100%;aspect-ratio:16/9;height:auto" '
        'allow="fullscreen; picture-in-picture" allowfullscreen loading="lazy"></iframe>'
    )
    return {
        "video_id": share.video_id,
        "share_url": url,
        "embed_html": embed,
        "created_at": share.created_at,
    }


@router.post("/{video_id}/share", summary="Share a finished video: a public link and an embed snippet")
def share_video(
    video_id: str, owner_id: OwnerId, ctx: Ctx, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    with ctx.db.session() as s:
        video = owned(s, Video, video_id, owner_id, "video")
        if video.status != VIDEO_COMPLETED:
            raise ApiError(409, f"the video is {video.status}; share it once it has completed")
        share = active_share(s, video_id)
        if share is None:
            share = VideoShare(owner_id=owner_id, video_id=video_id, token=new_token())
            s.add(share)
            s.flush()
        return {"data": share_json(ctx, share, video.title)}


@router.get("/{video_id}/share", summary="A video's share link, if it has one")
def get_share(video_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        video = owned(s, Video, video_id, owner_id, "video")
        share = active_share(s, video_id)
        if share is None:
            raise ApiError(404, "this video is not shared")
        return {"data": share_json(ctx, share, video.title)}


@router.delete("/{video_id}/share", summary="Revoke a video's share link (its page then answers 404)")
def revoke_share(video_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        owned(s, Video, video_id, owner_id, "video")
        revoked = s.execute(
            update(VideoShare)
            .where(VideoShare.video_id == video_id, VideoShare.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        if not revoked.rowcount:  # type: ignore[attr-defined]
            raise ApiError(404, "this video is not shared")
    return {"data": {"video_id": video_id, "revoked": True}}
