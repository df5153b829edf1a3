"""Fonts shipped by PyPI packages, all under the SIL OFL 1.1 or Apache-2.0.

Roboto (Apache-2.0); Source Sans Pro, Source Serif Pro, Manrope, Lato, Red Hat Display,
Fredoka One, Amatic SC and IBM Plex Mono (OFL-1.1). We never fall back to whatever the system
has: a render must look the same on every machine. A brand kit's own font is loaded from its
file (``file_family``) and used at every weight.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Literal

import skia

Family = str  # a packaged family below, or ``file:<path>`` for a brand kit's own font file
Weight = Literal["light", "regular", "medium", "semibold", "bold", "black"]

_WEIGHTS: tuple[Weight, ...] = ("light", "regular", "medium", "semibold", "bold", "black")

# family -> (package, {weight: file name}); a weight the family lacks uses the nearest one.
_FAMILIES: dict[str, tuple[str, dict[str, str]]] = {
    "roboto": (
        "font_roboto",
        {
            "light": "Roboto-Light.ttf",
            "regular": "Roboto-Regular.ttf",
            "medium": "Roboto-Medium.ttf",
            "bold": "Roboto-Bold.ttf",
            "black": "Roboto-Black.ttf",
        },
    ),
    "source-sans": (
        "font_source_sans_pro",
        {
            "light": "SourceSansPro-Light.ttf",
            "regular": "SourceSansPro-Regular.ttf",
            "semibold": "SourceSansPro-Semibold.ttf",
            "bold": "SourceSansPro-Bold.ttf",
            "black": "SourceSansPro-Black.ttf",
        },
    ),
    "source-serif": (
        "font_source_serif_pro",
        {
            "light": "SourceSerifPro-Light.ttf",
            "regular": "SourceSerifPro-Regular.ttf",
            "semibold": "SourceSerifPro-Semibold.ttf",
            "bold": "SourceSerifPro-Bold.ttf",
            "black": "SourceSerifPro-Black.ttf",
        },
    ),
    "manrope": (
        "font_manrope",
        {
            "light": "Manrope-Light.ttf",
            "regular": "Manrope-Regular.ttf",
            "medium": "Manrope-Medium.ttf",
            "semibold": "Manrope-SemiBold.ttf",
            "bold": "Manrope-Bold.ttf",
            "black": "Manrope-ExtraBold.ttf",
        },
    ),
    "lato": (
        "font_lato",
        {
            "light": "Lato-Light.ttf",
            "regular": "Lato-Regular.ttf",
            "bold": "Lato-Bold.ttf",
            "black": "Lato-Black.ttf",
        },
    ),
    "red-hat-display": (
        "font_rhd",
        {
            "light": "RedHatDisplay-Light.ttf",
            "regular": "RedHatDisplay-Regular.ttf",
            "medium": "RedHatDisplay-Medium.ttf",
            "semibold": "RedHatDisplay-SemiBold.ttf",
            "bold": "RedHatDisplay-Bold.ttf",
            "black": "RedHatDisplay-Black.ttf",
        },
    ),
    "fredoka": ("font_fredoka_one", {"regular": "FredokaOne-Regular.ttf"}),
    "amatic": ("font_amatic_sc", {"regular": "AmaticSC-Regular.ttf", "bold": "AmaticSC-Bold.ttf"}),
    "plex-mono": (
        "fontpkg_ibm_plex_mono",
        {
            "light": "IBMPlexMono-Light.ttf",
            "regular": "IBMPlexMono-Regular.ttf",
            "medium": "IBMPlexMono-Medium.ttf",
            "semibold": "IBMPlexMono-SemiBold.ttf",
            "bold": "IBMPlexMono-Bold.ttf",
        },
    ),
}

FAMILIES: tuple[str, ...] = tuple(_FAMILIES)
_FILE_PREFIX = "file:"


def file_family(path: Path) -> Family:
    """The family name under which a font file (a brand kit's) is drawn."""
    return f"{_FILE_PREFIX}{path}"


@cache
def _package_dir(package: str) -> Path:
    # Located without importing: some of these packages import helpers we have no use for.
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:  # a broken install, not a user error
        raise RuntimeError(f"font package {package} is not installed")
    return Path(spec.origin).parent / "files"


def _nearest(available: dict[str, str], weight: Weight) -> str:
    want = _WEIGHTS.index(weight)
    best = min(available, key=lambda w: (abs(_WEIGHTS.index(w) - want), -_WEIGHTS.index(w)))
    return available[best]


def font_path(family: Family, weight: Weight) -> Path:
    if family.startswith(_FILE_PREFIX):
        return Path(family[len(_FILE_PREFIX) :])
    try:
        package, files = _FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown font family {family!r}") from None
    return _package_dir(package) / _nearest(files, weight)


@cache
def _font_manager() -> skia.FontMgr:
    # An empty manager: we load our packaged files by path and never look up system fonts, so
    # the host's fontconfig (whose config skia's bundled copy may not parse) is never touched.
    return skia.FontMgr.New_Custom_Empty()


def load_typeface(path: Path) -> skia.Typeface | None:
    """The font in ``path``, or None when skia cannot read it as a TrueType/OpenType font."""
    face = _font_manager().makeFromFile(str(path))
    return face if face is not None and face.countGlyphs() > 0 else None


@cache
def typeface(family: Family, weight: Weight) -> skia.Typeface:
    path = font_path(family, weight)
    face = load_typeface(path)
    if face is None:  # a broken install, or a brand font that was deleted after it was checked
        raise RuntimeError(f"cannot load font {path}")
    return face


def font(family: Family, weight: Weight, size: float) -> skia.Font:
    f = skia.Font(typeface(family, weight), size)
    f.setSubpixel(True)
    f.setEdging(skia.Font.Edging.kAntiAlias)
    return f
