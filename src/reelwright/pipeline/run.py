"""One job through the stages: ingest → script (plan, voice) → render → publish.

This module only sequences the stages, times them and makes sure a failure leaves nothing
half-written: everything is made in a hidden folder next to the outputs and moved into place only
when every file exists.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from reelwright.avatar.photo import PhotoLook
from reelwright.errors import InputError
from reelwright.heap import release_free_memory
from reelwright.pipeline.ingest import check_sources, read_inputs
from reelwright.pipeline.publish import publish
from reelwright.pipeline.render import render
from reelwright.pipeline.script import length_notes, write_script
from reelwright.pipeline.segments import FanOut, HandedOff, duration_of
from reelwright.pipeline.stages import Hooks
from reelwright.plan.base import Planner, PlanRequest
from reelwright.request import VideoRequest
from reelwright.store.files import output_paths
from reelwright.storyboard import Storyboard
from reelwright.styles.brand import Brand
from reelwright.voice.engine import forget_engines
from reelwright.voice.stage import voice_storyboard


@dataclass(frozen=True)
class RenderJob:
    """A request to render, with what only the caller can resolve: where the request's files are,
    the brand kit and photo look it names, and where the results go."""

    output: Path
    request: VideoRequest | None = None  # None: render ``storyboard`` as it is
    files: list[Path] = field(default_factory=list)  # the request's files, readable here
    storyboard: Path | None = None
    storyboard_out: Path | None = None
    cache_dir: Path | None = None  # speech cache; None means default_cache_dir()
    brand: Brand | None = None  # a brand kit's logo, colours and font, laid over the style
    photo: PhotoLook | None = None  # the talking-photo look the request's avatar names, if it does
    # Output options for ``storyboard`` (a request carries its own): None keeps the storyboard's.
    resolution: str | None = None
    aspect_ratio: str | None = None
    fps: int | None = None
    # Renders a long video scene by scene on many workers; the run then ends with HandedOff.
    fan_out: FanOut | None = None


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
    messages: tuple[str, ...] = ()  # what the planner told the user
    notes: list[str] = field(default_factory=list)  # things the user should know, e.g. a short script


def default_cache_dir() -> Path:
    env = os.environ.get("REELWRIGHT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reelwright"


def _make_room_for(board: Storyboard) -> None:
    """Before rendering: synthesis's freed buffers go back to the system, and above 1080p the
    loaded voices too (a Piper voice is ~200 MB; the next job reloads it in ~2 s, a few per cent
    of a 4K render, which without this peaked at 1.01 GB cold against 0.83 GB with a warm cache)."""
    if board.width * board.height > 1920 * 1080:
        forget_engines()
        gc.collect()
    release_free_memory()


def run(job: RenderJob, planner: Planner | None = None, hooks: Hooks | None = None) -> JobResult:
    hooks = hooks or Hooks()
    timings: dict[str, float] = {}
    outputs = output_paths(job.output.absolute())
    out_dir = outputs["video"].parent
    if not out_dir.is_dir():
        raise InputError(f"output folder {out_dir} does not exist", param="output")
    if job.storyboard is None and (job.request is None or planner is None):
        raise ValueError("a job without a storyboard needs a request and a planner")
    cache = job.cache_dir or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix=f".{outputs['video'].stem}.reelwright-", dir=out_dir))
    try:
        said: tuple[str, ...] = ()
        t = time.perf_counter()
        hooks.check_stop()
        if job.storyboard is not None:
            board = Storyboard.load(job.storyboard).with_output(job.resolution, job.aspect_ratio, job.fps)
            check_sources(board)
            hooks.report("ingest", 1.0)
            timings["ingest"] = time.perf_counter() - t
            t = time.perf_counter()
            board = voice_storyboard(
                board, workdir / "voice", cache, progress=lambda f: hooks.report("voice", f)
            )
            timings["voice"] = time.perf_counter() - t
            _make_room_for(board)
        else:
            assert job.request is not None and planner is not None
            files = read_inputs(job.files)
            hooks.report("ingest", 1.0)
            timings["ingest"] = time.perf_counter() - t
            t = time.perf_counter()
            photo = job.photo
            # A photo look is planned with the catalogue presenter that stands in for it.
            request = job.request
            if photo is not None:
                # Its voice is not pinned: the planner picks one of the stand-in's gender (the
                # photo's) in the prompt's language, as for any presenter.
                request = request.revised(avatar=photo.stand_in(), voice=request.voice)
            script = write_script(planner, PlanRequest(request, files), workdir, cache, hooks, job.fan_out)
            board, said = script.storyboard, script.messages
            note = photo.gender_note() if photo is not None and request.voice is None else None
            if note is not None:
                said = (note, *said)
            if photo is not None and board.avatar is not None:
                board = board.model_copy(update={"avatar": photo.id})
            timings["plan+voice"] = time.perf_counter() - t
            _make_room_for(board)
            if hooks.checkpoints is not None:
                hooks.checkpoints.planned(board, said)

        if job.fan_out is not None and job.fan_out.wants(board, duration_of(board, job.brand)):
            hooks.check_stop()
            job.fan_out.hand_off(board, workdir)
            raise HandedOff
        rendered = render(board, workdir, hooks, brand=job.brand, photo=job.photo)
        timings.update(rendered.timings)

        t = time.perf_counter()
        hooks.check_stop()
        published = publish(rendered, outputs["video"], board, job.storyboard_out, workdir)
        hooks.report("publish", 1.0)
        timings["publish"] = time.perf_counter() - t
        return JobResult(
            video=published["video"],
            captioned=published["captioned"],
            subtitles=published["subtitles"],
            thumbnail=published["thumbnail"],
            gif=published["gif"],
            storyboard=board,
            duration=rendered.duration,
            stage_seconds=timings,
            messages=said,
            notes=length_notes(board, rendered.duration, said),
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        # What the job held goes back to the system before the process's next job (reelwright.heap).
        gc.collect()
        release_free_memory()
