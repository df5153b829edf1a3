"""Find the lips in a portrait from the picture itself: where they meet, their corners, their
outer edges, and whether teeth show.

No packaged model gives lip landmarks here (see docs/decisions/0003-photo-face-landmarks.md), so
this reads the light: wherever a face is lit, the lips meet in a dark line (a closed mouth's
seam, or the shadow inside a smiling or speaking one) that ends at the corners, the lower lip
catches the light and casts a shadow on the chin, and teeth are the brightest, greyest pixels
around. Lip colour is too weak a cue on its own (it barely differs from the skin on many faces,
and JPEG keeps little colour), so it only breaks ties. Every measure falls back to ordinary face
proportions when the picture gives no clear answer (a beard, a moustache, flat light).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Lips:
    """The lips in image pixels (x right, y down)."""

    left: tuple[float, float]  # the corner on the viewer's left
    right: tuple[float, float]
    centre_y: float  # where the lips meet (or part) on the face's centre line
    top: float  # the upper lip's upper edge on the centre line
    bottom: float  # the lower lip's lower edge on the centre line
    teeth: bool  # teeth show between the lips in the photo
    found: bool  # False when every measure fell back to proportions


# The slants (degrees) at which the line where the lips meet is looked for, and how much each
# degree of slant costs against a level line (a level line is the usual case).
_TILTS = (0, -8, 8, -16, 16, -24, 24)
_TILT_COST = 0.006


def _smooth(v: F64, k: int) -> F64:
    k = max(1, k)
    out: F64 = np.convolve(np.pad(v, k, mode="edge"), np.ones(2 * k + 1) / (2 * k + 1), mode="same")[k:-k]
    return out


def _smile_corner(depth: F64, centre: int, faded: int, least: int) -> int:
    """A smiling mouth's corner on one side, given where its seam has faded (``faded``, the
    column where ``depth`` fell below a third of the centre's).

    In a smile the corners are the mouth's darkest pockets, and from each a cheek crease (the
    smile line) runs on up and out: a dark line too, a fifth to a half as deep as the pocket and
    as deep as a third of the teeth-lit centre, so the seam followed from the centre runs on
    into it for a few pixels. The corner is where the seam, past its deepest point on this side,
    has lost half that depth: the pocket's end. Only ever inside ``faded`` and no nearer the
    centre than ``least``; and only where the deepest point is out there, a pocket (where the
    seam is deepest in the middle and fades outwards, the third of the centre's depth stands)."""
    step = 1 if faded > centre else -1
    side = np.arange(centre, faded + step, step)
    deepest = side[int(np.argmax(depth[side]))]
    if abs(deepest - centre) < least:
        return faded
    for x in range(int(deepest), faded, step):
        if abs(x - centre) >= least and depth[x] < depth[deepest] / 2:
            return x
    return faded


def find_mouth_line(rgb: npt.NDArray[np.uint8], cx: float, eye_y: float, eye_dist: float) -> float:
    """The height where the lips meet, between the nose and the chin.

    The lips meet in a thin dark line that runs across the whole mouth; the nostrils are dark
    too, but only in two spots. So each row is scored by how dark a thin line it holds (a
    black-hat filter: darker than the rows around it) across most of the mouth's width (a low
    percentile over the columns), preferring rows near the usual height. A smile shows two such
    lines, above and below the upper teeth; the lips part at the lower one, which wins when it
    is nearly as strong."""
    h, w = rgb.shape[:2]
    e = eye_dist
    x0, x1 = max(0, round(cx - 0.35 * e)), min(w, round(cx + 0.35 * e))
    y0, y1 = max(0, round(eye_y + 0.8 * e)), min(h, round(eye_y + 1.6 * e))
    guess = eye_y + 1.1 * e
    if x1 - x0 < 6 or y1 - y0 < 6:
        return float(min(max(guess, 0.0), h - 1.0))
    pad = max(2, round(0.2 * e))
    ya, yb = max(0, y0 - pad), min(h, y1 + pad)
    # A margin on each side, so that the window turned about its centre is still all photo.
    margin = round(0.25 * e)
    xa, xb = max(0, x0 - margin), min(w, x1 + margin)
    gray = cv2.cvtColor(np.ascontiguousarray(rgb[ya:yb, xa:xb]), cv2.COLOR_RGB2GRAY)
    gray = cv2.GaussianBlur(gray, (0, 0), max(0.6, e / 120))
    k = max(3, round(0.16 * e) | 1)
    # A head tilted to one side (or a mouth pulled up on one side while speaking) puts the seam
    # at a slant, and a slanted line darkens no single row across the mouth: the window is
    # turned by a few angles and the angle whose best line is clearest wins, a level one
    # preferred. With a moustache over the upper lip, its lower edge runs level across the
    # mouth and a slanted seam below it would otherwise lose to it.
    best_y, best_score = guess, 0.0
    for degrees in _TILTS:
        if degrees:
            turn = cv2.getRotationMatrix2D((cx - xa, guess - ya), degrees, 1.0)
            view = cv2.warpAffine(gray, turn, (gray.shape[1], gray.shape[0]), borderMode=cv2.BORDER_REPLICATE)
        else:
            view = gray
        hat = cv2.morphologyEx(view, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
        # A smile's seam curves: let each column's line be a couple of rows off.
        hat = cv2.dilate(hat, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, round(0.04 * e) | 1))))
        rows = np.percentile(hat[:, x0 - xa : x1 - xa].astype(np.float64), 30, axis=1)[y0 - ya : y1 - ya]
        rows = _smooth(rows, max(1, round(0.01 * e)))
        dist = (np.arange(y0, y1) - guess) / (0.45 * e)
        score = rows * (1.0 - 0.5 * dist * dist) * (1.0 - _TILT_COST * abs(degrees))
        best = float(score.max())
        if best <= max(2.0, best_score):
            continue
        strong = [
            i
            for i in range(1, len(score) - 1)
            if score[i] >= 0.6 * best and score[i] >= score[i - 1] and score[i] >= score[i + 1]
        ]
        # The lower of two strong lines only when they are close (upper teeth between them), not
        # a fold of the chin far below.
        top = int(np.argmax(score))
        low = [i for i in strong if top <= i <= top + 0.3 * e]
        best_y, best_score = float(y0 + (max(low) if low else top)), best
    return best_y


