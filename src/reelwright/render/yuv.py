"""Opaque RGBA frames as yuv420p, made in Python so ffmpeg is sent 1.5 bytes a pixel, not 4.

The presenter sprite is the only picture streamed per frame. Sent as RGBA, ffmpeg queued
several of them between its reader, its decoder and the graph (7.6 MB each at 4K) and converted
each one with swscale; as yuv420p the pipe, the queues and the graph carry 2.7 times fewer bytes
and the graph converts nothing. The pixels are those swscale would make for the same frame
(BT.601, limited range, chroma averaged over each 2×2 block): luma within 1, chroma within a few
levels at hard colour edges (measured on presenter frames; see tests/test_yuv.py).
"""

from __future__ import annotations

import cv2
import numpy as np

# The conversions here (and the talking photo's per-frame remap) run beside two x264 encoders that
# already keep every core busy: OpenCV's own thread pool only added hand-offs. One thread: 0.93 ->
# 0.55 CPU-ms a presenter frame (376x410), the same pixels. The setting is the process's.
cv2.setNumThreads(1)

# Full-range chroma (what OpenCV's YCrCb gives) to limited range: 128 ± 112 instead of ± 127.5.
_LIMITED = np.clip(np.round(128 + (np.arange(256) - 128) * 224 / 255), 0, 255).astype(np.uint8)


class I420:
    """Converts ``width``×``height`` opaque RGBA frames (both sides even) into one reused buffer."""

    def __init__(self, width: int, height: int) -> None:
        if width % 2 or height % 2:
            raise ValueError(f"yuv420p needs even sides, got {width}x{height}")
        self.width, self.height = width, height
        self._out = np.empty((height * 3 // 2, width), dtype=np.uint8)
        quarter = (width // 2) * (height // 2)
        flat = self._out.reshape(-1)
        luma = width * height
        self._u = flat[luma : luma + quarter].reshape(height // 2, width // 2)
        self._v = flat[luma + quarter :].reshape(height // 2, width // 2)
        self._view = self._out.data.cast("B").toreadonly()
        # The steps' own buffers, made once: fresh ones each frame (a block the size of ``half``
        # is above malloc's mmap threshold) cost page faults that doubled the conversion's time.
        self._half = np.empty((height // 2, width // 2, 4), dtype=np.uint8)
        self._rgb = np.empty((height // 2, width // 2, 3), dtype=np.uint8)
        self._ycrcb = np.empty((height // 2, width // 2, 3), dtype=np.uint8)

    def convert(self, rgba: np.ndarray | memoryview | bytes) -> memoryview:
        """The frame as yuv420p bytes (Y, then U, then V), in a buffer the next call overwrites."""
        h, w = self.height, self.width
        pixels = np.frombuffer(rgba, dtype=np.uint8).reshape(h, w, 4)
        # Luma from OpenCV's I420 (BT.601 limited range, as swscale); its chroma is one sample of
        # each 2×2 block, so it is replaced by the chroma of the block's average, as swscale's
        # filter gives. Chroma is linear in RGB: the average's chroma is the chroma's average.
        cv2.cvtColor(pixels, cv2.COLOR_RGBA2YUV_I420, dst=self._out)
        cv2.resize(pixels, (w // 2, h // 2), dst=self._half, interpolation=cv2.INTER_AREA)
        cv2.cvtColor(self._half, cv2.COLOR_RGBA2RGB, dst=self._rgb)
        cv2.cvtColor(self._rgb, cv2.COLOR_RGB2YCrCb, dst=self._ycrcb)
        np.take(_LIMITED, self._ycrcb[:, :, 2], out=self._u)
        np.take(_LIMITED, self._ycrcb[:, :, 1], out=self._v)
        return self._view
