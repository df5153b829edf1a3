"""Compose and encode the video, one scene segment at a time.

Each scene is one ffmpeg process: its static layer is decoded once and repeated inside the
filter graph, the presenter sprite (the only thing drawn per frame, in Python) streams in on
stdin at the exact size the layout wants, a zooming picture or a clip is animated by ffmpeg, and
one graph feeds two encoders (plain and captioned) so composition is never done twice. The
segments are then joined without re-encoding. Memory stays flat whatever the video's length.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec

import numpy as np
from PIL import Image

from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.presenter import Pose, Presenter
from reelwright.cores import available_cpus
from reelwright.heap import release_free_memory
from reelwright.render import ffmpeg
from reelwright.render.caption_art import CaptionArt
from reelwright.render.layout import Frame, Rect
from reelwright.render.motion import MotionOverlay
from reelwright.render.reveal import Reveal
from reelwright.render.slides import SceneLayer
from reelwright.render.soundtrack import AAC_RATE
from reelwright.render.timeline import SceneTiming
from reelwright.render.yuv import I420
from reelwright.storyboard import ImageScene, Scene, VideoClip

# What both encoders of a segment may hold together. Measured (ffmpeg n9, x264 ultrafast, two
# encoders fed by one graph, 4K): an encoder holds about 8 frames with one thread (x264's own
# frames and the scheduler's queue in front of it) and 3 more for each further frame thread.
ENCODER_MEMORY = 320 * 2**20
FRAMES_PER_ENCODER = 8
FRAMES_PER_EXTRA_THREAD = 3
P = ParamSpec("P")
# A segment's last frame, kept for the next scene's crossfade: the decoded yuv420p itself, with an
# opaque alpha plane for the fade. (As RGBA it was converted from yuv and back, and at 4K it was a
# 33 MB frame in ffmpeg's heap for the rest of the next scene, against 21 MB.)
LAST_FRAME_FORMAT = "yuva420p"
PUSH_IN = 1.05  # how far a scene with nothing moving closes in over its length


@dataclass(frozen=True)
class EncodeSettings:
    preset: str = "ultrafast"
    # A constant quantiser, not a rate factor (decision 0017): at ultrafast, x264's CRF has no
    # lookahead to judge a frame by, gives near-still frames (most of ours) the lowest quantisers
    # and spent 2.6x the bytes of QP 18 on the reference job for a difference no one can see
    # (57.0 against 53.8 dB PSNR), with ~20 % more encoder CPU; on a real photo panning fast the
    # two match in size and quality.
    qp: int = 18
    crf: int | None = None  # a constant rate factor instead, when set
    threads: int = 0  # 0 = by the cores and the frame size (thread_count)

    @classmethod
    def from_env(cls) -> EncodeSettings:
        crf = os.environ.get("REELWRIGHT_X264_CRF")
        return cls(
            preset=os.environ.get("REELWRIGHT_X264_PRESET", cls.preset),
            qp=int(os.environ.get("REELWRIGHT_X264_QP", cls.qp)),
            crf=int(crf) if crf else None,
            threads=int(os.environ.get("REELWRIGHT_X264_THREADS", cls.threads)),
        )

    def rate_args(self) -> list[str]:
        return ["-crf", str(self.crf)] if self.crf is not None else ["-qp", str(self.qp)]

    def thread_count(self, width: int, height: int, encoders: int = 2) -> int:
        """x264's frame threads for each of ``encoders`` running at once: the process's share of
        the cores, and no more than keep their frames within ENCODER_MEMORY.

        The encoders of one segment already run side by side (ffmpeg gives each its own thread,
        and the graph has its own), so one frame thread each keeps two cores busy; more threads
        cost CPU in synchronisation (measured: 8 % more CPU for 3 threads than 1 at 4K) and memory
        (x264's own choice, 1.5 a core, held 784 MB in two 4K encoders)."""
        if self.threads > 0:
            return self.threads
        frame = width * height * 3 // 2
        per_encoder = ENCODER_MEMORY // (encoders * frame)
        cap = 1 + max(0, (per_encoder - FRAMES_PER_ENCODER) // FRAMES_PER_EXTRA_THREAD)
        return max(1, min(available_cpus() // encoders, cap))

    def graph_threads(self, width: int, height: int, encoders: int = 2) -> int:
        """Threads for a segment's filter graph: the cores its encoders leave. ffmpeg's default
        (one a core) only adds synchronisation where the encoders already keep every core busy
        (measured on 2 cores, the reference job's five segments: 3.5 % less CPU and 4.5 % less
        wall time with one); with cores to spare, a 4K push-in's scaling shares them."""
        busy = encoders * self.thread_count(width, height, encoders) if encoders else 0
        return max(1, available_cpus() - busy - 1)

    def args(self, width: int = 1920, height: int = 1080, encoders: int = 2) -> list[str]:
        return [
            "-c:v",
            "libx264",
            "-preset",
            self.preset,
            *self.rate_args(),
            "-pix_fmt",
            "yuv420p",
            "-profile:v",
            "high",
            "-threads",
            str(self.thread_count(width, height, encoders)),
            # No frames held for a threaded lookahead: it changes no decision (ultrafast looks
            # ahead 0 frames), and each held frame is 12 MB at 4K.
            "-x264-params",
            "sync-lookahead=0",
        ]


@dataclass(frozen=True)
class ShownCaption:
    """A drawn caption and the segment's frames it shows on (inclusive, counted from 0)."""

    art: CaptionArt
    first_frame: int
    last_frame: int


@dataclass(frozen=True)
class SegmentOutputs:
    plain: Path
    captioned: Path
    last_frame: Path  # the final frame, raw LAST_FRAME_FORMAT: the next scene crossfades from it


def _write_raw(path: Path, pixels: np.ndarray) -> None:
    """The pixels as a raw file, written from the array itself (``tobytes`` would copy it
    first: 33 MB more for a 4K layer)."""
    np.ascontiguousarray(pixels).tofile(path)


def _raw_input(path: Path, w: int, h: int, fps: int, pixel_format: str = "rgba") -> list[str]:
    return [
        "-f",
        "rawvideo",
        "-pixel_format",
        pixel_format,
        "-video_size",
        f"{w}x{h}",
        "-framerate",
        str(fps),
        "-i",
        str(path),
    ]


def _presenter_backdrop(layer: SceneLayer, spot: Rect) -> np.ndarray | None:
    """What lies behind the presenter, when that is static: the presenter can then be drawn
    opaque. ``None`` when moving media shows through the presenter's square."""
    box = layer.media_box
    if (
        box is not None
        and box.x < spot.right
        and spot.x < box.right
        and box.y < spot.bottom
        and spot.y < box.bottom
    ):
        return None
    return np.ascontiguousarray(layer.image[spot.y : spot.bottom, spot.x : spot.right])


def _push_in(w: int, h: int, pw: int, ph: int, zoom: float, seconds: float) -> str:
    """Filters that show a ``pw×ph`` picture (``w×h × zoom``) at ``w×h``, closing in on its
    centre from the whole picture to its middle ``1/zoom`` over ``seconds``."""
    z = f"(1+({zoom}-1)*t/{seconds:.4f})/{zoom}"
    return (
        f"scale=w='max({w},2*ceil({pw}*{z}/2))':h='max({h},2*ceil({ph}*{z}/2))'"
        f":eval=frame:flags=bilinear,crop={w}:{h}:(iw-{w})/2:(ih-{h})/2"
    )


def _patch_at(reveal: Reveal, w: int, h: int, bw: int, bh: int) -> tuple[int, int, np.ndarray]:
    """A reveal patch placed on a ``bw×bh`` background that shows the ``w×h`` frame enlarged
    (as ``_fit`` enlarges it): position and pixels, even-sized."""
    box, pixels = reveal.box, reveal.pixels
    if (bw, bh) == (w, h):
        return box.x, box.y, pixels
    scale = max(bw / w, bh / h)
    left, top = (max(bw, round(w * scale)) - bw) // 2, (max(bh, round(h * scale)) - bh) // 2
    x, y = round(box.x * scale) - left, round(box.y * scale) - top
    pw, ph = round(box.w * scale / 2) * 2, round(box.h * scale / 2) * 2
    img = Image.fromarray(pixels, "RGBA").resize((pw, ph), Image.Resampling.LANCZOS)
    x, y = max(0, min(x, bw - pw)) // 2 * 2, max(0, min(y, bh - ph)) // 2 * 2
    return x, y, np.ascontiguousarray(np.asarray(img))


def prepare_picture(source: str | Image.Image, box: Rect, zoom: float, out: Path) -> tuple[int, int]:
    """Crop the picture (a file, or one already drawn) to the box's aspect and scale it to
    ``box × zoom`` once, up front.

    ffmpeg then only has to shrink it a little each frame, which is cheap and never upsamples.
    The photo is decoded at the smallest size JPEG allows that still covers the box (``draft``):
    a 24-megapixel photo is never held at full size.
    """
    tw, th = round(box.w * zoom / 2) * 2, round(box.h * zoom / 2) * 2
    if isinstance(source, Image.Image):
        img = source.convert("RGB")
    else:
        with Image.open(source) as im:
            im.draft("RGB", (tw, th))
            img = im.convert("RGB")
    _fit(img, tw, th, out)
    return tw, th


def prepare_picture_array(pixels: np.ndarray, box: Rect, zoom: float, out: Path) -> tuple[int, int]:
    """``prepare_picture`` for a picture already in memory (RGBA)."""
    tw, th = round(box.w * zoom / 2) * 2, round(box.h * zoom / 2) * 2
    _fit(Image.fromarray(pixels, "RGBA").convert("RGB"), tw, th, out)
    return tw, th


def _fit(img: Image.Image, tw: int, th: int, out: Path) -> None:
    scale = max(tw / img.width, th / img.height)
    w, h = max(tw, round(img.width * scale)), max(th, round(img.height * scale))
    img = img.resize((w, h), Image.Resampling.LANCZOS)
    left, top = (w - tw) // 2, (h - th) // 2
    img = img.crop((left, top, left + tw, top + th))
    out.write_bytes(img.convert("RGBA").tobytes())


def _forced_key_frames(frames: set[int]) -> list[str]:
    """ffmpeg's arguments that start a GOP on each of ``frames`` (of the segment, from 0)."""
    if not frames:
        return []
    return ["-force_key_frames", "expr:" + "+".join(f"eq(n,{k})" for k in sorted(frames))]


@dataclass(frozen=True)
class PreparedSegment:
    """A scene's ffmpeg run, ready to start: its inputs are in files, so the caller can drop the
    scene's layers first (a 4K layer is 33 MB that would otherwise be held through the encode)."""

    args: list[str]
    what: str
    outputs: SegmentOutputs
    presenter: tuple[Presenter, PresenterTrack] | None
    moving_backdrop: np.ndarray | None
    frames: range
    read_back: bool
    drawing: threading.Lock  # held while the presenter draws into its buffer and it is read

    def run(self) -> SegmentOutputs:
        return _run_segment(
            self.args,
            self.what,
            self.outputs,
            self.presenter,
            self.moving_backdrop,
            self.frames,
            read_back=self.read_back,
            drawing=self.drawing,
        )


def prepare_segment(
    *,
    scene: Scene,
    layer: SceneLayer,
    frame: Frame,
    timing: SceneTiming,
    fps: int,
    workdir: Path,
    captions: list[ShownCaption],
    previous_last_frame: Path | None,
    presenter: tuple[Presenter, PresenterTrack] | None,
    settings: EncodeSettings,
    motion: MotionOverlay | None = None,
    transition: str = "crossfade",
    reveals: Sequence[Reveal] = (),
    presenter_stays: bool = False,
    last_frame_only: bool = False,
    drawing: threading.Lock | None = None,
    key_frames: Sequence[int] = (),
    keep_last_frame: bool = True,
) -> PreparedSegment:
    """Write the inputs of the scene's plain and captioned segment (and its last frame), and
    make the ffmpeg run that encodes them.

    ``last_frame_only``: draw only the scene's last frame (no encode), as the full render would
    draw it; a worker rendering the next scene crossfades from it without waiting for this one.
    ``motion`` must then be made for the frame :func:`first_drawn_frame` names.

    ``drawing``: held while ``presenter`` draws, when another segment may be drawing with it at
    the same time (a renderer draws into a buffer of its own). ``key_frames``: frames of
    the segment (from 0) the plain copy starts a GOP on, so the previews read from there (the
    thumbnail and the GIF decode from these, not from up to 250 frames before).
    ``keep_last_frame``: False when no scene fades from this one (the video's last): its final
    frame is neither a key frame nor read back."""
    drawing = drawing or threading.Lock()
    n = timing.n_frames
    first = first_drawn_frame(
        scene,
        layer,
        timing,
        previous_last_frame,
        last_frame_only,
        presenter is not None and frame.presenter is not None,
    )
    count = n - first  # the frames this graph draws: the scene's last ``count``
    w, h = frame.width, frame.height
    stem = workdir / f"seg{timing.index:03d}"
    background = layer.image

    inputs: list[str] = []
    graph: list[str] = []
    idx = 0

    def add_input(args: list[str]) -> int:
        nonlocal idx
        inputs.extend(args)
        idx += 1
        return idx - 1

    # The presenter sprite: where nothing moves behind the presenter, only the box the head can
    # reach is drawn per frame, opaque over its own backdrop (the rest of the bust, at rest, goes
    # into the static background); otherwise the whole bust, premultiplied, over the media.
    sprite_in = -1
    sprite_at = (0, 0)
    moving_backdrop: np.ndarray | None = None
    if presenter is not None and frame.presenter is not None:
        renderer = presenter[0]
        spot = frame.presenter
        backdrop = _presenter_backdrop(layer, spot)
        if backdrop is None:
            sprite_w = sprite_h = spot.w
            sprite_at = (spot.x, spot.y)
        else:
            bx, by, sprite_w, sprite_h = renderer.moving_box()
            sprite_at = (spot.x + bx, spot.y + by)
            moving_backdrop = np.ascontiguousarray(backdrop[by : by + sprite_h, bx : bx + sprite_w])
            background = background.copy()
            with drawing:
                at_rest = np.frombuffer(renderer.draw(Pose(), backdrop), dtype=np.uint8).reshape(
                    spot.h, spot.w, 4
                )
                background[spot.y : spot.bottom, spot.x : spot.right] = at_rest
            del at_rest
        sprite_in = add_input(
            [
                "-f",
                "rawvideo",
                "-pixel_format",
                # An opaque sprite comes converted (render.yuv): no alpha, and no conversion here.
                "rgba" if moving_backdrop is None else "yuv420p",
                "-video_size",
                f"{sprite_w}x{sprite_h}",
                "-framerate",
                str(fps),
                "-i",
                "pipe:0",
            ]
        )
    visual = scene.visual
    box = layer.media_box
    bg_path = stem.with_suffix(".bg.rgba")
    push_in = sprite_in < 0 and box is None
    if push_in:
        # Nothing on this scene would move: a slow push-in keeps it alive. The layer is enlarged
        # once (Lanczos) and shrunk a little less each frame, as a zooming picture is.
        bw, bh = prepare_picture_array(layer.image, Rect(0, 0, w, h), PUSH_IN, bg_path)
    else:
        bw, bh = w, h
        _write_raw(bg_path, background)
    del background  # (a copy, with a presenter at rest drawn in: 33 MB at 4K held through the encode)
    bg_in = add_input(_raw_input(bg_path, bw, bh, fps))
    # Convert once, then repeat the same frame in the graph (no per-frame decode or conversion).
    graph.append(f"[{bg_in}:v]format=yuv420p,loop=loop={count - 1}:size=1:start=0,setpts=N/{fps}/TB[bg]")
    base = "bg"
    # Bullets still to come are covered, stage by stage, before any zoom (so they zoom with the slide).
    for i, reveal in enumerate(r for r in reveals if r.last_frame >= first):
        rx, ry, patch = _patch_at(reveal, w, h, bw, bh)
        patch_path = stem.with_suffix(f".reveal{i:02d}.rgba")
        _write_raw(patch_path, patch)
        ph_, pw_ = patch.shape[:2]
        patch_in = add_input(_raw_input(patch_path, pw_, ph_, fps))
        graph.append(f"[{patch_in}:v]format=yuv420p[revealart{i}]")
        graph.append(
            f"[{base}][revealart{i}]overlay={rx}:{ry}:"
            f"enable='between(n,{reveal.first_frame - first},{reveal.last_frame - first})'[revealed{i}]"
        )
        base = f"revealed{i}"
    graph.append(f"[{base}]{_push_in(w, h, bw, bh, PUSH_IN, n / fps) if push_in else 'null'}[base0]")
    base = "base0"

    # A picture file, or one the slide layer cut out (a figure cropped from a PDF page).
    picture: str | Image.Image | None = None
    zoom = 1.0
    if layer.media_picture is not None:
        picture, zoom = layer.media_picture, layer.media_zoom
    elif isinstance(visual, ImageScene):
        picture, zoom = visual.source, visual.zoom
    if picture is not None and box is not None:
        pic_path = stem.with_suffix(".pic.rgba")
        pw, ph = prepare_picture(picture, box, zoom, pic_path)
        pic_in = add_input(_raw_input(pic_path, pw, ph, fps))
        graph.append(
            f"[{pic_in}:v]format=yuv420p,loop=loop={count - 1}:size=1:start=0,setpts=N/{fps}/TB,"
            f"{_push_in(box.w, box.h, pw, ph, zoom, n / fps)}[media]"
        )
        graph.append(f"[{base}][media]overlay={box.x}:{box.y}:format=yuv420[base1]")
        base = "base1"
    elif isinstance(visual, VideoClip) and box is not None:
        # A clip that does not loop holds its last frame (the overlay repeats it at its end).
        loop = ["-stream_loop", "-1"] if visual.loop else []
        clip_in = add_input([*loop, "-ss", f"{visual.start:.3f}", "-an", "-i", visual.source])
        graph.append(
            f"[{clip_in}:v]fps={fps},scale={box.w}:{box.h}:force_original_aspect_ratio=increase,"
            f"crop={box.w}:{box.h},format=yuv420p,trim=end_frame={count},setpts=N/{fps}/TB[media]"
        )
        graph.append(f"[{base}][media]overlay={box.x}:{box.y}:format=yuv420:eof_action=repeat[base1]")
        base = "base1"

    if motion is not None:
        motion_path = stem.with_suffix(".motion.rgba")
        _write_raw(motion_path, motion.pixels)
        mh, mw = motion.pixels.shape[:2]
        motion_in = add_input(_raw_input(motion_path, mw, mh, fps))
        graph.append(
            f"[{motion_in}:v]format=yuva420p,loop=loop={count - 1}:size=1:start=0,setpts=N/{fps}/TB[motion]"
        )
        graph.append(f"[{base}][motion]overlay=x='{motion.x}':y={motion.y}:eval=frame:format=yuv420[based]")
        base = "based"

    if presenter_stays and sprite_in >= 0 and transition == "slide":
        # A push would slide the previous scene's presenter away past the live one (two
        # presenters on screen): the slide behind a presenter who stays dissolves instead.
        transition = "crossfade"

    def blend_in(src: str) -> str:
        """The stream ``src`` with the previous scene's last frame laid over its first frames."""
        if previous_last_frame is None or timing.transition_frames <= 0 or first > 0:
            return src  # (a graph that starts after the blend has none)
        # Fading out (a crossfade) or sliding away to the left (a push). (xfade, or an overlay
        # left in the graph after the transition, costs every frame of the segment a full-frame
        # blend; split + concat costs nothing after it.)
        prev_in = add_input(_raw_input(previous_last_frame, w, h, fps, LAST_FRAME_FORMAT))
        tf = timing.transition_frames
        if transition == "slide":
            graph.append(
                f"[{prev_in}:v]format=yuv420p,loop=loop={tf - 1}:size=1:start=0,setpts=N/{fps}/TB[prev]"
            )
            # Eased: starts and ends gently (half a cosine).
            slide_x = f"-{w}*(1-cos(PI*min(1,(t*{fps}+1)/{tf})))/2"
            over = f"overlay=x='{slide_x}':y=0:eval=frame:format=yuv420"
        else:
            graph.append(
                f"[{prev_in}:v]format=yuva420p,loop=loop={tf - 1}:size=1:start=0,setpts=N/{fps}/TB,"
                f"fade=t=out:s=0:n={tf + 1}:alpha=1[prev]"
            )
            over = "overlay=0:0:format=yuv420"
        graph.append(f"[{src}]split[head][rest]")
        graph.append(f"[head]trim=end_frame={tf}[headcut]")
        graph.append(f"[rest]trim=start_frame={tf},setpts=PTS-STARTPTS[restcut]")
        graph.append(f"[headcut][prev]{over}[headfaded]")
        graph.append("[headfaded][restcut]concat=n=2:v=1:a=0[faded]")
        return "faded"

    # A presenter in the same place in both scenes stays out of the blend: the slide behind it
    # dissolves and the live presenter is drawn over the result, so the previous scene's frozen
    # presenter never shows through as a ghost.
    presenter_on_top = presenter_stays and sprite_in >= 0
    if presenter_on_top:
        base = blend_in(base)
    if sprite_in >= 0:
        sx, sy = sprite_at
        if moving_backdrop is None:
            graph.append(
                f"[{base}][{sprite_in}:v]overlay={sx}:{sy}:format=yuv420:alpha=premultiplied:shortest=1[scene]"
            )
        else:
            graph.append(f"[{base}][{sprite_in}:v]overlay={sx}:{sy}:format=yuv420:shortest=1[scene]")
    else:
        graph.append(f"[{base}]null[scene]")
    out = "scene" if presenter_on_top else blend_in("scene")

    outputs = SegmentOutputs(
        stem.with_suffix(".plain.mp4"), stem.with_suffix(".cap.mp4"), stem.with_suffix(".last.yuva")
    )
    if last_frame_only:
        # One output, no encoder: ffmpeg keeps nothing but the frame it writes.
        graph.append(
            f"[{out}]trim=end_frame={count},setpts=N/{fps}/TB,trim=start_frame={count - 1},"
            f"format={LAST_FRAME_FORMAT}[last]"
        )
        return PreparedSegment(
            [
                *inputs,
                *("-filter_complex_threads", str(settings.graph_threads(w, h, encoders=0))),
                "-filter_complex",
                ";".join(graph),
                *("-map", "[last]", "-frames:v", "1", "-f", "rawvideo", str(outputs.last_frame)),
            ],
            f"drawing the last frame of scene {timing.index + 1} ({scene.id})",
            outputs,
            presenter if sprite_in >= 0 else None,
            moving_backdrop,
            range(timing.start_frame + first, timing.start_frame + n),
            read_back=False,
            drawing=drawing,
        )
    graph.append(f"[{out}]trim=end_frame={n},setpts=N/{fps}/TB,split=2[plain][tocap]")
    # Each caption is one still, blended in only on the frames where it shows.
    cap = "tocap"
    for i, shown in enumerate(captions):
        art_path = stem.with_suffix(f".cap{i:03d}.rgba")
        _write_raw(art_path, shown.art.pixels)
        art_in = add_input(_raw_input(art_path, shown.art.width, shown.art.height, fps))
        graph.append(f"[{art_in}:v]format=yuva420p[capart{i}]")
        graph.append(
            f"[{cap}][capart{i}]overlay={shown.art.x}:{shown.art.y}:format=yuv420:"
            f"enable='between(n,{shown.first_frame},{shown.last_frame})'[capped{i}]"
        )
        cap = f"capped{i}"
    graph.append(f"[{cap}]null[cap]")

    enc = settings.args(w, h)
    # GOPs start where the previews read (thumbnail, GIF) and on the last frame, so that it can be
    # read back without decoding the segment.
    forced = {*(k for k in key_frames if 0 <= k < n), *([n - 1] if keep_last_frame else [])}
    args = [
        *inputs,
        *("-filter_complex_threads", str(settings.graph_threads(w, h))),
        "-filter_complex",
        ";".join(graph),
        "-map",
        "[plain]",
        *enc,
        *_forced_key_frames(forced),
        "-r",
        str(fps),
        "-an",
        str(outputs.plain),
        "-map",
        "[cap]",
        *enc,
        "-r",
        str(fps),
        "-an",
        str(outputs.captioned),
    ]
    return PreparedSegment(
        args,
        f"rendering scene {timing.index + 1} ({scene.id})",
        outputs,
        presenter if sprite_in >= 0 else None,
        moving_backdrop,
        range(timing.start_frame, timing.start_frame + n),
        read_back=keep_last_frame,
        drawing=drawing,
    )


def _then_run(prepare: Callable[P, PreparedSegment]) -> Callable[P, SegmentOutputs]:
    def render(*args: P.args, **kwargs: P.kwargs) -> SegmentOutputs:
        return prepare(*args, **kwargs).run()

    return render


# Encode the scene's plain and captioned segment, and keep its last frame: prepare_segment's
# arguments, run at once (for callers that hold no layers of their own).
render_segment = _then_run(prepare_segment)


def first_drawn_frame(
    scene: Scene,
    layer: SceneLayer,
    timing: SceneTiming,
    previous_last_frame: Path | None,
    last_frame_only: bool,
    presenter_drawn: bool,
) -> int:
    """The scene's first frame a render draws: 0, or its last when only that is wanted.

    Only a scene whose sole moving part is the presenter (drawn per frame, from its track, which
    gives any frame alone) starts at its last frame. Not when that frame still lies in the
    crossfade (it needs the frames before it), nor over anything that moves with the graph's
    clock: a zooming picture or figure, the push-in of a still scene (the zoom's clock would start
    at the frame drawn, and a zooming picture's last frame drawn alone came out further zoomed than
    the one the whole graph ends on: 8/255 mean difference), a clip (its seek is not
    frame-exact). Those graphs run whole, still without encoders (the cheap part of a segment)."""
    if not last_frame_only:
        return 0
    fading = timing.transition_frames if previous_last_frame is not None else 0
    last = timing.n_frames - 1
    # Media (a picture, a figure or a clip) moves; a scene with neither media nor presenter pushes in.
    moving = layer.media_box is not None or isinstance(scene.visual, ImageScene | VideoClip)
    return last if last >= fading and presenter_drawn and not moving else 0


# Presenter frames are drawn a batch at a time (up to this many bytes) and then written to ffmpeg
# together. Drawn one at a time, each between ffmpeg's threads, every frame met skia's working set
# evicted by the encoders: 2.9 CPU-ms a frame in a render against 1.4-1.6 alone. At 1080p a
# batch is 36 sprite frames (9 whole RGBA ones over moving media).
_FRAMES_AT_ONCE_BYTES = 8 << 20


def _run_segment(
    args: list[str],
    what: str,
    outputs: SegmentOutputs,
    presenter: tuple[Presenter, PresenterTrack] | None,
    moving_backdrop: np.ndarray | None,
    frames: range,
    *,
    read_back: bool,
    drawing: threading.Lock,
) -> SegmentOutputs:
    """Run the scene's ffmpeg graph, streaming the presenter's ``frames`` (video frame numbers);
    ``read_back``: the last frame is read from the encoded plain segment afterwards."""
    # The scene's drawing is done (its layers, reveal stages, pictures are in files now): the
    # pages its temporaries freed go back before ffmpeg, the largest part, starts.
    release_free_memory()
    if presenter is None:
        ffmpeg.run(args, what=what)
    else:
        renderer, track = presenter
        to_yuv = None if moving_backdrop is None else I420(moving_backdrop.shape[1], moving_backdrop.shape[0])
        frame_bytes = (
            renderer.size * renderer.size * 4 if to_yuv is None else to_yuv.width * to_yuv.height * 3 // 2
        )
        at_once = max(1, min(len(frames), _FRAMES_AT_ONCE_BYTES // frame_bytes))
        batch = np.empty(at_once * frame_bytes, dtype=np.uint8)
        # The first batches are small (1, 2, 4, ... frames): ffmpeg starts its graph and encoders
        # on the first frame instead of idling while a whole batch is drawn.
        filled, limit = 0, 1
        proc = ffmpeg.Piped(args, what=what)
        try:
            for f in frames:
                pose = track.pose_at(f)
                slot = batch[filled * frame_bytes : (filled + 1) * frame_bytes]
                with drawing:  # the drawn view is the renderer's buffer: the next draw overwrites it
                    if moving_backdrop is None or to_yuv is None:
                        slot[:] = np.frombuffer(renderer.draw(pose), dtype=np.uint8)
                    else:
                        slot[:] = np.frombuffer(
                            to_yuv.convert(renderer.draw_moving(pose, moving_backdrop)), dtype=np.uint8
                        )
                filled += 1
                if filled == limit:
                    proc.write(batch[: filled * frame_bytes].data)
                    filled, limit = 0, min(at_once, limit * 2)
            if filled:
                proc.write(batch[: filled * frame_bytes].data)
        except BaseException:
            proc.kill()
            raise
        proc.finish()
    if read_back:
        read_last_frame(outputs.plain, outputs.last_frame)
    return outputs


def read_last_frame(video: Path, out: Path, pix_fmt: str = LAST_FRAME_FORMAT) -> None:
    """The video's last frame as a raw ``pix_fmt`` picture.

    Not a third output of the scene's graph: ffmpeg then queues every frame of the segment
    (a 15 s 1080p scene held 1.5 GB) until the one it keeps arrives at the end. The segment's
    last frame is a key frame (``render_segment`` forces one there).
    """
    ffmpeg.run(
        [
            # Only key frames are decoded: the segment ends on one, which decodes alone, to the
            # same pixels. (``-sseof`` alone lands on the key frame before the last 0.1 s, the
            # segment's first as a rule, and decoded the whole segment: 12 s of CPU and 440 MB
            # for a 3 s 4K scene.) One thread: there is one frame to decode at a time.
            *("-threads", "1", "-skip_frame", "nokey", "-sseof", "-0.1", "-i", str(video)),
            # Each frame decoded overwrites the file: the last stays.
            *("-update", "1", "-c:v", "rawvideo", "-pix_fmt", pix_fmt, "-f", "image2"),
            str(out),
        ],
        what=f"reading the last frame of {video.name}",
    )


def concat_segments(segments: list[Path], workdir: Path, name: str) -> Path:
    """Join encoded segments into one video stream without re-encoding."""
    listing = workdir / f"{name}.concat.txt"
    listing.write_text("".join(f"file '{p.resolve().as_posix()}'\n" for p in segments), encoding="utf-8")
    return listing


def encode_audio(wav: Path, out: Path) -> Path:
    """AAC-encode the soundtrack once; both copies of the video then carry it unchanged.

    The fast coder, not the default two-loop search: at 160 kb/s mono it keeps more of the signal
    (decoded against the mix: 49.9 against 36.9 dB SNR on the bench's narration, 50.0 against
    46.9 dB on music) for 40-55 % of the CPU (0.47 against 1.15 s for 40 s), which the scenes
    rendering beside it need."""
    ffmpeg.run(
        [
            *("-i", str(wav), "-c:a", "aac", "-aac_coder", "fast", "-b:a", "160k", "-ar", str(AAC_RATE)),
            *("-f", "mp4", str(out)),
        ],
        what="encoding the soundtrack",
    )
    return out


def mux(
    video_list: Path, audio: Path | None, out: Path, *, title: str | None = None, what: str | None = None
) -> None:
    """Join the segments, with the AAC soundtrack when there is one; the index goes to the front
    (+faststart).

    Nothing is re-encoded here, so this costs little more than copying the bytes.
    """
    part = out.with_name(f".{out.stem}.part{out.suffix}")
    args = ["-f", "concat", "-safe", "0", "-i", str(video_list)]
    if audio is not None:
        args += ["-i", str(audio), "-map", "0:v", "-map", "1:a"]
    args += ["-c", "copy"]
    if title is not None:
        args += ["-metadata", f"title={title}"]
    ffmpeg.run([*args, "-movflags", "+faststart", str(part)], what=what or f"writing {out.name}")
    part.replace(out)
