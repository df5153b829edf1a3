"""Creating agent sessions: the one code path behind v3, legacy v1 and the web app."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.api.files_in import store_request_files
from reelwright.api.idempotent_results import Making, making, reuse
from reelwright.api.public_base import base_for_new_job
from reelwright.api.schemas import AssetFile, Base64File, UrlFile
from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.drawn import is_drawn
from reelwright.avatar.photo_looks import owns_photo_look
from reelwright.chat.conversation import add_message
from reelwright.errors import InputError
from reelwright.net.fetch import Allowlist, FetchFailed, UnsafeUrl, check_url
from reelwright.plan.language import check_voice_language
from reelwright.request import VideoRequest
from reelwright.store.blobs import stage
from reelwright.store.files import STORYBOARD_FILE, inputs_key, work_key
from reelwright.store.models import AgentSession, Owner, Video, new_id
from reelwright.store.status import ACTIVE, CHECKPOINT_PLANNED, FAILED, VIDEO_FAILED, VIDEO_PENDING
from reelwright.storyboard import Storyboard
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

log = logging.getLogger("reelwright.api")


@dataclass(frozen=True)
class NewSession:
    session_id: str
    status: str
    video_id: str | None
    created_at: int


def check_ids(avatar_id: str | None, voice_id: str | None, style_id: str | None) -> None:
    for param, value, known in (
        ("avatar_id", avatar_id, AVATARS),
        ("voice_id", voice_id, VOICES),
        ("style_id", style_id, STYLES),
    ):
        if value is not None and value not in known and not (param == "avatar_id" and is_drawn(value)):
            raise ApiError(400, f"unknown {param} {value!r}", param=param)


def check_prompt_language(prompt: str, voice_id: str | None) -> None:
    """A pinned voice must speak the prompt's language: say so now, not when the job fails."""
    try:
        check_voice_language(prompt, voice_id)
    except InputError as exc:
        raise ApiError(400, str(exc), param=exc.param) from None


def check_callback_url(ctx: ApiContext, url: str | None, param: str = "callback_url") -> None:
    """Callback URLs follow the same address rules as file URLs (no loopback, private, metadata...)."""
    if url is None:
        return
    try:
        check_url(url, Allowlist.parse(ctx.settings.url_allowlist))
    except UnsafeUrl as exc:
        raise ApiError(400, f"{param}: {exc.reason}", param=param) from None
    except FetchFailed:
        # The receiver's name does not resolve right now. Accept it: delivery checks the address
        # again on every attempt and retries for a day.
        return


def running_jobs(s: Session, owner_id: str, besides: Collection[str] = ()) -> int:
    """How many of the owner's sessions (other than ``besides``) are queued or being worked on
    (counted against the limit)."""
    stmt = (
        select(func.count())
        .select_from(AgentSession)
        .where(AgentSession.owner_id == owner_id, AgentSession.status.in_(ACTIVE))
    )
    if besides:
        stmt = stmt.where(AgentSession.id.not_in(list(besides)))
    return s.scalar(stmt) or 0


def _refuse_when_full(ctx: ApiContext, running: int) -> None:
    limit = ctx.settings.max_concurrent_jobs
    if running >= limit:
        raise ApiError(
            429,
            f"{running} jobs are already running for this key (limit {limit}); retry when one finishes",
            headers={"Retry-After": "30"},
        )


def check_capacity(ctx: ApiContext, owner_id: str) -> None:
    """The early check, before any file is fetched: a full owner is told at once. Not a guarantee
    (concurrent creates all pass it); :func:`reserve_capacity` is, when the job is recorded."""
    with ctx.db.session() as s:
        running = running_jobs(s, owner_id)
    _refuse_when_full(ctx, running)


