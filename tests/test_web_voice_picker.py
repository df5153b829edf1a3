"""The create form's voice list: language names instead of tags, gender and quality on every voice."""

from __future__ import annotations

from typing import Any

from reelwright.voice.catalogue import VOICES, default_voice_for
from reelwright.web.voice_picker import matched_voices, voice_groups


def _catalogue() -> list[dict[str, Any]]:
    # The shape GET /v3/voices answers with (the fields the picker reads).
    return [
        {
            "voice_id": v.id,
            "name": v.name,
            "language": v.language,
            "gender": v.gender,
            "quality": v.quality,
            "engine": v.engine,
        }
        for v in VOICES.values()
    ]


def test_voices_are_grouped_by_language_name_with_gender_and_quality() -> None:
    groups = voice_groups(_catalogue())
    names = [g.name for g in groups]
    assert names == sorted(names, key=str.lower) and len(set(names)) == len(names)
    assert "English" in names and "German" in names and "en-US" not in names
    assert sum(len(g.voices) for g in groups) == len(VOICES)
    english = next(g for g in groups if g.name == "English")
    # Natural voices first; an eSpeak NG voice is named by its language once, not twice.
    assert english.voices[0].quality == "natural"
    labels = [v.label for v in english.voices]
    assert "English (America, New York City), female, robotic" in labels
    assert all(label.endswith((", natural", ", robotic")) and "eSpeak" not in label for label in labels)
    joe = next(v for v in english.voices if v.voice_id == "en_US-joe")
    assert joe.label == "Joe: English (America), male, natural" and joe.language == "English"


def test_each_presenter_has_a_matched_voice() -> None:
    looks: list[dict[str, Any]] = [
        {"id": "ava", "default_voice_id": "espeak-en-us-female"},
        {"id": "photo1", "default_voice_id": None},  # a photo presenter with no voice of its own
    ]
    assert matched_voices(looks) == {"ava": "espeak-en-us-female", "photo1": default_voice_for("en").id}
