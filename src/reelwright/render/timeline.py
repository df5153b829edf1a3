"""When each scene starts and ends, in whole frames, and where its narration sits.

Scenes follow each other without overlap; a crossfade happens inside the first moments of the
incoming scene (before its narration starts), so audio never has to be cross-mixed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reelwright.storyboard import Storyboard

FIRST_LEAD_SECONDS = 0.25  # breath before the very first word
TAIL_SECONDS = 0.35  # held after a scene's last word, before the next scene starts


@dataclass(frozen=True)
class SceneTiming:
    index: int
    start_frame: int
    n_frames: int
    speech_start: float  # seconds in the video where the narration begins
    speech_duration: float
    transition_frames: int  # crossfade length at the start of this scene (0 = cut)

    def start(self, fps: int) -> float:
        return self.start_frame / fps

    def end(self, fps: int) -> float:
        return (self.start_frame + self.n_frames) / fps


@dataclass(frozen=True)
class Timeline:
    fps: int
    scenes: list[SceneTiming]

    @property
    def n_frames(self) -> int:
        last = self.scenes[-1]
        return last.start_frame + last.n_frames

    @property
    def duration(self) -> float:
        return self.n_frames / self.fps


def transition_seconds_for(board: Storyboard, index: int, style_transition: float) -> float:
    if index == 0 or board.scenes[index].transition == "cut":
        return 0.0
    return style_transition


def build_timeline(board: Storyboard, style_transition: float) -> Timeline:
    fps = board.fps
    timings: list[SceneTiming] = []
    frame = 0
    for i, scene in enumerate(board.scenes):
        trans = transition_seconds_for(board, i, style_transition)
        lead = FIRST_LEAD_SECONDS if i == 0 else max(trans, 0.15)
        speech = scene.audio.duration if scene.audio else 0.0
        seconds = max(scene.min_duration, lead + speech + TAIL_SECONDS + scene.pause_after)
        n = math.ceil(seconds * fps - 1e-6)
        timings.append(
            SceneTiming(
                index=i,
                start_frame=frame,
                n_frames=n,
                speech_start=frame / fps + lead,
                speech_duration=speech,
                transition_frames=round(trans * fps),
            )
        )
        frame += n
    return Timeline(fps, timings)
