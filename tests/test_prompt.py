"""Reading prompts: duration, orientation, tone, topic and points."""

from __future__ import annotations

import pytest

from reelwright.plan.prompt import parse_duration, parse_orientation, read_prompt


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Create a 45-second explainer", 45),
        ("a two minute overview", 120),
        ("make it 30 seconds long", 30),
        ("a 1.5 minute video", 90),
        ("keep it to half a minute", 30),
        ("a ninety second promo", 90),
        ("a short welcome video", None),
        ("launched 3 years ago", None),
    ],
)
def test_duration(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "orientation"),
    [
        ("A TikTok about our app", "portrait"),
        ("Instagram Reels teaser", "portrait"),
        ("YouTube Shorts clip", "portrait"),
        ("a vertical promo", "portrait"),
        ("a widescreen explainer", "landscape"),
        ("an explainer", None),
    ],
)
def test_orientation(text: str, orientation: str | None) -> None:
    assert parse_orientation(text) == orientation


def test_reads_a_full_prompt() -> None:
    brief = read_prompt(
        "Make a two minute TikTok video introducing our new mobile app. "
        "Highlight offline mode, dark theme and faster sync. Use a calm tone."
    )
    assert brief.duration == 120
    assert brief.orientation == "portrait"
    assert brief.tone == "calm"
    assert brief.topic == "our new mobile app"
    assert brief.title == "New Mobile App"
    assert brief.points == ["offline mode", "dark theme", "faster sync"]


def test_topic_keeps_acronyms() -> None:
    brief = read_prompt(
        "Create a 45-second explainer about our Q3 product launch. Use a friendly, upbeat tone."
    )
    assert brief.title == "Q3 Product Launch"
    assert brief.tone == "friendly"
    assert brief.tone_words == ["friendly", "upbeat"]


@pytest.mark.parametrize(
    ("prompt", "topic", "title"),
    [
        (
            "Create a short welcome video for new employees of Northwind. Friendly tone.",
            "getting started at Northwind",
            "Welcome to Northwind",
        ),
        ("Create a short welcome video for new employees", "getting started", "Welcome"),
        (
            "A training video for new managers at Acme Corp",
            "this training",
            "Training for New Managers at Acme Corp",
        ),
        ("A video for customers about our new pricing", "our new pricing", "New Pricing"),
        (
            "A 10-second hello from our new team lead",
            "hello from our new team lead",
            "Hello From Our New Team Lead",
        ),
        ("A two minute tour of the new office", "tour of the new office", "Tour of the New Office"),
        (
            "Create a 45-second explainer about our Q3 product launch.",
            "our Q3 product launch",
            "Q3 Product Launch",
        ),
    ],
)
def test_who_the_video_is_for_is_not_its_subject(prompt: str, topic: str, title: str) -> None:
    brief = read_prompt(prompt)
    assert (brief.topic, brief.title) == (topic, title)
