"""Thumbnail (JPEG) and animated preview (GIF) of a finished video, from its most telling moment.

The moment is the presenter speaking over the main content (a slide, a page, a picture, a clip),
not the title card the video opens on: that is what a viewer scrolling past should see. The GIF
loops without a jump: its last half second blends into its first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reelwright.render import ffmpeg
from reelwright.render.timeline import Timeline
from reelwright.storyboard import Storyboard

GIF_SECONDS = 5.0
GIF_MIN_SECONDS = 3.0  # shorter than this, a GIF may run on into the next scene
GIF_FPS = 10
GIF_LOOP_BLEND = 0.5  # seconds of the GIF's end that blend into its start
GIF_MAX_BYTES = 2_000_000
THUMBNAIL_SIZE = 1280

_CONTENT = ("bullets", "pdf_page", "image", "clip")
_BESIDE = ("pip", "side")  # layouts where the presenter and the content share the frame


@dataclass(frozen=True)
class Moment:
    thumbnail: float  # seconds into the video
    gif_start: float
    gif_seconds: float


def _score(board: Storyboard, index: int, seconds: float, presenter: bool) -> tuple[int, float]:
    scene = board.scenes[index]
    rank = 0
    if scene.visual.kind in _CONTENT:
        rank += 2
    if presenter and scene.presenter in _BESIDE:
        rank += 2
    elif presenter and scene.presenter == "full":
        rank += 1
    if scene.audio is not None and scene.audio.words:
        rank += 1
    if index == 0:
        rank -= 1  # the opening is the title: the viewer sees it anyway
    return rank, seconds


def representative_moment(board: Storyboard, timeline: Timeline, *, presenter: bool) -> Moment:
    """Where the thumbnail and the GIF come from: the best-scoring scene, while its narration
    plays, after its transition has finished."""
    fps = timeline.fps
    best = max(
        range(len(timeline.scenes)),
        key=lambda i: _score(board, i, timeline.scenes[i].n_frames / fps, presenter),
    )
    timing = timeline.scenes[best]
    start, end = timing.start(fps) + timing.transition_frames / fps, timing.end(fps)
    audio = board.scenes[best].audio
    if audio is not None and audio.words:
        # A word a third of the way in: the presenter is mid-sentence, the slide fully shown.
        word = audio.words[len(audio.words) // 3]
        thumb = timing.to_video((word.start + word.end) / 2)
    else:
        thumb = (start + end) / 2
    # The GIF reads ``seconds + loop_blend(seconds)`` of the video (at most 1.25 × seconds), from
    # inside the one scene where it can (a scene change in it would not loop smoothly).
    seconds = min(GIF_SECONDS, timeline.duration * 0.8)
    inside = end - start - loop_blend(seconds)
    if inside >= GIF_MIN_SECONDS:
        seconds = min(seconds, inside)
    gif_start = max(start, min(thumb - seconds / 3, end - seconds - loop_blend(seconds)))
    gif_start = max(0.0, min(gif_start, timeline.duration - seconds - loop_blend(seconds)))
    return Moment(
        thumbnail=min(max(thumb, 0.0), timeline.duration - 1 / fps), gif_start=gif_start, gif_seconds=seconds
    )


def write_thumbnail(video: Path, at: float, out: Path) -> None:
    """The video's frame at ``at`` seconds as a JPEG no larger than 1280 px."""
    box = THUMBNAIL_SIZE
    ffmpeg.run(
        [
            *("-ss", f"{at:.3f}", "-i", str(video), "-frames:v", "1"),
            "-vf",
            f"scale='min({box},iw)':'min({box},ih)':force_original_aspect_ratio=decrease:flags=lanczos",
            *("-q:v", "3", "-f", "image2", str(out)),
        ],
        what="making the thumbnail",
    )


def loop_blend(seconds: float) -> float:
    return min(GIF_LOOP_BLEND, seconds / 4)


def _gif_args(
    video: Path, out: Path, start: float, seconds: float, width: int, fps: int, colors: int
) -> list[str]:
    blend = loop_blend(seconds)
    # The clip is ``blend`` longer than the GIF: its first ``blend`` seconds are laid over the end
    # (xfade), so the last frame leads into the first as the video itself did.
    graph = (
        f"fps={fps},scale={width}:-2:flags=lanczos,split[a][b];"
        f"[a]trim=start={blend:.3f},setpts=PTS-STARTPTS[body];"
        f"[b]trim=end={blend:.3f},setpts=PTS-STARTPTS[head];"
        f"[body][head]xfade=transition=fade:duration={blend:.3f}:offset={seconds - blend:.3f},split[c][d];"
        f"[c]palettegen=max_colors={colors}:stats_mode=diff[p];[d][p]paletteuse=dither=bayer:bayer_scale=4"
    )
    return [
        *("-ss", f"{start:.3f}", "-t", f"{seconds + blend:.3f}", "-i", str(video)),
        *("-filter_complex", graph, "-loop", "0", "-f", "gif", str(out)),
    ]


def write_gif(video: Path, out: Path, *, start: float, seconds: float, portrait: bool) -> None:
    """A looping GIF of ``seconds`` from ``start``, made smaller until it is under 2 MB."""
    width = 270 if portrait else 480
    for scale, fps, colors in ((1.0, GIF_FPS, 128), (0.8, GIF_FPS, 96), (0.66, 8, 64), (0.5, 8, 48)):
        w = max(2, round(width * scale / 2) * 2)
        ffmpeg.run(_gif_args(video, out, start, seconds, w, fps, colors), what="making the GIF preview")
        if out.stat().st_size <= GIF_MAX_BYTES:
            return
