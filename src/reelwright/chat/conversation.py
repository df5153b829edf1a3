"""A session's conversation in the database: messages, draft storyboards, and what a turn changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelwright.avatar.catalogue import AVATARS
from reelwright.plan.chat_rules import Revision
from reelwright.request import VideoRequest
from reelwright.store.models import AgentMessage, AgentResource
from reelwright.storyboard import BulletSlide, PdfPage, Storyboard, TitleCard
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

MAX_LISTED = 40  # messages a session GET returns, newest first


def add_message(
    s: Session,
    session_id: str,
    role: str,
    content: str,
    *,
    kind: str = "text",
    resource_ids: list[str] | None = None,
    data: dict[str, Any] | None = None,
    run_id: str | None = None,
    handled: bool = False,
) -> AgentMessage:
    message = AgentMessage(
        session_id=session_id,
        role=role,
        type=kind,
        content=content,
        resource_ids=resource_ids or [],
        data=data or {},
        run_id=run_id,
        handled=handled,
    )
    s.add(message)
    s.flush()
    return message


def recent_messages(s: Session, session_id: str, limit: int = MAX_LISTED) -> list[AgentMessage]:
    """Newest first (ids are time-ordered, so they break ties within a second)."""
    stmt = (
        select(AgentMessage)
        .where(AgentMessage.session_id == session_id)
        .order_by(AgentMessage.id.desc())
        .limit(limit)
    )
    return list(s.scalars(stmt))


def unread_messages(s: Session, session_id: str) -> list[AgentMessage]:
    """The user's messages the agent has not acted on yet, oldest first."""
    stmt = (
        select(AgentMessage)
        .where(
            AgentMessage.session_id == session_id,
            AgentMessage.role == "user",
            AgentMessage.handled.is_(False),
        )
        .order_by(AgentMessage.id)
    )
    return list(s.scalars(stmt))


def mark_read(s: Session, ids: list[str]) -> None:
    if ids:
        s.execute(update(AgentMessage).where(AgentMessage.id.in_(ids)).values(handled=True))


def latest_draft(s: Session, session_id: str) -> AgentResource | None:
    stmt = (
        select(AgentResource)
        .where(AgentResource.session_id == session_id, AgentResource.kind == "draft")
        .order_by(AgentResource.id.desc())
        .limit(1)
    )
    return s.scalars(stmt).first()


def save_draft(s: Session, session_id: str, board: Storyboard, duration: float) -> AgentResource:
    data = {"storyboard": board.model_dump(mode="json", exclude_none=True), "duration": round(duration, 2)}
    resource = AgentResource(session_id=session_id, kind="draft", data=data)
    s.add(resource)
    s.flush()
    return resource


def draft_storyboard(resource: AgentResource) -> Storyboard:
    return Storyboard.model_validate(resource.data["storyboard"])


def _on_screen(board: Storyboard, index: int) -> str:
    visual = board.scenes[index].visual
    if isinstance(visual, TitleCard | BulletSlide):
        return visual.heading
    if isinstance(visual, PdfPage):
        return f"PDF page {visual.page}"
    if visual.kind == "color":
        return "a plain colour"
    return "your picture" if visual.kind == "image" else "your clip"


def summarise(board: Storyboard, duration: float) -> str:
    """The model message that presents a draft: the choices, then each scene in a line."""
    if board.avatar is None:
        who = "with no presenter"
    elif board.avatar in AVATARS:
        who = f"presented by {AVATARS[board.avatar].name}"
    else:
        who = "presented by your photo look"
    count = len(board.scenes)
    voice = VOICES[board.voice].name if board.voice in VOICES else board.voice
    style = STYLES[board.style].name if board.style in STYLES else board.style
    lines = [
        f'Here is the storyboard for "{board.title}": {count} scene{"s" if count != 1 else ""}, '
        f"about {duration:.0f} s, "
        f"{board.orientation}, {who}, voice {voice}, {style} style"
        + (f", {board.tone} tone." if board.tone else ".")
    ]
    for i, scene in enumerate(board.scenes):
        words = scene.narration.split()
        said = " ".join(words[:14]) + ("…" if len(words) > 14 else "")
        lines.append(f"{i + 1}. {_on_screen(board, i)}: {said}")
    lines.append(
        'Tell me what to change ("make it 30 seconds", "portrait", "drop the third scene", '
        '"mention that …", "say more about …") or say "looks good, render it".'
    )
    return "\n".join(lines)


def apply_revision(request: VideoRequest, revision: Revision, board: Storyboard) -> VideoRequest:
    """The session's request after a revision; dropped scenes are remembered by their ids."""
    changes = dict(revision.changes)
    if changes.get("no_avatar") is False and "avatar" not in changes:
        changes["avatar"] = None
    dropped = list(request.drop_scenes)
    for n in revision.drop_scenes:
        index = len(board.scenes) - 1 if n == -1 else n - 1
        if 0 <= index < len(board.scenes) and board.scenes[index].id not in dropped:
            dropped.append(board.scenes[index].id)
    if dropped:
        changes["drop_scenes"] = tuple(dropped)
    # Content edits are kept on the request, so the next re-plan (and every later one) makes them.
    scene_ids = [scene.id for scene in board.scenes]
    if revision.add_statements:
        added = [a for a in revision.add_statements if a not in request.additions]
        changes["additions"] = (*request.additions, *added)
    expand = [scene_ids[n - 1] for n in revision.expand_scenes if 0 < n <= len(scene_ids)]
    expand += revision.expand_ids  # parts of the files the draft did not show
    if expand:
        changes["expand_scenes"] = (
            *request.expand_scenes,
            *(e for e in expand if e not in request.expand_scenes),
        )
    if revision.first_scene is not None and 0 < revision.first_scene <= len(scene_ids):
        changes["first_scene"] = scene_ids[revision.first_scene - 1]
    elif revision.first_id is not None:
        changes["first_scene"] = revision.first_id
    return request.revised(**changes)
