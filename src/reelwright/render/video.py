"""The render stage: a voiced storyboard in, the finished files out (into a work folder)."""

from __future__ import annotations

import functools
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.avatar.factory import make_presenter
from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.photo import PhotoLook
from reelwright.avatar.presenter import Presenter
from reelwright.avatar.talking_photo import PHOTO_CARD_INSET
from reelwright.render.caption_art import CaptionArt, draw_caption
from reelwright.render.captions import Cue, TimedWord, build_cues, to_srt, write_text_atomic
from reelwright.render.compose import (
    EncodeSettings,
    ShownCaption,
    concat_segments,
    encode_audio,
    mux,
    render_segment,
)
from reelwright.render.layout import Frame, Rect, clear_of_opaque_presenter, frame_for
from reelwright.render.motion import background_motion
from reelwright.render.placement import PlacedPresenter, placed_frame
from reelwright.render.previews import representative_moment, write_gif, write_thumbnail
from reelwright.render.reveal import bullet_reveals
from reelwright.render.slides import draw_scene_layer
from reelwright.render.soundtrack import mix_soundtrack, place_speech
from reelwright.render.timeline import SceneTiming, Timeline, build_timeline
from reelwright.storyboard import ColorFill, ImageScene, Scene, Storyboard, VideoClip
from reelwright.styles.brand import Brand, apply_brand
from reelwright.styles.catalogue import Style, get_style
from reelwright.voice.mix import FloatArray

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


def _seed(board: Storyboard) -> int:
    return zlib.crc32(board.title.encode("utf-8"))


def timed_words(board: Storyboard, timeline: Timeline) -> list[TimedWord]:
    words: list[TimedWord] = []
    for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
        if scene.audio is None:
            continue
        for w in scene.audio.words:
            words.append(TimedWord(w.word, timing.to_video(w.start), timing.to_video(w.end)))
    return words


def _presenter_track(board: Storyboard, timeline: Timeline, envelope: FloatArray) -> PresenterTrack:
    cues: list[tuple[float, float, str]] = []
    for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
        if scene.audio is None:
            continue
        for v in scene.audio.visemes:
            cues.append((timing.to_video(v.start), timing.to_video(v.end), v.viseme))
    return PresenterTrack(
        fps=timeline.fps, n_frames=timeline.n_frames, visemes=cues, loudness=envelope, seed=_seed(board)
    )


def _captions_for(
    cues: list[Cue],
    timing: SceneTiming,
    fps: int,
    style: Style,
    frame: Frame,
    cache: dict[tuple[str, Rect], CaptionArt],
) -> list[ShownCaption]:
    """The cues that show during this scene's segment, drawn, with the segment's frames they cover."""
    shown: list[ShownCaption] = []
    for cue in cues:
        first = round(cue.start * fps) - timing.start_frame
        last = round(cue.end * fps) - 1 - timing.start_frame
        first, last = max(first, 0), min(last, timing.n_frames - 1)
        if first > last:
            continue
        key = (cue.text, frame.caption_box)
        art = cache.get(key)
        if art is None:
            art = cache[key] = draw_caption(cue.text, style, frame.width, frame.height, frame.caption_box)
        shown.append(ShownCaption(art, first, last))
    return shown


def _covers_frame(scene: Scene) -> bool:
    """A script video's background (a colour, or a picture or clip filling the frame): the
    style's moving decoration would be drawn over it."""
    v = scene.visual
    return isinstance(v, ColorFill) or (isinstance(v, ImageScene | VideoClip) and v.fill)


