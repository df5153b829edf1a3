"""Draw a presenter bust (head and shoulders) for one pose into a reused RGBA buffer.

Layers, back to front, with what moves them:

=================  ==========================================  ===============
layer              contents                                    moves with
=================  ==========================================  ===============
behind             back of the hair, bun                       head
body               neck and its chin shadow, torso, clothing,  shoulders
                   jewellery, hijab drape
face               ears, face, nose, cheeks, eyes, beard       head
animated           eyelids, brows, mouth                       head (per frame)
front              fringe / hair cap / hijab wrap, glasses     head
=================  ==========================================  ===============

Every static layer is recorded once as a skia picture, so a frame is a handful of picture
replays plus a few small paths for the lids and the mouth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import skia
from PIL import Image

from reelwright.avatar.accessories import draw_beard, draw_earrings, draw_glasses
from reelwright.avatar.catalogue import get_avatar
from reelwright.avatar.drawn import drawn_look, parse_id
from reelwright.avatar.face import HEAD_PIVOT, MOUTH_Y, Face
from reelwright.avatar.hair import make_hair
from reelwright.avatar.looks import LOOKS
from reelwright.avatar.mouth import MouthStyle, draw_mouth, shape_for
from reelwright.avatar.outfit import draw_body, lifted_shoulders
from reelwright.avatar.vector import CX, colour, record
from reelwright.errors import InputError
from reelwright.voice.visemes import VISEMES

DESIGN = 1000.0  # the art is drawn in a 1000 x 1000 space and scaled to the output size
_STEPS = 64  # quantisation of openness and blink for the picture caches
# Bounds on the head's motion (motion.py stays well inside them): tilt in degrees, and sway
# plus nod in units of the canvas size.
_MAX_TILT_DEG = 4.0
_MAX_SHIFT = 0.012
_MAX_LIFT = 0.02  # shoulder lift either side, units of canvas size


@dataclass(frozen=True)
class Pose:
    viseme: str = "rest"  # one of visemes.VISEMES
    openness: float = 0.0  # 0..1 jaw opening (from loudness); 0 means lips closed whatever the viseme
    blink: float = 0.0  # 0 open .. 1 closed
    head_dx: float = 0.0  # head offset in units of canvas size (about ±0.01)
    head_dy: float = 0.0
    head_tilt: float = 0.0  # degrees, about ±3
    brow: float = 0.0  # 0..1 eyebrow raise
    shoulder_dy: float = 0.0  # whole-torso shift, units of canvas size (full draws only)
    # Shoulder lift (breathing, a shrug) in units of canvas size, >= 0; ``shoulder_tilt`` lifts the
    # viewer's right shoulder by that much more and the left by that much less (a lean).
    shoulder_lift: float = 0.0
    shoulder_tilt: float = 0.0


class Presenter(Protocol):
    """What the compositor needs from a presenter, illustrated or photo: a square sprite per pose.

    ``draw`` gives the whole square (premultiplied RGBA, or opaque over a backdrop);
    ``draw_moving`` only the ``moving_box`` part that can change, opaque over its backdrop.
    Both return a view of the renderer's own buffer, overwritten by the next call."""

    size: int

    def draw(self, pose: Pose, backdrop: np.ndarray | None = None) -> memoryview: ...

    def moving_box(self) -> tuple[int, int, int, int]: ...

    def draw_moving(self, pose: Pose, backdrop: np.ndarray) -> memoryview: ...

    def image(self, pose: Pose = ...) -> Image.Image: ...


