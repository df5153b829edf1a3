"""Share links in the web app: the owner's buttons on a video's page (create, revoke), and the
public pages: ``/share/{token}`` (the video, its title and captions, link-preview tags),
``/share/{token}/embed`` (the player alone, for an iframe) and the media they play.

The public pages need no sign-in and set no cookies: the token in the path is the credential,
checked on every request, so a revoked link's page and media answer 404 at once. Nothing of the
account is shown or linked.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.api.downloads import blob_response
from reelwright.api.errors import ApiError
from reelwright.api.routes.shares import SHARE_PATH, get_share, revoke_share, share_video
from reelwright.store.files import STORYBOARD_FILE, VIDEO_STEM, video_file_key
from reelwright.store.models import Video, VideoShare
from reelwright.store.status import VIDEO_COMPLETED
from reelwright.web.captions import srt_to_vtt
from reelwright.web.pages.common import User, api_errors_as_pages, check_csrf
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)

_TOKEN = re.compile(r"[A-Za-z0-9_\-]{20,64}")
GONE: Final = "This link does not exist, or the video is no longer shared."
# Media stays in no cache without asking: a revoked link must stop playing on the next request.
MEDIA_CACHE: Final = "no-cache"
# A presigned URL cannot be revoked: a revoked link's media stops at the next request to this
# page, but a URL already handed out keeps working until it expires. Short, yet long enough for a
# player to keep seeking in a video of a few minutes.
SHARE_PRESIGN_SECONDS: Final = 15 * 60
MEDIA: Final = {
    "video.mp4": (f"{VIDEO_STEM}.mp4", "video/mp4"),
    "thumbnail.jpg": (f"{VIDEO_STEM}.jpg", "image/jpeg"),
}


class ShareGone(Exception):
    """A share link that does not exist or was revoked: a 404 page that says no more than that."""


async def share_gone(request: Request, _exc: Exception) -> Response:
    return render(
        request, "error.html", user=None, status_code=404, title="Not found", message=GONE, public=True
    )


def _shared_video(ctx: ApiContext, token: str) -> Video:
    """The video an active link shares, else :class:`ShareGone`."""
    if not _TOKEN.fullmatch(token):
        raise ShareGone
    with ctx.db.session() as s:
        video = s.scalars(
            select(Video)
            .join(VideoShare, VideoShare.video_id == Video.id)
            .where(VideoShare.token == token, VideoShare.revoked_at.is_(None))
        ).first()
        if video is None or video.status != VIDEO_COMPLETED:
            raise ShareGone
        s.expunge(video)
        return video


def _board(ctx: ApiContext, video_id: str) -> dict[str, Any]:
    data = ctx.blobs.read_bytes(video_file_key(video_id, STORYBOARD_FILE))
    try:
        board = json.loads(data) if data else {}
    except ValueError:
        return {}
    return board if isinstance(board, dict) else {}


def _page(request: Request, token: str, *, embed: bool) -> Response:
    ctx = get_context(request)
    video = _shared_video(ctx, token)
    board = _board(ctx, video.id)
    base = f"{SHARE_PATH}/{token}"
    response = render(
        request,
        "share.html",
        user=None,
        title=video.title or "Video",
        embed=embed,
        base=base,
        page_url=f"{ctx.settings.public_base}{base}",
        duration=video.duration,
        lang=str(board.get("language") or "en").split("-")[0],
        width=board.get("width"),
        height=board.get("height"),
    )
    # Link previews and other sites may read and frame it; it still shows only this video.
    response.headers["Referrer-Policy"] = "no-referrer"
    if embed:
        del response.headers["X-Frame-Options"]
        csp = response.headers["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = csp.replace(
            "frame-ancestors 'none'", "frame-ancestors *"
        )
    return response


def owner_share(ctx: ApiContext, video_id: str, owner_id: str) -> dict[str, Any] | None:
    """The video's live share link as its owner's page shows it, or None."""
    try:
        data: dict[str, Any] = get_share(video_id, owner_id, ctx)["data"]
    except ApiError:
        return None
    return data


@router.post("/videos/{video_id}/share")
def create_link(
    request: Request, video_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        share_video(video_id, user.owner_id, get_context(request))
    return RedirectResponse(f"/videos/{video_id}#share", status_code=303)


@router.post("/videos/{video_id}/share/revoke")
def revoke_link(
    request: Request, video_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        revoke_share(video_id, user.owner_id, get_context(request))
    return RedirectResponse(f"/videos/{video_id}#share", status_code=303)


@router.get(SHARE_PATH + "/{token}", response_class=HTMLResponse)
def share_page(request: Request, token: str) -> Response:
    return _page(request, token, embed=False)


@router.get(SHARE_PATH + "/{token}/embed", response_class=HTMLResponse)
def share_embed(request: Request, token: str) -> Response:
    return _page(request, token, embed=True)


@router.get(SHARE_PATH + "/{token}/captions.vtt")
def share_captions(request: Request, token: str) -> Response:
    ctx = get_context(request)
    video = _shared_video(ctx, token)
    srt = ctx.blobs.read_bytes(video_file_key(video.id, f"{VIDEO_STEM}.srt"))
    if srt is None:
        raise ShareGone
    vtt = srt_to_vtt(srt.decode("utf-8", errors="replace"))
    return Response(vtt, media_type="text/vtt", headers={"Cache-Control": MEDIA_CACHE})


@router.get(SHARE_PATH + "/{token}/{name}")
def share_media(request: Request, token: str, name: str) -> Response:
    if name not in MEDIA:
        raise ShareGone
    ctx = get_context(request)
    video = _shared_video(ctx, token)
    stored, media_type = MEDIA[name]
    # From this node's disk, streamed from the store, or a redirect to a short-lived presigned
    # URL; Range requests are answered either way, so the player can seek.
    try:
        response = blob_response(
            ctx, request, video_file_key(video.id, stored), media_type, ttl=SHARE_PRESIGN_SECONDS
        )
    except ApiError:
        raise ShareGone from None
    response.headers["Cache-Control"] = MEDIA_CACHE
    return response
