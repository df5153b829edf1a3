"""What each presenter looks like: palette, face shape, hair, outfit and accessories.

Kept apart from the catalogue (which is the public, user-facing description) because this is
drawing data only the renderer reads. Lengths are in design units (the bust is 1000 wide).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

HairStyle = Literal["long", "crop", "bun", "side_part", "curly", "hijab", "bob", "receding"]
Outfit = Literal["blazer", "sweater", "turtleneck", "cardigan"]
Under = Literal["crew", "shirt", "open_shirt", "none"]


@dataclass(frozen=True)
class FaceShape:
    cheek: float = 150.0  # half-width at the cheekbones
    jaw: float = 118.0  # half-width at the angle of the jaw
    chin: float = 44.0  # half-width of the chin
    chin_y: float = 548.0  # lowest point of the chin
    jaw_y: float = 455.0  # height of the jaw angle


@dataclass(frozen=True)
class Look:
    skin: str
    lips: str
    iris: str
    hair: str
    hair_style: HairStyle
    brow: str
    outfit: Outfit
    outfit_main: str  # the outer garment
    under: Under  # what shows at the neckline
    under_colour: str
    feminine: bool  # eyeliner flick, lip colour strength, shoulder width
    face: FaceShape = FaceShape()
    brow_weight: float = 1.0  # thickness multiplier
    lid: float = 0.12  # resting upper-lid droop (0 wide open); heavier lids read as calmer or older
    neck: float = 56.0  # half-width of the neck
    shoulders: float = 360.0  # half-width at the shoulder point
    hair_light: str | None = None  # highlight colour; derived from ``hair`` when None
    glasses: str | None = None  # frame colour
    beard: bool = False
    stubble: bool = False  # a light shadow of beard instead of a full one
    earrings: str | None = None
    necklace: Literal["pearls", "pendant"] | None = None
    age_lines: bool = False
    headscarf: str | None = None  # hijab colour (with hair_style "hijab")
    accent: str | None = None  # pocket square, pendant, buttons


_PEOPLE: Final[dict[str, Look]] = {
    "ava": Look(
        skin="#f0c4a4",
        lips="#c4666a",
        iris="#6b4a32",
        hair="#3a2720",
        hair_style="long",
        brow="#3a2720",
        outfit="blazer",
        outfit_main="#23355a",
        under="crew",
        under_colour="#f4f1ec",
        feminine=True,
        face=FaceShape(cheek=152, jaw=116, chin=42, chin_y=542),
        brow_weight=0.85,
        neck=56,
        shoulders=335,
    ),
    "marcus": Look(
        skin="#7a4a30",
        lips="#5e3226",
        iris="#3b2418",
        hair="#1d1512",
        hair_style="crop",
        brow="#1d1512",
        outfit="sweater",
        outfit_main="#35594d",
        under="shirt",
        under_colour="#dce8f5",
        feminine=False,
        face=FaceShape(cheek=160, jaw=136, chin=56, chin_y=550, jaw_y=462),
        brow_weight=1.25,
        lid=0.16,
        neck=68,
        shoulders=380,
        beard=True,
    ),
    "lena": Look(
        skin="#f7d9c6",
        lips="#c9706e",
        iris="#4f7ea6",
        hair="#d8b26e",
        hair_style="bun",
        brow="#a98450",
        outfit="turtleneck",
        outfit_main="#2b2d33",
        under="none",
        under_colour="#2b2d33",
        feminine=True,
        face=FaceShape(cheek=150, jaw=114, chin=40, chin_y=540),
        brow_weight=0.8,
        lid=0.08,
        neck=55,
        shoulders=325,
        earrings="#d9b35b",
        necklace="pendant",
        accent="#d9b35b",
    ),
    "hiro": Look(
        skin="#e3b48e",
        lips="#b7765f",
        iris="#2e2018",
        hair="#1b1b1f",
        hair_style="side_part",
        brow="#1b1b1f",
        outfit="blazer",
        outfit_main="#6b7384",
        under="open_shirt",
        under_colour="#f6f7f9",
        feminine=False,
        face=FaceShape(cheek=156, jaw=128, chin=50, chin_y=548, jaw_y=458),
        brow_weight=1.15,
        lid=0.24,
        neck=66,
        shoulders=372,
        accent="#5b8fd1",
    ),
    "grace": Look(
        skin="#a0684a",
        lips="#8a4a44",
        iris="#3a2418",
        hair="#cfcbc6",
        hair_style="curly",
        brow="#8d8782",
        outfit="cardigan",
        outfit_main="#7b3553",
        under="crew",
        under_colour="#f1e6d6",
        feminine=True,
        face=FaceShape(cheek=156, jaw=124, chin=48, chin_y=542),
        brow_weight=0.85,
        neck=57,
        shoulders=338,
        hair_light="#ecebe8",
        lid=0.22,
        glasses="#6b3b2a",
        necklace="pearls",
        age_lines=True,
    ),
    "noor": Look(
        skin="#c98e66",
        lips="#a45a56",
        iris="#5a4428",
        hair="#2a1e1a",
        hair_style="hijab",
        brow="#2a1e1a",
        outfit="blazer",
        outfit_main="#e3d3bb",
        under="crew",
        under_colour="#f8f4ee",
        feminine=True,
        face=FaceShape(cheek=150, jaw=116, chin=42, chin_y=540),
        brow_weight=0.9,
        neck=56,
        shoulders=332,
        headscarf="#3e7771",
    ),
    "daniel": Look(
        skin="#e8b99a",
        lips="#a86a5e",
        iris="#5a7088",
        hair="#b9b4ae",
        hair_style="receding",
        brow="#8f8a84",
        outfit="blazer",
        outfit_main="#6e5640",
        under="open_shirt",
        under_colour="#cfe0f1",
        feminine=False,
        face=FaceShape(cheek=154, jaw=130, chin=52, chin_y=552, jaw_y=464),
        brow_weight=1.2,
        lid=0.26,
        neck=64,
        shoulders=370,
        hair_light="#dedbd6",
        glasses="#2d2d30",
        beard=True,
        age_lines=True,
    ),
    "priya": Look(
        skin="#b57a56",
        lips="#94484c",
        iris="#2e1c12",
        hair="#16100e",
        hair_style="long",
        brow="#1c1410",
        outfit="blazer",
        outfit_main="#1f5e4b",
        under="crew",
        under_colour="#f3ead9",
        feminine=True,
        face=FaceShape(cheek=148, jaw=114, chin=40, chin_y=538),
        brow_weight=1.0,
        lid=0.14,
        neck=54,
        shoulders=330,
        hair_light="#4a3a34",
        earrings="#d9b35b",
    ),
    "kofi": Look(
        skin="#66402b",
        lips="#8a4a3c",
        iris="#24160f",
        hair="#141010",
        hair_style="crop",
        brow="#141010",
        outfit="sweater",
        outfit_main="#25365c",
        under="shirt",
        under_colour="#f5f6f8",
        feminine=False,
        face=FaceShape(cheek=152, jaw=124, chin=50, chin_y=546, jaw_y=458),
        brow_weight=1.1,
        lid=0.1,
        neck=64,
        shoulders=368,
        hair_light="#3a3434",
    ),
    "sofia": Look(
        skin="#d9a27c",
        lips="#b0545a",
        iris="#4a2e1c",
        hair="#3b2418",
        hair_style="curly",
        brow="#2e1c14",
        outfit="turtleneck",
        outfit_main="#b0563a",
        under="none",
        under_colour="#b0563a",
        feminine=True,
        face=FaceShape(cheek=150, jaw=118, chin=42, chin_y=540),
        brow_weight=0.95,
        lid=0.1,
        neck=55,
        shoulders=328,
        hair_light="#6b4630",
        earrings="#d9b35b",
    ),
    "mei": Look(
        skin="#f1cfae",
        lips="#c06a6c",
        iris="#2a1a12",
        hair="#121014",
        hair_style="bob",
        brow="#1e1a1c",
        outfit="blazer",
        outfit_main="#9fb6d1",
        under="crew",
        under_colour="#fbfbfb",
        feminine=True,
        face=FaceShape(cheek=146, jaw=112, chin=40, chin_y=536),
        brow_weight=0.8,
        lid=0.18,
        neck=53,
        shoulders=322,
        hair_light="#3a3640",
    ),
    "leo": Look(
        skin="#f2c6a8",
        lips="#b86e64",
        iris="#4f7a58",
        hair="#8a4322",
        hair_style="side_part",
        brow="#7a3c20",
        outfit="sweater",
        outfit_main="#8d9095",
        under="shirt",
        under_colour="#6f8fb3",
        feminine=False,
        face=FaceShape(cheek=152, jaw=126, chin=50, chin_y=550, jaw_y=460),
        brow_weight=1.05,
        lid=0.14,
        neck=64,
        shoulders=366,
        hair_light="#b8683c",
        stubble=True,
    ),
}

# Further looks of the same people: an outfit change, everything else kept.
LOOKS: Final[dict[str, Look]] = {
    **_PEOPLE,
    "ava_casual": replace(
        _PEOPLE["ava"], outfit="sweater", outfit_main="#8c6bb0", under="shirt", under_colour="#f7f3ec"
    ),
    "marcus_suit": replace(
        _PEOPLE["marcus"], outfit="blazer", outfit_main="#a07c55", under="open_shirt", under_colour="#f6f7f9"
    ),
    "hiro_casual": replace(
        _PEOPLE["hiro"],
        outfit="sweater",
        outfit_main="#cfc6b4",
        under="shirt",
        under_colour="#5d6f8a",
        accent=None,
    ),
    "priya_cardigan": replace(
        _PEOPLE["priya"], outfit="cardigan", outfit_main="#c9952e", under="crew", under_colour="#fbf8f2"
    ),
}
