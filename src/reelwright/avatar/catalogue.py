"""The presenters a user can choose from: people (groups), their looks (the avatar ids) and who
suits which video.

A *group* is one person; each of their *looks* is an outfit, and a look's id is what a request
names as ``avatar_id``. The first look of every person has the person's own id (``ava``), so ids
from before looks existed stay valid.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Final, Literal

from reelwright.catalogues import look_up

Gender = Literal["female", "male"]
Orientation = Literal["landscape", "portrait"]
Tone = Literal["friendly", "upbeat", "formal", "calm"]

# The voice each presenter speaks with unless a request names one, by the presenter's gender
# (a presenter whose voice does not match reads as dubbed). One table keeps the choice in one
# place: when a natural female English voice ships on PyPI (today only eSpeak NG's, which is
# robotic; see docs/decisions/0004-offline-voices.md), change it here. A test checks that every
# id exists in the voice catalogue.
DEFAULT_VOICES: Final[dict[Gender, str]] = {
    "female": "espeak-en-us-female",
    "male": "en_US-joe",
}


@dataclass(frozen=True)
class AvatarInfo:
    """One look: a person in one outfit. ``id`` is the avatar_id."""

    id: str
    name: str
    gender: Gender
    tags: tuple[str, ...]
    default_voice: str
    preferred_orientation: Orientation
    description: str
    group_id: str  # the person
    look_name: str  # what tells this look apart from the person's others, e.g. "Navy blazer"
    tones: tuple[Tone, ...]  # the video tones this presenter suits


@dataclass(frozen=True)
class AvatarGroup:
    """One person and their looks (the first is the default)."""

    id: str
    name: str
    gender: Gender
    age: Literal["young adult", "adult", "senior"]
    tags: tuple[str, ...]
    look_ids: tuple[str, ...]


@dataclass(frozen=True)
class _Person:
    id: str
    name: str
    gender: Gender
    age: Literal["young adult", "adult", "senior"]
    tags: tuple[str, ...]
    orientation: Orientation
    tones: tuple[Tone, ...]
    looks: tuple[tuple[str, str, tuple[str, ...], str], ...]  # (id, look name, tags, description)


_PEOPLE: Final[tuple[_Person, ...]] = (
    _Person(
        "ava", "Ava", "female", "young adult", ("friendly", "corporate", "long hair"), "landscape",
        ("friendly", "upbeat"),
        (
            ("ava", "Navy blazer", ("blazer",),
             "Friendly presenter, navy blazer over a white top, long dark hair"),
            ("ava_casual", "Lavender sweater", ("sweater", "casual"),
             "Friendly presenter in a lavender sweater over a white collar, long dark hair"),
        ),
    ),
    _Person(
        "marcus", "Marcus", "male", "adult", ("warm", "beard"), "landscape", ("friendly", "calm"),
        (
            ("marcus", "Green sweater", ("sweater", "casual"),
             "Warm presenter with a short beard, green sweater over a light-blue shirt"),
            ("marcus_suit", "Camel blazer", ("blazer", "corporate"),
             "Warm presenter with a short beard, camel blazer and open white shirt"),
        ),
    ),
    _Person(
        "lena", "Lena", "female", "young adult", ("modern", "minimal", "bun"), "portrait",
        ("upbeat", "friendly"),
        (("lena", "Charcoal turtleneck", ("turtleneck",),
          "Modern presenter, blonde hair in a bun, charcoal turtleneck and gold pendant"),),
    ),
    _Person(
        "hiro", "Hiro", "male", "adult", ("professional", "tech", "side part"), "landscape",
        ("formal", "upbeat"),
        (
            ("hiro", "Slate blazer", ("blazer",),
             "Sharp presenter with side-parted black hair, slate-grey blazer and open white shirt"),
            ("hiro_casual", "Oatmeal sweater", ("sweater", "casual"),
             "Sharp presenter with side-parted black hair, oatmeal sweater over a slate-blue shirt"),
        ),
    ),
    _Person(
        "grace", "Grace", "female", "senior", ("experienced", "grey hair", "glasses"), "portrait",
        ("calm", "formal"),
        (("grace", "Plum cardigan", ("cardigan",),
          "Experienced presenter with short grey curls, glasses, plum cardigan and pearls"),),
    ),
    _Person(
        "noor", "Noor", "female", "adult", ("calm", "professional", "hijab"), "portrait",
        ("calm", "formal"),
        (("noor", "Cream blazer", ("blazer",), "Calm presenter in a teal hijab and a cream blazer"),),
    ),
    _Person(
        "daniel", "Daniel", "male", "senior", ("experienced", "grey hair", "glasses", "beard"),
        "landscape", ("formal", "calm"),
        (("daniel", "Tweed blazer", ("blazer",),
          "Senior presenter with a trimmed grey beard, glasses, brown tweed blazer and blue shirt"),),
    ),
    _Person(
        "priya", "Priya", "female", "adult", ("professional", "long hair", "earrings"), "landscape",
        ("formal", "friendly"),
        (
            ("priya", "Emerald blazer", ("blazer", "corporate"),
             "Confident presenter with long black hair, emerald blazer over a cream top, gold earrings"),
            ("priya_cardigan", "Mustard cardigan", ("cardigan", "casual"),
             "Confident presenter with long black hair in a mustard cardigan over a white top"),
        ),
    ),
    _Person(
        "kofi", "Kofi", "male", "young adult", ("energetic", "modern", "short hair"), "portrait",
        ("upbeat", "friendly"),
        (("kofi", "Navy sweater", ("sweater", "casual"),
          "Energetic young presenter with short hair, navy sweater over a white shirt"),),
    ),
    _Person(
        "sofia", "Sofia", "female", "young adult", ("warm", "curly hair", "earrings"), "portrait",
        ("friendly", "upbeat"),
        (("sofia", "Terracotta turtleneck", ("turtleneck",),
          "Warm presenter with dark curly hair, terracotta turtleneck and gold earrings"),),
    ),
    _Person(
        "mei", "Mei", "female", "adult", ("professional", "tech", "bob"), "landscape",
        ("formal", "calm"),
        (("mei", "Powder-blue blazer", ("blazer", "corporate"),
          "Precise presenter with a sleek black bob, powder-blue blazer over a white top"),),
    ),
    _Person(
        "leo", "Leo", "male", "young adult", ("friendly", "casual", "auburn hair", "beard"),
        "portrait", ("friendly", "upbeat"),
        (("leo", "Grey sweater", ("sweater", "casual"),
          "Easy-going presenter with auburn hair and stubble, heather-grey sweater over a denim shirt"),),
    ),
)  # fmt: skip


def _build() -> tuple[dict[str, AvatarInfo], dict[str, AvatarGroup]]:
    looks: dict[str, AvatarInfo] = {}
    groups: dict[str, AvatarGroup] = {}
    for p in _PEOPLE:
        for look_id, look_name, look_tags, description in p.looks:
            looks[look_id] = AvatarInfo(
                id=look_id,
                name=p.name,
                gender=p.gender,
                tags=(*p.tags, *look_tags),
                default_voice=DEFAULT_VOICES[p.gender],
                preferred_orientation=p.orientation,
                description=description,
                group_id=p.id,
                look_name=look_name,
                tones=p.tones,
            )
        groups[p.id] = AvatarGroup(p.id, p.name, p.gender, p.age, p.tags, tuple(lk[0] for lk in p.looks))
    return looks, groups


_LOOKS, _GROUPS = _build()
AVATARS: Final[dict[str, AvatarInfo]] = _LOOKS  # every look, by avatar_id
GROUPS: Final[dict[str, AvatarGroup]] = _GROUPS  # every person, by group id


def get_avatar(avatar_id: str) -> AvatarInfo:
    """The look with this id (a catalogue look, or a presenter drawn from a description), or an
    :class:`InputError` listing the valid ids."""
    if avatar_id not in AVATARS:
        from reelwright.avatar.drawn import drawn_info, parse_id  # it builds on this module

        spec = parse_id(avatar_id)
        if spec is not None:
            return drawn_info(spec)
    return look_up(AVATARS, avatar_id, kind="avatar", param="avatar_id")


def pick_avatar(
    *,
    gender: str | None = None,
    orientation: str | None = None,
    tone: str | None = None,
    seed: str = "",
) -> str:
    """The look to use when a request pins none: deterministic for a given ``seed`` (the prompt).

    Every person is scored (their voice's gender matters most, because a presenter who does not
    match the voice reads as dubbed; then the tone; then the orientation they are framed for) and
    one of the best-scoring people is chosen by the seed. The person's default look is returned.
    """
    scored: list[tuple[int, str]] = []
    for group in GROUPS.values():
        look = AVATARS[group.look_ids[0]]
        score = 0
        if gender in ("female", "male"):
            score += 4 if look.gender == gender else 0
        if tone is not None and tone in look.tones:
            score += 2
        if orientation is not None and look.preferred_orientation == orientation:
            score += 1
        scored.append((score, look.id))
    best = max(s for s, _ in scored)
    choices = [look_id for s, look_id in scored if s == best]
    return choices[zlib.crc32(seed.encode("utf-8")) % len(choices)]
