"""Where things go on screen: the content box and the presenter for each scene layout.

All geometry lives here so that slides, the compositor and the thumbnail agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def _even(v: float) -> int:
    # yuv420p overlays want even coordinates and sizes.
    return round(v / 2.0) * 2


def _below_face(width: int, height: int, margin: int) -> Rect:
    """Captions over a large portrait presenter's chest: the usual spot would cover the mouth."""
    return Rect(margin, _even(height * 0.83), width - 2 * margin, _even(height * 0.11))


def _mirror(r: Rect | None, width: int) -> Rect | None:
    return None if r is None else Rect(width - r.x - r.w, r.y, r.w, r.h)


def frame_for(width: int, height: int, layout: PresenterLayout, side: str = "right") -> Frame:
    """The geometry for ``layout``; ``side="left"`` mirrors it, putting the presenter on the left
    of a picture-in-picture (and on the right of a side-by-side) scene."""
    frame = _frame_right(width, height, layout)
    if side != "left" or frame.presenter is None:
        return frame
    content = _mirror(frame.content, width)
    presenter = _mirror(frame.presenter, width)
    caption = _mirror(frame.caption_box, width)  # centred boxes stay put; a side box follows
    assert content is not None and caption is not None
    return Frame(width, height, content, presenter, _mirror(frame.presenter_card, width), caption)


def _frame_right(width: int, height: int, layout: PresenterLayout) -> Frame:
    portrait = height > width
    margin = _even(min(width, height) * 0.075)
    if portrait:
        caption = Rect(margin, _even(height * 0.70), width - 2 * margin, _even(height * 0.12))
    else:
        caption_w = _even(width * 0.56)
        caption = Rect((width - caption_w) // 2, _even(height * 0.80), caption_w, _even(height * 0.14))

    if layout == "none":
        return Frame(
            width, height, Rect(margin, margin, width - 2 * margin, height - 2 * margin), None, None, caption
        )

    if layout == "full":
        if portrait:
            size = _even(width * 0.96)
            presenter = Rect((width - size) // 2, height - size, size, size)
            content = Rect(margin, _even(height * 0.09), width - 2 * margin, _even(height * 0.30))
            caption = _below_face(width, height, margin)
        else:
            size = _even(height * 0.92)
            presenter = Rect(width - size - _even(width * 0.02), height - size, size, size)
            content = Rect(margin, margin, _even(width * 0.50), height - 2 * margin)
        return Frame(width, height, content, presenter, None, caption)

    if layout == "side":
        if portrait:
            size = _even(width * 0.74)
            presenter = Rect((width - size) // 2, height - size, size, size)
            content = Rect(margin, margin, width - 2 * margin, _even(height * 0.56) - margin)
            caption = _below_face(width, height, margin)
        else:
            size = _even(height * 0.74)
            presenter = Rect(_even(width * 0.01), height - size, size, size)
            left = _even(width * 0.01) + size - _even(size * 0.08)
            content = Rect(left, margin, width - left - margin, height - 2 * margin)
        return Frame(width, height, content, presenter, None, caption)

    # pip: content takes the frame, the presenter sits in a card anchored to a bottom corner.
    if portrait:
        card_w = _even(width * 0.36)
        card = Rect(width - card_w - margin // 2, height - card_w - _even(height * 0.035), card_w, card_w)
        content = Rect(margin, margin, width - 2 * margin, card.y - 2 * margin)
        # Captions beside the presenter's card, in the band below the content, not over the face.
        caption = Rect(margin // 2, card.y, card.x - margin, card.h)
    else:
        card_w = _even(height * 0.34)
        card = Rect(width - card_w - _even(margin * 0.5), height - card_w, card_w, card_w)
        # The content stops above the caption band, so burned-in captions never cover a card.
        content = Rect(
            margin,
            margin,
            card.x - 2 * margin + _even(margin * 0.5),
            caption.y - margin - _even(margin * 0.25),
        )
    inset = _even(card.w * 0.04)
    presenter = Rect(card.x + inset, card.y + inset, card.w - 2 * inset, card.h - inset)
    presenter = Rect(presenter.x, card.bottom - presenter.w, presenter.w, presenter.w)
    return Frame(width, height, content, presenter, card, caption)


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
