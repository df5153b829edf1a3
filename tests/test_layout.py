"""Layout geometry: what a photo presenter's opaque card must never cover."""

from __future__ import annotations

import pytest

from reelwright.render.layout import clear_of_opaque_presenter, frame_for

INSET = 0.07


@pytest.mark.parametrize("layout", ["full", "side", "pip", "none"])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1080, 1080), (1080, 1350), (720, 1280)])
@pytest.mark.parametrize("side", ["right", "left"])
def test_content_stays_off_a_photo_card(layout: str, size: tuple[int, int], side: str) -> None:
    before = frame_for(*size, layout, side)  # type: ignore[arg-type]
    after = clear_of_opaque_presenter(before, INSET)
    c, p = after.content, after.presenter
    assert c.w > 0.3 * min(size) and c.h == before.content.h  # still room for a slide
    if p is None or after.presenter_card is not None:
        assert after == before
        return
    card_left, card_right = p.x + p.w * INSET, p.right - p.w * INSET
    side_by_side = c.y < p.bottom and p.y < c.bottom
    assert not side_by_side or c.right <= card_left or c.x >= card_right