def find_lips(rgb: npt.NDArray[np.uint8], cx: float, mouth_y: float, eye_dist: float) -> Lips:
    """The lips around ``(cx, mouth_y)`` (the line where the lips meet, found already) in a face
    whose eyes are ``eye_dist`` apart."""
    h, w = rgb.shape[:2]
    e = eye_dist
    guess_half = 0.5 * e
    fallback = Lips(
        left=(cx - guess_half, mouth_y),
        right=(cx + guess_half, mouth_y),
        centre_y=mouth_y,
        top=mouth_y - 0.2 * e,
        bottom=mouth_y + 0.25 * e,
        teeth=False,
        found=False,
    )
    x0, x1 = max(0, round(cx - 0.85 * e)), min(w, round(cx + 0.85 * e))
    y0, y1 = max(0, round(mouth_y - 0.45 * e)), min(h, round(mouth_y + 0.5 * e))
    if x1 - x0 < 12 or y1 - y0 < 12:
        return fallback
    roi = rgb[y0:y1, x0:x1]
    lab = cv2.cvtColor(np.ascontiguousarray(roi), cv2.COLOR_RGB2LAB).astype(np.float64)
    lum = cv2.GaussianBlur(lab[..., 0], (0, 0), max(0.6, e / 90))
    chroma = np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    rh, rw = lum.shape
    my = mouth_y - y0
    mx = cx - x0

    # The seam, column by column: the darkest row near the line found at the centre, followed
    # outwards so a smile's upturned corners are tracked. Its depth (how much darker than the
    # lips just above and below) fades out at the corners.
    reach = max(2, round(0.06 * e))
    band = max(2, round(0.12 * e))
    seam = np.full(rw, np.nan)
    depth = np.zeros(rw)
    c0 = int(np.clip(round(mx), 0, rw - 1))
    for direction in (1, -1):
        y = my
        for x in range(c0, rw if direction > 0 else -1, direction):
            lo, hi = max(0, round(y) - reach), min(rh, round(y) + reach + 1)
            col = lum[lo:hi, x]
            if col.size == 0:
                break
            yy = lo + int(np.argmin(col))
            above = lum[max(0, yy - band) : max(1, yy - band // 2), x]
            below = lum[min(rh - 1, yy + band // 2) : min(rh, yy + band), x]
            ref = min(float(above.mean()) if above.size else 0.0, float(below.mean()) if below.size else 0.0)
            seam[x] = yy
            depth[x] = max(0.0, ref - float(lum[yy, x]))
            # Follow the seam gently: a corner turns up or down, it does not jump.
            y = 0.7 * y + 0.3 * yy
    depth = _smooth(depth, max(1, round(0.03 * e)))
    centre_depth = float(np.median(depth[max(0, c0 - round(0.15 * e)) : c0 + round(0.15 * e) + 1]))
    if centre_depth < 4.0:  # no visible seam (flat light, a moustache over the lips)
        return fallback
    # Teeth: bright, grey pixels in the middle of the mouth, near the seam (above it in a smile).
    # Looked for before the corners, which a smile ends differently (see _smile_corner).
    inner = slice(max(0, round(mx - 0.25 * e)), min(rw, round(mx + 0.25 * e)))
    near = slice(max(0, round(my - 0.22 * e)), min(rh, round(my + 0.12 * e)))
    skin_l = float(np.median(lum))
    patch_l, patch_c = lum[near, inner], chroma[near, inner]
    # Teeth are a little brighter than the skin and far greyer (lit lips are bright too, but
    # keep their colour).
    teeth_px = (patch_l > skin_l + 15) & (patch_c < np.median(chroma) * 0.55)
    teeth = bool(teeth_px.mean() > 0.008) if teeth_px.size else False

    # A corner is where the seam has faded to a third of its depth at the centre, looking out
    # from the centre; the mouth is never narrower than 0.6 nor wider than 1.3 eye distances.
    weak = depth < centre_depth / 3
    lo_lim, hi_lim = 0.3 * e, 0.65 * e
    right = c0 + next((i for i in range(round(lo_lim), rw - c0) if weak[c0 + i]), rw - 1 - c0)
    left = c0 - next((i for i in range(round(lo_lim), c0 + 1) if weak[c0 - i]), c0)
    right = min(right, c0 + round(hi_lim))
    left = max(left, c0 - round(hi_lim))
    if teeth:
        right = _smile_corner(depth, c0, right, round(lo_lim))
        left = _smile_corner(depth, c0, left, round(lo_lim))
    if right - left < 0.6 * e:
        return fallback

    def corner(x: int) -> tuple[float, float]:
        # The seam's height a little inside the corner (at the corner itself it has faded out).
        inner = x + (3 if x < c0 else -3)
        ys = seam[min(inner, x) : max(inner, x) + 1]
        ys = ys[~np.isnan(ys)]
        return (float(x0 + x), float(y0 + (np.median(ys) if ys.size else my)))

    # The lips' outer edges on the centre line: the lower lip is lit from above and shades the
    # chin below it (the strongest light-to-dark step going down); the upper lip is darker than
    # the skin above it (the strongest light-to-dark step going down above the seam, above the
    # teeth when they show).
    centre = lum[:, max(0, round(mx - 0.12 * e)) : min(rw, round(mx + 0.12 * e) + 1)].mean(axis=1)
    grad = np.gradient(_smooth(centre, max(1, round(0.02 * e))))
    seam_c = float(np.nanmedian(seam[max(0, c0 - 2) : c0 + 3])) if np.any(~np.isnan(seam)) else my
    if teeth:
        # In a smile the lips part below the upper teeth: the lower end of the bright run of
        # teeth nearest the seam (the lower lip and lower teeth drop from there).
        cols = slice(max(0, round(mx - 0.2 * e)), min(rw, round(mx + 0.2 * e) + 1))
        grey = (lum[:, cols] > skin_l + 5) & (chroma[:, cols] < np.median(chroma) * 0.6)
        bright = grey.mean(axis=1) > 0.25
        lo, hi = max(0, round(seam_c - 0.25 * e)), min(rh, round(seam_c + 0.35 * e))
        runs: list[tuple[int, int]] = []
        start = None
        for i in range(lo, hi):
            if bright[i] and start is None:
                start = i
            elif not bright[i] and start is not None:
                runs.append((start, i))
                start = None
        if start is not None:
            runs.append((start, hi))
        runs = [r for r in runs if r[1] - r[0] >= 0.04 * e]
        if runs:
            run = min(runs, key=lambda r: abs((r[0] + r[1]) / 2 - seam_c))
            seam_c = float(run[1])
    b0, b1 = round(seam_c + 0.1 * e), round(seam_c + 0.4 * e)
    b0, b1 = max(0, min(rh - 1, b0)), max(1, min(rh, b1))
    bottom = seam_c + 0.25 * e
    if b1 - b0 > 2:
        i = int(np.argmin(grad[b0:b1]))
        if grad[b0 + i] < -0.5:
            bottom = float(b0 + i)
    top_hi = seam_c - (0.2 * e if teeth else 0.06 * e)
    t0, t1 = max(0, round(seam_c - 0.38 * e)), max(1, round(top_hi))
    top = seam_c - (0.3 * e if teeth else 0.18 * e)
    if t1 - t0 > 2:
        i = int(np.argmin(grad[t0:t1]))
        if grad[t0 + i] < -0.5:
            top = float(t0 + i)
    return Lips(
        left=corner(left),
        right=corner(right),
        centre_y=float(y0 + seam_c),
        top=float(y0 + top),
        bottom=float(y0 + bottom),
        teeth=teeth,
        found=True,
    )


def teeth_show(
    rgb: npt.NDArray[np.uint8], x_left: float, x_right: float, y_top: float, y_bottom: float
) -> bool:
    """Whether teeth show between the lips' inner edges ``y_top``..``y_bottom`` (the middle of
    the mouth, between the corners ``x_left``..``x_right``): bright pixels as grey as teeth,
    judged against the skin around the mouth."""
    h, w = rgb.shape[:2]
    width = x_right - x_left
    if y_bottom - y_top < 2 or width < 8:
        return False
    ax0, ax1 = max(0, round(x_left - 0.3 * width)), min(w, round(x_right + 0.3 * width))
    ay0, ay1 = max(0, round(y_top - 0.5 * width)), min(h, round(y_bottom + 0.5 * width))
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[ay0:ay1, ax0:ax1]), cv2.COLOR_RGB2LAB).astype(np.float64)
    lum, chroma = lab[..., 0], np.hypot(lab[..., 1] - 128, lab[..., 2] - 128)
    ys = slice(max(0, round(y_top) - ay0), max(0, round(y_bottom) - ay0 + 1))
    xs = slice(max(0, round(x_left + 0.2 * width) - ax0), max(0, round(x_right - 0.2 * width) - ax0 + 1))
    between = (lum[ys, xs] > np.median(lum) + 15) & (chroma[ys, xs] < np.median(chroma) * 0.55)
    return bool(between.size and between.mean() > 0.1)


def parting_row(
    rgb: npt.NDArray[np.uint8], x_left: float, x_right: float, y_top: float, y_bottom: float
) -> float:
    """Where lips that are already apart (``y_top``..``y_bottom``, their inner edges) part for
    the animation, so the upper teeth stay and the lower teeth go down with the lower lip: under
    the upper teeth where teeth show (the first run of teeth rows from the top), else the
    darkest row between the lips (of rows nearly as dark, the lowest)."""
    if y_bottom - y_top < 3:
        return y_bottom
    width = x_right - x_left
    h, w = rgb.shape[:2]
    ys = slice(max(0, round(y_top)), min(h, round(y_bottom) + 1))
    xs = slice(max(0, round(x_left + 0.3 * width)), min(w, round(x_right - 0.3 * width) + 1))
    # The skin around the mouth is the reference for what is bright and grey.
    around = rgb[
        max(0, round(y_top - 0.3 * width)) : min(h, round(y_bottom + 0.3 * width)),
        max(0, round(x_left - 0.2 * width)) : min(w, round(x_right + 0.2 * width)),
    ]
    if around.size == 0 or ys.stop <= ys.start or xs.stop <= xs.start:
        return y_bottom
    lab_around = cv2.cvtColor(np.ascontiguousarray(around), cv2.COLOR_RGB2LAB).astype(np.float64)
    skin_l = float(np.median(lab_around[..., 0]))
    skin_c = float(np.median(np.hypot(lab_around[..., 1] - 128, lab_around[..., 2] - 128)))
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[ys, xs]), cv2.COLOR_RGB2LAB).astype(np.float64)
    grey = (lab[..., 0] > skin_l + 5) & (np.hypot(lab[..., 1] - 128, lab[..., 2] - 128) < 0.6 * skin_c)
    share = grey.mean(axis=1)
    if (share > 0.3).any():
        # The first run of teeth rows, down to the last row its ragged edge still touches.
        first = int(np.argmax(share > 0.3))
        rest = share[first:] > 0.05
        end = first + (int(np.argmin(rest)) if not rest.all() else len(rest))
        return float(ys.start + end)
    rows = _smooth(lab[..., 0].mean(axis=1), 1)
    near = np.nonzero(rows <= rows.min() + 0.15 * (rows.max() - rows.min()))[0]
    return float(ys.start + int(near.max()))
