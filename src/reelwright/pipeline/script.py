"""Stage 2, script: plan, voice, measure, and plan again until the length is right.

The planner chooses how much to say for an assumed speaking rate; after hearing the real narration
the rate is corrected and the planner re-plans (cached sentences are not synthesised again). A last
small change of speaking speed (within ±10 %, a time stretch of the voiced audio) closes any
remaining gap, and when the material runs out before the asked length, the visual scenes are held
a little longer.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reelwright.avatar.catalogue import get_avatar
from reelwright.errors import InputError
from reelwright.pipeline.publish import for_export
from reelwright.pipeline.retime import retime_storyboard
from reelwright.pipeline.segments import FanOut
from reelwright.pipeline.stages import Hooks
from reelwright.plan.base import Pacing, Planner, PlanRequest, PlanResult, explains_short_video
from reelwright.plan.language import voice_notes
from reelwright.render.timeline import build_timeline, hold_capacity
from reelwright.request import VideoRequest
from reelwright.storyboard import Storyboard, TitleCard
from reelwright.styles.catalogue import get_style
from reelwright.voice.catalogue import get_voice
from reelwright.voice.stage import voice_storyboard

DURATION_TOLERANCE = 0.05  # aim well inside the promised ±10 %
MAX_REPLANS = 3


@dataclass(frozen=True)
class Script:
    """A planned and voiced storyboard, its measured length, and what the planner said."""

    storyboard: Storyboard  # with audio: ready to render
    duration: float  # seconds, from the synthesised narration
    messages: tuple[str, ...]


def spoken_seconds(board: Storyboard) -> float:
    return sum(s.audio.duration for s in board.scenes if s.audio)


def _measure(board: Storyboard) -> float:
    return build_timeline(board, get_style(board.style).transition_seconds).duration


def write_script(
    planner: Planner,
    request: PlanRequest,
    workdir: Path,
    cache: Path,
    hooks: Hooks,
    fan_out: FanOut | None = None,
) -> Script:
    """Plan and voice to the asked length (stages ``plan`` and ``voice``).

    With ``fan_out`` (a job on the cluster), idle workers voice shares of a long script first.
    """
    hooks.check_stop()
    result = planner.plan(request, Pacing())
    said = list(result.messages)
    board = sized(result.storyboard, request.video)
    said += [n for n in presenter_voice_notes(board) if n not in said]
    target = board.target_duration
    hooks.report("plan", 1.0)
    duration = 0.0
    for attempt in range(MAX_REPLANS + 1):

        def voice_progress(f: float, a: int = attempt) -> None:
            hooks.report("voice", min(1.0, (a + f) / 2))

        if fan_out is not None:
            fan_out.voice_together(board, cache / "tts", voice_progress)
        board = voice_storyboard(board, workdir / "voice", cache, progress=voice_progress)
        duration = _measure(board)
        if target is None or abs(duration - target) / target <= DURATION_TOLERANCE:
            break
        speech = spoken_seconds(board)
        if attempt < MAX_REPLANS and speech > 0:
            overhead = max(0.0, (duration - speech) / len(board.scenes))
            pacing = Pacing(
                words_per_second=board.narration_words() / speech * board.voice_speed, scene_overhead=overhead
            )
            result = planner.replan(request, PlanResult(board, result.messages, result.memo), pacing)
            said += [m for m in result.messages if m not in said]
            if [s.narration for s in result.storyboard.scenes] != [s.narration for s in board.scenes]:
                board = sized(result.storyboard, request.video)
                continue
        # The same script again: adjust the speaking rate slightly instead.
        wanted_speech = max(1.0, target - (duration - speech))
        speed = max(0.9, min(1.1, board.voice_speed * speech / wanted_speech))
        if abs(speed - board.voice_speed) >= 0.005:
            # Stretched, not spoken again: see pipeline/retime.py for why.
            board = retime_storyboard(board, round(speed, 3), workdir / "voice")
            duration = _measure(board)
        break
    hooks.report("voice", 1.0)
    if request.video.title:
        board = with_title(board, request.video.title)
    if target is not None:
        board = hold_visuals(board, target - duration)
        duration = _measure(board)
    return Script(board, duration, tuple(said))


def sized(board: Storyboard, video: VideoRequest) -> Storyboard:
    """The planned storyboard at the resolution, aspect ratio and frame rate the user asked for."""
    return board.with_output(video.resolution, video.aspect_ratio, video.fps)


def presenter_voice_notes(board: Storyboard) -> list[str]:
    """Say so before rendering when the voice is a fallback (robotic, or not the presenter's
    gender), whichever planner chose it, with the natural alternative."""
    gender: str | None = None
    if board.avatar is not None:
        try:
            gender = get_avatar(board.avatar).gender
        except InputError:  # a presenter plugin's own look: its gender is not ours to know
            gender = None
    return voice_notes(get_voice(board.voice), gender)


def with_title(board: Storyboard, title: str) -> Storyboard:
    """The user's own title for the video, on its title card too (where the card shows the planned one)."""
    scenes = [
        s.model_copy(update={"visual": s.visual.model_copy(update={"heading": title})})
        if isinstance(s.visual, TitleCard) and s.visual.heading == board.title
        else s
        for s in board.scenes
    ]
    return board.model_copy(update={"title": title, "scenes": scenes})


