"""The planner interface: what every agent (offline rules, a language model) is given and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from reelwright.ingest.files import InputFile
from reelwright.storyboard import Orientation, Storyboard

DEFAULT_DURATION = 50.0  # seconds, when the user names none (the middle of the promised 45–60 s)


@dataclass(frozen=True)
class PlanRequest:
    prompt: str
    files: list[InputFile] = field(default_factory=list)
    orientation: Orientation | None = None
    duration: float | None = None
    avatar: str | None = None
    voice: str | None = None
    style: str | None = None
    no_avatar: bool = False
    # Chat revisions add these: a tone and speaking rate asked for, scenes the user dropped (by id),
    # what they said so far (a language model reads it; the offline rules already turned it into
    # the options above) and the draft being revised.
    tone: str | None = None
    voice_speed: float | None = None
    drop_scenes: tuple[str, ...] = ()
    instructions: tuple[str, ...] = ()
    previous: Storyboard | None = None


@dataclass(frozen=True)
class Pacing:
    """How fast the chosen voice speaks; the pipeline corrects it after hearing the narration."""

    words_per_second: float = 3.0  # Piper's joe at speed 1.0, measured
    scene_overhead: float = 0.75  # seconds each scene adds around its narration (lead-in, tail)


class Planner(Protocol):
    name: str
    # What the agent wants to tell the user (why it chose a presenter, that it fell back to the
    # offline planner...); the caller takes them after planning and shows them as model messages.
    messages: list[str]

    def plan(self, request: PlanRequest, pacing: Pacing) -> Storyboard: ...
