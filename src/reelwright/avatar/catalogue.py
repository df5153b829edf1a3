"""The presenters a user can choose from: ids, names and one-line descriptions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from reelwright.errors import InputError

# The only English voice shipped today; every avatar uses it until more voices exist.
_DEFAULT_VOICE: Final = "en_US-joe"


@dataclass(frozen=True)
class AvatarInfo:
    id: str
    name: str
    gender: Literal["female", "male"]
    tags: tuple[str, ...]
    default_voice: str
    preferred_orientation: Literal["landscape", "portrait"]
    description: str


AVATARS: Final[dict[str, AvatarInfo]] = {
    a.id: a
    for a in (
        AvatarInfo(
            id="ava",
            name="Ava",
            gender="female",
            tags=("friendly", "corporate", "long hair", "blazer"),
            default_voice=_DEFAULT_VOICE,
            preferred_orientation="landscape",
            description="Friendly presenter, navy blazer over a white top, long dark hair",
        ),
        AvatarInfo(
            id="marcus",
            name="Marcus",
            gender="male",
            tags=("warm", "casual", "beard", "sweater"),
            default_voice=_DEFAULT_VOICE,
            preferred_orientation="landscape",
            description="Warm presenter with a short beard, green sweater over a light-blue shirt",
        ),
        AvatarInfo(
            id="lena",
            name="Lena",
            gender="female",
            tags=("modern", "minimal", "bun", "turtleneck"),
            default_voice=_DEFAULT_VOICE,
            preferred_orientation="portrait",
            description="Modern presenter, blonde hair in a bun, charcoal turtleneck and gold pendant",
        ),
        AvatarInfo(
            id="hiro",
            name="Hiro",
            gender="male",
            tags=("professional", "tech", "side part", "blazer"),
            default_voice=_DEFAULT_VOICE,
            preferred_orientation="landscape",
            description="Sharp presenter with side-parted black hair, slate-grey blazer and open white shirt",
        ),
        AvatarInfo(
            id="grace",
            name="Grace",
            gender="female",
            tags=("experienced", "senior", "grey hair", "glasses", "cardigan"),
            default_voice=_DEFAULT_VOICE,
            preferred_orientation="portrait",
            description="Experienced presenter with short grey curls, glasses, plum cardigan and pearls",
        ),
        AvatarInfo(
            id="noor",
            name="Noor",
            gender="female",
            tags=("calm", "professional", "hijab", "blazer"),
            default_voice=_DEFAULT_VOICE,
            preferred_orientation="portrait",
            description="Calm presenter in a teal hijab and a cream blazer",
        ),
    )
}


def get_avatar(avatar_id: str) -> AvatarInfo:
    """The avatar with this id, or an :class:`InputError` listing the valid ids."""
    try:
        return AVATARS[avatar_id]
    except KeyError:
        raise InputError(
            f"unknown avatar {avatar_id!r}; choose one of: {', '.join(AVATARS)}", param="avatar_id"
        ) from None
