"""Presenters drawn from a description: what is read from it, the id that spells the parts, and
the drawing, which differs with the parts asked for."""

from __future__ import annotations

import numpy as np
import pytest

from reelwright.avatar.catalogue import get_avatar
from reelwright.avatar.drawn import parse_id, read_description
from reelwright.avatar.factory import make_presenter
from reelwright.avatar.presenter import Pose
from reelwright.errors import InputError


@pytest.mark.parametrize(
    ("description", "expected_id", "not_honoured"),
    [
        (
            "a woman in her 50s with curly red hair and a navy blazer",
            "drawn-f-senior-fair-red-curly-blazer-navy",
            [],
        ),
        (
            "Young man with a beard, glasses and a green sweater, with a tattoo",
            "drawn-m-young-fair-brown-crop-sweater-green-glasses-beard",
            ["tattoo"],
        ),
        (
            "an older gentleman, dark skin, grey hair, charcoal suit",
            "drawn-m-senior-dark-grey-crop-blazer-charcoal",
            [],
        ),
        (
            "a woman in a hijab and a burgundy cardigan",
            "drawn-f-adult-fair-brown-hijab-cardigan-burgundy",
            [],
        ),
        (
            "a bald woman wearing a hat",
            "drawn-f-adult-fair-brown-crop-blazer-navy",
            ["hat", "receding hair on a woman (drawn as short hair)"],
        ),
    ],
)
def test_description_to_parts(description: str, expected_id: str, not_honoured: list[str]) -> None:
    reading = read_description(description)
    assert reading.spec.id == expected_id
    assert reading.not_honoured == not_honoured
    assert parse_id(reading.spec.id) == reading.spec  # the id alone gives the presenter back


def test_a_colour_word_goes_to_the_part_it_describes() -> None:
    # "red" describes the sweater here, not the hair; "blonde" the hair.
    reading = read_description("a blonde woman in a red sweater")
    assert (reading.spec.hair, reading.spec.colour, reading.spec.outfit) == ("blonde", "red", "sweater")


@pytest.mark.parametrize(
    "bad",
    [
        "drawn-x-senior-fair-red-curly-blazer-navy",
        "drawn-f-senior-fair-red-curly-blazer-navy-wings",
        "drawn-f-senior-fair-red-curly-blazer-navy-beard-glasses",  # extras out of order: not canonical
        "drawn-f-senior",
        "ava",
    ],
)
def test_only_canonical_ids_are_drawn(bad: str) -> None:
    assert parse_id(bad) is None


def test_unknown_drawn_id_is_an_input_error() -> None:
    with pytest.raises(InputError):
        get_avatar("drawn-f-senior-fair-red-curly-blazer-plaid")


def test_drawings_follow_the_parts() -> None:
    def pixels(avatar_id: str) -> np.ndarray:
        p = make_presenter(avatar_id, 200)
        return np.frombuffer(p.draw(Pose()), np.uint8).reshape(200, 200, 4).astype(int)

    red = pixels("drawn-f-senior-fair-red-curly-blazer-navy")
    black = pixels("drawn-f-senior-fair-black-curly-blazer-navy")
    green = pixels("drawn-f-senior-fair-red-curly-blazer-green")
    top, chest = (slice(10, 50), slice(60, 140)), (slice(185, 200), slice(40, 160))
    assert np.abs(red[top] - black[top]).sum() > 0 and np.abs(red[chest] - black[chest]).sum() == 0
    assert np.abs(red[chest] - green[chest]).sum() > 0
    info = get_avatar("drawn-f-senior-fair-red-curly-blazer-navy")
    assert info.gender == "female" and "red curly hair" in info.description
