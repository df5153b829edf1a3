"""Runs the stages in order: ingest → plan → voice → render → publish.

Stages are plain functions over the Storyboard; this module only sequences them, reports
progress, fits the length, and makes sure a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reelwright.avatar.photo import PhotoLook
from reelwright.errors import InputError
from reelwright.ingest.sandbox import inspect_files  # bounded: a hostile file cannot take the worker down
from reelwright.plan.base import Pacing, Planner, PlanRequest
from reelwright.plan.offline import OfflinePlanner
from reelwright.render.timeline import build_timeline
from reelwright.render.video import RenderedFiles, render_video
from reelwright.storyboard import Orientation, Storyboard
from reelwright.styles.brand import Brand
from reelwright.styles.catalogue import get_style
from reelwright.voice.stage import voice_storyboard

MAX_PROMPT_CHARS = 10_000
DURATION_TOLERANCE = 0.05  # aim well inside the promised ±10 %
MAX_REPLANS = 3

STAGES = ("ingest", "plan", "voice", "render", "publish")

ProgressFn = Callable[[str, float], None]


@dataclass(frozen=True)
class RenderJob:
    output: Path
    prompt: str | None = None
    files: list[Path] = field(default_factory=list)
    storyboard: Path | None = None
    storyboard_out: Path | None = None
    orientation: Orientation | None = None
    duration: float | None = None
    avatar: str | None = None
    voice: str | None = None
    style: str | None = None
    no_avatar: bool = False
    cache_dir: Path | None = None  # speech cache; None means default_cache_dir()
    # Where to save the planned storyboard as soon as it exists, so a job run again after a crash
    # can resume from it (``storyboard=``) instead of planning again.
    checkpoint: Path | None = None
    brand: Brand | None = None  # a brand kit's logo, colours and font, laid over the style
    photo: PhotoLook | None = None  # the talking-photo look that ``avatar`` names, if it names one


@dataclass(frozen=True)
class JobResult:
    video: Path
    captioned: Path
    subtitles: Path
    thumbnail: Path
    gif: Path
    storyboard: Storyboard
    duration: float
    stage_seconds: dict[str, float]
    notes: list[str] = field(default_factory=list)  # things the user should know, e.g. a short script


def default_cache_dir() -> Path:
    env = os.environ.get("REELWRIGHT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reelwright"


def validate_prompt(prompt: str) -> str:
    text = prompt.strip()
    if not text:
        raise InputError("the prompt is empty", param="prompt")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InputError(
            f"the prompt is {len(prompt)} characters; the limit is {MAX_PROMPT_CHARS}", param="prompt"
        )
    return text


def output_paths(output: Path) -> dict[str, Path]:
    stem = output.name[: -len(output.suffix)] if output.suffix else output.name
    parent = output.parent
    return {
        "video": output if output.suffix else output.with_suffix(".mp4"),
        "captioned": parent / f"{stem}.captioned.mp4",
        "subtitles": parent / f"{stem}.srt",
        "thumbnail": parent / f"{stem}.jpg",
        "gif": parent / f"{stem}.gif",
    }


def spoken_seconds(board: Storyboard) -> float:
    return sum(s.audio.duration for s in board.scenes if s.audio)


def fit_duration(
    planner: Planner, request: PlanRequest, workdir: Path, cache: Path, progress: ProgressFn
) -> Storyboard:
    """Plan, voice, measure, and re-plan until the length is right.

    The planner chooses how much to say for an assumed speaking rate; after hearing the real
    narration we correct the rate and plan again (cached sentences are not re-synthesised). A
    last small change of speaking speed (within ±10 %) closes any remaining gap.
    """
    pacing = Pacing()
    board = planner.plan(request, pacing)
    target = board.target_duration
    progress("plan", 1.0)
    for attempt in range(MAX_REPLANS + 1):

        def voice_progress(f: float, a: int = attempt) -> None:
            progress("voice", min(1.0, (a + f) / 2))

        board = voice_storyboard(board, workdir / "voice", cache, progress=voice_progress)
        style = get_style(board.style)
        duration = build_timeline(board, style.transition_seconds).duration
        if target is None or abs(duration - target) / target <= DURATION_TOLERANCE:
            break
        speech = spoken_seconds(board)
        words = board.narration_words()
        overhead = max(0.0, (duration - speech) / len(board.scenes))
        if attempt < MAX_REPLANS and speech > 0:
            new = Pacing(words_per_second=words / speech * board.voice_speed, scene_overhead=overhead)
            replanned = planner.plan(request, new)
            if [s.narration for s in replanned.scenes] != [s.narration for s in board.scenes]:
                board = replanned
                continue
        # Same script again: adjust the speaking rate slightly instead.
        fixed = duration - speech
        wanted_speech = max(1.0, target - fixed)
        speed = max(0.9, min(1.1, board.voice_speed * speech / wanted_speech))
        if abs(speed - board.voice_speed) < 0.005:
            break
        board = board.model_copy(update={"voice_speed": round(speed, 3)})
        board = voice_storyboard(board, workdir / "voice", cache)
        duration = build_timeline(board, style.transition_seconds).duration
        break
    progress("voice", 1.0)
    if target is not None:
        board = hold_visuals(board, target - duration)
    return board


# Scenes a viewer can look at longer without the voice: a page, a picture, a list.
_HOLDABLE = ("pdf_page", "image", "bullets")
MAX_HOLD = 4.0


def hold_visuals(board: Storyboard, short_by: float) -> Storyboard:
    """When the material runs out before the asked length, hold the visual scenes a little longer.

    The planner never invents content to fill time, so a thin deck can leave the narration short
    even at the slowest natural speaking rate; a few quiet seconds on each slide (which the viewer
    is reading anyway) close the gap without padding the script.
    """
    target = board.target_duration
    if target is None or short_by <= DURATION_TOLERANCE * target:
        return board
    scenes = list(board.scenes)
    left = short_by
    # Slides first; then, if they cannot take it all, a shorter breath on every scene.
    passes = (
        ([i for i, s in enumerate(scenes) if s.visual.kind in _HOLDABLE], MAX_HOLD),
        (list(range(len(scenes))), MAX_HOLD / 2),
    )
    for indices, cap in passes:
        if not indices or left <= 0:
            continue
        each = min(cap, left / len(indices))
        for i in indices:
            extra = min(each, 5.0 - scenes[i].pause_after)
            scenes[i] = scenes[i].model_copy(update={"pause_after": round(scenes[i].pause_after + extra, 2)})
            left -= extra
    return board.model_copy(update={"scenes": scenes})


@dataclass(frozen=True)
class PlannedDraft:
    storyboard: Storyboard  # as a person would edit it (no audio)
    duration: float  # seconds, measured from the synthesised narration


def plan_draft(
    request: PlanRequest, planner: Planner, *, work_parent: Path, cache_dir: Path, progress: ProgressFn
) -> PlannedDraft:
    """Plan and fit the length, without rendering: the draft a chat session shows for review.

    The narration is synthesised to measure it (and stays in the speech cache, so rendering the
    approved draft does not speak it again).
    """
    work_parent.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=".draft-", dir=work_parent))
    try:
        board = fit_duration(planner, request, workdir, cache_dir, progress)
        duration = build_timeline(board, get_style(board.style).transition_seconds).duration
        return PlannedDraft(storyboard_for_export(board), duration)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(job: RenderJob, progress: ProgressFn | None = None, *, planner: Planner | None = None) -> JobResult:
    report = progress or (lambda _s, _f: None)
    timings: dict[str, float] = {}
    outputs = output_paths(job.output.absolute())
    out_dir = outputs["video"].parent
    if not out_dir.is_dir():
        raise InputError(f"output folder {out_dir} does not exist", param="output")
    if job.storyboard is None:
        prompt = validate_prompt(job.prompt or "")
    cache = job.cache_dir or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)

    # Everything is written inside a hidden folder next to the outputs (same filesystem, so the
    # final renames are atomic) and only moved into place once every file exists.
    workdir = Path(tempfile.mkdtemp(prefix=f".{outputs['video'].stem}.reelwright-", dir=out_dir))
    try:
        t = time.perf_counter()
        if job.storyboard is not None:
            board = Storyboard.load(job.storyboard)
            _check_sources(board)
            report("ingest", 1.0)
            timings["ingest"] = time.perf_counter() - t
            t = time.perf_counter()
            board = voice_storyboard(board, workdir / "voice", cache, progress=lambda f: report("voice", f))
            timings["voice"] = time.perf_counter() - t
        else:
            files = inspect_files(list(job.files))
            report("ingest", 1.0)
            timings["ingest"] = time.perf_counter() - t
            t = time.perf_counter()
            request = PlanRequest(
                prompt=prompt,
                files=files,
                orientation=job.orientation,
                duration=job.duration,
                avatar=job.photo.stand_in() if job.photo else job.avatar,
                voice=job.voice or (job.photo.default_voice if job.photo else None),
                style=job.style,
                no_avatar=job.no_avatar,
            )
            board = fit_duration(planner or OfflinePlanner(), request, workdir, cache, report)
            if job.photo is not None and board.avatar is not None:
                board = board.model_copy(update={"avatar": job.photo.id})  # planned with a stand-in
            timings["plan+voice"] = time.perf_counter() - t
            if job.checkpoint is not None:
                part = job.checkpoint.with_name(f".{job.checkpoint.name}.part")
                part.write_text(storyboard_for_export(board).to_json() + "\n", encoding="utf-8")
                os.replace(part, job.checkpoint)

        t = time.perf_counter()
        rendered = render_video(
            board, workdir, "out", progress=lambda f: report("render", f), brand=job.brand, photo=job.photo
        )
        timings.update(rendered.timings)

        t = time.perf_counter()
        published = _publish(rendered, outputs, board, job.storyboard_out, workdir)
        report("publish", 1.0)
        timings["publish"] = time.perf_counter() - t
        return JobResult(
            **published,
            storyboard=board,
            duration=rendered.duration,
            stage_seconds=timings,
            notes=_length_notes(board, rendered.duration),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _length_notes(board: Storyboard, duration: float) -> list[str]:
    """Say so when the material could not honestly fill the requested length."""
    target = board.target_duration
    if target is None or abs(duration - target) / target <= DURATION_TOLERANCE:
        return []
    if duration < target:
        return [
            f"the prompt and files gave enough to say for {duration:.0f} s of the {target:.0f} s asked for; "
            "add points to the prompt or files (a PDF, pictures) for a longer video"
        ]
    return [f"the video is {duration:.0f} s of the {target:.0f} s asked for: the material could not be cut"]


def _check_sources(board: Storyboard) -> None:
    """A storyboard's files must exist and be what they claim, like files given on the command line."""
    from reelwright.storyboard import ImageScene, PdfPage, VideoClip

    paths: list[Path] = []
    for scene in board.scenes:
        v = scene.visual
        if isinstance(v, PdfPage | ImageScene | VideoClip):
            paths.append(Path(v.source))
    if board.music:
        paths.append(Path(board.music.source))
    unique = list(dict.fromkeys(paths))
    files = inspect_files(unique) if unique else []
    pages = {str(f.path): len(f.page_texts) for f in files if f.kind == "pdf"}
    for i, scene in enumerate(board.scenes):
        v = scene.visual
        if isinstance(v, PdfPage) and v.page > pages.get(str(Path(v.source)), 0):
            raise InputError(
                f"invalid storyboard: scenes.{i}.visual.page: {v.source} has only "
                f"{pages.get(str(Path(v.source)), 0)} pages",
                param=f"scenes.{i}.visual.page",
            )


