"""Compose and encode the video, one scene segment at a time.

Each scene is one ffmpeg process: its static layer is decoded once and repeated inside the
filter graph, the presenter sprite (the only thing drawn per frame, in Python) streams in on
stdin at the exact size the layout wants, a zooming picture or a clip is animated by ffmpeg, and
one graph feeds two encoders (plain and captioned) so composition is never done twice. The
segments are then joined without re-encoding. Memory stays flat whatever the video's length.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.presenter import Pose, Presenter
from reelwright.render import ffmpeg
from reelwright.render.caption_art import CaptionArt
from reelwright.render.layout import Frame, Rect
from reelwright.render.motion import MotionOverlay
from reelwright.render.slides import SceneLayer
from reelwright.render.timeline import SceneTiming
from reelwright.storyboard import ImageScene, Scene, VideoClip


@dataclass(frozen=True)
class EncodeSettings:
    preset: str = "ultrafast"
    crf: int = 20
    threads: int = 0  # 0 = let x264 decide (all cores)

    @classmethod
    def from_env(cls) -> EncodeSettings:
        return cls(
            preset=os.environ.get("REELWRIGHT_X264_PRESET", cls.preset),
            crf=int(os.environ.get("REELWRIGHT_X264_CRF", cls.crf)),
        )

    def args(self) -> list[str]:
        return [
            "-c:v",
            "libx264",
            "-preset",
            self.preset,
            "-crf",
            str(self.crf),
            "-pix_fmt",
            "yuv420p",
            "-profile:v",
            "high",
            "-threads",
            str(self.threads),
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
    last_frame: Path  # raw RGBA of the final frame: the next scene crossfades from it


def _raw_input(path: Path, w: int, h: int, fps: int) -> list[str]:
    return [
        "-f",
        "rawvideo",
        "-pixel_format",
        "rgba",
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


def prepare_picture(source: str, box: Rect, zoom: float, out: Path) -> tuple[int, int]:
    """Crop the picture to the box's aspect and scale it to ``box × zoom`` once, up front.

    ffmpeg then only has to shrink it a little each frame, which is cheap and never upsamples.
    """
    with Image.open(source) as im:
        img = im.convert("RGB")
    tw, th = round(box.w * zoom / 2) * 2, round(box.h * zoom / 2) * 2
    scale = max(tw / img.width, th / img.height)
    w, h = max(tw, round(img.width * scale)), max(th, round(img.height * scale))
    img = img.resize((w, h), Image.Resampling.LANCZOS)
    left, top = (w - tw) // 2, (h - th) // 2
    img = img.crop((left, top, left + tw, top + th))
    out.write_bytes(np.asarray(img.convert("RGBA")).tobytes())
    return tw, th


def render_segment(
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
    last_frame_only: bool = False,
) -> SegmentOutputs:
    """Encode the scene's plain and captioned segment, and keep its last frame.

    ``last_frame_only``: draw only the scene's last frame (no encode), as the full render would
    draw it; a worker rendering the next scene crossfades from it without waiting for this one.
    ``motion`` must then be made for the frame :func:`first_drawn_frame` names."""
    n = timing.n_frames
    first = first_drawn_frame(scene, timing, previous_last_frame, last_frame_only)
    count = n - first
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
            at_rest = np.frombuffer(renderer.draw(Pose(), backdrop), dtype=np.uint8).reshape(
                spot.h, spot.w, 4
            )
            background = background.copy()
            background[spot.y : spot.bottom, spot.x : spot.right] = at_rest
        sprite_in = add_input(
            [
                "-f",
                "rawvideo",
                "-pixel_format",
                # An opaque sprite is declared without alpha so the overlay is a plain copy.
                "rgba" if moving_backdrop is None else "rgb0",
                "-video_size",
                f"{sprite_w}x{sprite_h}",
                "-framerate",
                str(fps),
                "-i",
                "pipe:0",
            ]
        )
    bg_path = stem.with_suffix(".bg.rgba")
    bg_path.write_bytes(background.tobytes())
    bg_in = add_input(_raw_input(bg_path, w, h, fps))
    # Convert once, then repeat the same frame in the graph (no per-frame decode or conversion).
    graph.append(f"[{bg_in}:v]format=yuv420p,loop=loop={count - 1}:size=1:start=0,setpts=N/{fps}/TB[base0]")
    base = "base0"

    visual = scene.visual
    box = layer.media_box
    if isinstance(visual, ImageScene) and box is not None:
        pic_path = stem.with_suffix(".pic.rgba")
        pw, ph = prepare_picture(visual.source, box, visual.zoom, pic_path)
        pic_in = add_input(_raw_input(pic_path, pw, ph, fps))
        dur = n / fps
        z = f"(1+({visual.zoom}-1)*t/{dur:.4f})/{visual.zoom}"
        graph.append(
            f"[{pic_in}:v]format=yuv420p,loop=loop={count - 1}:size=1:start=0,setpts=N/{fps}/TB,"
            f"scale=w='max({box.w},2*ceil({pw}*{z}/2))':h='max({box.h},2*ceil({ph}*{z}/2))'"
            f":eval=frame:flags=bilinear,"
            f"crop={box.w}:{box.h}:(iw-{box.w})/2:(ih-{box.h})/2[media]"
        )
        graph.append(f"[{base}][media]overlay={box.x}:{box.y}:format=yuv420[base1]")
        base = "base1"
    elif isinstance(visual, VideoClip) and box is not None:
        clip_in = add_input(["-stream_loop", "-1", "-ss", f"{visual.start:.3f}", "-an", "-i", visual.source])
        graph.append(
            f"[{clip_in}:v]fps={fps},scale={box.w}:{box.h}:force_original_aspect_ratio=increase,"
            f"crop={box.w}:{box.h},format=yuv420p,trim=end_frame={count},setpts=N/{fps}/TB[media]"
        )
        graph.append(f"[{base}][media]overlay={box.x}:{box.y}:format=yuv420:eof_action=repeat[base1]")
        base = "base1"

    if motion is not None:
        motion_path = stem.with_suffix(".motion.rgba")
        motion_path.write_bytes(motion.pixels.tobytes())
        mh, mw = motion.pixels.shape[:2]
        motion_in = add_input(_raw_input(motion_path, mw, mh, fps))
        graph.append(
            f"[{motion_in}:v]format=yuva420p,loop=loop={count - 1}:size=1:start=0,setpts=N/{fps}/TB[motion]"
        )
        graph.append(f"[{base}][motion]overlay=x='{motion.x}':y={motion.y}:eval=frame:format=yuv420[based]")
        base = "based"

    if sprite_in >= 0:
        sx, sy = sprite_at
        if moving_backdrop is None:
            graph.append(
                f"[{base}][{sprite_in}:v]overlay={sx}:{sy}:format=yuv420:alpha=premultiplied:shortest=1[scene]"
            )
        else:
            graph.append(f"[{sprite_in}:v]format=yuv420p[sprite]")
            graph.append(f"[{base}][sprite]overlay={sx}:{sy}:format=yuv420:shortest=1[scene]")
    else:
        graph.append(f"[{base}]null[scene]")
    out = "scene"

    if previous_last_frame is not None and timing.transition_frames > 0 and first == 0:
        # The previous scene's last frame, laid over the first frames only: fading out (a
        # crossfade) or sliding away to the left (a push). (xfade, or an overlay left in the graph
        # after the transition, costs every frame of the segment a full-frame blend; split +
        # concat costs nothing after it.)
        prev_in = add_input(_raw_input(previous_last_frame, w, h, fps))
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
        graph.append(f"[{out}]split[head][rest]")
        graph.append(f"[head]trim=end_frame={tf}[headcut]")
        graph.append(f"[rest]trim=start_frame={tf},setpts=PTS-STARTPTS[restcut]")
        graph.append(f"[headcut][prev]{over}[headfaded]")
        graph.append("[headfaded][restcut]concat=n=2:v=1:a=0[faded]")
        out = "faded"

    outputs = SegmentOutputs(
        stem.with_suffix(".plain.mp4"), stem.with_suffix(".cap.mp4"), stem.with_suffix(".last.rgba")
    )
    last_out = ["-map", "[last]", "-frames:v", "1", "-f", "rawvideo", str(outputs.last_frame)]
    if last_frame_only:
        graph.append(
            f"[{out}]trim=end_frame={count},setpts=N/{fps}/TB,trim=start_frame={count - 1},format=rgba[last]"
        )
        return _run_segment(
            [*inputs, "-filter_complex", ";".join(graph), *last_out],
            f"drawing the last frame of scene {timing.index + 1} ({scene.id})",
            outputs,
            presenter if sprite_in >= 0 else None,
            moving_backdrop,
            range(timing.start_frame + first, timing.start_frame + n),
        )
    graph.append(f"[{out}]trim=end_frame={n},setpts=N/{fps}/TB,split=3[plain][tocap][tolast]")
    # Each caption is one still, blended in only on the frames where it shows.
    cap = "tocap"
    for i, shown in enumerate(captions):
        art_path = stem.with_suffix(f".cap{i:03d}.rgba")
        art_path.write_bytes(shown.art.pixels.tobytes())
        art_in = add_input(_raw_input(art_path, shown.art.width, shown.art.height, fps))
        graph.append(f"[{art_in}:v]format=yuva420p[capart{i}]")
        graph.append(
            f"[{cap}][capart{i}]overlay={shown.art.x}:{shown.art.y}:format=yuv420:"
            f"enable='between(n,{shown.first_frame},{shown.last_frame})'[capped{i}]"
        )
        cap = f"capped{i}"
    graph.append(f"[{cap}]null[cap]")
    graph.append(f"[tolast]trim=start_frame={n - 1},format=rgba[last]")

    enc = settings.args()
    args = [
        *inputs,
        "-filter_complex",
        ";".join(graph),
        "-map",
        "[plain]",
        *enc,
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
        *last_out,
    ]
    return _run_segment(
        args,
        f"rendering scene {timing.index + 1} ({scene.id})",
        outputs,
        presenter if sprite_in >= 0 else None,
        moving_backdrop,
        range(timing.start_frame, timing.start_frame + n),
    )


def first_drawn_frame(
    scene: Scene, timing: SceneTiming, previous_last_frame: Path | None, last_frame_only: bool
) -> int:
    """The scene's first frame a render draws: 0, or its last when only that is wanted.

    Not when the last frame still lies in the crossfade (it needs the frames before it), nor
    over moving media: a zooming picture's last frame drawn alone came out further zoomed than
    the one the whole graph ends on (measured: 8/255 mean difference), and a clip's seek is not
    frame-exact, so those graphs run whole (no encoder: the cheap part of a segment's cost)."""
    fading = timing.transition_frames if previous_last_frame is not None else 0
    last = timing.n_frames - 1
    moving = isinstance(scene.visual, ImageScene | VideoClip)
    return last if last_frame_only and last >= fading and not moving else 0


def _run_segment(
    args: list[str],
    what: str,
    outputs: SegmentOutputs,
    presenter: tuple[Presenter, PresenterTrack] | None,
    moving_backdrop: np.ndarray | None,
    frames: range,
) -> SegmentOutputs:
    """Run the scene's ffmpeg graph, streaming the presenter's ``frames`` (video frame numbers)."""
    if presenter is None:
        ffmpeg.run(args, what=what)
        return outputs
    renderer, track = presenter
    proc = ffmpeg.Piped(args, what=what)
    try:
        for f in frames:
            pose = track.pose_at(f)
            if moving_backdrop is None:
                proc.write(renderer.draw(pose))
            else:
                proc.write(renderer.draw_moving(pose, moving_backdrop))
    except BaseException:
        proc.kill()
        raise
    proc.finish()
    return outputs


def concat_segments(segments: list[Path], workdir: Path, name: str) -> Path:
    """Join encoded segments into one video stream without re-encoding."""
    listing = workdir / f"{name}.concat.txt"
    listing.write_text("".join(f"file '{p.resolve().as_posix()}'\n" for p in segments), encoding="utf-8")
    return listing


def encode_audio(wav: Path, out: Path) -> Path:
    """AAC-encode the soundtrack once; both copies of the video then carry it unchanged."""
    ffmpeg.run(
        ["-i", str(wav), "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-f", "mp4", str(out)],
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
