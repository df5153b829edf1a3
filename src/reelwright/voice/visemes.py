"""Mouth shapes (visemes) and the mapping from espeak-ng IPA phonemes to them.

Piper and espeak-ng both phonemize to IPA, so one table serves every voice. The set is the
classic ten-shape cartoon set (Preston Blair), which is what an illustrated face can show.
"""

from __future__ import annotations

from typing import Final

# rest: lips together, relaxed        mbp: lips pressed (m, b, p)
# fv: lower lip under teeth           th: tongue tip between teeth (also l, d, t, n)
# ee: wide, teeth showing (i, e)      ah: open (a, ɑ, ʌ)
# oh: round open (o, ɔ)               oo: small round (u, w)
# ch: teeth together, lips forward    er: half open (ɚ, ə, r)
VISEMES: Final = ("rest", "mbp", "fv", "th", "ee", "ah", "oh", "oo", "ch", "er")

_PHONEME_TO_VISEME: Final[dict[str, str]] = {
    # bilabials
    "m": "mbp",
    "b": "mbp",
    "p": "mbp",
    # labiodentals
    "f": "fv",
    "v": "fv",
    # dentals, alveolars
    "θ": "th",
    "ð": "th",
    "t": "th",
    "d": "th",
    "n": "th",
    "l": "th",
    "ɾ": "th",
    "s": "ch",
    "z": "ch",
    "ɬ": "th",
    "ɫ": "th",
    # postalveolars, affricates
    "ʃ": "ch",
    "ʒ": "ch",
    "tʃ": "ch",
    "dʒ": "ch",
    "ç": "ch",
    "x": "ah",
    "j": "ee",
    # velars and glottals barely show on the lips
    "k": "er",
    "ɡ": "er",
    "g": "er",
    "ŋ": "er",
    "h": "er",
    "ʔ": "rest",
    # rhotics
    "ɹ": "er",
    "r": "er",
    "ʁ": "er",
    "ɚ": "er",
    "ɝ": "er",
    "ɐ": "ah",
    # vowels
    "i": "ee",
    "ɪ": "ee",
    "e": "ee",
    "ɛ": "ee",
    "æ": "ah",
    "y": "oo",
    "ʏ": "oo",
    "ø": "oh",
    "œ": "oh",
    "a": "ah",
    "ɑ": "ah",
    "ʌ": "ah",
    "ə": "er",
    "ɜ": "er",
    "ɒ": "oh",
    "ɔ": "oh",
    "o": "oh",
    "ʊ": "oo",
    "u": "oo",
    "ɯ": "oo",
    "ɨ": "ee",
    "w": "oo",
    "ʋ": "fv",
}

# Marks that modify the previous phoneme or structure the string; they have no shape.
_SILENT_MARKS: Final = frozenset("ˈˌːˑ̩̯̃ʲʰ-")
_PAUSE_MARKS: Final = frozenset(".,;:!?—…")


def viseme_for(phoneme: str) -> str | None:
    """The mouth shape for one phoneme, or ``None`` for stress marks and the like."""
    if phoneme in _SILENT_MARKS or phoneme == " ":
        return None
    if phoneme in _PAUSE_MARKS:
        return "rest"
    return _PHONEME_TO_VISEME.get(phoneme, _PHONEME_TO_VISEME.get(phoneme[:1], "er"))


def phonemes_to_visemes(phonemes: list[str]) -> list[str]:
    """Map a word's phonemes to mouth shapes, merging repeats (``mm`` is one closed mouth)."""
    shapes: list[str] = []
    for ph in phonemes:
        shape = viseme_for(ph)
        if shape is not None and (not shapes or shapes[-1] != shape):
            shapes.append(shape)
    return shapes
