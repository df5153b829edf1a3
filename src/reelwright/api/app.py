"""The API application: auth, error envelopes, request ids, and the v3 agent and video routes."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelwright.api.errors import ApiError, api_error_handler, http_handler, validation_handler
from reelwright.api.signing import signed_url, verify
from reelwright.avatar.catalogue import AVATARS
from reelwright.config import Settings
from reelwright.jobs.runner import ACTIVE, database, video_dir
from reelwright.store.db import Database, migrate
from reelwright.store.keys import owner_for_key
from reelwright.store.models import AgentSession, Video
from reelwright.store.secrets_store import server_secret
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

log = logging.getLogger("reelwright.api")

# Files a finished video has, as (URL field, file name, media type).
VIDEO_FILES = {
    "video.mp4": "video/mp4",
    "video.captioned.mp4": "video/mp4",
    "video.srt": "application/x-subrip",
    "video.jpg": "image/jpeg",
    "video.gif": "image/gif",
}


class CreateAgentRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=10_000)
    avatar_id: str | None = None
    voice_id: str | None = None
    style_id: str | None = None
    orientation: Literal["landscape", "portrait"] | None = None
    duration_sec: int | None = Field(default=None, ge=5, le=600)
    files: list[dict[str, Any]] = Field(default_factory=list, max_length=20)
    callback_url: str | None = None
    callback_id: str | None = Field(default=None, max_length=300)
    mode: Literal["generate", "chat"] = "generate"
    brand_kit_id: str | None = None
    incognito_mode: bool | None = None


def current_owner(
    request: Request,
    x_api_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> str:
    """The owner of the request's API key (``X-Api-Key``, or ``Authorization: Bearer``), else 401."""
    key = x_api_key
    if not key and authorization and authorization.lower().startswith("bearer "):
        key = authorization[7:].strip()
    owner_id = owner_for_key(request.app.state.db, key) if key else None
    if owner_id is None:
        raise ApiError(401, "missing or unknown API key (send it in X-Api-Key)")
    return owner_id


OwnerId = Annotated[str, Depends(current_owner)]

_Owned = TypeVar("_Owned", AgentSession, Video)


def _owned(s: Session, model: type[_Owned], row_id: str, owner_id: str, what: str) -> _Owned:
    """The caller's row, or 404: another owner's id is indistinguishable from a missing one."""
    row = s.get(model, row_id)
    if row is None or row.owner_id != owner_id:
        raise ApiError(404, f"no {what} {row_id!r}")
    return row


def _message(role: str, kind: str, content: str, created_at: int) -> dict[str, Any]:
    return {"role": role, "type": kind, "content": content, "created_at": created_at, "resource_ids": []}


