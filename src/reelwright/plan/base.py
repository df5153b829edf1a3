"""The planner interface: what every agent (offline rules, a language model) is given and returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from reelwright.ingest.files import InputFile
from reelwright.request import VideoRequest
from reelwright.storyboard import Storyboard

if TYPE_CHECKING:
    from reelwright.plan.chat_rules import Revision

DEFAULT_DURATION = 50.0  # seconds, when the user names none (the middle of the promised 45–60 s)

# Every planner note that explains a shorter video than asked says this, so the pipeline can tell
# it has been said and does not add a length note of its own that says the same thing again.
SHORTER_THAN_ASKED = "may be shorter than"


def explains_short_video(messages: Sequence[str]) -> bool:
    """Whether the planner already told the user why the video is shorter than asked."""
    return any(SHORTER_THAN_ASKED in m for m in messages)


@dataclass(frozen=True)
class PlanRequest:
    """What a planner is asked: the user's request, the files it names (read), and in chat mode what
    the user said since (a language model reads it; the offline rules already turned it into the
    request's choices) and the draft being revised."""

    video: VideoRequest
    files: list[InputFile] = field(default_factory=list)
    instructions: tuple[str, ...] = ()
    previous: Storyboard | None = None

    @classmethod
    def of(cls, prompt: str, files: list[InputFile] | None = None, **choices: Any) -> PlanRequest:
        """A request from a prompt and choices by name (tests, the evaluation harness)."""
        return cls(VideoRequest.build(prompt=prompt, **choices), files or [])


@dataclass(frozen=True)
class Pacing:
    """How fast the chosen voice speaks; the pipeline corrects it after hearing the narration."""

    words_per_second: float = 3.0  # Piper's joe at speed 1.0, measured
    scene_overhead: float = 0.75  # seconds each scene adds around its narration (lead-in, tail)


@dataclass(frozen=True)
class PlanResult:
    storyboard: Storyboard
    # What the agent wants to tell the user (why it chose a presenter, that it fell back to the
    # offline planner...): shown as the session's model messages, or as notes by the CLI.
    messages: tuple[str, ...] = ()
    # The planner's own record of how it got here, handed back to ``replan`` (a model's draft and
    # system prompt, or that the model failed and the offline rules stood in). Opaque to callers.
    memo: Any = None


@dataclass(frozen=True)
class Reading:
    """What a chat message asks for, and anything the reader wants to tell the user about it."""

    revision: Revision
    messages: tuple[str, ...] = ()


class Planner(Protocol):
    name: str

    def plan(self, request: PlanRequest, pacing: Pacing) -> PlanResult:
        """A storyboard for the request, its narration sized for ``pacing``."""
        ...

    def replan(self, request: PlanRequest, previous: PlanResult, pacing: Pacing) -> PlanResult:
        """The same storyboard again for a corrected ``pacing`` (the narration, once heard, missed
        the length): the same request, planned before as ``previous``."""
        ...

    def read_message(
        self, text: str, draft: Storyboard, draft_seconds: float | None, request: PlanRequest
    ) -> Reading:
        """What a chat message asks of ``draft`` (the built-in rules, or a model that reads any
        phrasing); chat mode's one way of understanding the user."""
        ...
