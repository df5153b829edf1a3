"""The stages of a job, their share of its progress, and the seams a caller plugs into a run.

One table (:data:`STAGES`) names the stages; the CLI's progress bars and a session's progress
both read it. A run reports to a :class:`Progress`, saves its planned storyboard through
:class:`Checkpoints` (so a job run again resumes at rendering), and asks ``stop_requested``
between stages and scenes, raising :class:`Stopped` when the answer is yes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from reelwright.storyboard import Storyboard


@dataclass(frozen=True)
class Stage:
    name: str
    label: str  # what the CLI's progress bar says
    weight: float  # its share of a whole job's time, in percent (measured on the reference job)


STAGES: tuple[Stage, ...] = (
    Stage("ingest", "Reading files", 5),
    Stage("plan", "Writing the script", 5),
    Stage("voice", "Recording the voice", 15),
    Stage("render", "Rendering video", 73),
    Stage("publish", "Saving files", 2),
)
STAGE_NAMES: tuple[str, ...] = tuple(s.name for s in STAGES)
# From these on, a job is producing its video (a session hands out the video's id).
GENERATING_STAGES: tuple[str, ...] = ("voice", "render", "publish")
# A chat draft is planned and measured (voiced), not rendered.
DRAFT_STAGES: tuple[str, ...] = ("plan", "voice")


def overall(stage: str, fraction: float, stages: Sequence[str] = STAGE_NAMES) -> float:
    """How far (0..1) a run of ``stages`` is when ``stage`` is ``fraction`` done."""
    weights = {s.name: s.weight for s in STAGES if s.name in stages}
    if stage not in weights:
        return 0.0
    before = sum(w for name, w in weights.items() if STAGE_NAMES.index(name) < STAGE_NAMES.index(stage))
    done = before + weights[stage] * max(0.0, min(1.0, fraction))
    return done / sum(weights.values())


# Told that ``stage`` (one of STAGE_NAMES) is ``fraction`` (0..1) done.
Progress = Callable[[str, float], None]


def no_progress(_stage: str, _fraction: float) -> None:
    return None


class Checkpoints(Protocol):
    def planned(self, board: Storyboard, messages: Sequence[str]) -> None:
        """The storyboard is planned and voiced (as a person would edit it: no audio). Keep it, and
        what the planner said, so a run again can resume from it instead of planning again."""


class Stopped(Exception):
    """The caller asked to stop (``stop_requested`` answered yes); raised between stages and scenes."""


def never() -> bool:
    return False


@dataclass(frozen=True)
class Hooks:
    """What a caller plugs into a run. The defaults: no progress, no checkpoints, never stop."""

    progress: Progress = no_progress
    checkpoints: Checkpoints | None = None
    stop_requested: Callable[[], bool] = field(default=never)

    def check_stop(self) -> None:
        if self.stop_requested():
            raise Stopped

    def report(self, stage: str, fraction: float) -> None:
        """Progress, with a stop check: a long stage (rendering) can be stopped between scenes."""
        self.progress(stage, fraction)
        self.check_stop()
