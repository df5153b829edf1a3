"""Generators for small, real test media (and some deliberately bad files).

Every generator writes to the path it is given and returns that path, so tests can write
``make_png(tmp_path / "a.png", 320, 240)`` inline. Nothing here touches the network; video and
compressed audio come from the static ffmpeg shipped with imageio-ffmpeg.

Shared by the test suites of several stages: keep signatures backward compatible.
"""

from __future__ import annotations

import functools
import io
import math
import struct
import subprocess
import wave
import zlib
from collections.abc import Sequence
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from reelwright.textpdf import make_pdf

__all__ = [
    "ffmpeg_exe",
    "make_audio_only_mp4",
    "make_encrypted_pdf",
    "make_frameless_video",
    "make_html",
    "make_huge_png",
    "make_jpeg",
    "make_mp3",
    "make_pdf",
    "make_png",
    "make_random_bytes",
    "make_truncated_pdf",
    "make_video",
    "make_wav",
    "make_webm",
]


def ffmpeg_exe() -> str:
    """Path of the static ffmpeg binary (there is no ffprobe; use reelwright.ingest.media.probe)."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run_ffmpeg(args: Sequence[str]) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        # Surface ffmpeg's own message: a bare CalledProcessError hides why a generator failed.
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")


# --------------------------------------------------------------------------------------------- images


def _picture(w: int, h: int, text: str | None) -> Image.Image:
    """A colourful, non-uniform picture so that scaling/cropping bugs are visible in frames."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 255.0 * xs / max(w - 1, 1)
    g = 255.0 * ys / max(h - 1, 1)
    b = 127.5 + 127.5 * np.sin((xs + ys) / max(min(w, h), 1) * 2.0 * math.pi)
    arr = np.stack([r, g, b], axis=-1).clip(0, 255).astype(np.uint8)
    img = Image.fromarray(arr)  # uint8 (h, w, 3) is RGB
    draw = ImageDraw.Draw(img)
    s = min(w, h)
    draw.ellipse((w * 0.1, h * 0.1, w * 0.1 + s * 0.3, h * 0.1 + s * 0.3), fill=(255, 255, 255))
    draw.rectangle((w * 0.6, h * 0.55, w * 0.9, h * 0.9), fill=(20, 20, 20))
    if text:
        font = ImageFont.load_default(size=max(10, s // 8))
        draw.text((w / 2, h / 2), text, fill=(0, 0, 0), font=font, anchor="mm")
    return img


def make_png(path: Path, w: int, h: int, text: str | None = None) -> Path:
    _picture(w, h, text).save(path, format="PNG")
    return path


def make_jpeg(
    path: Path, w: int, h: int, text: str | None = None, *, quality: int = 90, orientation: int | None = None
) -> Path:
    """A JPEG; ``orientation`` (1-8) writes an EXIF Orientation tag, as phone cameras do."""
    img = _picture(w, h, text)
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    img.save(path, format="JPEG", quality=quality, exif=exif.tobytes())
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def make_huge_png(path: Path, width: int = 30000, height: int = 30000) -> Path:
    """A fully valid 1-bit greyscale PNG with huge dimensions (a decompression bomb).

    Rows are compressed as a stream so this never holds more than a few MB; the file itself is ~100 KB.
    """
    Path(path).write_bytes(_huge_png_bytes(width, height))
    return path


@functools.lru_cache(maxsize=4)
def _huge_png_bytes(width: int, height: int) -> bytes:
    # Cached: compressing ~110 MB of rows takes the better part of a second, and several suites use it.
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte "None" + packed 1-bit pixels
    rows_per_batch = max(1, (4 << 20) // len(row))
    comp = zlib.compressobj(6)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(_png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)))
    done = 0
    while done < height:
        n = min(rows_per_batch, height - done)
        data = comp.compress(row * n)
        if data:
            out.write(_png_chunk(b"IDAT", data))
        done += n
    out.write(_png_chunk(b"IDAT", comp.flush()))
    out.write(_png_chunk(b"IEND", b""))
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ pdf


def make_truncated_pdf(path: Path) -> Path:
    """A PDF cut off early, as an interrupted upload would be; PDFium cannot recover it."""
    full = make_pdf(path, [("Cut short", ["This document never finishes"])] * 3).read_bytes()
    # Cut mid-way through the page objects: the xref and trailer are gone and the page tree points
    # at objects that do not exist, which PDFium's repair pass cannot get round (checked in tests).
    Path(path).write_bytes(full[: len(full) * 6 // 10])
    return path


def make_encrypted_pdf(path: Path) -> Path:
    """A PDF protected by a user password (standard security handler); no reader opens it without one."""
    full = make_pdf(path, [("Secret", ["Not for your eyes"])]).read_bytes()
    # The /U hash below matches no password, the empty one included, so PDFium asks for a password.
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    file_id = b"<00112233445566778899aabbccddeeff>"
    Path(path).write_bytes(
        full.replace(b"trailer\n<< ", b"trailer\n<< /Encrypt %s /ID [%s %s] " % (encrypt, file_id, file_id))
    )
    return path


# ---------------------------------------------------------------------------------------- video/audio


def make_video(
    path: Path,
    seconds: float,
    w: int,
    h: int,
    fps: int = 30,
    with_audio: bool = True,
    *,
    display_rotation: int = 0,
) -> Path:
    """H.264/AAC MP4 (yuv420p, so ``w`` and ``h`` must be even) with a moving test pattern and a tone.

    ``display_rotation`` (degrees counter-clockwise) writes display-matrix metadata only, as phones do.
    """
    path = Path(path)
    target = path if display_rotation == 0 else path.with_name(path.stem + ".unrotated" + path.suffix)
    args = ["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={fps}:duration={seconds}"]
    if with_audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(fps)]
    if with_audio:
        args += ["-c:a", "aac", "-b:a", "96k", "-ac", "2"]
    args += ["-movflags", "+faststart", "-f", "mp4", str(target)]
    _run_ffmpeg(args)
    if display_rotation:
        _run_ffmpeg(
            [
                *("-display_rotation:v:0", str(display_rotation), "-i", str(target)),
                *("-c", "copy", "-f", "mp4", str(path)),
            ]
        )
        target.unlink()
    return path


def make_webm(path: Path, seconds: float, w: int, h: int, fps: int = 30, with_audio: bool = True) -> Path:
    """VP8/Opus WebM (VP8 rather than VP9 because it encodes an order of magnitude faster)."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate={fps}:duration={seconds}"]
    if with_audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "500k"]
    args += ["-pix_fmt", "yuv420p", "-g", str(fps)]
    if with_audio:
        args += ["-c:a", "libopus", "-b:a", "64k"]
    args += ["-f", "webm", str(path)]
    _run_ffmpeg(args)
    return path


def make_wav(
    path: Path, seconds: float, freq: float = 440.0, *, sample_rate: int = 48000, channels: int = 1
) -> Path:
    """16-bit PCM sine tone at -6 dBFS, written with the stdlib so it needs no ffmpeg."""
    n = round(seconds * sample_rate)
    t = np.arange(n, dtype=np.float64) / sample_rate
    tone = (0.5 * np.sin(2.0 * math.pi * freq * t) * 32767.0).astype("<i2")
    frames = np.repeat(tone[:, None], channels, axis=1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(frames.tobytes())
    return path


def make_mp3(path: Path, seconds: float, freq: float = 440.0, *, sample_rate: int = 44100) -> Path:
    """CBR 128k MP3 (libmp3lame) with an ID3v2 tag and a Xing/Info header, like most real MP3s."""
    _run_ffmpeg(
        [
            *("-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate={sample_rate}:duration={seconds}"),
            *("-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3", str(path)),
        ]
    )
    return path


def make_frameless_video(path: Path) -> Path:
    """An MP4 whose H.264 video track is declared (codec, size) but holds zero samples."""
    _run_ffmpeg(
        [
            *("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=1"),
            *("-frames:v", "0", "-c:v", "libx264", "-pix_fmt", "yuv420p"),
            # A plain MP4 drops tracks that have no samples; an empty fragmented moov keeps the track.
            *("-movflags", "frag_keyframe+empty_moov", "-f", "mp4", str(path)),
        ]
    )
    return path


def make_audio_only_mp4(path: Path, seconds: float = 1.0) -> Path:
    """An MP4 (M4A-style) holding only an AAC track: passes as MP4 by its magic but has no video."""
    _run_ffmpeg(
        [
            *("-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"),
            *("-c:a", "aac", "-b:a", "96k", "-f", "mp4", str(path)),
        ]
    )
    return path


# ------------------------------------------------------------------------------------------ not media


def make_html(path: Path) -> Path:
    """An HTML error page, which is what a failed download usually saves instead of the file."""
    Path(path).write_text(
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
        "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n",
        encoding="utf-8",
    )
    return path


def make_random_bytes(path: Path, size: int = 4096, seed: int = 1234) -> Path:
    """Seeded noise: deterministic, so a chance match of a magic number cannot make tests flaky."""
    data = np.random.default_rng(seed).integers(0, 256, size=size, dtype=np.uint8).tobytes()
    # Pin the first bytes to something no supported format starts with.
    Path(path).write_bytes(b"\x00\x13\x37\x00" + data[4:])
    return path
