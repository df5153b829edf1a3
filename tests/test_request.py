"""VideoRequest: the one typed request every entry point produces, validated once."""

from __future__ import annotations

import pytest

from reelwright.errors import InputError
from reelwright.request import MAX_DURATION, MAX_PROMPT_CHARS, VideoRequest


def test_fields_are_validated_once_with_the_field_named() -> None:
    assert VideoRequest.build(prompt="  Hello  ").prompt == "Hello"
    for fields, param, needle in (
        ({"prompt": "   "}, "prompt", "the prompt is empty"),
        ({"prompt": "x" * (MAX_PROMPT_CHARS + 1)}, "prompt", f"the limit is {MAX_PROMPT_CHARS}"),
        ({"prompt": "Hi", "duration": 4}, "duration", "greater than or equal to 5"),
        ({"prompt": "Hi", "duration": MAX_DURATION + 1}, "duration", "less than or equal to 3600"),
        ({"prompt": "Hi", "orientation": "diagonal"}, "orientation", "landscape"),
        ({"prompt": "Hi", "resolution": "8k"}, "resolution", "720p"),
        ({"prompt": "Hi", "aspect_ratio": "21:9"}, "aspect_ratio", "16:9"),
        ({"prompt": "Hi", "fps": 24}, "fps", "25, 30 or 60"),
        ({"prompt": "Hi", "speed": 2.0}, "speed", "less than or equal to 1.2"),
        ({"prompt": "Hi", "colour": "red"}, "colour", "Extra inputs are not permitted"),
    ):
        with pytest.raises(InputError) as caught:
            VideoRequest.build(**fields)
        assert caught.value.param == param and needle in str(caught.value), str(caught.value)


def test_frozen_and_revised_by_validating_again() -> None:
    request = VideoRequest.build(prompt="Hi", duration=30)
    with pytest.raises(ValueError, match="frozen"):
        request.duration = 40  # type: ignore[misc]
    assert request.revised(duration=40, speed=0.9).duration == 40
    with pytest.raises(InputError, match="duration"):
        request.revised(duration=1)


def test_stored_json_round_trips_without_the_prompt() -> None:
    request = VideoRequest.build(
        prompt="Hi", files=("inputs/s/0.pdf",), avatar="ava", mode="chat", drop_scenes=("s2",), speed=0.9
    )
    stored = request.stored()
    assert "prompt" not in stored and stored["mode"] == "chat" and stored["files"] == ["inputs/s/0.pdf"]
    assert VideoRequest.from_stored("Hi", stored) == request


def test_rows_written_before_the_model_still_load() -> None:
    # What sessions stored as their options before VideoRequest existed (v3, v1 and chat revisions).
    legacy = {
        "avatar_id": "ava",
        "voice_id": "en_US-joe",
        "style_id": "midnight",
        "orientation": "portrait",
        "duration_sec": 30,
        "incognito_mode": None,
        "mode": "chat",
        "brand_kit_id": None,
        "file_keys": ["inputs/s/0.png"],
        "no_avatar": False,
        "tone": "calm",
        "voice_speed": 0.9,
        "drop_scenes": ["s3"],
    }
    request = VideoRequest.from_stored("Make a video", legacy)
    assert (request.avatar, request.voice, request.style, request.duration) == (
        "ava",
        "en_US-joe",
        "midnight",
        30,
    )
    assert request.files == ("inputs/s/0.png",) and request.speed == 0.9 and request.chat
    assert request.drop_scenes == ("s3",) and request.tone == "calm"
    assert VideoRequest.from_stored("Old v1", {"api": "v1", "avatar_id": None}).api == "v1"


def test_output_options_size_the_frame_and_agree_with_the_orientation() -> None:
    request = VideoRequest.build(prompt="Hi", resolution="4K", aspect_ratio="4:5", fps=60)
    assert request.resolution == "4k" and request.orientation == "portrait"  # from the aspect ratio
    assert VideoRequest.from_stored("Hi", request.stored()) == request
    with pytest.raises(InputError, match="aspect_ratio: 9:16 is portrait, not landscape"):
        VideoRequest.build(prompt="Hi", orientation="landscape", aspect_ratio="9:16")
    # In chat the latest choice wins over an earlier one of the other shape.
    assert request.revised(orientation="landscape").aspect_ratio is None
    assert request.revised(aspect_ratio="1:1").orientation == "square"
