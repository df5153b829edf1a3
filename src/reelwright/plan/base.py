"""The planner interface: what every agent (offline rules today, an LLM later) is given and returns."""

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


@dataclass(frozen=True)
class Pacing:
    """How fast the chosen voice speaks; the pipeline corrects it after hearing the narration."""

    words_per_second: float = 3.0  # Piper's joe at speed 1.0, measured
    scene_overhead: float = 0.75  # seconds each scene adds around its narration (lead-in, tail)


class Planner(Protocol):
    name: str

    def plan(self, request: PlanRequest, pacing: Pacing) -> Storyboard: ...
