"""Clothing: the torso silhouette, the garment's neckline, lapels and collars, and jewellery.

Everything here is drawn once into a picture that moves with the shoulders (breathing). The
torso runs past the bottom edge of the design space so that breathing never uncovers it.
"""

from __future__ import annotations

import math

import skia

from reelwright.avatar.hair import hijab_drape
from reelwright.avatar.looks import Look
from reelwright.avatar.vector import (
    CX,
    darker,
    fill,
    intersect,
    lighter,
    linear,
    mirrored,
    mix,
    smooth_open,
    stroke,
    symmetric,
)

BOTTOM = 1080.0  # below the canvas so breathing and nods never show the cut


def torso_path(look: Look) -> skia.Path:
    n, s = look.neck, look.shoulders
    return symmetric(
        (CX, 596),
        [
            ((CX + n * 0.6, 596), (CX + n, 600), (CX + n + 14, 606)),
            # Trapezius: a long, gently concave slope from the neck to the shoulder.
            ((CX + n + 70, 632), (CX + s - 170, 656), (CX + s - 90, 684)),
            # Deltoid: a generous round turn into the arm.
            ((CX + s - 30, 704), (CX + s - 2, 740), (CX + s + 4, 810)),
            ((CX + s + 8, 900), (CX + s + 14, 1000), (CX + s + 16, BOTTOM)),
            ((CX + s * 0.5, BOTTOM), (CX + 20, BOTTOM), (CX, BOTTOM)),
        ],
    )


SHOULDER_BAND_BOTTOM = 830.0  # a shrug reshapes the outline above this line only


def lifted_shoulders(look: Look, left: float, right: float) -> skia.Path:
    """The torso above :data:`SHOULDER_BAND_BOTTOM` with the shoulders raised by ``left`` and
    ``right`` design units (viewer's left and right). The lift is full on the trapezius and fades
    to nothing down the arm, so the outline meets the resting torso below the band exactly."""
    n, s = look.neck, look.shoulders
    # torso_path's right-hand outline as (x offset from the axis, y, share of the lift): the neck
    # point, then three cubics (two controls and an end each) down to the upper arm.
    outline = [
        (0.0, 596.0, 0.0),
        (n * 0.6, 596.0, 0.1), (n, 600.0, 0.2), (n + 14, 606.0, 0.3),
        (n + 70, 632.0, 0.6), (s - 170, 656.0, 1.0), (s - 90, 684.0, 0.9),
        (s - 30, 704.0, 0.6), (s - 2, 740.0, 0.25), (s + 4, 810.0, 0.0),
    ]  # fmt: skip

    def side(sign: int, lift: float) -> list[tuple[float, float]]:
        return [(CX + sign * x, y - lift * w) for x, y, w in outline]

    lp, rp = side(-1, left), side(1, right)
    path = skia.Path()
    path.moveTo(CX - s - 5, SHOULDER_BAND_BOTTOM)
    path.lineTo(*lp[9])
    for k in (7, 4, 1):  # the left half, walked upwards: controls in reverse order
        path.cubicTo(*lp[k + 1], *lp[k], *lp[k - 1])
    for k in (1, 4, 7):
        path.cubicTo(*rp[k], *rp[k + 1], *rp[k + 2])
    path.lineTo(CX + s + 5, SHOULDER_BAND_BOTTOM)
    path.close()
    return path


def _v_opening(look: Look, spread: float, bottom_half: float) -> skia.Path:
    """The V between jacket fronts, from the neck down past the bottom edge."""
    n = look.neck
    return symmetric(
        (CX, 596),
        [
            ((CX + n * 0.6, 596), (CX + n + spread - 6, 600), (CX + n + spread, 612)),
            ((CX + n + spread - 10, 760), (CX + bottom_half + 20, 950), (CX + bottom_half, BOTTOM)),
            ((CX + bottom_half * 0.5, BOTTOM), (CX + 4, BOTTOM), (CX, BOTTOM)),
        ],
    )


