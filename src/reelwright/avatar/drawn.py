"""Presenters drawn from a description: "a woman in her 50s with curly red hair and a navy blazer".

The description is read for the parts the illustrated presenters are made of (gender, age, skin
tone, hair colour and style, outfit and its colour, glasses, beard, earrings, a necklace) and the
choices become a :class:`Look`. Nothing is stored: the avatar id spells the choices out
(``drawn-f-senior-medium-red-curly-blazer-navy``, plus ``-glasses``, ``-beard``...), so the id
works on any server, worker or command line that has this code, and renders the same presenter.

The reading is plain keyword matching, so it says what it understood and, for any word about
appearance it has no part for ("tattoo", "freckles", "hat"), that it could not draw it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final, Literal

from reelwright.avatar.catalogue import DEFAULT_VOICES, AvatarInfo, Gender
from reelwright.avatar.looks import FaceShape, HairStyle, Look, Outfit, Under

PREFIX: Final = "drawn-"
Age = Literal["young", "adult", "senior"]

SKINS: Final[dict[str, str]] = {
    "light": "#f7d9c6",
    "fair": "#f0c4a4",
    "medium": "#e3b48e",
    "olive": "#c68e64",
    "brown": "#a0684a",
    "dark": "#7a4a30",
}
HAIR: Final[dict[str, str]] = {
    "black": "#1b1b1f",
    "brown": "#3a2720",
    "chestnut": "#6b3a22",
    "blonde": "#d8b26e",
    "red": "#b5472a",
    "auburn": "#8a3a24",
    "grey": "#9c9893",
    "white": "#e4e1dc",
}
COLOURS: Final[dict[str, str]] = {
    "navy": "#23355a",
    "black": "#25262b",
    "grey": "#6b7384",
    "charcoal": "#3a3d44",
    "white": "#eeeae4",
    "beige": "#c8b08c",
    "brown": "#6e4b34",
    "green": "#35594d",
    "olive": "#6b6b3a",
    "teal": "#1f6f73",
    "blue": "#2f62a8",
    "red": "#a8322d",
    "burgundy": "#7b3553",
    "purple": "#5b3f86",
    "lavender": "#9f8cc4",
    "pink": "#d98ca6",
    "yellow": "#d9b13b",
    "orange": "#d9793b",
}
STYLES: Final[tuple[HairStyle, ...]] = (
    "long",
    "crop",
    "bun",
    "side_part",
    "curly",
    "hijab",
    "bob",
    "receding",
)
OUTFITS: Final[tuple[Outfit, ...]] = ("blazer", "sweater", "turtleneck", "cardigan")
EXTRAS: Final = ("glasses", "beard", "stubble", "earrings", "pearls", "pendant")

# Words of the description -> a part. Longer phrases first, so "dark brown" is not "dark" skin.
_GENDER = {
    "woman": "f", "women": "f", "female": "f", "lady": "f", "girl": "f", "she": "f", "her": "f",
    "man": "m", "men": "m", "male": "m", "guy": "m", "gentleman": "m", "boy": "m", "he": "m", "his": "m",
}  # fmt: skip
_HAIR_WORDS = {
    "jet black": "black", "black": "black", "dark": "black", "brunette": "brown", "brown": "brown",
    "chestnut": "chestnut", "blonde": "blonde", "blond": "blonde", "golden": "blonde", "red": "red",
    "ginger": "red", "copper": "red", "auburn": "auburn", "grey": "grey", "gray": "grey",
    "silver": "grey", "salt and pepper": "grey", "white": "white",
}  # fmt: skip
_HAIR_ONLY = {
    "blonde": "blonde", "blond": "blonde", "brunette": "brown", "redhead": "red", "red-haired": "red",
    "ginger": "red", "auburn": "auburn", "grey-haired": "grey", "gray-haired": "grey",
    "white-haired": "white", "silver-haired": "grey", "dark-haired": "black",
}  # fmt: skip
_STYLE_WORDS = {
    "curly": "curly", "curls": "curly", "afro": "curly", "wavy": "curly", "bun": "bun",
    "updo": "bun", "ponytail": "bun", "bob": "bob", "short": "crop", "crop": "crop",
    "cropped": "crop", "buzz": "crop", "side part": "side_part", "side-parted": "side_part",
    "parted": "side_part", "long": "long", "straight": "long", "receding": "receding",
    "balding": "receding", "bald": "receding", "hijab": "hijab", "headscarf": "hijab",
}  # fmt: skip
_OUTFIT_WORDS = {
    "blazer": "blazer", "suit": "blazer", "jacket": "blazer", "sweater": "sweater",
    "jumper": "sweater", "pullover": "sweater", "hoodie": "sweater", "turtleneck": "turtleneck",
    "polo neck": "turtleneck", "roll neck": "turtleneck", "cardigan": "cardigan",
}  # fmt: skip
_SKIN_WORDS = {
    "pale": "light", "light-skinned": "light", "light skin": "light", "fair": "fair",
    "freckled": "fair", "tan": "medium", "tanned": "medium", "medium skin": "medium",
    "olive": "olive", "brown skin": "brown", "brown-skinned": "brown", "dark skin": "dark",
    "dark-skinned": "dark", "black woman": "dark", "black man": "dark", "asian": "medium",
    "east asian": "medium", "south asian": "olive", "latina": "olive", "latino": "olive",
    "hispanic": "olive", "middle eastern": "olive", "african": "dark", "indian": "brown",
    "white woman": "fair", "white man": "fair", "caucasian": "fair",
}  # fmt: skip
_EXTRA_WORDS = {
    "glasses": "glasses", "spectacles": "glasses", "beard": "beard", "bearded": "beard",
    "stubble": "stubble", "earrings": "earrings", "pearls": "pearls", "pearl necklace": "pearls",
    "necklace": "pendant", "pendant": "pendant",
}  # fmt: skip
# Appearance words with no part to draw them: said back as not honoured.
_CANNOT = (
    "tattoo", "tattoos", "freckles", "piercing", "hat", "cap", "scarf", "tie", "bow tie",
    "moustache", "mustache", "makeup", "lipstick", "smile", "smiling", "dreadlocks", "braids",
    "mohawk", "headphones", "uniform", "dress", "t-shirt", "shirt", "hoodie", "scar", "wrinkles",
    "blue eyes", "green eyes", "hazel eyes", "beanie", "turban", "cowboy",
)  # fmt: skip


@dataclass(frozen=True)
class DrawnSpec:
    gender: Literal["f", "m"]
    age: Age
    skin: str
    hair: str
    style: HairStyle
    outfit: Outfit
    colour: str
    extras: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        parts = [
            self.gender,
            self.age,
            self.skin,
            self.hair,
            self.style,
            self.outfit,
            self.colour,
            *self.extras,
        ]
        return PREFIX + "-".join(parts)

    def describe(self) -> str:
        who = {"f": "woman", "m": "man"}[self.gender]
        age = {"young": "young", "adult": "", "senior": "older"}[self.age]
        hair = "a hijab" if self.style == "hijab" else f"{self.hair} {self.style.replace('_', '-')} hair"
        extras = "".join(f", {e}" for e in self.extras)
        return (
            f"{age + ' ' if age else ''}{who}, {self.skin} skin, {hair}, {self.colour} {self.outfit}{extras}"
        ).capitalize()


@dataclass(frozen=True)
class Reading:
    spec: DrawnSpec
    honoured: list[str]  # what the description asked for that the presenter shows
    not_honoured: list[str]  # what it asked for that no part can draw
    chosen: list[str]  # what it did not say, and was chosen


def _find(text: str, table: dict[str, str], *, last: bool = False) -> tuple[str, str] | None:
    """The first (``last``: the last) table phrase in ``text``, with its value; a longer phrase
    wins over a shorter one at the same place ("jet black" over "black")."""
    best: tuple[int, str, str] | None = None
    for phrase in sorted(table, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(phrase)}\b", text):
            at = m.start()
            better = best is None or (at > best[0] if last else at < best[0])
            if better:
                best = (at, phrase, table[phrase])
    return None if best is None else (best[1], best[2])


def _age(text: str) -> tuple[Age, str] | None:
    m = re.search(
        r"\b(?:in (?:her|his|their) )?(?:early |late |mid-?)?(\d0)s\b|\b(\d{2})[- ]years?[- ]old\b", text
    )
    if m:
        years = int(m.group(1) or m.group(2))
        return ("young" if years < 30 else "adult" if years < 50 else "senior"), m.group(0)
    for words, age in (
        (("young", "teen", "student", "twenties"), "young"),
        (("middle-aged", "middle aged"), "adult"),
        (("old", "older", "elderly", "senior", "grandmother", "grandfather", "retired"), "senior"),
    ):
        for w in words:
            if re.search(rf"\b{re.escape(w)}\b", text):
                return age, w  # type: ignore[return-value]
    return None


def read_description(description: str) -> Reading:
    """The presenter a description asks for, what of it is drawn and what cannot be."""
    text = " ".join(description.lower().split())
    honoured: list[str] = []
    chosen: list[str] = []

    def pick(table: dict[str, str], what: str, default: str, near: str | None = None) -> str:
        # A colour word means hair only next to "hair"; an outfit colour only before the garment.
        scope = text
        if near is not None:
            m = re.search(rf"((?:\S+\s+){{0,3}})(?:{near})\b", text)
            scope = m.group(1) if m else ""
        # Near a noun, the word closest to it is the one that describes it.
        found = _find(scope, table, last=near is not None)
        if found is None and what == "hair colour":
            found = _find(text, _HAIR_ONLY)  # "a blonde woman": words that only describe hair
        if found is None:
            chosen.append(f"{what}: {default}")
            return default
        honoured.append(f"{what}: {found[0]}")
        return found[1]

    found = _find(text, _GENDER)
    gender: Literal["f", "m"] = "f" if found is None or found[1] == "f" else "m"
    (honoured if found else chosen).append(f"gender: {'woman' if gender == 'f' else 'man'}")
    aged = _age(text)
    age: Age = aged[0] if aged else "adult"
    (honoured if aged else chosen).append(f"age: {aged[1] if aged else 'adult'}")
    skin = pick(_SKIN_WORDS, "skin", "fair")
    style_word = _find(text, _STYLE_WORDS)
    default_style = "long" if gender == "f" else "crop"
    style: HairStyle = style_word[1] if style_word else default_style  # type: ignore[assignment]
    (honoured if style_word else chosen).append(
        f"hair style: {style_word[0] if style_word else default_style}"
    )
    hair_default = "grey" if age == "senior" else "brown"
    hair = pick(_HAIR_WORDS, "hair colour", hair_default, near=r"hair|curls|bob|bun|beard|afro|ponytail")
    outfit_found = _find(text, _OUTFIT_WORDS)
    outfit: Outfit = outfit_found[1] if outfit_found else "blazer"  # type: ignore[assignment]
    (honoured if outfit_found else chosen).append(f"outfit: {outfit_found[0] if outfit_found else 'blazer'}")
    garment = "|".join(re.escape(w) for w in _OUTFIT_WORDS)
    colour = pick({c: c for c in COLOURS} | {"gray": "grey", "maroon": "burgundy", "cream": "beige"},
                  "outfit colour", "navy", near=garment)  # fmt: skip
    extras = []
    for phrase, extra in _EXTRA_WORDS.items():
        if re.search(rf"\b{re.escape(phrase)}\b", text) and extra not in extras:
            if extra in ("beard", "stubble") and gender == "f":
                continue
            extras.append(extra)
            honoured.append(extra)
    if "pearls" in extras and "pendant" in extras:
        extras.remove("pendant")
    not_honoured = [w for w in _CANNOT if re.search(rf"\b{re.escape(w)}\b", text)]
    if style == "receding" and gender == "f":
        not_honoured.append("receding hair on a woman (drawn as short hair)")
        style = "crop"
    spec = DrawnSpec(gender, age, skin, hair, style, outfit, colour, tuple(e for e in EXTRAS if e in extras))
    return Reading(spec, honoured, not_honoured, chosen)


def parse_id(avatar_id: str | None) -> DrawnSpec | None:
    """The spec a drawn presenter's id spells, or None when it is not one (or not a valid one)."""
    if not avatar_id or not avatar_id.startswith(PREFIX):
        return None
    parts = avatar_id[len(PREFIX) :].split("-")
    if len(parts) < 7:
        return None
    gender, age, skin, hair, style, outfit, colour, *extras = parts
    valid = (
        gender in ("f", "m")
        and age in ("young", "adult", "senior")
        and skin in SKINS
        and hair in HAIR
        and style in STYLES
        and outfit in OUTFITS
        and colour in COLOURS
        and all(e in EXTRAS for e in extras)
        and list(extras) == [e for e in EXTRAS if e in extras]
    )
    if not valid:
        return None
    return DrawnSpec(gender, age, skin, hair, style, outfit, colour, tuple(extras))  # type: ignore[arg-type]