def lock_owner(s: Session, owner_id: str) -> None:
    """Serialise the owner's job creations: another transaction calling this waits until ours ends.

    PostgreSQL: a row lock on the owner. SQLite has no row locks, and its driver begins a
    transaction only at the first write, so a (no-op) write is what takes the database's write
    lock before the count is read; WAL readers are not blocked by it.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(Owner.id).where(Owner.id == owner_id).with_for_update())
    else:
        s.execute(update(Owner).where(Owner.id == owner_id).values(name=Owner.name))


def reserve_capacity(ctx: ApiContext, s: Session, owner_id: str) -> None:
    """Within the transaction that records a new running job: lock, count, refuse if full.

    The count and the insert commit together under the owner's lock, so concurrent creates can
    never take the owner past the limit (a count read before the insert, in another transaction,
    let four in at a limit of three)."""
    lock_owner(s, owner_id)
    _refuse_when_full(ctx, running_jobs(s, owner_id))


def create_session(
    ctx: ApiContext,
    owner_id: str,
    request: VideoRequest,
    *,
    files: Sequence[UrlFile | AssetFile | Base64File] = (),
    callback_url: str | None = None,
    callback_id: str | None = None,
    with_video: bool = False,
    storyboard: Callable[[list[Path]], Storyboard] | None = None,
    folder_id: str | None = None,
) -> NewSession:
    """Validate, store the files, record the session and queue it. Raises ApiError on bad input.

    ``with_video`` creates the video row at once (legacy v1 hands out a video_id immediately).
    ``storyboard`` (a script video) builds the storyboard from the stored files' paths; it is
    saved as the session's planned checkpoint, so the worker renders it as it is, with no planner.
    """
    made = making("session")
    earlier = earlier_session(ctx, owner_id, made)
    if earlier is not None:
        return earlier
    # The caller's own photo looks are valid avatar ids too (the catalogue lists only built-ins).
    pinned = request.avatar
    check_ids(None if owns_photo_look(ctx.db, owner_id, pinned) else pinned, request.voice, request.style)
    check_prompt_language(request.prompt, request.voice)
    check_callback_url(ctx, callback_url)
    check_capacity(ctx, owner_id)
    session_id = new_id()
    prefix = inputs_key(session_id)
    file_keys = store_request_files(ctx, owner_id, files, prefix)
    # A script video's storyboard is built from readable copies of the stored files (kinds are
    # checked there); its paths end in the files' keys, which is how a worker finds its own copies.
    staging = ctx.settings.scratch_dir / "requests" / f"board-{session_id}"
    checkpoint_key = f"{work_key(session_id)}/{STORYBOARD_FILE}"
    try:
        board = None
        if storyboard is not None:
            board = storyboard([_staged(ctx, key, staging) for key in file_keys])
            ctx.blobs.put_bytes(checkpoint_key, (board.to_json() + "\n").encode("utf-8"))
        with ctx.db.session() as s:
            reserve_capacity(ctx, s, owner_id)
            row = AgentSession(
                id=session_id,
                owner_id=owner_id,
                prompt=request.prompt,
                request=request.revised(files=tuple(file_keys)).stored(),
                callback_id=callback_id,
                callback_url=callback_url,
                public_url=base_for_new_job(ctx.settings),
            )
            if board is not None:
                row.title, row.checkpoint = board.title, CHECKPOINT_PLANNED
            s.add(row)
            s.flush()
            made.note(s, session_id)  # commits with the row, or neither does
            # The prompt opens the conversation; in chat mode the agent reads it as its first message.
            add_message(s, session_id, "user", request.prompt, handled=not request.chat)
            if with_video:
                add_pending_video(s, row, folder_id)
            s.flush()
            created = NewSession(row.id, row.status, row.video_id, row.created_at)
    except BaseException:
        if file_keys:
            ctx.blobs.delete_prefix(prefix)
        ctx.blobs.delete_prefix(work_key(session_id))  # a new id: only this session's checkpoint
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        ctx.queue.enqueue(session_id)
    except Exception:
        # The caller hears that the queue is down (503) and will retry: this session must not
        # also run later, when the queue is back and the stale-job sweep finds it.
        not_queued(ctx, session_id)
        raise
    return created


def earlier_session(ctx: ApiContext, owner_id: str, slot: Making) -> NewSession | None:
    """The session an earlier try of this very request (same Idempotency-Key) committed in this
    slot before its node died unanswered; queued again, since the node may have died before
    queueing it (a second message is harmless: a worker claims the session before running it)."""
    if slot.earlier is None:
        return None
    with ctx.db.session() as s:
        row = reuse(s, slot, AgentSession, owner_id)
        if row is None:
            return None
        made = NewSession(row.id, row.status, row.video_id, row.created_at)
    if made.status in ACTIVE:
        queue_again(ctx, made.session_id)
    return made


def queue_again(ctx: ApiContext, session_id: str) -> None:
    """Queue a recorded session once more (its node may have died before queueing it)."""
    try:
        ctx.queue.enqueue(session_id)
    except Exception:  # it is recorded: the stale-job sweep queues it once the queue is back
        log.warning("session %s: could not queue it again", session_id, exc_info=True)


def _staged(ctx: ApiContext, key: str, staging: Path) -> Path:
    path = stage(ctx.blobs, key, staging)
    if path is None:  # stored a moment ago: the store lost it
        raise ApiError(503, "a file just stored could not be read back; try again")
    return path


def add_pending_video(s: Session, row: AgentSession, folder_id: str | None) -> Video:
    """The session's video row, made at once (the caller hands its id out before rendering)."""
    video = Video(
        owner_id=row.owner_id, session_id=row.id, status=VIDEO_PENDING, title=row.title, folder_id=folder_id
    )
    s.add(video)
    s.flush()
    row.video_id = video.id
    return video


def not_queued(ctx: ApiContext, session_id: str) -> None:
    """The caller hears the queue is down (503) and will retry: this session must not also run
    later, when the queue is back and the stale-job sweep finds it."""
    message = "the job queue was unavailable, so this session never started; create it again"
    try:
        with ctx.db.session() as s:
            s.execute(
                update(AgentSession)
                .where(AgentSession.id == session_id)
                .values(status=FAILED, error=message, heartbeat_at=None)
            )
            s.execute(
                update(Video)
                .where(Video.session_id == session_id)
                .values(status=VIDEO_FAILED, failure_code="queue_unavailable", failure_message=message)
            )
    except Exception:  # the database is down too: the 503 for the queue still stands
        pass


def video_request(**fields: Any) -> VideoRequest:
    """A request from an API body's fields; a value the request model refuses is a 400 naming it."""
    try:
        return VideoRequest.build(**fields)
    except InputError as exc:
        raise ApiError(400, str(exc), param=_API_NAMES.get(exc.param or "", exc.param)) from None


# VideoRequest's field names -> the API's parameter names, for error messages.
_API_NAMES = {"avatar": "avatar_id", "voice": "voice_id", "style": "style_id", "duration": "duration_sec"}
