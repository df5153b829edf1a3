"""One scene at a time: what a worker needs to render any scene of a video on its own.

The single-task render (:func:`reelwright.render.video.render_video`) walks the scenes in order;
a fanned-out job renders each scene as its own task, on any worker. Both go through
:class:`SceneRenderer`, so a scene's segment is the same bytes whichever way it was made. The
next scene crossfades from the previous scene's last frame: a scene task draws that frame
itself (:meth:`SceneRenderer.previous_last_frame`: it is deterministic, and costs one frame),
instead of waiting for the previous scene's task.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.avatar.factory import make_presenter
from reelwright.avatar.gestures import SpokenWord
from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.photo import PhotoLook
from reelwright.avatar.presenter import Presenter
from reelwright.avatar.talking_photo import PHOTO_CARD_INSET
from reelwright.heap import release_free_memory
from reelwright.render.caption_art import CaptionArt, draw_caption
from reelwright.render.captions import Cue, TimedWord, build_cues
from reelwright.render.compose import (
    EncodeSettings,
    PreparedSegment,
    SegmentOutputs,
    ShownCaption,
    first_drawn_frame,
    prepare_segment,
)
from reelwright.render.layout import Frame, Rect, clear_of_opaque_presenter, frame_for
from reelwright.render.motion import background_motion
from reelwright.render.placement import PlacedPresenter, placed_frame
from reelwright.render.previews import Moment, representative_moment
from reelwright.render.reveal import bullet_reveals
from reelwright.render.slides import draw_scene_layer
from reelwright.render.timeline import SceneTiming, Timeline, build_timeline, presenter_shown
from reelwright.storyboard import ColorFill, ImageScene, PresenterLayout, Scene, Storyboard, VideoClip
from reelwright.styles.brand import Brand, apply_brand
from reelwright.styles.catalogue import Style, get_style
from reelwright.voice.mix import FloatArray


def seed_of(board: Storyboard) -> int:
    import zlib

    return zlib.crc32(board.title.encode("utf-8"))


def timed_words(board: Storyboard, timeline: Timeline) -> list[TimedWord]:
    words: list[TimedWord] = []
    for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
        if scene.audio is None:
            continue
        for w in scene.audio.words:
            words.append(TimedWord(w.word, timing.to_video(w.start), timing.to_video(w.end)))
    return words


def presenter_track(board: Storyboard, timeline: Timeline, envelope: FloatArray) -> PresenterTrack:
    cues: list[tuple[float, float, str]] = []
    for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
        if scene.audio is None:
            continue
        for v in scene.audio.visemes:
            cues.append((timing.to_video(v.start), timing.to_video(v.end), v.viseme))
    # The words time the presenter's gestures (a nod on the stressed word, brows up on a question).
    words = [SpokenWord(w.word, w.start, w.end) for w in timed_words(board, timeline)]
    return PresenterTrack(
        fps=timeline.fps,
        n_frames=timeline.n_frames,
        visemes=cues,
        loudness=envelope,
        seed=seed_of(board),
        words=words,
    )


def captions_for(
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


def covers_frame(scene: Scene) -> bool:
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


@dataclass
class SceneRenderer:
    """Everything about a voiced storyboard that every scene's render shares, made once."""

    board: Storyboard
    style: Style
    timeline: Timeline
    cues: list[Cue]
    track: PresenterTrack | None
    settings: EncodeSettings
    logo: Image.Image | None = None
    photo: PhotoLook | None = None
    renderers: dict[tuple[int, str], Presenter] = field(default_factory=dict)
    # Held while a renderer draws into its buffer and the buffer is read: the next scene is
    # prepared (its presenter at rest drawn) while the scene before still draws its frames,
    # possibly with the same renderer.
    drawing: threading.Lock = field(default_factory=threading.Lock)
    art_cache: dict[tuple[str, Rect], CaptionArt] = field(default_factory=dict)

    @classmethod
    def prepare(
        cls,
        board: Storyboard,
        envelope: FloatArray,
        settings: EncodeSettings,
        brand: Brand | None = None,
        photo: PhotoLook | None = None,
    ) -> SceneRenderer:
        """``envelope``: the narration's loudness per video frame (it drives the mouth); the
        soundtrack is built once for the whole video, so a scene task gets it instead of the audio."""
        style = apply_brand(get_style(board.style), brand)
        timeline = build_timeline(board, style.transition_seconds)
        assert timeline.n_frames == len(envelope), "the envelope is of another timeline"
        cues = build_cues(timed_words(board, timeline), timeline.duration)
        track = presenter_track(board, timeline, envelope) if presenter_shown(board) else None
        return cls(board, style, timeline, cues, track, settings, load_logo(brand), photo)

    @staticmethod
    def timeline_of(board: Storyboard, brand: Brand | None = None) -> Timeline:
        return build_timeline(board, apply_brand(get_style(board.style), brand).transition_seconds)

    def layout(self, index: int) -> PresenterLayout:
        return self.board.scenes[index].presenter if self.track is not None else "none"

    def frame(self, index: int) -> Frame:
        """The scene's geometry: a script's placement of the presenter, else the style's layout."""
        scene, layout = self.board.scenes[index], self.layout(index)
        placement = scene.placement if layout != "none" else None
        if placement is not None:
            return placed_frame(self.board.width, self.board.height, placement)
        frame = frame_for(self.board.width, self.board.height, layout, self.style.presenter_side)
        if self.photo is not None:
            frame = clear_of_opaque_presenter(frame, PHOTO_CARD_INSET)
        return frame

    def presenter_for(self, index: int, frame: Frame) -> tuple[Presenter, PresenterTrack] | None:
        if self.track is None or frame.presenter is None:
            return None
        scene = self.board.scenes[index]
        placement = scene.placement if self.layout(index) != "none" else None
        size = frame.presenter.w
        how = placement.style if placement is not None else "layout"
        if (size, how) not in self.renderers:
            avatar = self.board.avatar
            assert avatar is not None
            if placement is None or placement.style == "normal":
                self.renderers[size, how] = make_presenter(avatar, size, self.photo)
            else:
                self.renderers[size, how] = PlacedPresenter(
                    functools.partial(make_presenter, avatar, photo=self.photo),
                    size,
                    placement.style,
                    disc=self.style.surface,
                )
        return self.renderers[size, how], self.track

    @functools.cached_property
    def moment(self) -> Moment:
        """Where the thumbnail and the GIF come from."""
        return representative_moment(self.board, self.timeline, presenter=presenter_shown(self.board))

    def preview_frames(self) -> tuple[int, int]:
        """The frames the GIF and the thumbnail start decoding at (each its own key frame)."""
        fps = self.timeline.fps
        # The frame at or before the moment: a seek to it starts there and shows the next one at most.
        return math.floor(self.moment.gif_start * fps + 1e-6), math.floor(self.moment.thumbnail * fps + 1e-6)

    def segment(
        self, index: int, workdir: Path, previous_last: Path | None, *, last_frame_only: bool = False
    ) -> SegmentOutputs:
        """Scene ``index``'s plain and captioned segment and its last frame (or only that frame)."""
        outputs = self.prepare_scene(index, workdir, previous_last, last_frame_only=last_frame_only).run()
        release_free_memory()
        return outputs

    def prepare_scene(
        self,
        index: int,
        workdir: Path,
        previous_last: Path | None,
        *,
        last_frame_only: bool = False,
        keep_last_frame: bool = True,
    ) -> PreparedSegment:
        """Draw scene ``index``'s layers, captions and reveal stages into files: its ffmpeg run,
        ready to start. ``previous_last`` is only named in the run's arguments (read when it
        starts), so the next scene can be prepared while this one still renders."""
        board, timeline, style, logo = self.board, self.timeline, self.style, self.logo
        scene, timing = board.scenes[index], timeline.scenes[index]
        frame = self.frame(index)
        seed = seed_of(board) + timing.index
        layer = draw_scene_layer(scene, frame, style, seed=seed, logo=logo)

        def with_bullets(k: int) -> np.ndarray:
            return draw_scene_layer(scene, frame, style, seed=seed, logo=logo, bullets_shown=k).image

        reveals = bullet_reveals(scene, timing, timeline.fps, layer.image, with_bullets)
        if not last_frame_only:
            # Only a cue that runs across the scene change shows again: the rest of the cache is
            # pictures nothing will show (1-2.5 MB each at 4K, ~25 MB by the reference job's end).
            self.art_cache = {
                key: art for key, art in self.art_cache.items() if self._shows_from(key[0], timing)
            }
        shown = (
            []
            if last_frame_only
            else captions_for(self.cues, timing, timeline.fps, style, frame, self.art_cache)
        )
        presenter = self.presenter_for(index, frame)
        first = first_drawn_frame(scene, layer, timing, previous_last, last_frame_only, presenter is not None)
        run = prepare_segment(
            scene=scene,
            layer=layer,
            frame=frame,
            timing=timing,
            fps=timeline.fps,
            workdir=workdir,
            captions=shown,
            previous_last_frame=previous_last,
            presenter=presenter,
            settings=self.settings,
            motion=None
            if covers_frame(scene)
            else background_motion(
                style, board.width, board.height, timeline.fps, timing.start_frame + first, timeline.n_frames
            ),
            transition=style.transition,
            reveals=reveals,
            # The presenter in the same place as in the scene before stays out of the blend.
            presenter_stays=presenter is not None
            and index > 0
            and self.layout(index - 1) == self.layout(index),
            last_frame_only=last_frame_only,
            drawing=self.drawing,
            key_frames=[f - timing.start_frame for f in self.preview_frames()],
            keep_last_frame=keep_last_frame,
        )
        # The scene's layers are in files now: freed before ffmpeg starts (33 MB each at 4K), and
        # their pages given back (see reelwright.heap; _run_segment trims the heap).
        del layer, reveals
        return run

    def _shows_from(self, text: str, timing: SceneTiming) -> bool:
        """Whether a cue with this text still shows at or after the scene's first frame."""
        start = timing.start_frame / self.timeline.fps
        return any(cue.text == text and cue.end > start for cue in self.cues)

    def previous_last_frame(self, index: int, workdir: Path) -> Path | None:
        """The last frame of the scene before ``index``, drawn here (None: nothing fades into it).

        Only the previous scene's final frame is drawn, unless that frame still lies inside its
        own crossfade; then the scene before it is needed too (rare: a scene shorter than a fade)."""
        if index == 0 or self.timeline.scenes[index].transition_frames == 0:
            return None
        before = index - 1
        timing = self.timeline.scenes[before]
        needs_earlier = before > 0 and timing.transition_frames > timing.n_frames - 1
        earlier = self.previous_last_frame(before, workdir) if needs_earlier else None
        tail = workdir / "tails"
        tail.mkdir(exist_ok=True)
        return self.segment(before, tail, earlier, last_frame_only=True).last_frame


def read_envelope(path: Path) -> FloatArray:
    envelope: FloatArray = np.load(path, allow_pickle=False)
    return envelope
