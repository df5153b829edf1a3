"""The create form's voice picker: voices grouped by language name (not raw tags), each labelled
with gender and quality, and the voice each presenter is matched with, so the page can play it
and say before rendering when a presenter would speak with a robotic voice."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from reelwright.plan.language import language_name
from reelwright.voice.catalogue import VOICES, default_voice_for

_ESPEAK_SUFFIX = " (eSpeak NG)"


@dataclass(frozen=True)
class VoiceChoice:
    voice_id: str
    label: str  # "Joe: English (America), male, natural"
    language: str  # the language's name, which the filter uses: "English"
    gender: str
    quality: str
    preview: str | None


@dataclass(frozen=True)
class LanguageGroup:
    name: str  # "English"
    voices: list[VoiceChoice]


def _plain(name: str) -> str:
    """An eSpeak NG voice's name without the engine and gender: "English (America, New York City)"."""
    return name.removesuffix(_ESPEAK_SUFFIX).removesuffix(", female").removesuffix(", male")


def _variant(tag: str) -> str:
    """The readable name of a full tag, from the eSpeak NG voice for it: "English (America)"."""
    for v in VOICES.values():
        if v.engine == "espeak" and v.language == tag:
            return _plain(v.name)
    return language_name(tag)


def _label(v: dict[str, Any]) -> str:
    name = _plain(str(v["name"]))
    # eSpeak NG voices are named after their language; others get it added: "Joe: English (America)".
    who = name if v.get("engine") == "espeak" else f"{name}: {_variant(v['language'])}"
    return f"{who}, {v['gender']}, {v['quality']}"


def voice_groups(voices: list[dict[str, Any]]) -> list[LanguageGroup]:
    """The voices API's list by language name (A to Z), natural voices first within a language."""
    choices = [
        VoiceChoice(
            voice_id=v["voice_id"],
            label=_label(v),
            language=language_name(v["language"].replace("_", "-").split("-")[0]),
            gender=v["gender"],
            quality=v["quality"],
            preview=v.get("preview_audio_url"),
        )
        for v in voices
    ]
    choices.sort(key=lambda c: (c.language.lower(), c.quality != "natural", c.label.lower()))
    return [LanguageGroup(name, list(group)) for name, group in groupby(choices, key=lambda c: c.language)]


def matched_voices(avatars: list[dict[str, Any]]) -> dict[str, str]:
    """Each presenter's voice when the voice is left "matched to the presenter" (for an English
    prompt: another language gets a voice of the presenter's gender that speaks it)."""
    fallback = default_voice_for("en").id  # what a presenter with no voice of its own gets
    return {a["id"]: a.get("default_voice_id") or fallback for a in avatars}
