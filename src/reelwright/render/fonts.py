"""Fonts shipped by PyPI packages (Roboto: Apache-2.0, Source Sans Pro: OFL-1.1).

We never fall back to whatever the system has: a render must look the same on every machine.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import font_roboto
import font_source_sans_pro
import skia

Family = Literal["roboto", "source-sans"]
Weight = Literal["light", "regular", "medium", "semibold", "bold", "black"]

_ROBOTO = Path(font_roboto.__file__).parent / "files"
_SOURCE_SANS = Path(font_source_sans_pro.__file__).parent / "files"

_FILES: dict[tuple[str, str], Path] = {
    ("roboto", "light"): _ROBOTO / "Roboto-Light.ttf",
    ("roboto", "regular"): _ROBOTO / "Roboto-Regular.ttf",
    ("roboto", "medium"): _ROBOTO / "Roboto-Medium.ttf",
    ("roboto", "semibold"): _ROBOTO / "Roboto-Medium.ttf",
    ("roboto", "bold"): _ROBOTO / "Roboto-Bold.ttf",
    ("roboto", "black"): _ROBOTO / "Roboto-Black.ttf",
    ("source-sans", "light"): _SOURCE_SANS / "SourceSansPro-Light.ttf",
    ("source-sans", "regular"): _SOURCE_SANS / "SourceSansPro-Regular.ttf",
    ("source-sans", "medium"): _SOURCE_SANS / "SourceSansPro-Semibold.ttf",
    ("source-sans", "semibold"): _SOURCE_SANS / "SourceSansPro-Semibold.ttf",
    ("source-sans", "bold"): _SOURCE_SANS / "SourceSansPro-Bold.ttf",
    ("source-sans", "black"): _SOURCE_SANS / "SourceSansPro-Black.ttf",
}


def font_path(family: Family, weight: Weight) -> Path:
    return _FILES[(family, weight)]


@cache
def _font_manager() -> skia.FontMgr:
    # An empty manager: we load our packaged files by path and never look up system fonts, so
    # the host's fontconfig (whose config skia's bundled copy may not parse) is never touched.
    return skia.FontMgr.New_Custom_Empty()


@cache
def typeface(family: Family, weight: Weight) -> skia.Typeface:
    path = font_path(family, weight)
    face = _font_manager().makeFromFile(str(path))
    if face is None:  # a broken install, not a user error
        raise RuntimeError(f"cannot load font {path}")
    return face


def font(family: Family, weight: Weight, size: float) -> skia.Font:
    f = skia.Font(typeface(family, weight), size)
    f.setSubpixel(True)
    f.setEdging(skia.Font.Edging.kAntiAlias)
    return f