# Scenes a viewer can look at longer without the voice: a page, a picture, a list.
_HOLDABLE = ("pdf_page", "image", "bullets")


def hold_visuals(board: Storyboard, short_by: float) -> Storyboard:
    """When the material runs out before the asked length, hold the visual scenes a little longer.

    The planner never invents content to fill time, so a thin deck can leave the narration short
    even at the slowest natural speaking rate; a little more time on each slide (which the viewer
    is reading anyway) closes part of the gap without padding the script. The timeline spreads a
    hold over the scene's sentence breaks, and no scene is held longer than that can take without
    a second of dead air (``hold_capacity``): what is still missing, ``length_notes`` says.
    """
    target = board.target_duration
    if target is None or short_by <= DURATION_TOLERANCE * target:
        return board
    scenes = list(board.scenes)
    room = [max(0.0, min(hold_capacity(s), 5.0) - s.pause_after) for s in scenes]
    left = short_by
    # Slides first; then, if they cannot take it all, a shorter breath on every scene.
    passes = (
        [i for i, s in enumerate(scenes) if s.visual.kind in _HOLDABLE],
        list(range(len(scenes))),
    )
    for indices in passes:
        indices = [i for i in indices if room[i] > 0.01]
        if not indices or left <= 0:
            continue
        each = left / len(indices)
        for i in indices:
            extra = min(each, room[i])
            room[i] -= extra
            scenes[i] = scenes[i].model_copy(update={"pause_after": round(scenes[i].pause_after + extra, 2)})
            left -= extra
    return board.model_copy(update={"scenes": scenes})


def length_notes(board: Storyboard, duration: float, said: Sequence[str] = ()) -> list[str]:
    """Say so when the material could not honestly fill the requested length, unless the planner's
    messages (``said``) already told the user why the video is shorter: one note, not two."""
    target = board.target_duration
    if target is None or abs(duration - target) / target <= DURATION_TOLERANCE:
        return []
    if duration < target and explains_short_video(said):
        return []
    if duration < target:
        return [
            f"the prompt and files gave enough to say for {duration:.0f} s of the {target:.0f} s asked for; "
            "add points to the prompt or files (a PDF, pictures) for a longer video"
        ]
    return [f"the video is {duration:.0f} s of the {target:.0f} s asked for: the material could not be cut"]


@dataclass(frozen=True)
class PlannedDraft:
    storyboard: Storyboard  # as a person would edit it (no audio)
    duration: float  # seconds, measured from the synthesised narration
    messages: tuple[str, ...] = ()


def plan_draft(
    request: PlanRequest, planner: Planner, *, work_parent: Path, cache_dir: Path, hooks: Hooks
) -> PlannedDraft:
    """Plan and fit the length, without rendering: the draft a chat session shows for review.

    The narration is synthesised to measure it (and stays in the speech cache, so rendering the
    approved draft does not speak it again).
    """
    work_parent.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".draft-", dir=work_parent))
    try:
        script = write_script(planner, request, workdir, cache_dir, hooks)
        return PlannedDraft(for_export(script.storyboard), script.duration, script.messages)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