def create_app(settings: Settings | None = None, *, embedded_workers: int = 0) -> FastAPI:
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    db: Database = database(settings.resolved_database_url)
    secret = server_secret(db, "url-signing")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        consumer = None
        if embedded_workers > 0:
            from reelwright.jobs.queue import huey, render_session
            from reelwright.jobs.runner import stale_sessions

            consumer = huey.create_consumer(workers=embedded_workers, worker_type="thread", periodic=True)
            consumer.start()
            # Jobs a previous server left running were lost with it: run them again.
            for session_id in stale_sessions(settings):
                render_session(session_id)
        yield
        if consumer is not None:
            consumer.stop(graceful=True)

    app = FastAPI(title="Reelwright", version="0.1.0", lifespan=lifespan)
    app.state.db = db
    app.state.settings = settings
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_handler)

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or secrets.token_hex(8)
        if not re.fullmatch(r"[A-Za-z0-9_\-.:]{1,64}", rid):
            rid = secrets.token_hex(8)
        try:
            response = await call_next(request)
        except Exception:
            log.exception("request %s failed", rid)
            response = JSONResponse(
                {"error": {"code": "internal_error", "message": "internal error"}}, status_code=500
            )
        response.headers["X-Request-Id"] = rid
        return response

    def video_urls(video: Video) -> dict[str, str | None]:
        done = video.status == "completed"

        def url(name: str) -> str | None:
            return (
                signed_url(
                    settings.public_base, secret, f"/files/{video.id}/{name}", settings.link_ttl_seconds
                )
                if done
                else None
            )

        return {
            "video_url": url("video.mp4"),
            "captioned_video_url": url("video.captioned.mp4"),
            "subtitle_url": url("video.srt"),
            "thumbnail_url": url("video.jpg"),
            "gif_url": url("video.gif"),
            "video_page_url": f"{settings.public_base}/videos/{video.id}",
        }

    def video_json(video: Video) -> dict[str, Any]:
        return {
            "id": video.id,
            "title": video.title,
            "status": video.status,
            **video_urls(video),
            "duration": video.duration,
            "created_at": video.created_at,
            "completed_at": video.completed_at,
            "failure_code": video.failure_code,
            "failure_message": video.failure_message,
            "folder_id": video.folder_id,
        }

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        with db.session() as s:
            s.execute(select(1))
        return {"status": "ok"}

    @app.post("/v3/video-agents")
    def create_agent(body: CreateAgentRequest, owner_id: OwnerId) -> dict[str, Any]:
        if body.mode == "chat":
            raise ApiError(400, "chat mode is not available yet; use mode=generate", param="mode")
        for param, value, known in (
            ("avatar_id", body.avatar_id, AVATARS),
            ("voice_id", body.voice_id, VOICES),
            ("style_id", body.style_id, STYLES),
        ):
            if value is not None and value not in known:
                raise ApiError(400, f"unknown {param} {value!r}", param=param)
        if body.files:
            raise ApiError(400, "files are not supported by this server yet", param="files")
        with db.session() as s:
            running = s.scalar(
                select(func.count())
                .select_from(AgentSession)
                .where(AgentSession.owner_id == owner_id, AgentSession.status.in_(ACTIVE))
            )
            if (running or 0) >= settings.max_concurrent_jobs:
                raise ApiError(
                    429,
                    f"{running} jobs are already running for this key (limit {settings.max_concurrent_jobs})",
                    headers={"Retry-After": "30"},
                )
            row = AgentSession(
                owner_id=owner_id,
                prompt=body.prompt,
                request=body.model_dump(exclude={"prompt", "files", "callback_url", "callback_id"}),
                callback_id=body.callback_id,
                callback_url=body.callback_url,
            )
            s.add(row)
            s.flush()
            data = {
                "session_id": row.id,
                "status": row.status,
                "video_id": row.video_id,
                "created_at": row.created_at,
            }
        from reelwright.jobs.queue import render_session

        render_session(data["session_id"])
        return {"data": data}

    @app.get("/v3/video-agents/{session_id}")
    def get_agent(session_id: str, owner_id: OwnerId) -> dict[str, Any]:
        with db.session() as s:
            row = _owned(s, AgentSession, session_id, owner_id, "video agent session")
            messages = [_message("user", "text", row.prompt, row.created_at)]
            if row.status == "failed" and row.error:
                messages.insert(0, _message("model", "error", row.error, row.updated_at))  # newest first
            return {
                "data": {
                    "session_id": row.id,
                    "status": row.status,
                    "progress": row.progress,
                    "title": row.title,
                    "video_id": row.video_id,
                    "created_at": row.created_at,
                    "messages": messages,
                }
            }

    @app.get("/v3/videos/{video_id}")
    def get_video(video_id: str, owner_id: OwnerId) -> dict[str, Any]:
        with db.session() as s:
            return {"data": video_json(_owned(s, Video, video_id, owner_id, "video"))}

    @app.get("/files/{video_id}/{name}", include_in_schema=False)
    def download(
        video_id: str, name: str, expires: Annotated[int, Query()] = 0, sig: Annotated[str, Query()] = ""
    ) -> FileResponse:
        path = f"/files/{video_id}/{name}"
        if name not in VIDEO_FILES or not re.fullmatch(r"[0-9a-f]{32}", video_id):
            raise ApiError(404, "no such file")
        if not verify(secret, path, expires, sig):
            raise ApiError(403, "this link is invalid or has expired; GET the video again for a fresh one")
        file = video_dir(settings, video_id) / name
        if not file.is_file():
            raise ApiError(404, "no such file")
        # FileResponse answers Range requests, so players can seek.
        return FileResponse(file, media_type=VIDEO_FILES[name])

    return app
