"""What a chat message asks for: the language model reads any phrasing, the rules the common ones."""

from __future__ import annotations

from typing import Any

from reelwright.avatar.catalogue import AVATARS
from reelwright.chat.rules import Revision, read_message
from reelwright.llm.client import LlmUnavailable
from reelwright.plan.base import Planner, PlanRequest
from reelwright.storyboard import Storyboard
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES


def interpret(
    text: str, draft: Storyboard, draft_seconds: float | None, request: PlanRequest, planner: Planner
) -> Revision:
    """The revision ``text`` asks of ``draft``; says so in the planner's messages if rules stood in."""
    from reelwright.plan.llm import ChatDecision, LlmPlanner

    if isinstance(planner, LlmPlanner):
        try:
            decision = planner.interpret(text, draft, request)
        except LlmUnavailable as exc:
            planner.messages.append(
                f"The language model could not read your message ({exc.reason}); "
                "I followed the built-in rules."
            )
        else:
            assert isinstance(decision, ChatDecision)
            return _from_decision(decision)
    return read_message(text, draft_seconds or draft.target_duration)


def _from_decision(decision: Any) -> Revision:
    """The model's decision as a Revision, keeping only catalogue ids and sane values."""
    changes: dict[str, Any] = {}
    if decision.duration_sec is not None and 5 <= decision.duration_sec <= 600:
        changes["duration_sec"] = float(decision.duration_sec)
    if decision.orientation is not None:
        changes["orientation"] = decision.orientation
    if decision.no_avatar:
        changes["no_avatar"] = True
    elif decision.avatar in AVATARS:
        changes["avatar_id"], changes["no_avatar"] = decision.avatar, False
    if decision.voice in VOICES:
        changes["voice_id"] = decision.voice
    if decision.voice_speed is not None:
        changes["voice_speed"] = max(0.8, min(1.2, float(decision.voice_speed)))
    if decision.style in STYLES:
        changes["style_id"] = decision.style
    if decision.tone:
        changes["tone"] = str(decision.tone)[:40]
    return Revision(
        decision.action,
        reply=decision.reply,
        changes=changes,
        render_after=bool(decision.render_after) and decision.action == "revise",
        question=decision.question or (decision.reply if decision.action == "ask" else None),
    )
