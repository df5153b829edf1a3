"""Render a checked storyboard as a new video: the one path behind a storyboard edit's re-render
and a template's generate.

The job is an ordinary session whose planning is already done: it is recorded ``planned`` with the
storyboard kept as its draft in the database, so the worker renders it without a planner (see
``jobs.generate``), and a run again after a crash resumes the same way. The video row exists from
the start, so the caller gets its id at once and polls it like any other video.
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.api.files_in import store_request_files
from reelwright.api.idempotent_results import making
from reelwright.api.public_base import base_for_new_job
from reelwright.api.schemas import AssetFile
from reelwright.api.sessions import (
    NewSession,
    add_pending_video,
    check_callback_url,
    check_capacity,
    earlier_session,
    not_queued,
    reserve_capacity,
)
from reelwright.api.storyboard_input import CheckedStoryboard, with_sources
from reelwright.chat.conversation import add_message, save_draft
from reelwright.errors import InputError
from reelwright.request import MAX_PROMPT_CHARS, VideoRequest
from reelwright.store.files import inputs_key
from reelwright.store.models import AgentSession, new_id
from reelwright.store.status import CHECKPOINT_PLANNED


def render_storyboard(
    ctx: ApiContext,
    owner_id: str,
    checked: CheckedStoryboard,
    *,
    prompt: str,
    callback_url: str | None = None,
    callback_id: str | None = None,
    api: str = "v3",
    folder_id: str | None = None,
) -> NewSession:
    """Copy the referenced assets in, record the planned session and its video, queue it.

    Every file the job reads is copied under its session's inputs in the blob store, and the
    saved storyboard names each by its key: any worker stages it from there. A retry of a request
    whose node died after recording it (same Idempotency-Key) gets that session back."""
    made = making("session")
    if (earlier := earlier_session(ctx, owner_id, made)) is not None:
        return earlier
    check_callback_url(ctx, callback_url)
    check_capacity(ctx, owner_id)
    session_id = new_id()
    prefix = inputs_key(session_id)
    ids = checked.asset_ids()
    keys = store_request_files(ctx, owner_id, [AssetFile(type="asset_id", asset_id=a) for a in ids], prefix)
    asset_keys = dict(zip(ids, keys, strict=True))
    try:
        kept = _copy_kept(ctx, checked.kept, prefix)
    except BaseException:
        ctx.blobs.delete_prefix(prefix)
        raise
    keys += list(kept.values())
    board = with_sources(dataclasses.replace(checked, kept=kept), asset_keys)
    try:
        request = VideoRequest.build(
            prompt=prompt[:MAX_PROMPT_CHARS],
            files=tuple(keys),
            avatar=board.avatar,
            no_avatar=board.avatar is None,
            voice=board.voice,
            style=board.style,
            orientation=board.orientation,
            api=api,
        )
    except InputError as exc:
        ctx.blobs.delete_prefix(prefix)
        raise ApiError(400, str(exc)) from None
    try:
        with ctx.db.session() as s:
            reserve_capacity(ctx, s, owner_id)
            row = AgentSession(
                id=session_id,
                owner_id=owner_id,
                prompt=request.prompt,
                request=request.stored(),
                title=board.title,
                callback_id=callback_id,
                callback_url=callback_url,
                public_url=base_for_new_job(ctx.settings),
                checkpoint=CHECKPOINT_PLANNED,
            )
            s.add(row)
            s.flush()
            made.note(s, session_id)  # commits with the row, or neither does
            add_message(s, session_id, "user", request.prompt, handled=True)
            save_draft(s, session_id, board, board.target_duration or 0.0)
            video = add_pending_video(s, row, folder_id)
            started = NewSession(session_id, row.status, video.id, row.created_at)
    except BaseException:
        ctx.blobs.delete_prefix(prefix)
        raise
    try:
        ctx.queue.enqueue(session_id)
    except Exception:
        not_queued(ctx, session_id)
        raise
    return started


def _copy_kept(ctx: ApiContext, kept: dict[str, str], prefix: str) -> dict[str, str]:
    """Files kept from the edited video's session (or a template), copied by key beside the new
    job's own: the job then owns every file it reads, whatever happens to the older session.
    Public name -> new key."""
    out: dict[str, str] = {}
    for i, (name, source) in enumerate(sorted(kept.items())):
        dest = f"{prefix}/k{i:02d}{PurePosixPath(source).suffix}"
        if not ctx.blobs.copy(source, dest):  # deleted since the storyboard was read
            raise ApiError(400, f"the file {name!r} this storyboard keeps is gone; upload it again")
        out[name] = dest
    return out
