"""The library (every video, searchable, paged), a video's own page, its captions, deleting it."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import and_, or_, select

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context, owned
from reelwright.api.pagination import page
from reelwright.api.routes.agents import get_agent
from reelwright.api.routes.videos import MoveVideoRequest, delete_video, get_video, update_video
from reelwright.store.files import video_key
from reelwright.store.models import AgentSession, Video
from reelwright.store.status import (
    FAILED,
    REVIEWING,
    THINKING,
    VIDEO_COMPLETED,
    VIDEO_FAILED,
    VIDEO_UNFINISHED,
    WAITING_FOR_INPUT,
)
from reelwright.web.captions import srt_script, srt_to_vtt
from reelwright.web.pages.common import PageError, User, api_errors_as_pages, check_csrf
from reelwright.web.pages.share import owner_share
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 12


def session_ids(ctx: ApiContext, video_ids: list[str]) -> dict[str, str]:
    """Which session renders each video: its progress lives on the session."""
    if not video_ids:
        return {}
    with ctx.db.session() as s:
        rows = s.execute(select(Video.id, Video.session_id).where(Video.id.in_(video_ids)))
        return {vid: sid for vid, sid in rows if sid}


# The library's state filter: which video statuses each choice shows ("drafts" shows sessions only).
STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("Everything", ()),
    "drafts": ("Drafts waiting for you", ()),
    "ready": ("Ready", (VIDEO_COMPLETED,)),
    "rendering": ("Rendering", VIDEO_UNFINISHED),
    "failed": ("Failed", (VIDEO_FAILED,)),
}
DRAFTS_SHOWN = 24  # the newest sessions listed above the videos; search reaches older ones


def _like(text: str) -> str:
    """A LIKE pattern for ``text`` anywhere, its own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _videos(
    ctx: ApiContext, owner_id: str, statuses: tuple[str, ...], folder: str, title: str, token: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the owner's videos, like ``GET /v2/videos`` but also filtered by status."""
    stmt = select(Video).where(Video.owner_id == owner_id)
    if statuses:
        stmt = stmt.where(Video.status.in_(statuses))
    if folder:
        stmt = stmt.where(Video.folder_id == folder)
    if title:
        stmt = stmt.where(Video.title.ilike(_like(title), escape="\\"))
    with ctx.db.session() as s:
        rows, _, next_token = page(s, stmt, Video.created_at, Video.id, limit=PAGE_SIZE, token=token)
        return [ctx.video_json(v) for v in rows], next_token


def _drafts(ctx: ApiContext, owner_id: str, title: str) -> list[dict[str, Any]]:
    """Sessions with no video yet that wait for the user (a draft to review, a question) or are
    still planning or failed before rendering: without this list, closing the tab lost them."""
    waiting = AgentSession.status.in_((REVIEWING, WAITING_FOR_INPUT))
    no_video = and_(AgentSession.video_id.is_(None), AgentSession.status.in_((THINKING, FAILED)))
    stmt = select(AgentSession).where(AgentSession.owner_id == owner_id, or_(waiting, no_video))
    if title:
        stmt = stmt.where(
            or_(
                AgentSession.title.ilike(_like(title), escape="\\"),
                AgentSession.prompt.ilike(_like(title), escape="\\"),
            )
        )
    stmt = stmt.order_by(AgentSession.updated_at.desc(), AgentSession.id.desc()).limit(DRAFTS_SHOWN)
    with ctx.db.session() as s:
        return [
            {
                "session_id": r.id,
                "title": r.title or _excerpt(r.prompt),
                "status": r.status,
                "updated_at": r.updated_at,
                "video_id": r.video_id,
            }
            for r in s.scalars(stmt)
        ]


def _excerpt(prompt: str, words: int = 12) -> str:
    said = prompt.split()
    return " ".join(said[:words]) + ("…" if len(said) > words else "")


def owner_folders(ctx: ApiContext, owner_id: str) -> list[str]:
    with ctx.db.session() as s:
        stmt = select(Video.folder_id).where(Video.owner_id == owner_id, Video.folder_id.is_not(None))
        return sorted({f for f in s.scalars(stmt.distinct()) if f})


def _href(params: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"/videos?{query}" if query else "/videos"


@router.get("/videos", response_class=HTMLResponse)
def library(
    request: Request,
    user: User,
    title: Annotated[str, Query(max_length=300)] = "",
    token: Annotated[str | None, Query(max_length=200)] = None,
    notice: Annotated[str, Query(max_length=40)] = "",
    state: Annotated[str, Query(max_length=20)] = "",
    folder: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    ctx = get_context(request)
    if state not in STATES:
        raise PageError(400, f"Unknown state {state!r}: choose one of the library's filters.")
    query = title.strip()
    videos: list[dict[str, Any]] = []
    next_token = None
    if state != "drafts":
        with api_errors_as_pages():
            videos, next_token = _videos(ctx, user.owner_id, STATES[state][1], folder, query, token)
    # Drafts have no folder yet, and belong on the first page only.
    show_drafts = state in ("", "drafts") and not folder and not token
    running = [v["id"] for v in videos if v["status"] in VIDEO_UNFINISHED]
    filters = {k: v for k, v in (("title", query), ("state", state), ("folder", folder)) if v}
    return render(
        request,
        "library.html",
        user=user,
        title="Library",
        videos=videos,
        drafts=_drafts(ctx, user.owner_id, query) if show_drafts else [],
        sessions=session_ids(ctx, running),
        query=title,
        state=state,
        states=STATES,
        folder=folder,
        folders=owner_folders(ctx, user.owner_id),
        filtered=bool(filters),
        state_links=[(key, label, _href({**filters, "state": key})) for key, (label, _) in STATES.items()],
        newest_href=_href(filters),
        older_href=_href({**filters, "token": next_token or ""}),
        token=token,
        next_token=next_token,  # None on the last page
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
def video_page(
    request: Request, video_id: str, user: User, notice: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages():
        video: dict[str, Any] = get_video(video_id, user.owner_id, ctx)["data"]
        session_id = session_ids(ctx, [video_id]).get(video_id)
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
        share=owner_share(ctx, video_id, user.owner_id) if video["status"] == "completed" else None,
        folders=owner_folders(ctx, user.owner_id),
        notice={"moved": "Moved."}.get(notice),
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


@router.post("/videos/{video_id}/folder")
def move(
    request: Request,
    video_id: str,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    folder_id: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Into a folder (a new name makes one), or out of any (empty); through the API's move."""
    check_csrf(user, csrf_token)
    try:
        body = MoveVideoRequest(folder_id=folder_id.strip() or None)
    except ValidationError:
        raise PageError(400, "Folder: at most 64 characters.") from None
    with api_errors_as_pages():
        update_video(video_id, body, user.owner_id, get_context(request))
    return RedirectResponse(f"/videos/{video_id}?notice=moved", status_code=303)


@router.post("/videos/{video_id}/delete")
def delete(
    request: Request, video_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        delete_video(video_id, user.owner_id, get_context(request))
    return RedirectResponse("/videos?notice=deleted", status_code=303)
