"""Background motion: a small still strip the compositor slides across the frame per frame.

Moving the whole background would cost a full-frame blend on every frame (and would unsettle
the presenter, whose resting body is baked into the background). A strip along the top edge,
where layouts never put text or the presenter, moves for the cost of a few thousand pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import skia

from reelwright.render.decor import margin
from reelwright.styles.catalogue import Style


@dataclass(frozen=True)
class MotionOverlay:
    pixels: np.ndarray  # h×w×4 uint8, straight alpha
    x: str  # ffmpeg overlay expression in t (seconds into the segment)
    y: int
    still_x: int  # where the strip sits in a still (gallery, thumbnails): a moment mid-video


def _even(v: float) -> int:
    return max(2, round(v / 2) * 2)


def _draw(w: int, h: int, fn: Callable[[skia.Canvas], None]) -> np.ndarray:
    surface = skia.Surface(w, h)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorTRANSPARENT)
    fn(canvas)
    pixels = surface.makeImageSnapshot().toarray(
        colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kUnpremul_AlphaType
    )
    return np.ascontiguousarray(pixels)


def background_motion(
    style: Style, width: int, height: int, fps: int, start_frame: int, total_frames: int
) -> MotionOverlay | None:
    """The moving strip for a segment starting at ``start_frame`` of a ``total_frames`` video."""
    r, g, b = style.accent
    if style.background_motion == "progress":
        # A bar along the top edge that fills over the whole video, not per scene.
        bar_h = _even(min(width, height) * 0.006)
        pixels = np.empty((bar_h, width, 4), dtype=np.uint8)
        pixels[:] = (r, g, b, 230)
        x = f"-{width}+{width}*({start_frame}+t*{fps})/{max(1, total_frames)}"
        return MotionOverlay(pixels, x, 0, -round(width * 0.6))
    if style.background_motion == "drift":
        # A row of soft accent dots gliding left through the top margin, seamlessly looped.
        unit = min(width, height)
        radius = unit * 0.006
        spacing = round(unit * 0.09)
        strip_h = _even(radius * 4)
        strip_w = _even(width + spacing)

        def dots(c: skia.Canvas) -> None:
            dot = skia.Paint(Color=skia.Color(r, g, b, 150), AntiAlias=True)
            cx = spacing / 2
            while cx < strip_w:
                c.drawCircle(cx, strip_h / 2, radius, dot)
                cx += spacing

        speed = spacing / 2.5  # pixels per second: one dot's spacing every 2.5 s
        y = round(margin(width, height) * 0.5 - strip_h / 2) // 2 * 2
        x = f"-mod(({start_frame}/{fps}+t)*{speed:.3f},{spacing})"
        return MotionOverlay(_draw(strip_w, strip_h, dots), x, max(0, y), 0)
    return None
