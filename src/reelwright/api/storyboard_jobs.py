"""Render a checked storyboard as a new video: the one path behind a storyboard edit's re-render
and a template's generate.

The job is an ordinary session whose planning is already done: it is recorded ``planned`` with the
storyboard kept as its draft in the database, so the worker renders it without a planner (see
``jobs.generate``), and a run again after a crash resumes the same way. The video row exists from
the start, so the caller gets its id at once and polls it like any other video.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import update

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.api.files_in import store_request_files
from reelwright.api.schemas import AssetFile
from reelwright.api.sessions import check_callback_url, check_capacity, reserve_capacity
from reelwright.api.storyboard_input import CheckedStoryboard, with_sources
from reelwright.chat.conversation import add_message, save_draft
from reelwright.errors import InputError
from reelwright.request import MAX_PROMPT_CHARS, VideoRequest
from reelwright.store.files import inputs_key
from reelwright.store.models import AgentSession, Video, new_id
from reelwright.store.status import CHECKPOINT_PLANNED, FAILED, VIDEO_FAILED, VIDEO_PENDING


@dataclass(frozen=True)
class StartedRender:
    session_id: str
    video_id: str
    status: str
    created_at: int


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
) -> StartedRender:
    """Copy the referenced assets in, record the planned session and its video, queue it."""
    check_callback_url(ctx, callback_url)
    check_capacity(ctx, owner_id)
    session_id = new_id()
    folder = ctx.settings.files_dir / inputs_key(session_id)
    ids = checked.asset_ids()
    keys = store_request_files(ctx, owner_id, [AssetFile(type="asset_id", asset_id=a) for a in ids], folder)
    kept = _copy_kept(checked.kept, folder)
    keys += [str(Path(p).relative_to(ctx.settings.files_dir)) for p in kept.values()]
    board = with_sources(
        dataclasses.replace(checked, kept=kept),
        {a: str(ctx.settings.files_dir / k) for a, k in zip(ids, keys, strict=False)},
    )
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
        shutil.rmtree(folder, ignore_errors=True)
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
                checkpoint=CHECKPOINT_PLANNED,
            )
            s.add(row)
            s.flush()
            add_message(s, session_id, "user", request.prompt, handled=True)
            save_draft(s, session_id, board, board.target_duration or 0.0)
            video = Video(
                owner_id=owner_id,
                session_id=session_id,
                status=VIDEO_PENDING,
                title=board.title,
                folder_id=folder_id,
            )
            s.add(video)
            s.flush()
            row.video_id = video.id
            started = StartedRender(session_id, video.id, row.status, row.created_at)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        ctx.queue.enqueue(session_id)
    except Exception:
        _not_queued(ctx, session_id)
        raise
    return started


def _copy_kept(kept: dict[str, str], folder: Path) -> dict[str, str]:
    """Files kept from the edited video's session, copied beside the new job's own: the job then
    owns every file it reads, whatever happens to the older session."""
    out: dict[str, str] = {}
    for i, (name, source) in enumerate(sorted(kept.items())):
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"k{i:02d}{Path(source).suffix}"
        try:
            os.link(source, dest)
        except OSError:
            shutil.copyfile(source, dest)
        out[name] = str(dest)
    return out


def _not_queued(ctx: ApiContext, session_id: str) -> None:
    """The caller hears the queue is down (503): this job must not run later by surprise."""
    message = "the job queue was unavailable, so this video never started; create it again"
    try:
        with ctx.db.session() as s:
            s.execute(
                update(AgentSession).where(AgentSession.id == session_id).values(status=FAILED, error=message)
            )
            s.execute(
                update(Video)
                .where(Video.session_id == session_id)
                .values(status=VIDEO_FAILED, failure_code="queue_unavailable", failure_message=message)
            )
    except Exception:  # the database is down too: the 503 for the queue still stands
        pass
