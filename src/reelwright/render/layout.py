"""Where things go on screen: the content box and the presenter for each scene layout.

All geometry lives here so that slides, the compositor and the thumbnail agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reelwright.storyboard import PresenterLayout


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h


# The presenter's face (with hair and the head's largest sway) as shares of its square: the
# illustrated presenters are drawn to this grid and the talking photos are framed to it.
FACE_SHARE = (0.28, 0.06, 0.72, 0.60)

# What TikTok, Reels and Shorts cover with their own controls on a full-screen 9:16 video, as
# shares of the frame (docs/decisions/0010-output-sizes-and-safe-zones.md): the top bar, the
# caption, sound and profile block at the bottom, and the rail of action buttons on the right
# from a little above the middle down.
ZONE_TOP = 0.14
ZONE_BOTTOM = 0.22
ZONE_RIGHT = 0.12
ZONE_RIGHT_FROM = 0.40
ZONE_LEFT = 0.06  # a little air on the left, where long captions run to the edge

LayoutClass = Literal["landscape", "portrait", "square"]


def layout_class(width: int, height: int) -> LayoutClass:
    """Which set of layouts a frame gets: 16:10 and wider is landscape, 2:3 and taller portrait,
    everything between (1:1, 4:5, 4:3) the square layouts."""
    aspect = width / height
    if aspect >= 1.6:
        return "landscape"
    return "portrait" if aspect <= 0.7 else "square"


def platform_zones(width: int, height: int) -> list[Rect]:
    """The parts of a portrait frame that phone apps cover; none for the other shapes, which play
    in a feed or a player with their controls outside the picture."""
    if layout_class(width, height) != "portrait":
        return []
    rail_x, rail_y = _even(width * (1 - ZONE_RIGHT)), _even(height * ZONE_RIGHT_FROM)
    bottom = _even(height * (1 - ZONE_BOTTOM))
    return [
        Rect(0, 0, width, _even(height * ZONE_TOP)),
        Rect(0, bottom, width, height - bottom),
        Rect(rail_x, rail_y, width - rail_x, height - rail_y),
    ]


def safe_area(width: int, height: int) -> Rect:
    """Where captions, titles and the presenter's face go: clear of every platform zone."""
    if layout_class(width, height) != "portrait":
        return Rect(0, 0, width, height)
    x0, y0 = _even(width * ZONE_LEFT), _even(height * ZONE_TOP)
    x1, y1 = _even(width * (1 - ZONE_RIGHT)), _even(height * (1 - ZONE_BOTTOM))
    return Rect(x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True)
class Frame:
    """Geometry of one scene: the content area, the presenter sprite and its backdrop card."""

    width: int
    height: int
    content: Rect  # where slide content (text, pictures, pages, clips) goes
    presenter: Rect | None  # square where the presenter sprite is drawn (bottom-aligned bust)
    presenter_card: Rect | None  # the rounded card behind a picture-in-picture presenter
    caption_box: Rect  # where burned-in captions may sit

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def shape(self) -> LayoutClass:
        return layout_class(self.width, self.height)

    @property
    def face(self) -> Rect | None:
        """Where the presenter's face can be: captions and text never go over it."""
        return face_box(self.presenter)

    @property
    def unit(self) -> float:
        """Pixels per pixel of a 1080p frame: strokes, shadows and radii scale by it."""
        return min(self.width, self.height) / 1080


def face_box(presenter: Rect | None) -> Rect | None:
    if presenter is None:
        return None
    x0, y0, x1, y1 = FACE_SHARE
    p = presenter
    return Rect(p.x + round(p.w * x0), p.y + round(p.h * y0), round(p.w * (x1 - x0)), round(p.h * (y1 - y0)))


def _even(v: float) -> int:
    # yuv420p overlays want even coordinates and sizes.
    return round(v / 2.0) * 2


def _mirror(r: Rect | None, lo: int, hi: int) -> Rect | None:
    """``r`` mirrored inside the span ``lo``..``hi`` (the frame, or a portrait frame's safe area)."""
    return None if r is None else Rect(lo + hi - r.x - r.w, r.y, r.w, r.h)


