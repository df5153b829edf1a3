"""What each presenter looks like: palette, face shape, hair, outfit and accessories.

Kept apart from the catalogue (which is the public, user-facing description) because this is
drawing data only the renderer reads. Lengths are in design units (the bust is 1000 wide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

HairStyle = Literal["long", "crop", "bun", "side_part", "curly", "hijab"]
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
    earrings: str | None = None
    necklace: Literal["pearls", "pendant"] | None = None
    age_lines: bool = False
    headscarf: str | None = None  # hijab colour (with hair_style "hijab")
    accent: str | None = None  # pocket square, pendant, buttons


LOOKS: Final[dict[str, Look]] = {
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
}