def _shoulder_shading(canvas: skia.Canvas, look: Look, torso: skia.Path) -> None:
    main = look.outfit_main
    s = look.shoulders
    # Light from the upper left: the right arm turns away into shadow. Opaque pre-mixed
    # colours and precomputed intersections keep the replay cheap (no clips, no alpha).
    arm = skia.Path()
    arm.moveTo(CX + s - 70, 690)
    arm.cubicTo(CX + s + 40, 700, CX + s + 60, 900, CX + s + 30, BOTTOM)
    arm.lineTo(CX + s - 60, BOTTOM)
    arm.cubicTo(CX + s - 30, 900, CX + s - 40, 760, CX + s - 70, 690)
    arm.close()
    canvas.drawPath(intersect(arm, torso), fill(darker(main, 0.1)))
    # Arm seams hint at the sleeves without outlines.
    seam = smooth_open([(CX + s - 74, 700), (CX + s - 84, 850), (CX + s - 80, BOTTOM)])
    canvas.drawPath(seam, stroke(darker(main, 0.3), 3, 0.5))
    canvas.drawPath(mirrored(seam), stroke(darker(main, 0.3), 3, 0.35))


def _crew_top(canvas: skia.Canvas, look: Look, opening: skia.Path) -> None:
    canvas.drawPath(opening, fill(look.under_colour))
    n = look.neck
    neckline = skia.Path()
    neckline.moveTo(CX - n - 6, 600)
    neckline.cubicTo(CX - n + 4, 650, CX + n - 4, 650, CX + n + 6, 600)
    neckline.lineTo(CX + n + 6, 560)
    neckline.lineTo(CX - n - 6, 560)
    neckline.close()
    # Skin shows above the neckline.
    canvas.drawPath(intersect(neckline, opening), fill(darker(look.skin, 0.1)))
    rib = smooth_open([(CX - n - 6, 600), (CX, 648), (CX + n + 6, 600)], tension=1.2)
    canvas.drawPath(rib, stroke(darker(look.under_colour, 0.08), 5))


def _lapels(canvas: skia.Canvas, look: Look) -> None:
    n, main = look.neck, look.outfit_main
    lapel = skia.Path()
    lapel.moveTo(CX + n + 16, 606)  # at the neck
    lapel.cubicTo(CX + n + 50, 620, CX + n + 74, 640, CX + n + 86, 660)  # collar over the shoulder
    lapel.lineTo(CX + n + 70, 712)  # collar edge down to the notch
    lapel.lineTo(CX + n + 100, 730)  # the notch
    lapel.cubicTo(CX + n + 70, 820, CX + 90, 930, CX + 44, BOTTOM)  # lapel roll line
    lapel.lineTo(CX + 30, BOTTOM)
    lapel.cubicTo(CX + 40, 900, CX + n + 14, 760, CX + n + 16, 606)  # along the opening
    lapel.close()
    face = lighter(main, 0.08)
    edge = darker(main, 0.35)
    for path, depth in ((lapel, 0.55), (mirrored(lapel), 0.4)):
        # Drop shadow of the lapel onto the jacket, then the lapel itself.
        shadow = skia.Path(path)
        shadow.offset(6, 8)
        canvas.drawPath(shadow, fill(mix(main, edge, depth)))
        canvas.drawPath(path, fill(face))
    notch_gap = stroke(darker(main, 0.45), 3)
    for sign in (1, -1):
        gap = skia.Path()
        gap.moveTo(CX + sign * (n + 70), 712)
        gap.lineTo(CX + sign * (n + 88), 722)
        canvas.drawPath(gap, notch_gap)


