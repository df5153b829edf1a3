"""Storyboard edits through the API, so an edit made in the browser is one any client can make.

- ``GET /v3/videos/{video_id}/storyboard``: the storyboard a finished video was rendered from.
- ``POST /v3/videos/{video_id}/storyboard``: render an edited storyboard as a new video (the
  original stays as it is).
- ``GET`` / ``PUT /v3/video-agents/{session_id}/storyboard``: a chat session's latest draft, and
  replacing it with an edited one; the session then waits in ``reviewing`` for approval, as after
  any draft.

Every storyboard sent here passes :mod:`reelwright.api.storyboard_input`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.api.files_in import store_request_files
from reelwright.api.schemas import AssetFile
from reelwright.api.storyboard_input import check_storyboard, public_sources, with_sources
from reelwright.api.storyboard_jobs import render_storyboard
from reelwright.chat.conversation import add_message, latest_draft, save_draft, summarise
from reelwright.request import VideoRequest
from reelwright.store.files import STORYBOARD_FILE, inputs_key, message_inputs_key, video_file_key
from reelwright.store.models import AgentSession, Video, new_id
from reelwright.store.status import ACTIVE, REVIEWING, VIDEO_COMPLETED

videos_router = APIRouter(prefix="/v3/videos", tags=["Videos"])
sessions_router = APIRouter(prefix="/v3/video-agents", tags=["Video Agent"])
router = APIRouter()

WORDS_PER_SECOND = 2.5  # a rough speaking rate, for the length a hand-edited draft shows


class RenderStoryboardRequest(BaseModel):
    storyboard: dict[str, Any] = Field(description="the edited storyboard (see GET .../storyboard)")
    callback_url: str | None = Field(default=None, max_length=2000)
    callback_id: str | None = Field(default=None, max_length=300)


class UpdateStoryboardRequest(BaseModel):
    storyboard: dict[str, Any] = Field(description="the edited storyboard (see GET .../storyboard)")


def session_sources(
    ctx: ApiContext, board: dict[str, Any], session_id: str | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """``public_sources`` for a storyboard of the session: its inputs shown by name, and the names
    whose files the blob store still holds (public name -> key)."""
    return public_sources(board, inputs_key(session_id or "-"), lambda key: ctx.blobs.info(key) is not None)


def video_storyboard(
    ctx: ApiContext, s: Session, video_id: str, owner_id: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """A finished video's storyboard as its owner may see it, and the files it may keep."""
    video = owned(s, Video, video_id, owner_id, "video")
    if video.status != VIDEO_COMPLETED:
        raise ApiError(409, f"the video is {video.status}; its storyboard is there once it has completed")
    data = ctx.blobs.read_bytes(video_file_key(video_id, STORYBOARD_FILE))
    if data is None:
        raise ApiError(404, "this video has no stored storyboard (it was made before storyboards were kept)")
    return session_sources(ctx, json.loads(data), video.session_id)


@videos_router.get("/{video_id}/storyboard", summary="The storyboard a finished video was rendered from")
def get_video_storyboard(video_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        board, _known = video_storyboard(ctx, s, video_id, owner_id)
    return {"data": {"video_id": video_id, "storyboard": board}}


@videos_router.post("/{video_id}/storyboard", summary="Render an edited storyboard as a new video")
def rerender_video(
    video_id: str, body: RenderStoryboardRequest, owner_id: OwnerId, ctx: Ctx
) -> dict[str, Any]:
    with ctx.db.session() as s:
        _board, known = video_storyboard(ctx, s, video_id, owner_id)
        folder_id = owned(s, Video, video_id, owner_id, "video").folder_id
    checked = check_storyboard(ctx, owner_id, body.storyboard, known=known)
    started = render_storyboard(
        ctx,
        owner_id,
        checked,
        prompt=f"An edit of video {video_id}: {checked.board.title}",
        callback_url=body.callback_url,
        callback_id=body.callback_id,
        folder_id=folder_id,
    )
    return {
        "data": {
            "video_id": started.video_id,
            "session_id": started.session_id,
            "source_video_id": video_id,
            "status": "pending",
            "created_at": started.created_at,
        }
    }


def _session_draft(
    ctx: ApiContext, s: Session, session_id: str, owner_id: str
) -> tuple[dict[str, Any], dict[str, str], AgentSession]:
    row = owned(s, AgentSession, session_id, owner_id, "video agent session")
    draft = latest_draft(s, session_id)
    if draft is None:
        raise ApiError(404, "this session has no storyboard yet; wait until the agent has drafted one")
    board, known = session_sources(ctx, dict(draft.data["storyboard"]), session_id)
    return board, known, row


@sessions_router.get("/{session_id}/storyboard", summary="A session's latest storyboard draft")
def get_session_storyboard(session_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        board, _known, row = _session_draft(ctx, s, session_id, owner_id)
        return {"data": {"session_id": session_id, "status": row.status, "storyboard": board}}


@sessions_router.put(
    "/{session_id}/storyboard", summary="Replace a chat session's draft with an edited storyboard"
)
def put_session_storyboard(
    session_id: str, body: UpdateStoryboardRequest, owner_id: OwnerId, ctx: Ctx
) -> dict[str, Any]:
    with ctx.db.session() as s:
        _board, known, row = _session_draft(ctx, s, session_id, owner_id)
        _check_editable(row)
    checked = check_storyboard(ctx, owner_id, body.storyboard, known=known)
    # The assets it names are copied in beside the session's other files, as a message's are;
    # the draft names them by key (kept files are already the session's own), as the worker reads them.
    run_id = new_id()
    prefix = message_inputs_key(session_id, run_id)
    ids = checked.asset_ids()
    keys = store_request_files(ctx, owner_id, [AssetFile(type="asset_id", asset_id=a) for a in ids], prefix)
    board = with_sources(checked, dict(zip(ids, keys, strict=True)))
    seconds = sum(len(sc.narration.split()) for sc in board.scenes) / WORDS_PER_SECOND
    try:
        with ctx.db.session() as s:
            row = owned(s, AgentSession, session_id, owner_id, "video agent session")
            _check_editable(row)  # again, under this transaction: a message may have landed meanwhile
            draft = save_draft(s, session_id, board, seconds)
            # One message, not a user line and a reply: two written in the same millisecond have
            # ids (and so an order) that only their random tails decide.
            summary = "You edited the storyboard. " + summarise(board, seconds)
            # Its run id names the files' prefix: the left-over sweep keeps files whose message exists.
            add_message(
                s, session_id, "model", summary, kind="resource", resource_ids=[draft.id], run_id=run_id
            )
            if keys:
                request = VideoRequest.from_stored(row.prompt, row.request)
                row.request = request.revised(files=(*request.files, *keys)).stored()
            row.title, row.status, row.progress, row.error = board.title, REVIEWING, 100, None
            status = row.status
    except BaseException:
        ctx.blobs.delete_prefix(prefix)
        raise
    public, _ = session_sources(ctx, board.model_dump(mode="json", exclude_none=True), session_id)
    return {
        "data": {"session_id": session_id, "resource_id": draft.id, "status": status, "storyboard": public}
    }


def _check_editable(row: AgentSession) -> None:
    if not VideoRequest.from_stored(row.prompt, row.request).chat:
        raise ApiError(
            409,
            "this session was created with mode=generate; edit its video's storyboard with "
            "POST /v3/videos/{video_id}/storyboard instead",
        )
    if row.status in ACTIVE:
        raise ApiError(409, f"the agent is working on this session ({row.status}); wait or stop it first")


router.include_router(videos_router)
router.include_router(sessions_router)
