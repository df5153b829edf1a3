"""Beard, earrings and glasses: optional extras that make presenters recognisably different."""

from __future__ import annotations

import skia

from reelwright.avatar.face import EYE_DX, EYE_Y
from reelwright.avatar.looks import Look
from reelwright.avatar.vector import CX, blob, darker, fill, intersect, stroke


def draw_beard(canvas: skia.Canvas, look: Look, head: skia.Path) -> None:
    """A short, neat beard with a moustache, drawn on the face under the (animated) mouth."""
    c = look.face.cheek
    # Short boxed beard: sideburns down the jaw to the chin, clear of the cheeks and with a
    # strip of skin under the lower lip, plus a separate moustache.
    region = blob(
        [
            (CX - c + 2, 300), (CX - c - 24, 470), (CX, 610), (CX + c + 24, 470), (CX + c - 2, 300),
            (CX + c - 12, 340), (CX + c - 22, 420), (CX + 84, 474), (CX + 46, 492), (CX, 496),
            (CX - 46, 492), (CX - 84, 474), (CX - c + 22, 420), (CX - c + 12, 340),
        ],
        tension=0.8,
    )  # fmt: skip
    moustache = blob(
        [
            (CX - 50, 452),
            (CX - 36, 439),
            (CX, 434),
            (CX + 36, 439),
            (CX + 50, 452),
            (CX + 30, 446),
            (CX, 444),
            (CX - 30, 446),
        ],
        tension=0.9,
    )
    beard = intersect(region, head)
    hair = look.hair
    # Stubble is the same shape as a light shadow of the hair colour over the skin.
    alpha = 0.28 if look.stubble and not look.beard else 0.92
    canvas.drawPath(beard, fill(hair, alpha))
    canvas.drawPath(moustache, fill(hair, alpha))


def draw_earrings(canvas: skia.Canvas, look: Look) -> None:
    if look.earrings is None:
        return
    for side in (-1, 1):
        x = CX + side * (look.face.cheek + 4)
        canvas.drawCircle(x, 414, 7, fill(look.earrings))
        canvas.drawCircle(x - 2, 411, 2.4, fill("#fff8e0", 0.9))


def draw_glasses(canvas: skia.Canvas, look: Look) -> None:
    if look.glasses is None:
        return
    frame = stroke(look.glasses, 5.5)
    for side in (-1, 1):
        ex = CX + side * EYE_DX
        rect = skia.RRect.MakeRectXY(skia.Rect.MakeLTRB(ex - 40, EYE_Y - 27, ex + 40, EYE_Y + 27), 22, 20)
        canvas.drawRRect(rect, fill("#dfeaf5", 0.12))
        # A diagonal glint on each lens (a thin parallelogram, cut to the lens).
        lens = skia.Path()
        lens.addRRect(rect)
        glint = skia.Path()
        glint.addPoly(
            [(ex + 6, EYE_Y - 40), (ex + 14, EYE_Y - 40), (ex + 50, EYE_Y + 0), (ex + 42, EYE_Y + 0)], True
        )
        canvas.drawPath(intersect(glint, lens), fill("#ffffff", 0.22))
        canvas.drawRRect(rect, frame)
        arm = skia.Path()
        arm.moveTo(ex + side * 40, EYE_Y - 12)
        arm.lineTo(CX + side * (look.face.cheek + 2), EYE_Y - 8)
        canvas.drawPath(arm, stroke(darker(look.glasses, 0.1), 5))
    bridge = skia.Path()
    bridge.moveTo(CX - EYE_DX + 40, EYE_Y - 6)
    bridge.quadTo(CX, EYE_Y - 20, CX + EYE_DX - 40, EYE_Y - 6)
    canvas.drawPath(bridge, frame)