def load_logo(brand: Brand | None) -> Image.Image | None:
    if brand is None or brand.logo is None:
        return None
    with Image.open(brand.logo) as im:
        im.load()
        return im.convert("RGBA")


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

    style = apply_brand(get_style(board.style), brand)
    logo = load_logo(brand)
    timeline = build_timeline(board, style.transition_seconds)
    speech = place_speech(board, timeline)
    # Two workers run beside the scene renders: the soundtrack (mix, loudness, AAC) now, the
    # muxes and the GIF at the end. Both cores stay busy and no output waits on another.
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reelwright-render")
    try:
        audio = pool.submit(
            lambda: encode_audio(
                mix_soundtrack(board, speech, workdir / "soundtrack.wav"), workdir / "audio.m4a"
            )
        )
        lap("render.soundtrack")

        cues = build_cues(timed_words(board, timeline), timeline.duration)
        srt = workdir / f"{stem}.srt"
        write_text_atomic(srt, to_srt(cues))

        uses_presenter = board.avatar is not None and any(s.presenter != "none" for s in board.scenes)
        track = _presenter_track(board, timeline, speech.envelope) if uses_presenter else None
        renderers: dict[tuple[int, str], Presenter] = {}
        art_cache: dict[tuple[str, Rect], CaptionArt] = {}

        plain_parts: list[Path] = []
        cap_parts: list[Path] = []
        previous_last: Path | None = None
        previous_layout: str | None = None
        total_frames = timeline.n_frames
        for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
            layout = scene.presenter if uses_presenter else "none"
            placement = scene.placement if layout != "none" else None
            if placement is not None:
                frame = placed_frame(board.width, board.height, placement)
            else:
                frame = frame_for(board.width, board.height, layout, style.presenter_side)
                if photo is not None:
                    frame = clear_of_opaque_presenter(frame, PHOTO_CARD_INSET)
            seed = _seed(board) + timing.index
            layer = draw_scene_layer(scene, frame, style, seed=seed, logo=logo)

            def with_bullets(
                k: int, scene: Scene = scene, frame: Frame = frame, seed: int = seed
            ) -> np.ndarray:
                return draw_scene_layer(scene, frame, style, seed=seed, logo=logo, bullets_shown=k).image

            reveals = bullet_reveals(scene, timing, timeline.fps, layer.image, with_bullets)
            lap("render.layers")
            shown = _captions_for(cues, timing, timeline.fps, style, frame, art_cache)
            presenter = None
            if track is not None and frame.presenter is not None:
                size = frame.presenter.w
                how = placement.style if placement is not None else "layout"
                if (size, how) not in renderers:
                    avatar = board.avatar
                    assert avatar is not None
                    if placement is None or placement.style == "normal":
                        renderers[size, how] = make_presenter(avatar, size, photo)
                    else:
                        renderers[size, how] = PlacedPresenter(
                            functools.partial(make_presenter, avatar, photo=photo),
                            size,
                            placement.style,
                            disc=style.surface,
                        )
                presenter = (renderers[size, how], track)
            seg = render_segment(
                scene=scene,
                layer=layer,
                frame=frame,
                timing=timing,
                fps=timeline.fps,
                workdir=workdir,
                captions=shown,
                previous_last_frame=previous_last,
                presenter=presenter,
                settings=settings,
                motion=None
                if _covers_frame(scene)
                else background_motion(
                    style, board.width, board.height, timeline.fps, timing.start_frame, total_frames
                ),
                transition=style.transition,
                reveals=reveals,
                presenter_stays=presenter is not None and previous_layout == layout,
            )
            previous_layout = layout
            plain_parts.append(seg.plain)
            cap_parts.append(seg.captioned)
            previous_last = seg.last_frame
            report((timing.start_frame + timing.n_frames) / total_frames * 0.92)
            lap("render.compose+encode")

        video = workdir / f"{stem}.mp4"
        captioned = workdir / f"{stem}.captioned.mp4"
        gif = workdir / f"{stem}.gif"
        audio_path = audio.result()
        lap("render.soundtrack")
        plain_done = pool.submit(
            mux, concat_segments(plain_parts, workdir, "plain"), audio_path, video, title=board.title
        )
        cap_done = pool.submit(
            mux, concat_segments(cap_parts, workdir, "captioned"), audio_path, captioned, title=board.title
        )
        plain_done.result()
        moment = representative_moment(board, timeline, presenter=uses_presenter)
        gif_done = pool.submit(
            write_gif,
            video,
            gif,
            start=moment.gif_start,
            seconds=moment.gif_seconds,
            portrait=board.orientation == "portrait",
        )
        thumbnail = workdir / f"{stem}.jpg"
        write_thumbnail(video, moment.thumbnail, thumbnail)
        cap_done.result()
        report(0.96)
        gif_done.result()
        lap("render.mux+previews")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    report(1.0)
    return RenderedFiles(video, captioned, srt, thumbnail, gif, timeline.duration, cues, timings)