def frame_for(width: int, height: int, layout: PresenterLayout, side: str = "right") -> Frame:
    """The geometry for ``layout``; ``side="left"`` mirrors it, putting the presenter on the left
    of a picture-in-picture (and on the right of a side-by-side) scene."""
    shape = layout_class(width, height)
    if shape == "portrait":
        frame = _portrait(width, height, layout)
    elif shape == "square":
        frame = _square(width, height, layout)
    else:
        frame = _landscape(width, height, layout)
    if side != "left" or frame.presenter is None:
        return frame
    # A portrait frame mirrors inside its safe area, so nothing moves under the button rail.
    area = safe_area(width, height) if shape == "portrait" else Rect(0, 0, width, height)
    lo, hi = area.x, area.right
    content = _mirror(frame.content, lo, hi)
    caption = _mirror(frame.caption_box, lo, hi)  # centred boxes stay put; a side box follows
    presenter = _mirror(frame.presenter, lo, hi)
    card = _mirror(frame.presenter_card, lo, hi)
    assert content is not None and caption is not None and presenter is not None
    if shape == "portrait" and card is None:
        # A bust fills the width: it stays centred, only the boxes beside it move.
        presenter = frame.presenter
    return Frame(width, height, content, presenter, card, caption)


def _pip_presenter(card: Rect) -> Rect:
    inset = _even(card.w * 0.04)
    size = card.w - 2 * inset
    return Rect(card.x + inset, card.bottom - size, size, size)


