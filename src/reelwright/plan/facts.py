"""Figures a script may state: only those the user gave (in the prompt or the files' text).

A producer may rephrase, but a number that appears nowhere in the inputs ("sales grew 40 %") is
invented. Both the language-model planner (which asks the model to fix it) and the evaluation
harness (which scores it) use this one check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from reelwright.storyboard import BulletSlide, Storyboard, TitleCard

_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "hundred": "100",
}
_ORDINAL_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def _normal(number: str) -> str:
    return number.replace(",", "")


def numbers_in(text: str) -> set[str]:
    """Every figure in the text, written as digits (number words up to twelve count too)."""
    text = _ORDINAL_RE.sub(r"\1", text)
    found = {_normal(n) for n in _NUMBER_RE.findall(text)}
    for word, digits in _WORDS.items():
        if re.search(rf"\b{word}\b", text, re.IGNORECASE):
            found.add(digits)
    return found


def storyboard_text(board: Storyboard) -> Iterable[str]:
    """What a viewer hears or reads as text: narration, headings, bullets."""
    yield board.title
    for scene in board.scenes:
        yield scene.narration
        visual = scene.visual
        if isinstance(visual, TitleCard):
            yield visual.heading
            yield visual.subheading or ""
        elif isinstance(visual, BulletSlide):
            yield visual.heading
            yield from visual.bullets


def invented_numbers(board: Storyboard, sources: Iterable[str]) -> list[str]:
    """Digits the storyboard states that none of the sources contains, in order of appearance."""
    allowed: set[str] = set()
    for text in sources:
        allowed |= numbers_in(text)
    # Counting what is on screen ("three points", "point 2 of 4") is structure, not a claim.
    allowed |= {str(n) for n in range(1, max(7, len(board.scenes) + 1))}
    invented: list[str] = []
    for text in storyboard_text(board):
        digits = {_normal(n) for n in _NUMBER_RE.findall(_ORDINAL_RE.sub(r"\1", text))}
        # Large number words are claims too ("forty percent"); small ones are mostly idiom ("one step").
        digits |= {d for d in numbers_in(text) if d.isdigit() and int(d) >= 20}
        for n in sorted(digits):
            if n not in allowed and n not in invented:
                invented.append(n)
    return invented
