"""Contrast by computation: every text and background colour pair of the web app's stylesheet, in
the light and the dark theme, reaches WCAG 2.x AA for normal text (4.5:1).

The pairs come from two places: every rule that sets both a text colour and a solid background
(badges, alerts, buttons, preview swatches), and the pairs made by inheritance, which no single
rule shows (muted text on a card's surface), listed in ``INHERITED``. Left out: the duration
label's translucent black over a thumbnail (it depends on the picture) and disabled controls
(WCAG exempts them).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "src/reelwright/web/static/app.css").read_text()
AA = 4.5

# Text colour on background colour, where the text inherits one and the box paints the other.
INHERITED = [
    ("--text", "--bg"),  # the page
    ("--text", "--surface"),  # cards, panels, fields, buttons
    ("--muted", "--bg"),  # hints and meta lines on the page
    ("--muted", "--surface"),  # hints in cards and panels, placeholders of tiles
    ("--link", "--bg"),
    ("--link", "--surface"),
    ("--text", "--accent-soft"),  # the current nav item, a chosen tile, the user's messages
    ("--muted", "--accent-soft"),  # the time under the user's messages, a chosen tile's details
    ("--link", "--accent-soft"),
    ("--danger", "--surface"),  # danger buttons, an over-long text's counter
    ("--danger", "--bg"),
    ("--accent-text", "--accent"),  # primary buttons
    ("--muted", "--line"),  # "Drawing preview…" over the brightest band of its moving gradient
    ("#c9d1d9", "#1c2128"),  # a library card's status where its thumbnail will be (.thumb-empty)
]


def _properties(block: str) -> dict[str, str]:
    return {name: value.strip() for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block)}


def _themes() -> dict[str, dict[str, str]]:
    light = _properties(re.search(r"^:root\s*\{(.*?)\}", CSS, re.S | re.M).group(1))  # type: ignore[union-attr]
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", CSS, re.S)
    assert dark_block, "no dark theme found"
    return {"light": light, "dark": {**light, **_properties(dark_block.group(1))}}


def _hex(value: str) -> tuple[float, float, float] | None:
    match = re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    a, b = _luminance(_hex(fg)), _luminance(_hex(bg))  # type: ignore[arg-type]
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _resolve(value: str, theme: dict[str, str]) -> str | None:
    """A solid colour (hex or a custom property holding one); None for gradients, rgb() overlays..."""
    value = value.strip()
    var = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if var:
        value = theme[var.group(1)]
    return value if _hex(value) else None


def _rule_pairs() -> list[tuple[str, str, str]]:
    """(selector, colour, background) of every rule that sets both."""
    pairs = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        decls = dict(re.findall(r"(?:^|;)\s*([\w-]+)\s*:\s*([^;]+)", body))
        color, background = decls.get("color"), decls.get("background") or decls.get("background-color")
        if color and background:
            pairs.append((" ".join(selector.split()), color, background))
    return pairs


def _pairs(theme: dict[str, str]) -> list[tuple[str, str, str]]:
    found = [(f"{fg} on {bg}", theme.get(fg, fg), theme.get(bg, bg)) for fg, bg in INHERITED]
    for selector, color, background in _rule_pairs():
        fg, bg = _resolve(color, theme), _resolve(background, theme)
        if fg and bg:
            found.append((selector, fg, bg))
    return found


def test_the_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_and_background_pair_reaches_aa(theme: str) -> None:
    pairs = _pairs(_themes()[theme])
    assert len(pairs) > 25  # the rules were found, not silently skipped
    low = [
        f"{what}: {fg} on {bg} = {contrast(fg, bg):.2f}" for what, fg, bg in pairs if contrast(fg, bg) < AA
    ]
    assert low == [], "\n".join(low)
