"""A presenter placed where a script asks (HeyGen's ``avatar_style``, ``scale`` and ``offset``).

The storyboard's layouts put the presenter in a spot made for slides; a script video names the
spot itself. :func:`placed_frame` turns a :class:`PresenterPlacement` into the scene's geometry
(the whole frame is content: the background fills it), and :class:`PlacedPresenter` draws the
styles the layouts have no word for: ``close_up`` (the face, larger) and ``circle`` (the bust in a
disc). It wraps any presenter, illustrated or photo, so the compositor needs no change.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

from reelwright.avatar.presenter import Pose, Presenter
from reelwright.render.layout import Frame, Rect, frame_for
from reelwright.storyboard import PresenterPlacement, PresenterStyle

CLOSE_UP_ZOOM = 1.6  # the bust drawn this much larger and cropped to the face
# In a presenter's square the face's centre sits about 40 % down (the art's eyes to mouth); a
# close-up puts it a little below the middle of the crop, so the top of the hair stays in.
_FACE_Y, _FACE_IN_CROP = 0.40, 0.58


def _even(v: float) -> int:
    return round(v / 2.0) * 2


def placed_frame(width: int, height: int, placement: PresenterPlacement) -> Frame:
    """The presenter's square: ``scale`` of the frame's shorter side, centred horizontally; a
    bust (``normal`` or ``close_up``) stands on the bottom edge, a circle is centred. The offset moves
    it by shares of the frame, and it is kept inside the frame."""
    short = min(width, height)
    size = max(2, min(short, _even(short * placement.scale)))
    x = (width - size) / 2 + placement.offset_x * width
    y = (height - size) / 2 if placement.style == "circle" else height - size
    y += placement.offset_y * height
    x = min(max(0, _even(x)), width - size)
    y = min(max(0, _even(y)), height - size)
    base = frame_for(width, height, "none")
    return Frame(width, height, Rect(0, 0, width, height), Rect(x, y, size, size), None, base.caption_box)


class PlacedPresenter:
    """A presenter drawn in a placement's style: ``close_up`` crops a larger drawing to the face,
    ``circle`` clips the bust to a disc of ``disc`` colour. Every frame is the whole square."""

    def __init__(
        self,
        make: Callable[[int], Presenter],
        size: int,
        style: PresenterStyle,
        disc: tuple[int, int, int] = (240, 240, 240),
    ) -> None:
        self.size = size
        self.style = style
        inner_size = _even(size * CLOSE_UP_ZOOM) if style == "close_up" else size
        self._inner = make(inner_size)
        self._left = (inner_size - size) // 2
        self._top = (
            max(0, min(inner_size - size, round(inner_size * _FACE_Y - size * _FACE_IN_CROP)))
            if style == "close_up"
            else 0
        )
        self._out = np.zeros((size, size, 4), np.uint8)
        self._mask: np.ndarray | None = None
        self._disc: np.ndarray | None = None
        if style == "circle":
            # Anti-aliased: a pixel's coverage is how far inside the circle its centre lies.
            r = size / 2
            yy, xx = np.mgrid[0:size, 0:size]
            dist = np.hypot(xx + 0.5 - r, yy + 0.5 - r)
            self._mask = np.clip(r - dist, 0.0, 1.0).astype(np.float32)[..., None]
            colour = np.array([*disc, 255], np.float32)
            self._disc = self._mask * colour  # premultiplied

    def _sprite(self, pose: Pose) -> np.ndarray:
        """This pose, premultiplied RGBA, as float32."""
        full = np.frombuffer(self._inner.draw(pose), np.uint8).reshape(self._inner.size, self._inner.size, 4)
        crop = full[self._top : self._top + self.size, self._left : self._left + self.size].astype(np.float32)
        if self._mask is not None and self._disc is not None:
            # The bust over its disc, then the whole clipped to the circle.
            over = crop + self._disc * (1.0 - crop[..., 3:4] / 255.0)
            crop = over * self._mask
        return crop

    def draw(self, pose: Pose, backdrop: np.ndarray | None = None) -> memoryview:
        sprite = self._sprite(pose)
        if backdrop is not None:
            rgb = sprite[..., :3] + backdrop[..., :3].astype(np.float32) * (1.0 - sprite[..., 3:4] / 255.0)
            self._out[..., :3] = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
            self._out[..., 3] = 255
        else:
            self._out[...] = np.clip(sprite + 0.5, 0, 255).astype(np.uint8)
        return self._out.data.cast("B")

    def moving_box(self) -> tuple[int, int, int, int]:
        return 0, 0, self.size, self.size

    def draw_moving(self, pose: Pose, backdrop: np.ndarray) -> memoryview:
        return self.draw(pose, backdrop)

    def image(self, pose: Pose = Pose()) -> Image.Image:  # noqa: B008 - Pose is frozen
        sprite = self._sprite(pose)
        alpha = sprite[..., 3:4]
        rgb = np.where(alpha > 0, sprite[..., :3] * 255.0 / np.maximum(alpha, 1e-6), 0.0)
        rgba = np.concatenate([rgb, alpha], axis=-1)
        return Image.fromarray(np.clip(rgba + 0.5, 0, 255).astype(np.uint8), "RGBA")