def _open_shirt(canvas: skia.Canvas, look: Look, opening: skia.Path) -> None:
    n, shirt = look.neck, look.under_colour
    canvas.drawPath(opening, fill(shirt))
    # The open collar shows a V of skin below the neck.
    v = symmetric(
        (CX, 592),
        [((CX + n, 592), (CX + n + 4, 600), (CX + n + 6, 604)), ((CX + 30, 660), (CX + 8, 690), (CX, 700))],
    )
    canvas.drawPath(v, fill(darker(look.skin, 0.12)))
    collar = skia.Path()
    collar.moveTo(CX + n - 2, 570)
    collar.cubicTo(CX + n + 20, 586, CX + n + 40, 604, CX + n + 56, 628)
    collar.lineTo(CX + 46, 720)
    collar.cubicTo(CX + 30, 690, CX + 14, 680, CX + 2, 700)
    collar.cubicTo(CX + 20, 660, CX + n + 4, 620, CX + n - 2, 570)
    collar.close()
    for path, alpha in ((collar, 0.35), (mirrored(collar), 0.25)):
        shadow = skia.Path(path)
        shadow.offset(4, 6)
        canvas.drawPath(shadow, fill("#000000", alpha * 0.5))
        canvas.drawPath(path, fill(shirt))
        canvas.drawPath(path, stroke(darker(shirt, 0.12), 2))


def _blazer(canvas: skia.Canvas, look: Look, torso: skia.Path) -> None:
    canvas.drawPath(torso, fill(look.outfit_main))
    _shoulder_shading(canvas, look, torso)
    opening = _v_opening(look, 14, 44)
    if look.under == "open_shirt":
        _open_shirt(canvas, look, opening)
    else:
        _crew_top(canvas, look, opening)
    _lapels(canvas, look)
    if look.accent is not None:
        # Pocket square on the wearer's left breast (viewer's right).
        sq = skia.Path()
        x, y = CX + 190, 860
        sq.moveTo(x, y)
        sq.lineTo(x + 14, y - 20)
        sq.lineTo(x + 28, y - 8)
        sq.lineTo(x + 42, y - 22)
        sq.lineTo(x + 56, y)
        sq.close()
        canvas.drawPath(sq, fill(look.accent))
        canvas.drawLine(x - 6, y, x + 64, y, stroke(darker(look.outfit_main, 0.35), 3))


def _sweater(canvas: skia.Canvas, look: Look, torso: skia.Path) -> None:
    main, n = look.outfit_main, look.neck
    canvas.drawPath(torso, fill(main))
    _shoulder_shading(canvas, look, torso)
    shirt = look.under_colour
    # The shirt between the neck and the sweater's crew neck; its top edge dips at the front
    # so the collar reads as wrapping round the neck.
    inner = skia.Path()
    inner.moveTo(CX - n - 2, 566)
    inner.cubicTo(CX - n + 10, 596, CX - 16, 606, CX, 614)
    inner.cubicTo(CX + 16, 606, CX + n - 10, 596, CX + n + 2, 566)
    inner.lineTo(CX + n + 34, 612)
    inner.cubicTo(CX + n + 10, 676, CX - n - 10, 676, CX - n - 34, 612)
    inner.close()
    canvas.drawPath(inner, fill(darker(shirt, 0.14)))
    crew = skia.Path()
    crew.moveTo(CX - n - 36, 608)
    crew.cubicTo(CX - n - 12, 690, CX + n + 12, 690, CX + n + 36, 608)
    crew.lineTo(CX + n + 20, 606)
    crew.cubicTo(CX + n, 664, CX - n, 664, CX - n - 20, 606)
    crew.close()
    canvas.drawPath(crew, fill(darker(main, 0.16)))
    rib = stroke(darker(main, 0.32), 1.6, 0.6)
    for i in range(1, 16):
        # Ribbing: short ticks across the crew neck, following its curve.
        t = i / 16
        x = CX + (n + 28) * math.cos(math.pi * (1 - t))
        y = 612 + 52 * math.sin(math.pi * t) ** 0.8
        canvas.drawLine(x, y - 6, x, y + 6, rib)
    wing = skia.Path()
    wing.moveTo(CX + n + 2, 564)
    wing.cubicTo(CX + n + 14, 586, CX + n + 22, 610, CX + n + 26, 640)
    wing.lineTo(CX + 10, 646)
    wing.cubicTo(CX + 18, 622, CX + n - 14, 598, CX + n + 2, 564)
    wing.close()
    for path in (wing, mirrored(wing)):
        shadow = skia.Path(path)
        shadow.offset(3, 6)
        canvas.drawPath(shadow, fill("#000000", 0.18))
        canvas.drawPath(path, fill(shirt))
        canvas.drawPath(path, stroke(darker(shirt, 0.15), 2))


