"""v3 Video Agent: create, get and list sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.api.pagination import list_envelope, page
from reelwright.api.schemas import CreateAgentRequest
from reelwright.api.sessions import create_session
from reelwright.store.models import AgentSession

router = APIRouter(prefix="/v3/video-agents", tags=["Video Agent"])

Limit20 = Annotated[int, Query(ge=1, le=100)]


def _message(role: str, kind: str, content: str, created_at: int) -> dict[str, Any]:
    return {"role": role, "type": kind, "content": content, "created_at": created_at, "resource_ids": []}


@router.post("", summary="Create a video from a prompt")
def create_agent(body: CreateAgentRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    if body.mode == "chat":
        raise ApiError(400, "chat mode is not available yet; use mode=generate", param="mode")
    if body.brand_kit_id is not None:
        raise ApiError(400, f"unknown brand_kit_id {body.brand_kit_id!r}", param="brand_kit_id")
    created = create_session(
        ctx,
        owner_id,
        prompt=body.prompt,
        options=body.model_dump(
            include={"avatar_id", "voice_id", "style_id", "orientation", "duration_sec", "incognito_mode"}
        ),
        files=body.files,
        callback_url=body.callback_url,
        callback_id=body.callback_id,
    )
    return {
        "data": {
            "session_id": created.session_id,
            "status": created.status,
            "video_id": created.video_id,
            "created_at": created.created_at,
        }
    }


@router.get("", summary="List sessions, newest first")
def list_agents(ctx: Ctx, owner_id: OwnerId, limit: Limit20 = 20, token: str | None = None) -> dict[str, Any]:
    with ctx.db.session() as s:
        rows, has_more, next_token = page(
            s,
            select(AgentSession).where(AgentSession.owner_id == owner_id),
            AgentSession.created_at,
            AgentSession.id,
            limit=limit,
            token=token,
        )
        items = [{"session_id": r.id, "created_at": r.created_at, "title": r.title} for r in rows]
    return list_envelope(items, has_more, next_token)


@router.get("/{session_id}", summary="Get a session's status, progress and messages")
def get_agent(session_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        row = owned(s, AgentSession, session_id, owner_id, "video agent session")
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
