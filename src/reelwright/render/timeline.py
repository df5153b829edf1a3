"""When each scene starts and ends, in whole frames, and where its narration sits.

Scenes follow each other without overlap. The cut between two scenes falls just after the last
word of the first, and the next scene's first word follows a short breath later: the silence a
viewer hears at a scene change is about ``SCENE_GAP`` seconds, however much silence the voice
engine left around its audio (the files are placed by their words, not by their edges, and the
silent edges of two neighbouring files may overlap: they add nothing). A crossfade happens in the
first moments of the incoming scene, so audio never has to be cross-mixed.

Held time (``pause_after``, and the padding up to ``min_duration``) is spread over the scene's
sentence breaks before any is left at its end, so that holding a slide longer never leaves a
second of dead air.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from reelwright.storyboard import Scene, Storyboard

FIRST_LEAD_SECONDS = 0.25  # breath before the very first word
SCENE_GAP = 0.3  # from the last word of a scene to the first word of the next (heard as ~0.4 s)
CUT_AFTER_WORD = 0.05  # the cut to the next scene comes this long after the last word
END_SECONDS = 0.45  # held after the video's last word
SENTENCE_BREAK = 0.2  # a silence between words at least this long is a sentence break
MAX_BREAK_STRETCH = 0.55  # held time one sentence break may take (0.28 s + this stays under 1 s)
EDGE_ALLOWANCE = 0.3  # silence at a file's edge the engine adds by itself (more is an asked pause)


@dataclass(frozen=True)
class Piece:
    """A stretch of a scene's narration file and where in the video it is heard."""

    audio_start: float  # seconds into the narration file
    audio_end: float
    at: float  # seconds into the video where ``audio_start`` is heard


@dataclass(frozen=True)
class SceneTiming:
    index: int
    start_frame: int
    n_frames: int
    speech_start: float  # seconds in the video where the narration file begins
    speech_duration: float
    transition_frames: int  # crossfade length at the start of this scene (0 = cut)
    # The narration file in pieces split at sentence breaks, each where it plays; empty: one piece
    # at ``speech_start``.
    pieces: tuple[Piece, ...] = field(default=())

    def start(self, fps: int) -> float:
        return self.start_frame / fps

    def end(self, fps: int) -> float:
        return (self.start_frame + self.n_frames) / fps

    def to_video(self, t: float) -> float:
        """Where a moment ``t`` seconds into the scene's narration file is heard in the video."""
        for piece in reversed(self.pieces):
            if t >= piece.audio_start:
                return piece.at + (t - piece.audio_start)
        return self.speech_start + t


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


def transition_seconds_for(
    board: Storyboard, index: int, style_transition: float, *, uses_presenter: bool | None = None
) -> float:
    """How long scene ``index`` blends in from the previous one (0: a cut).

    A presenter that shows in both scenes at different places (full screen, beside, in a corner)
    would be seen twice, ghosted, through a blend: the scene cuts instead.
    """
    if index == 0 or board.scenes[index].transition == "cut":
        return 0.0
    if uses_presenter is None:
        uses_presenter = presenter_shown(board)
    if uses_presenter:
        before, after = board.scenes[index - 1].presenter, board.scenes[index].presenter
        if before != after and "none" not in (before, after):
            return 0.0
    return style_transition


def presenter_shown(board: Storyboard) -> bool:
    return board.avatar is not None and any(s.presenter != "none" for s in board.scenes)


@dataclass(frozen=True)
class _Speech:
    first_word: float  # seconds into the file
    last_word: float
    duration: float
    breaks: list[tuple[float, float]]  # silences between sentences, (from, to) in the file
    lead_pause: float  # asked-for silence before the first word
    tail_pause: float  # asked-for silence after the last word


def _speech(scene: Scene) -> _Speech | None:
    audio = scene.audio
    if audio is None:
        return None
    words = [w for w in audio.words if w.end > w.start]
    if not words:
        return _Speech(0.0, audio.duration, audio.duration, [], 0.0, 0.0)
    first, last = words[0].start, words[-1].end
    breaks = [(a.end, b.start) for a, b in itertools.pairwise(words) if b.start - a.end >= SENTENCE_BREAK]
    return _Speech(
        first_word=first,
        last_word=last,
        duration=audio.duration,
        breaks=breaks,
        lead_pause=max(0.0, first - EDGE_ALLOWANCE),
        tail_pause=max(0.0, audio.duration - last - EDGE_ALLOWANCE),
    )


def hold_capacity(scene: Scene) -> float:
    """Seconds a scene can be held longer without any silence reaching a second."""
    speech = _speech(scene)
    breaks = len(speech.breaks) if speech else 0
    return breaks * MAX_BREAK_STRETCH


def _spread(hold: float, n_breaks: int) -> tuple[list[float], float]:
    """Held time over the sentence breaks (evenly, each within its cap), and what is left for the
    end: only what the breaks cannot take, so a scene change stays a breath long."""
    if hold <= 0 or n_breaks == 0:
        return [0.0] * n_breaks, max(0.0, hold)
    each = min(MAX_BREAK_STRETCH, hold / n_breaks)
    return [each] * n_breaks, max(0.0, hold - each * n_breaks)


def build_timeline(board: Storyboard, style_transition: float) -> Timeline:
    fps = board.fps
    uses_presenter = presenter_shown(board)
    timings: list[SceneTiming] = []
    frame = 0
    n_scenes = len(board.scenes)
    for i, scene in enumerate(board.scenes):
        trans = transition_seconds_for(board, i, style_transition, uses_presenter=uses_presenter)
        start = frame / fps
        speech = _speech(scene)
        if speech is None:
            timings.append(
                SceneTiming(
                    index=i,
                    start_frame=frame,
                    n_frames=(n := math.ceil(max(scene.min_duration, scene.pause_after) * fps - 1e-6)),
                    speech_start=start,
                    speech_duration=0.0,
                    transition_frames=round(trans * fps),
                )
            )
            frame += n
            continue
        # Breath before the first word: the previous scene already left CUT_AFTER_WORD of it.
        lead = FIRST_LEAD_SECONDS if i == 0 else SCENE_GAP - CUT_AFTER_WORD
        lead += speech.lead_pause
        tail = (END_SECONDS if i == n_scenes - 1 else CUT_AFTER_WORD) + speech.tail_pause
        stretches, end_hold = _spread(scene.pause_after, len(speech.breaks))
        spoken = speech.last_word - speech.first_word + sum(stretches)
        # A short scene is padded up to its least length on both sides of its speech (the last
        # scene after it: the video's end is no scene change).
        short = max(0.0, scene.min_duration - (lead + spoken + tail + end_hold))
        before = 0.0 if i == n_scenes - 1 else short / 2
        lead += before
        end_hold += short - before

        file_start = start + lead - speech.first_word  # where the file's t=0 is heard
        pieces: list[Piece] = []
        cut, shift = 0.0, 0.0
        for (gap_from, gap_to), extra in zip(speech.breaks, stretches, strict=True):
            middle = (gap_from + gap_to) / 2
            pieces.append(Piece(cut, middle, file_start + cut + shift))
            cut, shift = middle, shift + extra
        pieces.append(Piece(cut, speech.duration, file_start + cut + shift))

        seconds = lead + spoken + tail + end_hold
        n = math.ceil(seconds * fps - 1e-6)
        timings.append(
            SceneTiming(
                index=i,
                start_frame=frame,
                n_frames=n,
                speech_start=file_start,
                speech_duration=speech.duration,
                transition_frames=round(trans * fps),
                pieces=tuple(pieces),
            )
        )
        frame += n
    return Timeline(fps, timings)
