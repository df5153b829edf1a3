"""Audio/video inspection with PyAV (libavformat/libavcodec in-process; there is no ffprobe binary).

Used by ingest to validate uploads and by tests to check what the renderer wrote, so the numbers here
aim to match what ``ffprobe -show_streams`` would print, including per-stream durations.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import overload

import av
import av.error
import numpy as np
import numpy.typing as npt
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer
from av.stream import Disposition, Stream
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

__all__ = [
    "AudioStreamInfo",
    "MediaError",
    "MediaInfo",
    "VideoStreamInfo",
    "extract_frame",
    "first_audio_decodes",
    "first_frame_decodes",
    "probe",
    "read_audio",
]

# A damaged packet or two at the start should not condemn a file, but a stream of nothing but
# errors should not make us read 100 MB either.
_MAX_DECODE_ERRORS = 32

_AV_TIME_BASE = 1_000_000  # container.duration and container.start_time are in microseconds


class MediaError(Exception):
    """The file cannot be opened or demuxed as audio/video. The message is one line."""


@dataclass(frozen=True, slots=True)
class VideoStreamInfo:
    codec: str  # canonical codec name, e.g. "h264", "vp8", "vp9", "hevc"
    width: int  # coded size, before display rotation
    height: int
    fps: float | None  # average frame rate
    frames: int | None  # from the container index, else counted by demuxing; None if unknown
    duration: float | None  # seconds, this stream only
    pix_fmt: str | None  # e.g. "yuv420p"
    profile: str | None  # e.g. "High", "Constrained Baseline"
    bit_rate: int | None
    rotation: int = 0  # display rotation, degrees counter-clockwise: 0, 90, 180 or 270

    @property
    def display_width(self) -> int:
        """Width as players show it (ffmpeg auto-rotates too)."""
        return self.height if self.rotation in (90, 270) else self.width

    @property
    def display_height(self) -> int:
        return self.width if self.rotation in (90, 270) else self.height


@dataclass(frozen=True, slots=True)
class AudioStreamInfo:
    codec: str  # canonical codec name, e.g. "aac", "mp3", "opus", "pcm_s16le"
    sample_rate: int
    channels: int
    duration: float | None  # seconds, this stream only
    layout: str | None  # e.g. "mono", "stereo"
    sample_fmt: str | None  # e.g. "fltp", "s16"
    profile: str | None  # e.g. "LC" for AAC
    bit_rate: int | None


@dataclass(frozen=True, slots=True)
class MediaInfo:
    format_name: str  # libavformat's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mp3"
    duration: float | None  # container duration in seconds (else the longest stream's)
    start_time: float | None  # container start time in seconds
    bit_rate: int | None
    video: VideoStreamInfo | None  # the first real video stream (cover art is not video)
    audio: AudioStreamInfo | None  # the first audio stream
    video_streams: int
    audio_streams: int

    @property
    def video_duration(self) -> float | None:
        return self.video.duration if self.video else None

    @property
    def audio_duration(self) -> float | None:
        return self.audio.duration if self.audio else None


@contextmanager
def _open(path: str | Path) -> Iterator[InputContainer]:
    try:
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(f"cannot open {Path(path).name} as audio/video: {_reason(exc)}") from exc
    try:
        yield container
    finally:
        container.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _video_stream(container: InputContainer) -> VideoStream | None:
    for stream in container.streams.video:
        # MP3/M4A cover art is a one-picture "video" stream; it is not a video.
        if not stream.disposition & Disposition.attached_pic:
            return stream
    return None


def _audio_stream(container: InputContainer) -> AudioStream | None:
    return container.streams.audio[0] if container.streams.audio else None


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _rate(stream: VideoStream) -> float | None:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return float(rate)
    return None


def _positive(value: int | None) -> int | None:
    return value if value else None


def _normalise_rotation(degrees: float) -> int:
    return (round(degrees / 90) * 90) % 360


@overload
def _decoded(container: InputContainer, stream: VideoStream) -> Iterator[VideoFrame]: ...
@overload
def _decoded(container: InputContainer, stream: AudioStream) -> Iterator[AudioFrame]: ...
def _decoded(container: InputContainer, stream: VideoStream | AudioStream) -> Iterator[object]:
    """The frames of ``stream`` in decode order, skipping (a bounded number of) bad packets: after
    too many, the stream counts as ending there."""
    # The overloads give callers the frame type; PyAV's stubs cannot narrow a union's packets.
    errors = 0
    for packet in container.demux(stream):
        try:
            # The final, empty packet flushes the decoder, so frames it buffered still come out.
            frames = packet.decode()
        except (av.error.FFmpegError, ValueError):
            errors += 1
            if errors > _MAX_DECODE_ERRORS:
                return
            continue
        yield from frames


def _first_frame(container: InputContainer, stream: VideoStream) -> VideoFrame | None:
    """Decode up to the first frame of ``stream``."""
    return next(_decoded(container, stream), None)


def _first_audio_frame(container: InputContainer, stream: AudioStream) -> AudioFrame | None:
    return next((frame for frame in _decoded(container, stream) if frame.samples > 0), None)


@dataclass(slots=True)
class _Extent:
    start: int | None = None
    end: int | None = None
    packets: int = 0

    def duration(self, time_base: Fraction | None) -> float | None:
        if self.start is None or self.end is None or time_base is None:
            return None
        return float((self.end - self.start) * time_base)


def _demux_extents(path: str | Path, streams: list[int]) -> dict[int, _Extent]:
    """Per-stream timestamp extent and packet count, by reading every packet (no decoding).

    Needed where the container has no per-stream duration or frame count (Matroska/WebM, raw streams).
    """
    extents = {index: _Extent() for index in streams}
    with _open(path) as container:
        wanted = [container.streams[i] for i in streams]
        for packet in container.demux(wanted):
            if packet.size == 0 or packet.pts is None:
                continue  # end-of-stream flush packets carry no data
            extent = extents[packet.stream_index]
            extent.packets += 1
            end = packet.pts + (packet.duration or 0)
            extent.start = packet.pts if extent.start is None else min(extent.start, packet.pts)
            extent.end = end if extent.end is None else max(extent.end, end)
    return extents


def probe(path: str | Path) -> MediaInfo:
    """Container and stream facts for an audio or video file. Raises :class:`MediaError`."""
    try:
        return _probe(path)
    except MediaError:
        raise
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
        raise MediaError(f"cannot read {Path(path).name} as audio/video: {_reason(exc)}") from exc


def _probe(path: str | Path) -> MediaInfo:
    with _open(path) as container:
        vstream = _video_stream(container)
        astream = _audio_stream(container)
        format_name = container.format.name
        duration = _seconds(container.duration, Fraction(1, _AV_TIME_BASE))
        start_time = _seconds(container.start_time, Fraction(1, _AV_TIME_BASE))
        bit_rate = _positive(container.bit_rate)
        video_streams = sum(
            1 for s in container.streams.video if not s.disposition & Disposition.attached_pic
        )
        audio_streams = len(container.streams.audio)

        v_duration = a_duration = None
        v_frames: int | None = None
        rotation = 0
        if vstream is not None:
            v_duration = _seconds(vstream.duration, vstream.time_base)
            v_frames = _positive(vstream.frames)
            # Display rotation reaches us as frame side data (the display matrix); decoding one frame is
            # cheap and saves parsing the container's matrix ourselves.
            try:
                frame = _first_frame(container, vstream)
            except (av.error.FFmpegError, ValueError):
                frame = None
            if frame is not None:
                rotation = _normalise_rotation(frame.rotation)
        if astream is not None:
            a_duration = _seconds(astream.duration, astream.time_base)

        missing: list[Stream] = []
        if vstream is not None and (v_duration is None or v_frames is None):
            missing.append(vstream)
        if astream is not None and a_duration is None:
            missing.append(astream)
        if missing:
            extents = _demux_extents(path, [s.index for s in missing])
            if vstream is not None and vstream.index in extents:
                extent = extents[vstream.index]
                v_duration = v_duration if v_duration is not None else extent.duration(vstream.time_base)
                v_frames = v_frames if v_frames is not None else _positive(extent.packets)
            if astream is not None and astream.index in extents:
                a_duration = extents[astream.index].duration(astream.time_base)

        video = None
        if vstream is not None:
            cc = vstream.codec_context
            video = VideoStreamInfo(
                codec=vstream.codec_context.codec.canonical_name,
                width=cc.width,
                height=cc.height,
                fps=_rate(vstream),
                frames=v_frames,
                duration=v_duration,
                pix_fmt=cc.pix_fmt,
                profile=vstream.profile,
                bit_rate=_positive(cc.bit_rate),
                rotation=rotation,
            )
        audio = None
        if astream is not None:
            ac = astream.codec_context
            audio = AudioStreamInfo(
                codec=ac.codec.canonical_name,
                sample_rate=ac.sample_rate,
                channels=ac.channels,
                duration=a_duration,
                layout=ac.layout.name if ac.layout else None,
                sample_fmt=ac.format.name if ac.format else None,
                profile=astream.profile,
                bit_rate=_positive(ac.bit_rate),
            )
        if duration is None:
            known = [d for d in (v_duration, a_duration) if d is not None]
            duration = max(known) if known else None
        return MediaInfo(
            format_name=format_name,
            duration=duration,
            start_time=start_time,
            bit_rate=bit_rate,
            video=video,
            audio=audio,
            video_streams=video_streams,
            audio_streams=audio_streams,
        )


def first_frame_decodes(path: str | Path) -> bool:
    """True if the file has a video stream and at least one of its frames decodes."""
    try:
        with _open(path) as container:
            stream = _video_stream(container)
            return stream is not None and _first_frame(container, stream) is not None
    except (MediaError, av.error.FFmpegError, OSError, ValueError):
        return False


def first_audio_decodes(path: str | Path) -> bool:
    """True if the file has an audio stream and it decodes to at least one sample."""
    try:
        with _open(path) as container:
            stream = _audio_stream(container)
            return stream is not None and _first_audio_frame(container, stream) is not None
    except (MediaError, av.error.FFmpegError, OSError, ValueError):
        return False


def _rotate_for_display(image: Image.Image, rotation: int) -> Image.Image:
    # The display matrix says how far to turn the stored picture counter-clockwise; PIL's ROTATE_*
    # transposes are counter-clockwise as well.
    if rotation == 90:
        return image.transpose(Image.Transpose.ROTATE_90)
    if rotation == 180:
        return image.transpose(Image.Transpose.ROTATE_180)
    if rotation == 270:
        return image.transpose(Image.Transpose.ROTATE_270)
    return image


def extract_frame(path: str | Path, t: float, *, autorotate: bool = True) -> Image.Image:
    """The RGB frame whose timestamp is nearest to ``t`` seconds after the video stream's start.

    ``t`` past the end gives the last frame. With ``autorotate`` the picture is turned the way players
    (and ffmpeg) show it. Raises :class:`MediaError` if there is no video or nothing decodes.
    """
    try:
        with _open(path) as container:
            stream = _video_stream(container)
            if stream is None:
                raise MediaError(f"{Path(path).name} has no video stream")
            frame = _nearest_frame(container, stream, max(0.0, t))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(f"cannot decode {Path(path).name}: {_reason(exc)}") from exc
    if frame is None:
        raise MediaError(f"{Path(path).name}: no video frame decodes")
    # to_ndarray is typed in PyAV's stubs (to_image is not); rgb24 gives (height, width, 3) uint8.
    image = Image.fromarray(np.ascontiguousarray(frame.to_ndarray(format="rgb24")))
    return _rotate_for_display(image, _normalise_rotation(frame.rotation)) if autorotate else image


def _nearest_frame(container: InputContainer, stream: VideoStream, t: float) -> VideoFrame | None:
    time_base = stream.time_base or Fraction(1, _AV_TIME_BASE)
    start = _seconds(stream.start_time, time_base) or 0.0
    target = start + t
    if t > 0:
        try:
            # Lands on the keyframe at or before the target; decoding forward from it is exact.
            container.seek(math.floor(target / time_base), stream=stream, backward=True, any_frame=False)
        except (av.error.FFmpegError, ValueError):
            container.seek(0)
    best: VideoFrame | None = None
    best_distance = math.inf
    for frame in _decoded(container, stream):
        if frame.pts is None:
            continue
        frame_time = float(frame.pts * time_base)
        distance = abs(frame_time - target)
        if distance < best_distance:
            best, best_distance = frame, distance
        if frame_time >= target:
            return best
    return best


def read_audio(
    path: str | Path, *, sample_rate: int | None = None, mono: bool = False
) -> tuple[npt.NDArray[np.float32], int]:
    """Decode the first audio stream to float32 samples shaped (channels, samples) in [-1, 1].

    Resampled to ``sample_rate`` if given; ``mono`` downmixes. Returns the samples and their rate.
    """
    try:
        with _open(path) as container:
            stream = _audio_stream(container)
            if stream is None:
                raise MediaError(f"{Path(path).name} has no audio stream")
            rate = sample_rate or stream.codec_context.sample_rate
            resampler = av.AudioResampler(format="fltp", layout="mono" if mono else None, rate=rate)
            chunks: list[npt.NDArray[np.float32]] = []
            for frame in container.decode(stream):
                chunks.extend(
                    np.asarray(out.to_ndarray(), dtype=np.float32) for out in resampler.resample(frame)
                )
            chunks.extend(np.asarray(out.to_ndarray(), dtype=np.float32) for out in resampler.resample(None))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(f"cannot decode audio of {Path(path).name}: {_reason(exc)}") from exc
    if not chunks:
        channels = 1 if mono else max(1, stream.codec_context.channels)
        return np.zeros((channels, 0), dtype=np.float32), rate
    return np.concatenate(chunks, axis=1), rate
