"""A duration is the video's length only when it describes the video, never when it is a fact to say."""

from __future__ import annotations

import re

import pytest

from reelwright.plan.base import DEFAULT_DURATION, Pacing, PlanRequest
from reelwright.plan.chat_rules import read_message
from reelwright.plan.duration import durations, target_length
from reelwright.plan.offline import OfflinePlanner
from reelwright.plan.prompt import read_prompt

PACING = Pacing(words_per_second=3.0, scene_overhead=0.75)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Create a 30-second video about our bike share.", 30),
        ("A video about our spring sale. Make it 2 minutes long.", 120),
        ("A video about our spring sale, about 90 s.", 90),
        ("Keep it under a minute.", 60),
        ("45s explainer on our new app", 45),
        ("Explain our refund policy in 60 seconds.", 60),
        ("A 90-second look at our roadmap.", 90),
        ("Create a video for new riders of our bike share. Keep it under 45 seconds.", 45),
        ("Our bikes are free for the first 30 minutes. Make a 45-second video about it.", 45),
        ("Erstelle ein 40-Sekunden-Video über unser Café.", 40),
        ("Erstelle ein einminütiges Video über Fahrräder.", 60),
        ("Ein Video über unser Café. Das Video soll etwa 40 Sekunden lang sein.", 40),
        ("Ein Video für neue Mitarbeiter, maximal 60 Sekunden.", 60),
        ("Créez une vidéo d'une minute sur notre boulangerie.", 60),
        ("Une vidéo sur notre boulangerie. La vidéo doit durer 30 secondes.", 30),
        ("Crea un vídeo de 30 segundos sobre nuestra cafetería.", 30),
        ("Crea un vídeo sobre nuestra nueva aplicación de pagos de 30 segundos.", 30),
        ("Crea un video di 30 secondi sul nostro bar.", 30),
        ("Faça um vídeo de 45 segundos sobre a nossa loja.", 45),
        ("Maak een video van 40 seconden over onze winkel.", 40),
        ("Een filmpje over onze winkel. Houd het onder een minuut.", 60),
        ("A video about our app. Only 30 seconds, please.", 30),
        ("Ein Video über unser Café. Nur 30 Sekunden, bitte.", 30),
    ],
)
def test_a_length_that_describes_the_video_is_the_target(text: str, seconds: float) -> None:
    assert target_length(text) == seconds
    assert read_prompt(text).duration == seconds


@pytest.mark.parametrize(
    "text",
    [
        "Create a video about our bike share. The first thirty minutes of every ride are free.",
        "A video for riders. Rides longer than 45 minutes cost extra.",
        "A video about our flat. It is a 10-minute walk from the station.",
        "Create a video explaining that rides longer than 45 minutes cost extra.",
        "A video about the airport line. Trains leave every 15 minutes.",
        "Returns are accepted within 30 days.",
        "Boarding takes up to 10 minutes.",
        "Ein Video über die Linie 7. Die Fahrt dauert nur 20 Minuten.",
        "A video about our 1990s music night.",
        "Tens of thousands of riders use it. I am happy.",
        "Ein Video über unser Bike-Sharing. Die ersten 30 Minuten sind kostenlos. Fahrten über 45 Minuten "
        "kosten extra. Der Bahnhof ist 10 Minuten zu Fuß entfernt.",
        "Une vidéo sur nos vélos. Les 30 premières minutes sont gratuites. La gare est à 10 minutes à pied.",
        "Un vídeo sobre nuestras bicis. Los primeros 30 minutos son gratis. Hay un tren cada 15 minutos.",
        "Un video sulle nostre bici. I primi 30 minuti sono gratuiti. Il treno passa ogni 15 minuti.",
        "Um vídeo sobre as nossas bicicletas. Os primeiros 30 minutos são grátis. "
        "Há comboios a cada 15 minutos.",
        "Een video over onze fietsen. De eerste 30 minuten zijn gratis. Elke 15 minuten een trein.",
    ],
)
def test_a_duration_inside_a_fact_is_not_a_target(text: str) -> None:
    assert target_length(text) is None
    assert any(d.verdict == "fact" for d in durations(text)) or not durations(text)


def test_the_first_length_that_describes_the_video_wins_over_facts_around_it() -> None:
    text = (
        "The first 30 minutes of every ride are free. Rides longer than 45 minutes cost extra. "
        "Make a 40-second video about it."
    )
    assert [d.verdict for d in durations(text)] == ["fact", "fact", "target"]
    assert target_length(text) == 40


BIKE_SHARE = (
    "Create a video explaining how the Riverside bike share works for new riders. "
    "Unlock a bike with the app or your transit card. The first thirty minutes of every ride are free. "
    "Rides longer than 45 minutes cost one euro for every extra half hour. "
    "Return the bike to any dock; most homes are a 10-minute walk from a station."
)
BIKE_FACTS = [
    "The first thirty minutes of every ride are free.",
    "Rides longer than 45 minutes cost one euro for every extra half hour.",
    "most homes are a 10-minute walk from a station.",
]


def _said(board_text: str, fact: str) -> bool:
    return re.sub(r"\s+", " ", fact) in re.sub(r"\s+", " ", board_text)


def test_the_bike_share_brief_gets_a_normal_length_and_says_its_durations_in_full() -> None:
    board = OfflinePlanner().plan(PlanRequest.of(BIKE_SHARE), PACING).storyboard
    # Read as "a 30-minute video" before: target 1800 s.
    assert board.target_duration == DEFAULT_DURATION
    spoken = " ".join(s.narration for s in board.scenes)
    for fact in BIKE_FACTS:
        assert _said(spoken, fact), fact
    assert board.narration_words() / PACING.words_per_second < 2 * DEFAULT_DURATION


def test_the_bike_share_brief_with_a_length_keeps_that_length() -> None:
    board = OfflinePlanner().plan(PlanRequest.of(BIKE_SHARE + " Keep it to 40 seconds."), PACING).storyboard
    assert board.target_duration == 40
    spoken = " ".join(s.narration for s in board.scenes)
    assert all(_said(spoken, fact) for fact in BIKE_FACTS)


def test_a_german_bike_share_brief_keeps_the_default_length_and_its_facts() -> None:
    brief = (
        "Erstelle ein Video über das Leihrad-System von Flussstadt für neue Fahrgäste. "
        "Die ersten 30 Minuten jeder Fahrt sind kostenlos. "
        "Fahrten über 45 Minuten kosten einen Euro pro weitere halbe Stunde. "
        "Die meisten Wohnungen liegen 10 Minuten zu Fuß von einer Station entfernt."
    )
    board = OfflinePlanner().plan(PlanRequest.of(brief), PACING).storyboard
    assert board.language == "de"
    assert board.target_duration == DEFAULT_DURATION
    spoken = " ".join(s.narration for s in board.scenes)
    assert "30 Minuten jeder Fahrt sind kostenlos" in spoken
    assert "45 Minuten kosten einen Euro" in spoken
    assert "10 Minuten zu Fuß" in spoken


def test_a_chat_message_quoting_a_fact_does_not_change_the_length() -> None:
    revision = read_message("Also say that trains leave every 15 minutes.", 45.0)
    assert "duration" not in revision.changes
    assert read_message("Make it 40 seconds.", 45.0).changes["duration"] == 40
    # "20 seconds shorter" is a change by that much, not a 20-second video.
    assert read_message("Make it 20 seconds shorter.", 45.0).changes.get("duration") != 20
