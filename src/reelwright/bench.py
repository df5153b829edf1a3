"""``reelwright bench``: the fixed reference job, timed stage by stage against the ffmpeg floor.

Reference: 45 s at 1080p30 (``--resolution 4k`` for 3840x2160), five scenes (title, bullets, a
PDF page, a photo, a closing card), the presenter on screen throughout, captioned copy, thumbnail
and GIF included.

Memory case: no presenter, one 12-megapixel photo and a three-minute music track, the inputs
that once made a job hold 2.4 GB; its peak memory is reported beside the reference's.
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from rich.console import Console
from rich.table import Table

from reelwright import pipeline
from reelwright.heap import release_free_memory
from reelwright.memwatch import PeakMemory
from reelwright.render import ffmpeg
from reelwright.render.compose import EncodeSettings
from reelwright.storyboard import BulletSlide, ImageScene, MusicTrack, PdfPage, Scene, Storyboard, TitleCard
from reelwright.voice.catalogue import get_voice
from reelwright.voice.engine import engine_for
from reelwright.warmup import warm_up

_NARRATION = [
    "Welcome to the quarterly update. In the next few minutes we will look at what shipped, "
    "what we learned along the way, and where the team goes next.",
    "Three things stand out this quarter. Exports are faster, the dashboard has a new design, "
    "and the mobile app is out, which many of you have already tried and written to us about.",
    "This page from the planning deck shows the roadmap. Each milestone lines up with a team, "
    "and every team has a clear owner. The dates on the right are the ones we committed to.",
    "Here is the new office, where most of this work happened. "
    "It is bright, quiet, and close to the station, and there is room for everyone to sit together.",
    "That is the update for this quarter. Thanks for watching, and see you next time.",
]


def _make_inputs(folder: Path) -> tuple[Path, Path]:
    """A one-page PDF and a photo-like picture, generated so the bench needs no files."""
    page = Image.new("RGB", (1240, 1754), "white")
    d = ImageDraw.Draw(page)
    d.rectangle((0, 0, 1240, 220), fill=(30, 64, 175))
    for i in range(6):
        y = 320 + i * 210
        d.rectangle((120, y, 1120, y + 150), outline=(30, 64, 175), width=6)
        d.rectangle((140, y + 20, 140 + 140 * (i + 2), y + 130), fill=(147, 180, 245))
    pdf = folder / "deck.pdf"
    page.save(pdf, "PDF", resolution=150)

    h, w = 1600, 2400
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    sky = np.stack([120 + 60 * yy / h, 160 + 40 * yy / h, 220 - 30 * yy / h], axis=-1)
    ground = (yy > h * 0.62)[..., None]
    photo_arr = np.where(ground, np.stack([90 + 20 * np.sin(xx / 37), 120 + 0 * xx, 80 + 0 * xx], -1), sky)
    rng = np.random.default_rng(7)
    photo_arr += rng.normal(0, 6, photo_arr.shape)
    photo = folder / "office.jpg"
    Image.fromarray(np.clip(photo_arr, 0, 255).astype(np.uint8)).save(photo, "JPEG", quality=90)
    return pdf, photo


def reference_storyboard(pdf: Path, photo: Path) -> Storyboard:
    return Storyboard(
        title="Quarterly Update",
        orientation="landscape",
        style="clean",
        avatar="ava",
        scenes=[
            Scene(
                id="intro",
                narration=_NARRATION[0],
                presenter="full",
                visual=TitleCard(heading="Quarterly Update", subheading="What shipped and what's next"),
            ),
            Scene(
                id="points",
                narration=_NARRATION[1],
                presenter="side",
                visual=BulletSlide(
                    heading="This quarter",
                    bullets=["Faster exports", "A redesigned dashboard", "The new mobile app"],
                ),
            ),
            Scene(
                id="deck", narration=_NARRATION[2], presenter="pip", visual=PdfPage(source=str(pdf), page=1)
            ),
            Scene(
                id="photo",
                narration=_NARRATION[3],
                presenter="pip",
                visual=ImageScene(source=str(photo), caption="The new office"),
            ),
            Scene(
                id="close",
                narration=_NARRATION[4],
                presenter="full",
                visual=TitleCard(heading="Thanks for watching", subheading="Quarterly Update"),
            ),
        ],
    )


def _make_music(path: Path, seconds: float, rate: int = 44100) -> Path:
    """A stereo 16-bit tune (a few chords with a slow swell), written without holding it whole."""
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        for second in range(int(seconds)):
            t = np.arange(rate) / rate + second
            root = (220.0, 247.0, 196.0, 262.0)[second // 4 % 4]
            tone = sum(np.sin(2 * np.pi * root * k * t) for k in (1.0, 1.25, 1.5)) / 3
            tone *= 0.25 * (0.6 + 0.4 * np.sin(2 * np.pi * t / 8))
            pcm = (tone * 32767).astype("<i2")
            w.writeframes(np.repeat(pcm, 2).tobytes())
    return path


def memory_case_storyboard(folder: Path) -> Storyboard:
    """The memory case: no presenter, one large photo, three minutes of music (see the module note)."""
    h, w = 3000, 4000
    rng = np.random.default_rng(11)
    photo_arr = rng.integers(0, 255, (h // 8, w // 8, 3), dtype=np.uint8)
    photo = folder / "big-photo.jpg"
    Image.fromarray(photo_arr).resize((w, h), Image.Resampling.BICUBIC).save(photo, "JPEG", quality=92)
    music = _make_music(folder / "music.wav", 180.0)
    return Storyboard(
        title="Our New Office",
        orientation="landscape",
        style="clean",
        avatar=None,
        music=MusicTrack(source=str(music)),
        scenes=[
            Scene(id="intro", narration=_NARRATION[3], visual=TitleCard(heading="Our New Office")),
            Scene(id="photo", narration=_NARRATION[3], visual=ImageScene(source=str(photo))),
            Scene(id="close", narration=_NARRATION[4], visual=TitleCard(heading="Thanks for watching")),
        ],
    )


def measure_memory_case(folder: Path, *, cache: Path | None = None) -> dict[str, float]:
    """Render the memory case and return its peak memory (MB) and length (s)."""
    sb = folder / "memory-case.json"
    sb.write_text(memory_case_storyboard(folder).to_json(), encoding="utf-8")
    # The inputs were generated here, in megabyte arrays: their freed pages go back first, so
    # that the peak is the job's (a worker does not make its inputs).
    release_free_memory()
    with PeakMemory() as peak:
        result = pipeline.run(
            pipeline.RenderJob(output=folder / "memory-case.mp4", storyboard=sb, cache_dir=cache)
        )
    return {
        "video_seconds": result.duration,
        "peak_rss_mb_total": peak.total / 2**20,
        "peak_rss_mb_python": peak.python / 2**20,
        "peak_rss_mb_ffmpeg": peak.children / 2**20,
    }


def _cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of this process and of its children that have ended."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def floor_seconds(frames: int, width: int, height: int, fps: int, folder: Path) -> float:
    """ffmpeg alone: encode the same number of frames from one still, decoded once."""
    still = folder / "still.rgba"
    still.write_bytes(np.full((height, width, 4), 180, dtype=np.uint8).tobytes())
    t = time.perf_counter()
    ffmpeg.run(
        [
            "-f",
            "rawvideo",
            "-pixel_format",
            "rgba",
            "-video_size",
            f"{width}x{height}",
            "-framerate",
            str(fps),
            "-i",
            str(still),
            "-filter_complex",
            f"format=yuv420p,loop=loop={frames - 1}:size=1:start=0",
            *EncodeSettings.from_env().args(width, height, encoders=1),
            str(folder / "floor.mp4"),
        ],
        what="measuring the floor",
    )
    return time.perf_counter() - t


def run_bench(
    console: Console,
    *,
    workdir: Path | None = None,
    seconds: float = 45.0,
    warm: bool = False,
    resolution: str = "1080p",
) -> dict[str, float]:
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="reelwright-bench-")) if workdir is None else workdir
    folder.mkdir(parents=True, exist_ok=True)
    try:
        pdf, photo = _make_inputs(folder)
        # The same job at 720p or 4K: the frame's short side changes, the 16:9 shape stays.
        board = reference_storyboard(pdf, photo).with_output(resolution)
        if seconds != 45.0:
            board = board.model_copy(update={"voice_speed": round(45.0 / seconds, 3)})
        sb = folder / "reference.json"
        sb.write_text(board.to_json(), encoding="utf-8")
        # Cold by default: the voice stage speaks every sentence, as a new script needs.
        cache = None if warm else folder / "cold-cache"
        release_free_memory()  # the generated inputs' arrays (see measure_memory_case)
        # The job as a running worker takes it: the file readers' fork server started, the mixing
        # libraries imported and the voice loaded, which a worker does once as it starts (a fresh
        # process pays for them first; timed apart here).
        t = time.perf_counter()
        for started in warm_up(voice=False):
            started.join()
        readers_start = time.perf_counter() - t
        t = time.perf_counter()
        if not warm:
            engine_for(get_voice(board.voice))
        voice_load = time.perf_counter() - t
        with PeakMemory() as peak:
            cpu0 = _cpu_seconds()
            t0 = time.perf_counter()
            result = pipeline.run(
                pipeline.RenderJob(output=folder / "bench.mp4", storyboard=sb, cache_dir=cache)
            )
            total = time.perf_counter() - t0
        cpu = [b - a for a, b in zip(cpu0, _cpu_seconds(), strict=True)]
        cpu[0] -= peak.own_cpu_seconds  # the memory sampler's, not the job's
        frames = round(result.duration * board.fps)
        floor = floor_seconds(frames, board.width, board.height, board.fps, folder)

        table = Table("stage", "seconds", box=None)
        for stage, secs in result.stage_seconds.items():
            table.add_row(stage, f"{secs:.2f}")
        table.add_row("[bold]total", f"[bold]{total:.2f}")
        console.print(table)
        figures = {
            "video_seconds": result.duration,
            "total_seconds": total,
            "x_realtime": result.duration / total,
            "floor_seconds": floor,
            "ratio_to_floor": total / floor,
            "cpu_seconds_python": cpu[0],
            "cpu_seconds_children": cpu[1],
            "cpu_per_video_second": (cpu[0] + cpu[1]) / result.duration,
            "peak_rss_mb_total": peak.total / 2**20,
            "peak_rss_mb_python": peak.python / 2**20,
            "peak_rss_mb_ffmpeg": peak.children / 2**20,
            "readers_start_seconds": readers_start,
            "voice_load_seconds": voice_load,
        }
        loaded = f"file readers and mixing libraries ({readers_start:.1f} s)" + (
            "" if warm else f" and voice ({voice_load:.1f} s)"
        )
        console.print(
            f"video {result.duration:.1f} s at {board.width}x{board.height}@{board.fps}, "
            f"preset {EncodeSettings.from_env().preset}, speech cache {'warm' if warm else 'cold'}; "
            f"as a running worker takes it: {loaded} loaded beforehand, once a process\n"
            f"total {total:.2f} s = {figures['x_realtime']:.2f}× realtime\n"
            f"CPU {cpu[0] + cpu[1]:.1f} s (python {cpu[0]:.1f} s, ffmpeg {cpu[1]:.1f} s) = "
            f"{figures['cpu_per_video_second']:.3f} CPU s per video second "
            "(a busy machine stretches the wall time, much less the CPU time)\n"
            f"floor (ffmpeg alone, {frames} frames from one still) {floor:.2f} s; "
            f"pipeline / floor = {figures['ratio_to_floor']:.2f}\n"
            f"peak memory (process tree, sampled every 100 ms): {figures['peak_rss_mb_total']:.0f} MB "
            f"(python {figures['peak_rss_mb_python']:.0f} MB, "
            f"children {figures['peak_rss_mb_ffmpeg']:.0f} MB: ffmpeg, file inspection)",
            highlight=False,
        )
        case_dir = folder / "memory-case"
        case_dir.mkdir(exist_ok=True)
        mem = measure_memory_case(case_dir, cache=cache)
        figures["memory_case_peak_rss_mb_total"] = mem["peak_rss_mb_total"]
        console.print(
            "memory case (no presenter, a 12-megapixel photo, 3 minutes of music; "
            f"{mem['video_seconds']:.1f} s): "
            f"peak {mem['peak_rss_mb_total']:.0f} MB (python {mem['peak_rss_mb_python']:.0f} MB, "
            f"ffmpeg {mem['peak_rss_mb_ffmpeg']:.0f} MB)",
            highlight=False,
        )
        return figures
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)
