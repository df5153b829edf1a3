"""Thumbnail (JPEG) and animated preview (GIF) of a finished video."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.render import ffmpeg

GIF_SECONDS = 5.0
GIF_FPS = 10


def write_thumbnail(rgba_frame: Path, width: int, height: int, out: Path) -> None:
    """Save a frame we already have (a scene's last frame, raw RGBA) as a 1280-px JPEG."""
    data = np.frombuffer(rgba_frame.read_bytes(), dtype=np.uint8).reshape(height, width, 4)
    img = Image.fromarray(data[:, :, :3], "RGB")
    img.thumbnail((1280, 1280), Image.Resampling.LANCZOS)
    img.save(out, "JPEG", quality=88, optimize=True)


def write_gif(video: Path, out: Path, *, start: float, seconds: float, portrait: bool) -> None:
    width = 270 if portrait else 480
    ffmpeg.run(
        [
            "-ss",
            f"{start:.3f}",
            "-t",
            f"{seconds:.3f}",
            "-i",
            str(video),
            "-filter_complex",
            f"fps={GIF_FPS},scale={width}:-2:flags=lanczos,split[a][b];"
            "[a]palettegen=max_colors=128:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4",
            "-loop",
            "0",
            "-f",
            "gif",
            str(out),
        ],
        what="making the GIF preview",
    )
