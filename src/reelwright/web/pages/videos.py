"""The library (every video, searchable, paged), a video's own page, its captions, deleting it."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context, owned
from reelwright.api.routes.agents import get_agent
from reelwright.api.routes.videos import delete_video, get_video, list_videos
from reelwright.store.files import video_key
from reelwright.store.models import Video
from reelwright.web.captions import srt_script, srt_to_vtt
from reelwright.web.pages.common import User, api_errors_as_pages, check_csrf
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 12


def _session_ids(ctx: ApiContext, video_ids: list[str]) -> dict[str, str]:
    """Which session renders each video: its progress lives on the session."""
    if not video_ids:
        return {}
    with ctx.db.session() as s:
        rows = s.execute(select(Video.id, Video.session_id).where(Video.id.in_(video_ids)))
        return {vid: sid for vid, sid in rows if sid}


@router.get("/videos", response_class=HTMLResponse)
def library(
    request: Request,
    user: User,
    title: Annotated[str, Query(max_length=300)] = "",
    token: Annotated[str | None, Query(max_length=200)] = None,
    notice: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages():
        listing = list_videos(
            ctx, user.owner_id, limit=PAGE_SIZE, token=token, folder_id=None, title=title.strip() or None
        )
    videos: list[dict[str, Any]] = listing["data"]
    running = [v["id"] for v in videos if v["status"] in ("pending", "processing")]
    return render(
        request,
        "library.html",
        user=user,
        title="Library",
        videos=videos,
        sessions=_session_ids(ctx, running),
        query=title,
        token=token,
        next_token=listing["next_token"],  # None on the last page
        notice={"deleted": "The video was deleted."}.get(notice),
    )


def _storyboard(ctx: ApiContext, video_id: str) -> dict[str, Any] | None:
    data = ctx.blobs.read_bytes(f"{video_key(video_id)}/storyboard.json")
    if data is None:
        return None
    try:
        board = json.loads(data.decode("utf-8"))
    except ValueError:
        return None
    return board if isinstance(board, dict) else None


def _srt(ctx: ApiContext, video_id: str) -> str | None:
    data = ctx.blobs.read_bytes(f"{video_key(video_id)}/video.srt")
    return data.decode("utf-8", "replace") if data is not None else None


@router.get("/videos/{video_id}", response_class=HTMLResponse)
def video_page(request: Request, video_id: str, user: User) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages():
        video: dict[str, Any] = get_video(video_id, user.owner_id, ctx)["data"]
        session_id = _session_ids(ctx, [video_id]).get(video_id)
        session = get_agent(session_id, user.owner_id, ctx)["data"] if session_id else None
    board = _storyboard(ctx, video_id) if video["status"] == "completed" else None
    srt = _srt(ctx, video_id) if video["status"] == "completed" and board is None else None
    downloads = [
        ("MP4", video["video_url"], "video.mp4"),
        ("MP4 with captions", video["captioned_video_url"], "video.captioned.mp4"),
        ("Captions (SRT)", video["subtitle_url"], "video.srt"),
        ("GIF preview", video["gif_url"], "video.gif"),
        ("Thumbnail (JPEG)", video["thumbnail_url"], "video.jpg"),
    ]
    return render(
        request,
        "video.html",
        user=user,
        title=video["title"] or "Untitled video",
        video=video,
        session=session,
        messages=list(reversed(session["messages"])) if session else [],
        downloads=[d for d in downloads if d[1]],
        board=board,
        script=srt_script(srt) if srt else None,
    )


@router.get("/videos/{video_id}/captions.vtt")
def captions(request: Request, video_id: str, user: User) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages(), ctx.db.session() as s:
        owned(s, Video, video_id, user.owner_id, "video")
    srt = _srt(ctx, video_id)
    if srt is None:
        return Response("WEBVTT\n\n", media_type="text/vtt", status_code=404)
    return Response(srt_to_vtt(srt), media_type="text/vtt", headers={"Cache-Control": "private, max-age=300"})


@router.post("/videos/{video_id}/delete")
def delete(
    request: Request, video_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        delete_video(video_id, user.owner_id, get_context(request))
    return RedirectResponse("/videos?notice=deleted", status_code=303)
