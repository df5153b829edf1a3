"""A brand kit laid over a style: the kit's colours and font replace the style's, its logo goes
on every scene. The renderer only ever sees the resulting Style plus the logo picture."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from reelwright.styles.catalogue import RGB, Style, hex_rgb
from reelwright.styles.fonts import file_family

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Brand:
    """A resolved brand kit: files on disk and colours, ready to render with."""

    logo: Path | None = None
    primary: str | None = None  # "#rrggbb"
    secondary: str | None = None
    font: Path | None = None


def _luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _readable_on(rgb: RGB) -> RGB:
    """Near-black or white, whichever contrasts more with ``rgb``."""
    return (20, 20, 24) if _luminance(rgb) > 0.35 else (255, 255, 255)


def apply_brand(style: Style, brand: Brand | None) -> Style:
    if brand is None:
        return style
    changes: dict[str, object] = {}
    if brand.primary:
        primary = hex_rgb(brand.primary)
        changes["accent"] = primary
        changes["on_accent"] = _readable_on(primary)
    if brand.secondary:
        changes["accent_2"] = hex_rgb(brand.secondary)
    if brand.font is not None:
        family = file_family(brand.font)
        changes["heading_family"] = changes["body_family"] = family
        changes["heading_scale"] = 1.0  # the style's scale was tuned for its own face
    return dataclasses.replace(style, **changes)  # type: ignore[arg-type]
