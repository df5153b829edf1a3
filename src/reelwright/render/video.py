"""The render stage: a voiced storyboard in, the finished files out (into a work folder)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reelwright.avatar.photo import PhotoLook
from reelwright.heap import release_free_memory
from reelwright.render.captions import Cue, to_srt, write_text_atomic
from reelwright.render.compose import EncodeSettings, concat_segments, encode_audio, mux
from reelwright.render.previews import loop_blend, write_gif, write_thumbnail
from reelwright.render.scenes import SceneRenderer
from reelwright.render.soundtrack import mix_soundtrack, place_speech
from reelwright.render.timeline import SceneTiming
from reelwright.storyboard import Storyboard
from reelwright.styles.brand import Brand

Progress = Callable[[float], None]


@dataclass(frozen=True)
class RenderedFiles:
    video: Path
    captioned: Path
    subtitles: Path
    thumbnail: Path
    gif: Path
    duration: float
    cues: list[Cue]
    timings: dict[str, float]


def render_video(
    board: Storyboard,
    workdir: Path,
    stem: str,
    progress: Progress | None = None,
    settings: EncodeSettings | None = None,
    brand: Brand | None = None,
    photo: PhotoLook | None = None,
) -> RenderedFiles:
    """Render every output file into ``workdir`` (the caller moves them into place)."""
    settings = settings or EncodeSettings.from_env()
    report = progress or (lambda _f: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    timeline = SceneRenderer.timeline_of(board, brand)
    speech = place_speech(board, timeline)
    scenes = SceneRenderer.prepare(board, speech.envelope, settings, brand, photo)
    lap("render.layers")
    # Two workers run beside the scene renders: the soundtrack (mix, loudness, AAC) now, the
    # muxes and the GIF at the end. Both cores stay busy and no output waits on another.
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reelwright-render")
    # The next scene is drawn (layers, reveal stages, captions, a PDF page from the sandbox)
    # while this one encodes: done between scenes, it left a core idle for 0.05-0.55 s a scene.
    ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelwright-prepare")
    try:
        audio = pool.submit(
            lambda: encode_audio(
                mix_soundtrack(board, speech, workdir / "soundtrack.wav"), workdir / "audio.m4a"
            )
        )
        plain_parts: list[Path] = []
        cap_parts: list[Path] = []
        gif = workdir / f"{stem}.gif"
        thumbnail = workdir / f"{stem}.jpg"
        previews: list[Future[None]] = []
        total_frames = timeline.n_frames
        n_scenes = len(timeline.scenes)
        # Above 1080p the next scene's layers, drawn beside the encoders (and in a thread's own
        # malloc arena), raised the peak by ~100 MB (857 -> 956 MB at 4K): there the scenes are
        # prepared in turn, on this thread.
        early = board.width * board.height <= 1920 * 1080
        # The video's last scene keeps no last frame: no scene fades from it.
        prepared = scenes.prepare_scene(0, workdir, None, keep_last_frame=n_scenes > 1)
        for timing in timeline.scenes:
            following = timing.index + 1
            # Its crossfade reads this scene's last frame, which exists by the time it starts.
            last_frame = prepared.outputs.last_frame
            keep = following + 1 < n_scenes
            coming = (
                ahead.submit(scenes.prepare_scene, following, workdir, last_frame, keep_last_frame=keep)
                if early and following < n_scenes
                else None
            )
            seg = prepared.run()
            release_free_memory()
            plain_parts.append(seg.plain)
            cap_parts.append(seg.captioned)
            # The previews come from the scene that holds their moment, as soon as it is encoded
            # (its frames are the video's: the join copies them), beside the scenes still to come
            # rather than after the whole video is muxed.
            previews += _previews_from_segment(scenes, timing, seg.plain, gif, thumbnail, pool)
            report((timing.start_frame + timing.n_frames) / total_frames * 0.92)
            lap("render.compose+encode")
            if following < n_scenes:
                prepared = (
                    coming.result()
                    if coming
                    else scenes.prepare_scene(following, workdir, last_frame, keep_last_frame=keep)
                )
        files = finish_video(
            scenes, plain_parts, cap_parts, audio, workdir, stem, pool, lambda: report(0.96), previews
        )
        lap("render.mux+previews")
    finally:
        ahead.shutdown(wait=True, cancel_futures=True)
        pool.shutdown(wait=True, cancel_futures=True)
    report(1.0)
    return dataclasses.replace(files, timings=timings)


def finish_video(
    scenes: SceneRenderer,
    plain_parts: list[Path],
    cap_parts: list[Path],
    audio: Future[Path],
    workdir: Path,
    stem: str,
    pool: ThreadPoolExecutor,
    muxed: Callable[[], None] = lambda: None,
    previews: list[Future[None]] | None = None,
) -> RenderedFiles:
    """Join the scenes' segments without re-encoding, mux the soundtrack, and write the captions,
    thumbnail and GIF: the end of a render, in one task or after a fan-out.

    ``pool`` (two threads) runs the two muxes and the GIF side by side. ``previews``: the GIF and
    the thumbnail where they are already being made from a scene's segment (an empty list, or
    None: made here from the video)."""
    board, timeline = scenes.board, scenes.timeline
    srt = workdir / f"{stem}.srt"
    write_text_atomic(srt, to_srt(scenes.cues))
    video = workdir / f"{stem}.mp4"
    captioned = workdir / f"{stem}.captioned.mp4"
    gif = workdir / f"{stem}.gif"
    audio_path = audio.result()
    plain_done = pool.submit(
        mux, concat_segments(plain_parts, workdir, "plain"), audio_path, video, title=board.title
    )
    cap_done = pool.submit(
        mux, concat_segments(cap_parts, workdir, "captioned"), audio_path, captioned, title=board.title
    )
    plain_done.result()
    thumbnail = workdir / f"{stem}.jpg"
    if previews:
        previews_done = previews
    else:
        # The thumbnail and GIF show a moment that says what the video is about, from the video.
        moment = scenes.moment  # its frames are key frames of the plain copy
        previews_done = [
            pool.submit(
                write_gif,
                video,
                gif,
                start=moment.gif_start,
                seconds=moment.gif_seconds,
                portrait=board.orientation == "portrait",
            )
        ]
        write_thumbnail(video, moment.thumbnail, thumbnail)
    cap_done.result()
    muxed()
    for done in previews_done:
        done.result()
    return RenderedFiles(video, captioned, srt, thumbnail, gif, timeline.duration, scenes.cues, {})


def _previews_from_segment(
    scenes: SceneRenderer,
    timing: SceneTiming,
    segment: Path,
    gif: Path,
    thumbnail: Path,
    pool: ThreadPoolExecutor,
) -> list[Future[None]]:
    """The GIF and the thumbnail, started from this scene's plain segment when the moment they
    show lies wholly inside it: both, or none (the video's end makes them then)."""
    board, fps = scenes.board, scenes.timeline.fps
    moment = scenes.moment
    start, end = timing.start(fps), timing.end(fps)
    gif_end = moment.gif_start + moment.gif_seconds + loop_blend(moment.gif_seconds)
    # (The thumbnail's frame must begin inside too: a seek past the segment's last frame finds none.)
    inside = start <= moment.gif_start and gif_end <= end and start <= moment.thumbnail <= end - 1 / fps
    if not inside:
        return []
    return [
        pool.submit(
            write_gif,
            segment,
            gif,
            start=moment.gif_start - start,
            seconds=moment.gif_seconds,
            portrait=board.orientation == "portrait",
        ),
        pool.submit(write_thumbnail, segment, moment.thumbnail - start, thumbnail),
    ]