def _landscape(width: int, height: int, layout: PresenterLayout) -> Frame:
    margin = _even(min(width, height) * 0.075)
    caption_w = _even(width * 0.56)
    caption = Rect((width - caption_w) // 2, _even(height * 0.80), caption_w, _even(height * 0.14))

    if layout == "none":
        return Frame(
            width, height, Rect(margin, margin, width - 2 * margin, height - 2 * margin), None, None, caption
        )
    if layout == "full":
        size = _even(height * 0.92)
        presenter = Rect(width - size - _even(width * 0.02), height - size, size, size)
        # The text column ends where the bust's shoulder begins (a wider frame keeps more room).
        right = min(margin + _even(width * 0.50), presenter.x + _even(size * 0.16))
        content = Rect(margin, margin, right - margin, height - 2 * margin)
        return Frame(width, height, content, presenter, None, caption)
    if layout == "side":
        size = _even(height * 0.74)
        presenter = Rect(_even(width * 0.01), height - size, size, size)
        left = _even(width * 0.01) + size - _even(size * 0.08)
        content = Rect(left, margin, width - left - margin, height - 2 * margin)
        return Frame(width, height, content, presenter, None, caption)
    # pip: content takes the frame, the presenter sits in a card anchored to a bottom corner.
    card_w = _even(height * 0.34)
    card = Rect(width - card_w - _even(margin * 0.5), height - card_w, card_w, card_w)
    # The content stops above the caption band, so burned-in captions never cover a card.
    content = Rect(
        margin,
        margin,
        card.x - 2 * margin + _even(margin * 0.5),
        caption.y - margin - _even(margin * 0.25),
    )
    return Frame(width, height, content, _pip_presenter(card), card, caption)


def _portrait(width: int, height: int, layout: PresenterLayout) -> Frame:
    """9:16 and other tall frames: everything that matters inside the phone apps' safe area."""
    safe = safe_area(width, height)
    gap = _even(min(width, height) * 0.03)
    cap_h = _even(height * 0.10)
    if layout == "none":
        caption = Rect(safe.x, safe.bottom - cap_h, safe.w, cap_h)
        content = Rect(safe.x, safe.y, safe.w, caption.y - gap - safe.y)
        return Frame(width, height, content, None, None, caption)
    if layout in ("full", "side"):
        # A bust as wide as the frame, standing on its lower edge: the largest presenter whose
        # face stays above the bottom zone. Captions sit just above the head, the slide above them.
        # (Side by side has no room in a tall frame: it is the same picture.)
        size = _even(width)
        presenter = Rect(0, height - size, size, size)
        face = face_box(presenter)
        assert face is not None
        if face.bottom <= safe.bottom:
            caption = Rect(safe.x, min(face.y, safe.bottom) - gap - cap_h, safe.w, cap_h)
            content = Rect(safe.x, safe.y, safe.w, max(2, caption.y - gap - safe.y))
            return Frame(width, height, content, presenter, None, caption)
        # Taller than 9:16: a bust on the lower edge would have its face under the apps' captions,
        # so the presenter stands in a large card on the bottom zone instead.
        return _portrait_card(width, height, _even(safe.w * 0.7), safe, gap, cap_h)
    return _portrait_card(width, height, _even(width * 0.36), safe, gap, cap_h)


def _portrait_card(width: int, height: int, card_w: int, safe: Rect, gap: int, cap_h: int) -> Frame:
    """A card standing on the bottom zone at the right of the safe area (clear of the button
    rail), captions in the band above it, the slide above them."""
    card = Rect(safe.right - card_w, safe.bottom - card_w, card_w, card_w)
    caption = Rect(safe.x, card.y - gap - cap_h, safe.w, cap_h)
    content = Rect(safe.x, safe.y, safe.w, max(2, caption.y - gap - safe.y))
    return Frame(width, height, content, _pip_presenter(card), card, caption)


def _square(width: int, height: int, layout: PresenterLayout) -> Frame:
    """1:1, 4:5 and 4:3 frames: the presenter in a lower corner, captions below its face."""
    short = min(width, height)
    margin = _even(short * 0.075)
    gap = _even(short * 0.03)
    cap_h = _even(height * 0.14)
    caption = Rect(margin, height - _even(margin * 0.5) - cap_h, width - 2 * margin, cap_h)
    if layout == "none":
        content = Rect(margin, margin, width - 2 * margin, caption.y - gap - margin)
        return Frame(width, height, content, None, None, caption)
    if layout in ("full", "side"):
        # A bust in the lower right (full) or lower left (side), large enough that its face ends
        # above the caption band; the slide takes the column beside the head, down to the captions.
        size = _even(min(short * 0.56, width * 0.66))
        x = width - size if layout == "full" else 0
        presenter = Rect(x, height - size, size, size)
        face = face_box(presenter)
        assert face is not None
        cap_y = max(caption.y, face.bottom + gap)
        caption = Rect(margin, cap_y, width - 2 * margin, max(2, height - _even(margin * 0.5) - cap_y))
        shoulder = _even(size * 0.16)
        if layout == "full":
            content = Rect(margin, margin, presenter.x + shoulder - margin, caption.y - gap - margin)
        else:
            left = presenter.right - shoulder
            content = Rect(left, margin, width - margin - left, caption.y - gap - margin)
        return Frame(width, height, content, presenter, None, caption)
    # pip: a card in the lower right corner, captions in the band to its left.
    card_w = _even(short * 0.32)
    card = Rect(width - card_w - _even(margin * 0.5), height - card_w - _even(margin * 0.5), card_w, card_w)
    caption = Rect(margin, card.y, card.x - margin - gap, card.h)
    content = Rect(margin, margin, width - 2 * margin, card.y - gap - margin)
    return Frame(width, height, content, _pip_presenter(card), card, caption)


def clear_of_opaque_presenter(frame: Frame, inset_share: float) -> Frame:
    """The frame with its content moved off an opaque presenter (a photo card).

    An illustrated presenter is a figure on a transparent square, so text may run into the empty
    corners beside it; a photo fills its card, which would cover that text. ``inset_share`` is the
    part of the square the card leaves clear on each side."""
    p, c = frame.presenter, frame.content
    if p is None or frame.presenter_card is not None:  # picture-in-picture: already apart
        return frame
    gap = _even(min(frame.width, frame.height) * 0.03)
    card_left, card_right = p.x + round(p.w * inset_share), p.right - round(p.w * inset_share)
    overlaps = c.x < card_right + gap and card_left - gap < c.right and c.y < p.bottom and p.y < c.bottom
    if not overlaps:
        return frame
    if p.x + p.w / 2 >= c.x + c.w / 2:  # presenter on the right: the content ends before it
        content = Rect(c.x, c.y, max(2, _even(card_left - gap - c.x)), c.h)
    else:
        left = _even(card_right + gap)
        content = Rect(left, c.y, max(2, c.right - left), c.h)
    return Frame(frame.width, frame.height, content, p, None, frame.caption_box)
