"""The presenter sprite converted to yuv420p in Python matches what ffmpeg's own conversion of
the same RGBA frame gives (the conversion the render used to ask ffmpeg for)."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from reelwright.avatar.factory import make_presenter
from reelwright.avatar.presenter import Pose
from reelwright.render import ffmpeg
from reelwright.render.yuv import I420


def _ffmpeg_yuv420p(frames: np.ndarray) -> np.ndarray:
    n, h, w, _ = frames.shape
    out = subprocess.run(
        [
            ffmpeg.ffmpeg_exe(),
            *("-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pixel_format", "rgb0"),
            *("-video_size", f"{w}x{h}", "-i", "-", "-pix_fmt", "yuv420p", "-f", "rawvideo", "-"),
        ],
        input=frames.tobytes(),
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, dtype=np.uint8).reshape(n, -1)


def _presenter_frames(size: int) -> np.ndarray:
    renderer = make_presenter("ava", size, None)
    _, _, w, h = renderer.moving_box()
    rng = np.random.default_rng(3)
    backdrop = np.empty((h, w, 4), dtype=np.uint8)
    backdrop[:] = (30, 64, 175, 255)  # a saturated backdrop: hard colour edges around the bust
    backdrop[: h // 2, : w // 3] = (250, 210, 40, 255)
    frames = []
    for i in range(6):
        pose = Pose(viseme=("ah", "oh", "ee")[i % 3], openness=rng.random(), head_tilt=rng.uniform(-3, 3))
        frames.append(np.frombuffer(renderer.draw_moving(pose, backdrop), dtype=np.uint8).reshape(h, w, 4))
    return np.stack(frames)


@pytest.mark.parametrize("size", [290, 848])
def test_presenter_sprite_matches_ffmpegs_conversion(size: int) -> None:
    frames = _presenter_frames(size)
    _, h, w, _ = frames.shape
    expected = _ffmpeg_yuv420p(frames)
    conv = I420(w, h)
    got = np.stack([np.frombuffer(conv.convert(f), dtype=np.uint8).copy() for f in frames])
    assert got.shape == expected.shape
    luma = w * h
    diff = np.abs(got.astype(np.int16) - expected.astype(np.int16))
    y, uv = diff[:, :luma], diff[:, luma:]
    assert y.max() <= 1
    assert y.mean() < 0.3
    # Chroma is filtered a little differently at hard edges (a box, swscale's bicubic): a few
    # levels there, nothing on average.
    assert uv.max() <= 8
    assert uv.mean() < 0.5
    assert np.percentile(uv, 99) <= 2


def test_flat_colours_are_exact_to_a_level() -> None:
    conv = I420(4, 2)
    frame = np.zeros((2, 4, 4), dtype=np.uint8)
    frame[:, :2] = (255, 255, 255, 255)
    frame[:, 2:] = (0, 0, 0, 255)
    got = np.frombuffer(conv.convert(frame), dtype=np.uint8)
    # Limited range: white is 235, black 16, neutral chroma 128.
    assert list(got[:8]) == [235, 235, 16, 16, 235, 235, 16, 16]
    assert list(got[8:]) == [128, 128, 128, 128]


def test_odd_sides_are_refused() -> None:
    with pytest.raises(ValueError):
        I420(5, 4)