def _turtleneck(canvas: skia.Canvas, look: Look, torso: skia.Path) -> None:
    main, n = look.outfit_main, look.neck
    canvas.drawPath(torso, fill(main))
    _shoulder_shading(canvas, look, torso)
    roll = skia.Path()
    roll.moveTo(CX - n - 6, 574)
    roll.cubicTo(CX - n + 10, 592, CX + n - 10, 592, CX + n + 6, 574)
    roll.cubicTo(CX + n + 20, 600, CX + n + 30, 630, CX + n + 30, 650)
    roll.cubicTo(CX + n, 676, CX - n, 676, CX - n - 30, 650)
    roll.cubicTo(CX - n - 30, 630, CX - n - 20, 600, CX - n - 6, 574)
    roll.close()
    canvas.drawPath(roll, linear((CX, 574), (CX, 676), [lighter(main, 0.1), main]))
    fold = stroke(darker(main, 0.45), 2.5, 0.8)
    for y, sag in ((612, 14), (640, 16)):
        line = skia.Path()
        line.moveTo(CX - n - 18, y)
        line.cubicTo(CX - n + 6, y + sag, CX + n - 6, y + sag, CX + n + 18, y)
        canvas.drawPath(line, fold)


def _cardigan(canvas: skia.Canvas, look: Look, torso: skia.Path) -> None:
    main = look.outfit_main
    canvas.drawPath(torso, fill(main))
    _shoulder_shading(canvas, look, torso)
    opening = _v_opening(look, 34, 90)
    _crew_top(canvas, look, opening)
    # Ribbed button band along each front edge.
    band = stroke(lighter(main, 0.12), 18)
    n = look.neck
    edge = smooth_open([(CX + n + 40, 612), (CX + n + 30, 760), (CX + 116, 950), (CX + 100, BOTTOM)])
    for path in (edge, mirrored(edge)):
        canvas.drawPath(path, band)
        canvas.drawPath(path, stroke(darker(main, 0.15), 1.5, 0.8))


_OUTFITS = {"blazer": _blazer, "sweater": _sweater, "turtleneck": _turtleneck, "cardigan": _cardigan}


def _jewellery(canvas: skia.Canvas, look: Look) -> None:
    n = look.neck
    if look.necklace == "pearls":
        for i in range(15):
            t = i / 14
            a = math.pi * (1 - t)
            x = CX + (n + 22) * math.cos(a)
            y = 612 + 72 * math.sin(a)
            canvas.drawCircle(x, y, 7.5, fill("#f3eee6"))
            canvas.drawCircle(x - 2, y - 2, 2.6, fill("#ffffff", 0.9))
            canvas.drawCircle(x, y, 7.5, stroke("#b9ad9c", 1.2, 0.8))
    elif look.necklace == "pendant":
        gold = look.accent or "#d9b35b"
        chain = smooth_open(
            [(CX - n - 16, 650), (CX - 30, 760), (CX, 790), (CX + 30, 760), (CX + n + 16, 650)]
        )
        canvas.drawPath(chain, stroke(gold, 2.2))
        canvas.drawCircle(CX, 806, 11, fill(gold))
        canvas.drawCircle(CX - 3, 802, 3.5, fill("#fff6d8", 0.9))


def draw_body(canvas: skia.Canvas, look: Look) -> None:
    torso = torso_path(look)
    _OUTFITS[look.outfit](canvas, look, torso)
    if look.headscarf is not None:
        drape = hijab_drape(look)
        shadow = skia.Path(drape)
        shadow.offset(8, 10)
        canvas.drawPath(intersect(shadow, torso), fill(darker(look.outfit_main, 0.15)))
        canvas.drawPath(drape, fill(look.headscarf))
        folds = [
            smooth_open([(CX + 150, 560), (CX + 160, 700), (CX + 120, 830)]),
            smooth_open([(CX - 120, 600), (CX - 110, 740), (CX - 60, 860)]),
        ]
        for f in folds:
            canvas.drawPath(f, stroke(darker(look.headscarf, 0.2), 5, 0.7))
    _jewellery(canvas, look)