def _publish(
    rendered: RenderedFiles,
    outputs: dict[str, Path],
    board: Storyboard,
    storyboard_out: Path | None,
    workdir: Path,
) -> dict[str, Path]:
    staged = {
        "video": rendered.video,
        "captioned": rendered.captioned,
        "subtitles": rendered.subtitles,
        "thumbnail": rendered.thumbnail,
        "gif": rendered.gif,
    }
    moves: list[tuple[Path, Path]] = [(staged[k], outputs[k]) for k in staged]
    if storyboard_out is not None:
        sb = workdir / "storyboard.json"
        sb.write_text(storyboard_for_export(board).to_json() + "\n", encoding="utf-8")
        if storyboard_out.resolve().parent == workdir.parent.resolve():
            moves.append((sb, storyboard_out))
        else:
            tmp = storyboard_out.with_name(f".{storyboard_out.name}.part")
            shutil.copyfile(sb, tmp)
            moves.append((tmp, storyboard_out))
    for src, dst in moves:
        os.replace(src, dst)
    return {k: outputs[k] for k in staged}


def storyboard_for_export(board: Storyboard) -> Storyboard:
    """The storyboard as a person would edit it: audio files and timings are re-made on render."""
    scenes = [s.model_copy(update={"audio": None}) for s in board.scenes]
    return board.model_copy(update={"scenes": scenes})