def is_drawn(avatar_id: str | None) -> bool:
    return parse_id(avatar_id) is not None


def _lighter(hex_colour: str, share: float) -> str:
    rgb = [int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def drawn_look(spec: DrawnSpec) -> Look:
    feminine = spec.gender == "f"
    hair = HAIR[spec.hair]
    outfit_main = COLOURS[spec.colour]
    under: Under = {"blazer": "crew" if feminine else "shirt", "sweater": "shirt", "turtleneck": "none",
                    "cardigan": "crew"}[spec.outfit]  # fmt: skip
    light = spec.colour in ("white", "beige", "yellow", "pink", "lavender")
    look = Look(
        skin=SKINS[spec.skin],
        lips="#c4666a" if feminine else "#9a5a4e",
        iris="#4a3222",
        hair=hair,
        hair_style=spec.style,
        brow=hair if spec.hair not in ("white", "grey") else "#7d7873",
        outfit=spec.outfit,
        outfit_main=outfit_main,
        under=under,
        under_colour=outfit_main if under == "none" else ("#2b2d33" if light else "#f4f1ec"),
        feminine=feminine,
        face=FaceShape(cheek=152, jaw=116, chin=42, chin_y=542)
        if feminine
        else FaceShape(cheek=158, jaw=132, chin=54, chin_y=548, jaw_y=460),
        brow_weight=0.85 if feminine else 1.2,
        lid={"young": 0.08, "adult": 0.14, "senior": 0.22}[spec.age],
        neck=56 if feminine else 66,
        shoulders=335 if feminine else 375,
        hair_light=_lighter(hair, 0.35),
        age_lines=spec.age == "senior",
        glasses="#2b2b30" if "glasses" in spec.extras else None,
        beard="beard" in spec.extras,
        stubble="stubble" in spec.extras,
        earrings="#d9b35b" if "earrings" in spec.extras else None,
        necklace="pearls" if "pearls" in spec.extras else "pendant" if "pendant" in spec.extras else None,
        headscarf=outfit_main if spec.style == "hijab" else None,
    )
    return replace(look, accent="#d9b35b") if look.necklace == "pendant" else look


def drawn_info(spec: DrawnSpec) -> AvatarInfo:
    gender: Gender = "female" if spec.gender == "f" else "male"
    return AvatarInfo(
        id=spec.id,
        name="Custom presenter",
        gender=gender,
        tags=("drawn",),
        default_voice=DEFAULT_VOICES[gender],
        preferred_orientation="landscape",
        description=spec.describe(),
        group_id=spec.id,
        look_name=spec.describe(),
        tones=("friendly", "formal", "calm", "upbeat"),
    )
