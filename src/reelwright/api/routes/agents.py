"""v3 Video Agent: create, get and list sessions; chat mode's messages, drafts, videos and stop."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.api.fetch_slots import off_request_pool
from reelwright.api.files_in import store_request_files
from reelwright.api.idempotent_results import making
from reelwright.api.pagination import list_envelope, page
from reelwright.api.schemas import CreateAgentRequest, FileSpec
from reelwright.api.sessions import (
    check_capacity,
    check_ids,
    create_session,
    queue_again,
    reserve_capacity,
    video_request,
)
from reelwright.chat.conversation import add_message, recent_messages
from reelwright.request import VideoRequest
from reelwright.store.files import inputs_key, message_inputs_key
from reelwright.store.models import AgentMessage, AgentResource, AgentSession, Video, new_id
from reelwright.store.status import ACTIVE
from reelwright.styles.brand_kits import owned_kit

router = APIRouter(prefix="/v3/video-agents", tags=["Video Agent"])

Limit20 = Annotated[int, Query(ge=1, le=100)]


class ChatMessageRequest(BaseModel):
    message: str = Field(min_length=1, max_length=10_000, description="a revision, an answer, or an approval")
    avatar_id: str | None = None
    voice_id: str | None = None
    files: list[FileSpec] = Field(default_factory=list, max_length=20)


def _message(role: str, kind: str, content: str, created_at: int, resource_ids: list[str]) -> dict[str, Any]:
    return {
        "role": role,
        "type": kind,
        "content": content,
        "created_at": created_at,
        "resource_ids": resource_ids,
    }


def _message_json(m: AgentMessage) -> dict[str, Any]:
    return _message(m.role, m.type, m.content, m.created_at, list(m.resource_ids or []))


@router.post("", summary="Create a video from a prompt (mode=chat: review a storyboard first)")
async def create_agent(body: CreateAgentRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    # It may download file URLs for a while: off the request threadpool, so reads stay fast.
    return await off_request_pool(create_agent_now, body, owner_id, ctx)


def create_agent_now(body: CreateAgentRequest, owner_id: str, ctx: ApiContext) -> dict[str, Any]:
    """The work of `POST /v3/video-agents`, on the calling thread (the web app's form uses it too)."""
    if body.brand_kit_id is not None:
        with ctx.db.session() as s:
            if owned_kit(s, body.brand_kit_id, owner_id) is None:
                raise ApiError(400, f"unknown brand_kit_id {body.brand_kit_id!r}", param="brand_kit_id")
    request = video_request(
        prompt=body.prompt,
        avatar=body.avatar_id,
        voice=body.voice_id,
        style=body.style_id,
        orientation=body.orientation,
        resolution=body.resolution,
        aspect_ratio=body.aspect_ratio,
        fps=body.fps,
        duration=body.duration_sec,
        incognito=bool(body.incognito_mode),
        mode=body.mode,
        brand_kit=body.brand_kit_id,
        title=body.title,
        folder=body.folder_id or None,
    )
    created = create_session(
        ctx,
        owner_id,
        request,
        files=body.files,
        callback_url=body.callback_url,
        callback_id=body.callback_id,
        folder_id=request.folder,
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
        messages = [_message_json(m) for m in recent_messages(s, session_id)]
        if not messages:  # a session from before conversations were stored
            messages = [_message("user", "text", row.prompt, row.created_at, [])]
            if row.status == "failed" and row.error:
                messages.insert(0, _message("model", "error", row.error, row.updated_at, []))
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


@router.post("/{session_id}", summary="Chat mode: revise the draft, answer a question, or approve it")
async def send_message(
    session_id: str, body: ChatMessageRequest, owner_id: OwnerId, ctx: Ctx
) -> dict[str, Any]:
    # It may download file URLs for a while: off the request threadpool, so reads stay fast.
    return await off_request_pool(_send_message, session_id, body, owner_id, ctx)


def _send_message(
    session_id: str, body: ChatMessageRequest, owner_id: str, ctx: ApiContext
) -> dict[str, Any]:
    check_ids(body.avatar_id, body.voice_id, None)
    made = making("message")
    if (earlier := _sent_before(ctx, session_id, owner_id, made.earlier)) is not None:
        return earlier
    with ctx.db.session() as s:
        row = owned(s, AgentSession, session_id, owner_id, "video agent session")
        if not VideoRequest.from_stored(row.prompt, row.request).chat:
            raise ApiError(
                409, "this session was created with mode=generate; create one with mode=chat to revise"
            )
        if row.status in ACTIVE:
            raise ApiError(
                409, f"the agent is still working on this session ({row.status}); wait or stop it first"
            )
    check_capacity(ctx, owner_id)
    run_id = new_id()
    prefix = message_inputs_key(session_id, run_id)
    file_keys = store_request_files(ctx, owner_id, body.files, prefix)
    extras: dict[str, Any] = {"file_keys": file_keys} if file_keys else {}
    extras.update({k: v for k, v in (("avatar_id", body.avatar_id), ("voice_id", body.voice_id)) if v})
    with ctx.db.session() as s:
        try:
            reserve_capacity(ctx, s, owner_id)
        except ApiError:
            if file_keys:
                ctx.blobs.delete_prefix(prefix)
            raise
        # Only one turn at a time: the session must still be waiting when the message lands.
        claimed = s.execute(
            update(AgentSession)
            .where(AgentSession.id == session_id, AgentSession.status.not_in(ACTIVE))
            .values(status="thinking", progress=0, error=None, heartbeat_at=None)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            if file_keys:
                ctx.blobs.delete_prefix(prefix)
            raise ApiError(409, "the agent is already working on another message")
        sent = add_message(s, session_id, "user", body.message, data=extras, run_id=run_id)
        made.note(s, sent.id)  # commits with the message, or neither does
        title = s.scalar(select(AgentSession.title).where(AgentSession.id == session_id))
    ctx.queue.enqueue(session_id)
    return {"data": {"session_id": session_id, "run_id": run_id, "title": title}}


def _sent_before(
    ctx: ApiContext, session_id: str, owner_id: str, message_id: str | None
) -> dict[str, Any] | None:
    """The answer to a message an earlier try of this request (same Idempotency-Key) committed
    before its node died unanswered; the session is queued again in case the node died before
    queueing it (a worker claims a session before running it, so a second message is harmless)."""
    if message_id is None:
        return None
    with ctx.db.session() as s:
        row = owned(s, AgentSession, session_id, owner_id, "video agent session")
        sent = s.get(AgentMessage, message_id)
        if sent is None or sent.session_id != session_id:
            return None
        answer = {"data": {"session_id": session_id, "run_id": sent.run_id, "title": row.title}}
        active = row.status in ACTIVE
    if active:
        queue_again(ctx, session_id)
    return answer


@router.post("/{session_id}/stop", summary="Stop at the next checkpoint, keeping what exists")
def stop_agent(
    session_id: str, owner_id: OwnerId, ctx: Ctx, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    with ctx.db.session() as s:
        owned(s, AgentSession, session_id, owner_id, "video agent session")
        s.execute(
            update(AgentSession)
            .where(AgentSession.id == session_id, AgentSession.status.in_(ACTIVE))
            .values(stop_requested=True)
        )
    return {"data": {"session_id": session_id}}


def _public_paths(value: Any, inputs: str) -> Any:
    """File paths inside the session's inputs, shown relative to them (no server paths leak).

    The worker that planned the draft had its own copy of the inputs, wherever its scratch folder
    is: everything up to the inputs' key is dropped."""
    if isinstance(value, dict):
        return {k: _public_paths(v, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [_public_paths(v, inputs) for v in value]
    if isinstance(value, str) and value.startswith("/") and (at := value.find(inputs)) >= 0:
        return value[at + len(inputs) :]
    return value


@router.get(
    "/{session_id}/resources/{resource_id}", summary="A resource of the session (the storyboard draft)"
)
def get_resource(session_id: str, resource_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        owned(s, AgentSession, session_id, owner_id, "video agent session")
        res = s.get(AgentResource, resource_id)
        if res is None or res.session_id != session_id:
            raise ApiError(404, f"no resource {resource_id!r} in this session")
        inputs = f"/{inputs_key(session_id)}/"
        data = dict(res.data)
        return {
            "data": {
                "resource_id": res.id,
                "session_id": session_id,
                "type": res.kind,
                "created_at": res.created_at,
                "duration": data.get("duration"),
                "storyboard": _public_paths(data.get("storyboard"), inputs),
            }
        }


@router.get("/{session_id}/videos", summary="The session's videos, newest first")
def list_session_videos(
    session_id: str, owner_id: OwnerId, ctx: Ctx, limit: Limit20 = 20, token: str | None = None
) -> dict[str, Any]:
    with ctx.db.session() as s:
        owned(s, AgentSession, session_id, owner_id, "video agent session")
        rows, has_more, next_token = page(
            s,
            select(Video).where(Video.session_id == session_id, Video.owner_id == owner_id),
            Video.created_at,
            Video.id,
            limit=limit,
            token=token,
        )
        items = [ctx.video_json(v) for v in rows]
    return list_envelope(items, has_more, next_token)