class PresenterRenderer:
    """Renders one avatar at a fixed square size; create one per avatar and size and reuse it."""

    def __init__(self, avatar_id: str, size: int) -> None:
        get_avatar(avatar_id)  # raises InputError with the list of valid ids
        if size < 16:
            raise InputError(f"presenter size must be at least 16 pixels, got {size}", param="size")
        spec = parse_id(avatar_id)
        look = drawn_look(spec) if spec is not None else LOOKS[avatar_id]
        self.avatar_id = avatar_id
        self.size = size
        self._scale = size / DESIGN

        hair = make_hair(look)
        self._look = look
        self._face = face = Face(look, hair.front)
        self._mouth_style = MouthStyle.for_look(look, face.shade)

        def draw_face(c: skia.Canvas) -> None:
            face.draw_base(c)
            draw_earrings(c, look)
            if look.beard or look.stubble:
                draw_beard(c, look, face.head)

        def draw_front(c: skia.Canvas) -> None:
            hair.draw_front(c)
            draw_glasses(c, look)

        def draw_torso(c: skia.Canvas) -> None:
            face.draw_neck(c)
            draw_body(c, look)

        self._behind = record(DESIGN, DESIGN, hair.draw_behind)
        self._body = record(DESIGN, DESIGN, draw_torso)
        self._torso_paint = skia.Paint(AntiAlias=True, Color=colour(look.outfit_main))
        self._face_pic = record(DESIGN, DESIGN, draw_face)
        self._front = record(DESIGN, DESIGN, draw_front)
        # Animated parts, cached per quantised value (at most 10 x 65 mouths and 65 eyes).
        self._mouth_cache: dict[tuple[str, int], skia.Picture] = {}
        self._eye_cache: dict[int, skia.Picture] = {}

        # One pixel buffer and one surface for the renderer's lifetime; draw() returns a view
        # of this buffer, so each frame costs no allocation.
        self._pixels = np.zeros((size, size, 4), dtype=np.uint8)
        self._surface = skia.Surface(self._pixels, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType)
        self._canvas = self._surface.getCanvas()
        self._view = self._pixels.data.cast("B").toreadonly()
        self._moving_box: tuple[int, int, int, int] | None = None
        self._box_surface: skia.Surface | None = None
        self._box_pixels = np.zeros((0, 0, 4), dtype=np.uint8)
        self._box_view = memoryview(b"")
        self._box_body: tuple[skia.Image, int, int] | None = None

    def _mouth(self, viseme: str, openness: float) -> skia.Picture:
        """The mouth as a picture, cached per viseme and openness step. 1/64 steps are far
        below a pixel at any sensible size, and caching makes repeated shapes (silence, held
        vowels) cost one replay instead of rebuilding a dozen paths in Python."""
        key = (viseme, round(min(max(openness, 0.0), 1.0) * _STEPS))
        pic = self._mouth_cache.get(key)
        if pic is None:
            shape = shape_for(viseme, key[1] / _STEPS)

            def draw(c: skia.Canvas) -> None:
                c.translate(CX, MOUTH_Y)
                draw_mouth(c, self._mouth_style, shape)

            pic = self._mouth_cache[key] = record(DESIGN, DESIGN, draw)
        return pic

    def _eyes(self, blink: float) -> skia.Picture:
        key = round(min(max(blink, 0.0), 1.0) * _STEPS)
        pic = self._eye_cache.get(key)
        if pic is None:
            pic = self._eye_cache[key] = record(
                DESIGN, DESIGN, lambda c: self._face.draw_eyes(c, key / _STEPS)
            )
        return pic

    @staticmethod
    def _head_transform(canvas: skia.Canvas, pose: Pose) -> None:
        canvas.translate(pose.head_dx * DESIGN, pose.head_dy * DESIGN)
        canvas.rotate(pose.head_tilt, *HEAD_PIVOT)

    def _paint(
        self,
        c: skia.Canvas,
        pose: Pose,
        *,
        breathe: bool = True,
        body: tuple[skia.Image, int, int] | None = None,
    ) -> None:
        """``body``: the torso already drawn at this canvas's pixels, and where (see
        :meth:`draw_moving`), laid on instead of its paths; only for a torso that holds still
        (``breathe=False``)."""
        if pose.viseme not in VISEMES:
            raise InputError(
                f"unknown viseme {pose.viseme!r}; choose one of: {', '.join(VISEMES)}", param="viseme"
            )
        c.save()
        c.scale(self._scale, self._scale)
        c.save()
        self._head_transform(c, pose)
        c.drawPicture(self._behind)
        c.restore()

        c.save()
        if breathe:
            c.translate(0, pose.shoulder_dy * DESIGN)
        left = pose.shoulder_lift - pose.shoulder_tilt
        right = pose.shoulder_lift + pose.shoulder_tilt
        if left > 0 or right > 0:
            # Raised shoulders: the torso's upper outline, lifted, under the body at rest (which
            # covers it wherever the shoulder stays put). Only lifts show, so both are >= 0.
            c.drawPath(
                lifted_shoulders(
                    self._look,
                    min(max(left, 0.0), _MAX_LIFT) * DESIGN,
                    min(max(right, 0.0), _MAX_LIFT) * DESIGN,
                ),
                self._torso_paint,
            )
        if body is None:
            c.drawPicture(self._body)
        else:
            c.save()
            c.resetMatrix()
            c.drawImage(*body)
            c.restore()
        c.restore()

        c.save()
        self._head_transform(c, pose)
        c.drawPicture(self._face_pic)
        c.drawPicture(self._eyes(pose.blink))
        self._face.draw_brows(c, pose.brow)
        c.drawPicture(self._mouth(pose.viseme, pose.openness))
        c.drawPicture(self._front)
        c.restore()
        c.restore()

    def draw(self, pose: Pose, backdrop: np.ndarray | None = None) -> memoryview:
        """Render ``pose``; returns ``size*size*4`` bytes of premultiplied RGBA.

        With a ``backdrop`` (an opaque ``size`` x ``size`` RGBA array of what lies behind the
        presenter) the result is opaque. The view is of the renderer's own buffer: it is
        overwritten by the next ``draw`` call, so copy it (``bytes(view)``) to keep a frame.
        """
        if backdrop is None:
            self._canvas.clear(skia.ColorTRANSPARENT)
        else:
            np.copyto(self._pixels, backdrop)  # a memcpy: far cheaper than a skia image draw
        self._paint(self._canvas, pose)
        return self._view

    def moving_box(self) -> tuple[int, int, int, int]:
        """``(x, y, w, h)`` of the part of the square that can change from frame to frame.

        Everything the head carries (hair, face, glasses) is measured from its own pixels and
        grown by the largest sway, nod and tilt the motion track produces; of the torso only the
        shoulders' outline moves (a lift), and the box covers it at its highest. Outside this box
        every frame equals the rest pose, so a video only needs the box per frame. Sizes and
        positions are even (for yuv420).
        """
        if self._moving_box is None:
            probe = 256
            pixels = np.zeros((probe, probe, 4), dtype=np.uint8)
            surface = skia.Surface(pixels, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType)
            c = surface.getCanvas()
            c.scale(probe / DESIGN, probe / DESIGN)
            for pic in (self._behind, self._face_pic, self._front, self._eyes(0.0), self._mouth("ah", 1.0)):
                c.drawPicture(pic)
            ys, xs = np.nonzero(pixels[:, :, 3])
            unit = DESIGN / probe
            x0, x1 = xs.min() * unit - unit, (xs.max() + 2) * unit
            y0, y1 = ys.min() * unit - unit, (ys.max() + 2) * unit
            # The shoulders' outline, at its highest, must be inside the box as well.
            top = lifted_shoulders(self._look, _MAX_LIFT * DESIGN, _MAX_LIFT * DESIGN).getBounds()
            x0, x1 = min(x0, top.left() - unit), max(x1, top.right() + unit)
            y1 = max(y1, top.bottom() + unit)
            # Rotating the head's bounding box by the largest tilt either way, then shifting it by
            # the largest sway and nod, bounds every pixel the head can reach.
            px, py = HEAD_PIVOT
            xs_r, ys_r = [], []
            for angle in (-_MAX_TILT_DEG, 0.0, _MAX_TILT_DEG):
                rad = np.radians(angle)
                for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
                    xs_r.append(px + (x - px) * np.cos(rad) - (y - py) * np.sin(rad))
                    ys_r.append(py + (x - px) * np.sin(rad) + (y - py) * np.cos(rad))
            m = _MAX_SHIFT * DESIGN
            k = self._scale
            bx0 = max(0, int(np.floor((min(xs_r) - m) * k / 2)) * 2)
            by0 = max(0, int(np.floor((min(ys_r) - m) * k / 2)) * 2)
            bx1 = min(self.size // 2 * 2, int(np.ceil((max(xs_r) + m) * k / 2)) * 2)
            by1 = min(self.size // 2 * 2, int(np.ceil((max(ys_r) + m) * k / 2)) * 2)
            self._moving_box = (bx0, by0, bx1 - bx0, by1 - by0)
        return self._moving_box

    def draw_moving(self, pose: Pose, backdrop: np.ndarray) -> memoryview:
        """Only the :meth:`moving_box` of ``pose`` over ``backdrop`` (that box of the scene behind
        the presenter, opaque RGBA); the torso holds still. Returns the box's RGBA bytes, in a
        buffer the next call overwrites."""
        x, y, w, h = self.moving_box()
        if self._box_surface is None:
            self._box_pixels = np.zeros((h, w, 4), dtype=np.uint8)
            self._box_surface = skia.Surface(
                self._box_pixels, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType
            )
            self._box_view = self._box_pixels.data.cast("B").toreadonly()
            self._box_body = self._body_in_box(x, y, w, h)
        np.copyto(self._box_pixels, backdrop)
        c = self._box_surface.getCanvas()
        c.save()
        c.translate(-x, -y)
        self._paint(c, pose, breathe=False, body=self._box_body)
        c.restore()
        return self._box_view

    def _body_in_box(self, x: int, y: int, w: int, h: int) -> tuple[skia.Image, int, int]:
        """The torso at rest over the box's pixels, drawn once: the torso holds still in
        :meth:`draw_moving`, and replaying its paths (clipped to the box) cost 0.24 of a frame's
        2.71 CPU-ms at 1080p (15 interleaved rounds). Laid on with source-over it gives what
        drawing the paths there gives (source-over is associative), within a few levels of
        rounding at its edges.
        Cut to the torso's own pixels (a quarter of the box), with their place in it."""
        pixels = np.zeros((h, w, 4), dtype=np.uint8)
        surface = skia.Surface(pixels, skia.kRGBA_8888_ColorType, skia.kPremul_AlphaType)
        c = surface.getCanvas()
        c.translate(-x, -y)
        c.scale(self._scale, self._scale)
        c.drawPicture(self._body)
        ys, xs = np.nonzero(pixels[:, :, 3])
        if len(xs) == 0:
            return skia.Image.fromarray(np.zeros((1, 1, 4), dtype=np.uint8)), 0, 0
        x0, x1, y0, y1 = int(xs.min()), int(xs.max()) + 1, int(ys.min()), int(ys.max()) + 1
        torso = np.ascontiguousarray(pixels[y0:y1, x0:x1])
        return (
            skia.Image.fromarray(
                torso, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType
            ),
            x0,
            y0,
        )

    def image(self, pose: Pose = Pose()) -> Image.Image:
        """An un-premultiplied RGBA copy of ``pose``, for thumbnails and previews."""
        self.draw(pose)
        snapshot = self._surface.makeImageSnapshot()
        rgba = snapshot.toarray(colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kUnpremul_AlphaType)
        return Image.fromarray(np.ascontiguousarray(rgba), "RGBA")


def mouth_box(size: int) -> tuple[int, int, int, int]:
    """Where the mouth can be in a ``size``-pixel presenter square: ``(x, y, w, h)``.

    Covers the lips at full opening plus the head's sway and tilt, so a caller that watches
    this region (tests, a lip-sync check) sees every mouth movement and nothing of the eyes.
    """
    scale = size / DESIGN
    x0, x1 = CX - 85.0, CX + 85.0
    y0, y1 = MOUTH_Y - 30.0, MOUTH_Y + 75.0
    return round(x0 * scale), round(y0 * scale), round((x1 - x0) * scale), round((y1 - y0) * scale)
