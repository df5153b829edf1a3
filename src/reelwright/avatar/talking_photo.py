"""Animate a portrait photo: the lips part with the speech, the eyes blink, the head moves.

Every frame is the portrait resampled through a smooth displacement field (``cv2.remap``), built
from three parts that all fade to nothing within the *moving box* around the head, so the frame
outside that box never changes and there is no seam where the animated part meets the still one:

* the head turns and sways about the neck, with a weight that is 1 on the head and falls off
  smoothly across the hair, background and neck;
* the lower lip and chin drop (and the upper lip lifts a little) by the viseme's opening, the
  corners stay put, and the opening between the lips is painted as the inside of a mouth;
  the lips also widen ("ee") or round ("oo");
* for a blink the upper lid slides down to the lower lid, where a lash line is drawn.

The frame is a square (the same contract as the illustrated presenters): the portrait is framed
head-and-shoulders with the face at the same size and height as an illustrated presenter's, and
the photo is a card with rounded top corners, a little narrower than the square, so it sits on
a slide like a framed picture and leaves the slide's text column clear.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

from reelwright.avatar.photo import PhotoLook, load_portrait
from reelwright.avatar.presenter import Pose
from reelwright.errors import InputError

F32 = npt.NDArray[np.float32]

_FACE_SHARE = 0.30  # face width / square side, as for the illustrated presenters
_EYE_LINE = 0.36  # eye height / square side
_CORNER = 0.06  # top corner radius / square side
_INSET = 0.07  # the card leaves this share of the square clear either side (and half on top)
PHOTO_CARD_INSET = _INSET  # for layouts that keep text off the card
_REST = Pose()

# viseme -> (opening at full loudness, mouth width change): how far the lips part and whether
# they spread (ee) or round (oo). Openings are shares of the largest opening.
_SHAPES: dict[str, tuple[float, float]] = {
    "rest": (0.0, 0.0),
    "mbp": (0.0, 0.0),  # closed: the photo as it is
    "fv": (0.2, 0.0),
    "th": (0.4, 0.02),
    "ee": (0.45, 0.12),
    "ah": (1.0, 0.0),
    "oh": (0.8, -0.16),
    "oo": (0.35, -0.24),
    "ch": (0.3, -0.06),
    "er": (0.55, -0.08),
}


def _smooth(t: npt.NDArray[Any]) -> F32:
    t = np.clip(t, 0.0, 1.0)
    out: F32 = (t * t * (3.0 - 2.0 * t)).astype(np.float32, copy=False)
    return out


class TalkingPhotoRenderer:
    """A photo look at a fixed square size; the same drawing interface as ``PresenterRenderer``."""

    def __init__(self, look: PhotoLook, size: int) -> None:
        if size < 16:
            raise InputError(f"presenter size must be at least 16 pixels, got {size}", param="size")
        self.avatar_id = look.id
        self.size = size
        face = look.face
        img = load_portrait(look.portrait)
        if img.size != (face.width, face.height):
            raise InputError(f"the portrait of look {look.id!r} changed since its face was located")

        # Framing: a square around the face, as large as the photo allows.
        fw = face.face_width
        eye_y = (face.left_eye[1] + face.right_eye[1]) / 2
        side = min(fw / _FACE_SHARE, face.width, face.height)
        left = min(max(face.mouth[0] - side / 2, 0.0), face.width - side)
        top = min(max(eye_y - _EYE_LINE * side, 0.0), face.height - side)
        crop = img.crop((round(left), round(top), round(left + side), round(top + side)))
        k = size / side
        method = Image.Resampling.LANCZOS
        rgb = np.asarray(crop.resize((size, size), method), dtype=np.uint8)

        def at(p: tuple[float, float]) -> tuple[float, float]:
            return ((p[0] - round(left)) * k, (p[1] - round(top)) * k)

        self._eyes = (at(face.left_eye), at(face.right_eye))
        self._eye_r = face.eye_radius * k
        self._mouth = at(face.mouth)
        self._mouth_hw = face.mouth_half_width * k
        self._corners = (at(face.mouth_left), at(face.mouth_right))
        self._lip_top = (face.lip_top - round(top)) * k
        self._lip_bottom = (face.lip_bottom - round(top)) * k
        self._teeth = face.teeth
        self._chin = at(face.chin)
        self._fw = F = fw * k
        cx, my = self._mouth
        # At this size the row where the lips part is the darkest one within a few pixels of the
        # located line (resampling moves edges by a pixel or two; a bright edge of teeth left
        # under the parting would move down with the jaw as a white line).
        near = max(2, round(0.025 * F))
        r0, r1 = max(0, round(my) - near), min(size, round(my) + near + 1)
        band = rgb[r0:r1, max(0, round(cx - 0.12 * F)) : round(cx + 0.12 * F) + 1].astype(np.float32)
        if band.size:
            rows = band.mean(axis=(1, 2))
            darkest = np.nonzero(rows <= rows.min() + 0.1 * (rows.max() - rows.min()))[0]
            my = float(r0 + darkest.max())
            self._mouth = (cx, my)
        self._parting = self._follow_parting(rgb)
        ey = (self._eyes[0][1] + self._eyes[1][1]) / 2

        # The card's coverage (anti-aliased), and the still frame (premultiplied RGBA). The bottom
        # is square: like a bust, the card stands on the frame's lower edge.
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        r = _CORNER * size
        left, right, top = _INSET * size, size - _INSET * size, _INSET * size / 2
        dx = np.maximum(np.maximum(left + r - xx - 0.5, xx + 0.5 - (right - r)), 0.0)
        dy = np.maximum(top + r - yy - 0.5, 0.0)
        corner = np.clip(r - np.sqrt(dx * dx + dy * dy) + 0.5, 0.0, 1.0)
        inside = np.clip(np.minimum(np.minimum(xx + 0.5 - left, right - xx + 0.5), yy + 0.5 - top), 0.0, 1.0)
        self._cover = np.minimum(corner, inside).astype(np.float32)
        self._rgb = rgb
        self._still = self._premultiply(rgb.astype(np.float32), self._cover)

        # The head: an ellipse from the top of the hair to the chin, and the region its weight
        # fades over. The box around that region is all that ever changes.
        head_top = ey - 0.85 * F
        chin_y = self._chin[1]
        self._head_c = (cx, (head_top + chin_y) / 2)
        self._head_ax, self._head_ay = 0.82 * F, (chin_y - head_top) / 2 + 0.06 * F
        reach = 1.5  # the weight reaches zero at 1.5 radii
        x0 = max(0, (math.floor((cx - reach * self._head_ax) / 2)) * 2)
        x1 = min(size // 2 * 2, (math.ceil((cx + reach * self._head_ax) / 2)) * 2)
        y0 = max(0, (math.floor((self._head_c[1] - reach * self._head_ay) / 2)) * 2)
        y1 = min(size // 2 * 2, (math.ceil((self._head_c[1] + reach * self._head_ay) / 2)) * 2)
        self._box = (x0, y0, x1 - x0, y1 - y0)
        bx, by, bw, bh = self._box
        self._gx, self._gy = xx[by : by + bh, bx : bx + bw].copy(), yy[by : by + bh, bx : bx + bw].copy()
        q = ((self._gx - self._head_c[0]) / self._head_ax) ** 2 + (
            (self._gy - self._head_c[1]) / self._head_ay
        ) ** 2
        self._w_head = _smooth((reach - np.sqrt(q)) / (reach - 1.0))
        self._pivot = (cx, chin_y + 0.3 * F)
        self._box_cover = self._cover[by : by + bh, bx : bx + bw]
        # The head's weight times each coordinate, for the per-frame warp (fewer array passes).
        self._wx, self._wy = self._w_head * self._gx, self._w_head * self._gy
        self._edge = np.nonzero(self._box_cover < 1.0)
        self._edge_cover = self._box_cover[self._edge][:, None]

        # Colours of the inside of the mouth, from the photo itself: the cavity is the lips'
        # colour in deep shadow, the tongue a lit version of it, and teeth (where the photo shows
        # none) an ivory as bright as the face's skin allows.
        lip_box = rgb[
            int(min(max(my - 0.06 * F, 0), size - 1)) : int(min(max(my + 0.08 * F, 1), size)),
            int(max(cx - self._mouth_hw * 0.6, 0)) : int(cx + self._mouth_hw * 0.6) + 1,
        ].reshape(-1, 3)
        lip = (
            np.median(lip_box.astype(np.float32), axis=0)
            if lip_box.size
            else np.array([150, 80, 75], np.float32)
        )
        cheek = rgb[
            int(min(max(my - 0.1 * F, 0), size - 1)) : int(min(max(my + 0.1 * F, 1), size)),
            int(max(cx - 0.45 * F, 0)) : int(max(cx - 0.3 * F, 1)),
        ].reshape(-1, 3)
        skin_l = (
            float(np.median(cheek.astype(np.float32) @ np.array([0.3, 0.59, 0.11], np.float32)))
            if cheek.size
            else 150.0
        )
        # A black-and-white (or faded) photo gets an inside as colourless as its face: the
        # reds of a mouth are scaled by how far the face's own colours are from grey.
        face_px = np.concatenate([lip_box, cheek]).astype(np.float32)
        colour = float(np.median(face_px.max(axis=1) - face_px.min(axis=1))) if face_px.size else 40.0
        vivid = min(1.0, colour / 20.0)

        def tint(c: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
            grey = float(c @ np.array([0.3, 0.59, 0.11], np.float32))
            return (grey + vivid * (c - grey)).astype(np.float32)

        # The cavity is the photo's own darkest mouth tones (the shadow where the lips meet, or
        # between a smile's teeth) taken deeper and a little warmer: a mouth seen from the front
        # is a dark red-brown, not black. Near the lips it is lit by them; its back is darkest.
        lum = lip_box.astype(np.float32) @ np.array([0.3, 0.59, 0.11], np.float32) if lip_box.size else None
        if lum is not None and lum.size:
            shadow: F32 = lip_box[lum <= np.percentile(lum, 4)].astype(np.float32).mean(axis=0)
        else:
            shadow = (lip * 0.4).astype(np.float32)
        # However bright the photo's darkest tone, the back of a mouth is in deep shadow (and a
        # photo lit to black there gives a cavity no blacker than a shadow can be).
        shadow_l = float(shadow @ np.array([0.3, 0.59, 0.11], np.float32))
        shadow = (shadow * (min(max(shadow_l, 35.0), 65.0) / max(shadow_l, 1.0))).astype(np.float32)
        warm = np.array([1.08, 0.92, 0.9], np.float32)
        self._mouth_dark = tint(shadow * 0.42 * warm)  # the back
        self._mouth_near = tint((shadow * 0.62 + lip * 0.08) * warm)  # just inside the lips
        self._mouth_rim = tint(lip * 0.45 + shadow * 0.35)  # the inner, wet side of the lips
        self._mouth_tongue = tint(
            ((lip * 0.45 + np.array([125, 52, 55], np.float32) * 0.55) * 0.65).astype(np.float32)
        )
        self._mouth_teeth = tint(np.array([236, 230, 214], np.float32) * min(1.0, 0.35 + skin_l / 255))
        # Edges as soft as the photo's own: a pixel or so of the portrait, at its enlargement.
        self._soft = max(1.2, 1.1 * k)
        # The photo's own grain (its fine detail, clipped to a few levels), laid over the
        # inside of the mouth where it shows, so the cavity is no smoother than the picture.
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
        fine = gray - cv2.GaussianBlur(gray, (0, 0), max(1.5, 1.5 * k))
        self._grain = np.clip(0.6 * fine, -5.0, 5.0).astype(np.float32)
        lash = []
        for ex, ey_ in self._eyes:
            patch = rgb[
                int(max(ey_ - self._eye_r * 0.5, 0)) : int(ey_ + self._eye_r * 0.5) + 1,
                int(max(ex - self._eye_r, 0)) : int(ex + self._eye_r) + 1,
            ].reshape(-1, 3)
            lum = patch.astype(np.float32) @ np.array([0.3, 0.59, 0.11], np.float32)
            lash.append(patch[lum <= np.percentile(lum, 10)].astype(np.float32).mean(axis=0))
        self._lash = np.mean(lash, axis=0).astype(np.float32) * 0.8

        self._pixels = np.zeros((size, size, 4), dtype=np.uint8)
        self._view = self._pixels.data.cast("B").toreadonly()
        self._box_pixels = np.zeros((bh, bw, 4), dtype=np.uint8)
        self._box_view = self._box_pixels.data.cast("B").toreadonly()

    @staticmethod
    def _premultiply(rgb: F32, cover: F32) -> npt.NDArray[np.uint8]:
        out = np.empty((*rgb.shape[:2], 4), dtype=np.uint8)
        out[..., :3] = np.clip(rgb * cover[..., None] + 0.5, 0, 255).astype(np.uint8)
        out[..., 3] = np.clip(cover * 255 + 0.5, 0, 255).astype(np.uint8)
        return out

    # -- the moving part ------------------------------------------------------------------------

    def moving_box(self) -> tuple[int, int, int, int]:
        """``(x, y, w, h)`` of the part of the square that can change; even, like the illustrated
        presenters'. Outside it every frame is the still portrait."""
        return self._box

    def _window(self, x0: float, y0: float, x1: float, y1: float) -> tuple[slice, slice]:
        """The slice of the moving box covering a region (square pixels), grown by the most the
        head can move, so a local effect is computed only where it can show."""
        bx, by, bw, bh = self._box
        grow = 0.05 * self._fw + 0.015 * self.size
        xs = slice(max(0, int(x0 - grow) - bx), max(0, min(bw, int(x1 + grow) + 1 - bx)))
        ys = slice(max(0, int(y0 - grow) - by), max(0, min(bh, int(y1 + grow) + 1 - by)))
        return ys, xs

    def _animate(self, pose: Pose) -> npt.NDArray[np.uint8]:
        """The moving box's RGB for ``pose`` (not yet masked by the card's shape)."""
        gx, gy, F = self._gx, self._gy, self._fw
        size = self.size
        # Head: dst = P + R(tilt)(src - P) + shift, inverted and weighted.
        theta = math.radians(pose.head_tilt)
        c, s = math.cos(theta), math.sin(theta)
        px, py = self._pivot
        sx, sy = pose.head_dx * size, pose.head_dy * size
        # src = p + w (P + R(-tilt)(p - shift - P) - p), expanded so each term is one array pass.
        kx = px - c * (sx + px) - s * (sy + py)
        ky = py + s * (sx + px) - c * (sy + py)
        w = self._w_head
        src_x: F32 = gx + (c - 1.0) * self._wx + s * self._wy + kx * w
        src_y: F32 = gy + (c - 1.0) * self._wy - s * self._wx + ky * w
        # The local effects below read the head-turned coordinates and change the sources.
        ux, uy = src_x.copy(), src_y.copy()

        share, spread = _SHAPES.get(pose.viseme, (0.55, 0.0))
        opening = min(max(pose.openness, 0.0), 1.0)
        down = 0.085 * F * share * opening**0.8
        mouth: tuple[slice, slice, F32, F32, F32, F32] | None = None
        if down > 0.05 or (spread != 0.0 and opening > 0):
            mouth = self._open_mouth(ux, uy, src_x, src_y, down, spread * min(1.0, opening * 3))
        # Blinks: the upper lid slides down over the eye. The lid's skin (a band just above the
        # lash line) stretches to cover it and the eye below the lid's edge stays as it is, so
        # the brows never move; a lash line marks where the lids meet.
        lashes: list[tuple[slice, slice, F32]] = []
        blink = min(max(pose.blink, 0.0), 1.0)
        if blink > 0.02:
            r = self._eye_r
            skin = 0.35 * r  # height of the lid's skin above the lash line
            for ex, ey in self._eyes:
                ys, xs = self._window(ex - 1.4 * r, ey - 1.2 * r, ex + 1.4 * r, ey + 0.6 * r)
                ex_, ey_ = ux[ys, xs], uy[ys, xs]
                dxn = (ex_ - ex) / r
                wx = _smooth((1.3 - np.abs(dxn)) / 0.4)
                bow = np.clip(1.0 - dxn * dxn, 0.0, 1.0)
                lid = ey - 0.25 * r - 0.25 * r * bow  # the upper lash line, arched
                meet = ey + 0.28 * r + 0.1 * r * bow  # where the lids meet, low in the middle
                edge = lid + blink * wx * (meet - lid)  # the lid's edge in this frame
                top = lid - skin
                inside = (ey_ >= top) & (ey_ < edge)
                stretched = top + (ey_ - top) * skin / np.maximum(edge - top, 1e-3)
                src_y[ys, xs] += np.where(inside, stretched - ey_, 0.0)
                fade = min(max((blink - 0.35) / 0.45, 0.0), 1.0)
                seen = 0.8 * fade * fade * (3 - 2 * fade) * wx * (np.abs(dxn) < 1.05)
                line = seen * np.clip(0.05 * r + 0.6 - np.abs(ey_ - meet), 0.0, 1.0)
                lashes.append((ys, xs, line.astype(np.float32)))

        rgb = np.asarray(
            cv2.remap(self._rgb, src_x, src_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT),
            dtype=np.uint8,
        )
        # What is painted over the warped photo is blended in its own small window only.
        if mouth is not None:
            ys, xs, cover, depth, gap, nx = mouth
            # Only the opening's own box (the jaw's window is many times larger).
            on = cover > 0
            rows, cols = np.nonzero(on.any(axis=1))[0], np.nonzero(on.any(axis=0))[0]
            if rows.size:
                sub = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
                y0, x0 = ys.start or 0, xs.start or 0
                at = (slice(y0 + rows[0], y0 + rows[-1] + 1), slice(x0 + cols[0], x0 + cols[-1] + 1))
                bx, by = self._box[:2]
                grain = self._grain[by + at[0].start : by + at[0].stop, bx + at[1].start : bx + at[1].stop]
                rgb[at] = self._paint_inside(rgb[at], cover[sub], depth[sub], gap[sub], nx[sub], grain)
        for ys, xs, line in lashes:
            la = line[..., None]
            rgb[ys, xs] = rgb[ys, xs] * (1 - la) + self._lash * la + 0.5
        return rgb

    def _curve(self, x: F32) -> F32:
        """A smooth line through the corners and the centre, level at the centre."""
        cx, m = self._mouth
        (lx, ly), (rx, ry) = self._corners
        t = np.where(x < cx, (x - cx) / min(lx - cx, -1.0), (x - cx) / max(rx - cx, 1.0))
        t = np.minimum(t, 1.3)
        rise = np.where(x < cx, np.float32(ly - m), np.float32(ry - m))
        out: F32 = (m + rise * t * t).astype(np.float32)
        return out

    def _follow_parting(self, rgb: npt.NDArray[np.uint8]) -> tuple[F32, F32]:
        """Where the lips part, column by column: the darkest row near the smooth line through
        the corners. A smile's upper teeth end in a line flatter than that curve, which would
        otherwise cut through the teeth at the sides (and drop them with the jaw); a closed
        mouth's seam wavers with the lips' shape. Returns (columns, offset from the curve),
        smoothed, and fading to nothing at the corners."""
        F = self._fw
        (lx, _), (rx, _) = self._corners
        xs = np.arange(math.ceil(lx), math.floor(rx) + 1, dtype=np.float32)
        if xs.size < 5:
            return xs, np.zeros_like(xs)
        gray = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (0, 0), max(1.0, 0.006 * F))
        reach = max(2, round(0.045 * F))
        base = self._curve(xs)
        rows = np.clip(np.round(base)[None, :] + np.arange(-reach, reach + 1)[:, None], 0, rgb.shape[0] - 1)
        cols = np.clip(xs.astype(np.int64), 0, rgb.shape[1] - 1)
        values = gray[rows.astype(np.int64), cols[None, :]].astype(np.float32)
        # A little cost for straying from the curve, so an even shadow keeps to it.
        values += 0.25 * np.abs(np.arange(-reach, reach + 1, dtype=np.float32))[:, None] * 40.0 / reach
        offset = (np.argmin(values, axis=0) - reach).astype(np.float32)
        k = max(1, round(0.06 * F))
        offset = np.convolve(np.pad(offset, k, mode="edge"), np.ones(2 * k + 1) / (2 * k + 1), mode="same")[
            k:-k
        ]
        cx = self._mouth[0]
        t = np.where(xs < cx, (xs - cx) / min(lx - cx, -1.0), (xs - cx) / max(rx - cx, 1.0))
        offset *= 1.0 - _smooth((t - 0.75) / 0.25)  # the corners stay where they were found
        offset -= np.interp(cx, xs, offset)  # and the centre (already the darkest row)
        return xs, offset.astype(np.float32)

    def _seam(self, x: F32) -> F32:
        """Where the lips meet at column ``x``: the smooth line through the corners and the
        centre, moved to the photo's own parting between them."""
        xs, offset = self._parting
        out: F32 = self._curve(x)
        if xs.size:
            out = (out + np.interp(x, xs, offset, left=0.0, right=0.0)).astype(np.float32)
        return out

    def _open_mouth(
        self, ux: F32, uy: F32, src_x: F32, src_y: F32, down: float, spread: float
    ) -> tuple[slice, slice, F32, F32, F32, F32] | None:
        """Part the lips by ``down`` pixels at the centre: the lower lip, the lower teeth and
        the chin move down together (the lower lip as a whole, the jaw below it a little less
        at the sides), the upper lip lifts a little, and the gap between them looks into the
        mouth. Changes the sources in place; returns where the inside of the mouth shows
        (window, coverage, depth in pixels below the upper lip, the opening's height there,
        position across -1..1)."""
        F = self._fw
        m = self._mouth[1]
        (lx, _), (rx, _) = self._corners
        mcx, hw = (lx + rx) / 2, max((rx - lx) / 2, 0.1 * F)
        chin = self._chin[1]
        ys, xs = self._window(mcx - 0.7 * F, self._lip_top - 0.2 * F, mcx + 0.7 * F, chin + 0.4 * F)
        mx, my = ux[ys, xs], uy[ys, xs]
        nx = (mx - mcx) / hw
        if spread != 0.0:
            # "ee" spreads the lips, "oo" rounds them: the mouth's width changes about its
            # centre, fading out over the cheeks and above and below the lips.
            bump = np.clip(1.0 - (nx / 1.7) ** 2, 0.0, 1.0) ** 2
            bump *= np.clip(1.0 - ((my - m) / (0.16 * F)) ** 2, 0.0, 1.0) ** 2
            src_x[ys, xs] -= spread * (mx - mcx) * bump
        if down <= 0.05:
            return None
        up = 0.22 * down
        seam = self._seam(mx)
        # How far the lips part across the mouth: fully in the middle, closing to the corners.
        across = np.clip(1.0 - nx * nx, 0.0, 1.0) ** 0.8
        lo_edge = seam + down * across  # the lower lip's upper edge in this frame
        hi_edge = seam - up * across  # the upper lip's lower edge
        # Below: the lower lip moves as a whole (down its thickness); further down the jaw's
        # wider profile takes over, and below the chin the movement fades into the neck.
        lip_h = max(self._lip_bottom - m, 0.06 * F)
        g = _smooth(1.0 - (my - lo_edge - lip_h) / max(0.12 * F, 3.0 * down))
        jaw = np.clip(1.0 - ((mx - mcx) / (0.62 * F)) ** 2, 0.0, 1.0)
        fade = _smooth(1.0 - (my - chin) / (0.35 * F))
        lower = down * (across * g + jaw * (1.0 - g)) * fade
        # Above: the upper lip lifts as a whole, fading out towards the nose.
        lip_top = self._lip_top - up * across
        lift = up * across * _smooth(1.0 - (lip_top - my) / (0.1 * F))
        below, above = my >= lo_edge, my <= hi_edge
        inside = ~(below | above)
        # Inside, the pixels read the photo across the seam: the upper half the row just above
        # it, the lower half the row just below, so each lip's edge fades into the inside the
        # way it meets the other lip in the photo; the painting below darkens it into a mouth.
        gap = lo_edge - hi_edge
        v = np.clip((my - hi_edge) / np.maximum(gap, 1e-3), 0.0, 1.0)
        across_seam = seam + np.clip(4.0 * v - 2.0, -1.0, 1.0) - my
        src_y[ys, xs] += np.where(below, -lower, np.where(above, lift, across_seam))
        # Coverage ramps in from each lip's edge over about a pixel of the photo (anti-aliased,
        # as soft as the photo's own edges at this enlargement).
        cover = np.clip(np.minimum(my - hi_edge, lo_edge - my) / self._soft + 0.3, 0.0, 1.0) * inside
        cover *= np.clip(gap, 0.0, 1.0)
        f32 = np.float32
        return ys, xs, cover.astype(f32), (v * gap).astype(f32), gap.astype(f32), nx.astype(f32)

    def _paint_inside(
        self, photo: npt.NDArray[np.uint8], cover: F32, depth: F32, gap: F32, nx: F32, grain: F32
    ) -> npt.NDArray[np.uint8]:
        """The inside of the mouth over the stretched seam, in the photo's own tones: darkest at
        the back (the middle of the opening), lighter just inside the lips, where each lip's wet
        inner side shows as a thin rim of its colour; the tongue's lit back low in a wide
        opening; and, when the photo shows no teeth of its own, the edges of the upper teeth in
        the upper lip's shadow (teeth it shows stay where they are, with the upper jaw)."""
        F = self._fw
        seam = photo.astype(np.float32)
        wide = np.clip(1.0 - nx * nx, 0.0, 1.0)
        above = depth  # pixels below the upper lip's edge
        below = gap - depth  # pixels above the lower lip's edge
        # Back to front: the deeper a pixel sits inside the opening (from both lips and the
        # corners), the darker.
        inner = np.minimum(above, below) / (0.5 * gap + 1.0)
        back = (_smooth(inner * 1.6) * (0.35 + 0.65 * wide))[..., None]
        inside = self._mouth_near * (1 - back) + self._mouth_dark * back
        # The tongue shows low in an opening of some height.
        tongue = _smooth((depth - 0.55 * gap) / (0.3 * gap + 1.0)) * _smooth(gap / (0.1 * F)) * wide**1.5
        t = (0.6 * tongue)[..., None]
        inside = inside * (1 - t) + self._mouth_tongue * t
        # The lips' inner sides: a rim a pixel or two of the photo wide, the lower lip's (lit
        # from above) clearer than the upper's, none under teeth the photo shows.
        rim_w = np.minimum(1.6 * self._soft, 0.3 * gap) + 1e-3
        rim = 0.8 * np.clip(1.0 - below / rim_w, 0.0, 1.0) ** 1.5
        if not self._teeth:
            rim = np.maximum(rim, 0.5 * np.clip(1.0 - above / rim_w, 0.0, 1.0) ** 1.5)
        r = (rim * np.sqrt(wide))[..., None]
        inside = inside * (1 - r) + self._mouth_rim * r
        if not self._teeth:
            # The upper teeth's edges: a third of a small opening, at most 3 % of the face's
            # width, barely there while the lips only part (a slit is all shadow), and in the
            # upper lip's shadow: dimmer at the top and towards the corners, with soft narrow
            # shadows between the front teeth (wider incisors, narrower to the sides).
            teeth_h = np.minimum(0.028 * F, 0.33 * gap) + 1e-3
            teeth = np.clip((teeth_h - depth) / np.maximum(0.45 * teeth_h, 1.0), 0.0, 1.0) * wide**0.8
            teeth *= 0.55 * _smooth(gap / (0.07 * F)) * np.clip(depth / max(self._soft, 1.0), 0.0, 1.0)
            lit = 0.5 + 0.25 * _smooth(depth / (0.6 * teeth_h)) + 0.2 * wide
            arch = np.sign(nx) * np.sqrt(np.abs(nx))
            between = np.abs(((arch * 3.3 + 0.5) % 1.0) - 0.5)
            lit = (lit * (1.0 - 0.15 * np.clip(1.0 - between * 0.25 * self._mouth_hw, 0.0, 1.0)))[..., None]
            inside = inside * (1 - teeth[..., None]) + self._mouth_teeth * lit * teeth[..., None]
        inside = inside + grain[..., None]
        c = cover[..., None]
        out: npt.NDArray[np.uint8] = np.clip(seam * (1 - c) + inside * c + 0.5, 0, 255).astype(np.uint8)
        return out

    # -- the drawing interface ------------------------------------------------------------------

    def draw(self, pose: Pose, backdrop: np.ndarray | None = None) -> memoryview:
        """The whole square for ``pose``: premultiplied RGBA, or opaque over ``backdrop``."""
        bx, by, bw, bh = self._box
        frame = self._pixels
        np.copyto(frame, self._still)
        moving = self._animate(pose).astype(np.float32)
        frame[by : by + bh, bx : bx + bw] = self._premultiply(moving, self._box_cover)
        if backdrop is not None:
            frame[...] = self._over(frame, backdrop)
        return self._view

    def draw_moving(self, pose: Pose, backdrop: np.ndarray) -> memoryview:
        """Only the moving box, opaque over ``backdrop`` (that box of the scene behind)."""
        out = self._box_pixels
        out[..., :3] = self._animate(pose)
        out[..., 3] = 255
        # Only the card's edge (anti-aliased) and what lies outside it show the backdrop.
        ys, xs = self._edge
        cover = self._edge_cover
        out[ys, xs, :3] = out[ys, xs, :3] * cover + backdrop[ys, xs, :3] * (1 - cover) + 0.5
        return self._box_view

    @staticmethod
    def _over(front: npt.NDArray[np.uint8], back: np.ndarray) -> npt.NDArray[np.uint8]:
        a = front[..., 3:4].astype(np.uint16)
        out = front.astype(np.uint16) + (back.astype(np.uint16) * (255 - a) + 127) // 255
        out[..., 3] = 255
        return np.minimum(out, 255).astype(np.uint8)

    def image(self, pose: Pose = _REST) -> Image.Image:
        """An un-premultiplied RGBA copy of ``pose``, for thumbnails and previews."""
        bx, by, bw, bh = self._box
        rgb = self._rgb.copy()
        rgb[by : by + bh, bx : bx + bw] = self._animate(pose)
        rgba = np.dstack([rgb, np.clip(self._cover * 255 + 0.5, 0, 255).astype(np.uint8)])
        return Image.fromarray(rgba, "RGBA")
