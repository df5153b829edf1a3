"""The offline planner speaks a non-English prompt's language: no English filler for a German voice."""

from __future__ import annotations

import re

import pytest

from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.localized import read_local_prompt
from reelwright.plan.offline import OfflinePlanner

# Words of the English connective lines; none may reach a voice of another language.
ENGLISH = re.compile(r"\b(?:the|we'll|let's|thanks|watching|here's|welcome|today|look|points?)\b", re.I)

CASES = [
    (
        "Erstelle ein kurzes Video über unsere neue Kantine. Sie öffnet am Montag. Es gibt jeden Tag "
        "ein vegetarisches Gericht. Die Preise bleiben gleich. Verwende einen freundlichen Ton.",
        "de",
        "unsere neue Kantine",
        ["Sie öffnet am Montag.", "Die Preise bleiben gleich."],
    ),
    (
        "Crée une courte vidéo sur notre nouvelle cantine. Elle ouvre lundi. Il y a un plat végétarien "
        "chaque jour. Utilise un ton amical.",
        "fr",
        "notre nouvelle cantine",
        ["Elle ouvre lundi.", "Il y a un plat végétarien chaque jour."],
    ),
    (
        "Crea un vídeo corto sobre nuestro nuevo comedor. Abre el lunes. Hay un plato vegetariano cada día.",
        "es",
        "nuestro nuevo comedor",
        ["Abre el lunes."],
    ),
    (
        "Skapa en kort video om vår nya personalmatsal. Den öppnar på måndag. Det finns en vegetarisk "
        "rätt varje dag.",
        "sv",
        "vår nya personalmatsal",
        ["Den öppnar på måndag."],
    ),
]


@pytest.mark.parametrize(("prompt", "language", "topic", "said"), CASES)
def test_script_is_in_the_prompts_language(prompt: str, language: str, topic: str, said: list[str]) -> None:
    planner = OfflinePlanner()
    request = PlanRequest.of(prompt)
    first = planner.plan(request, Pacing())
    board = first.storyboard
    narration = " ".join(s.narration for s in board.scenes)
    assert board.language == language and board.voice.startswith(f"espeak-{language}")
    assert topic.lower() in narration.lower() and board.title.lower() == topic.lower()
    for sentence in said:
        assert sentence in narration
    assert not ENGLISH.search(narration), narration
    # Instructions about the video are not read out as content.
    assert "Verwende" not in narration and "Utilise" not in narration
    # The user is told why the video may be short, once, however often it was planned.
    again = planner.replan(request, first, Pacing(words_per_second=2.0))
    assert again.messages == first.messages
    assert len(first.messages) == 1 and "language model" in first.messages[0]


def test_english_prompts_keep_the_full_planner() -> None:
    planned = OfflinePlanner().plan(PlanRequest.of("Create a video about our new canteen."), Pacing())
    board = planned.storyboard
    assert board.language == "en" and "canteen" in board.scenes[0].narration
    # A bare topic makes a short video, with the reason (there is nothing more to say without a model).
    assert any("REELWRIGHT_LLM_BASE_URL" in m for m in planned.messages)


def test_a_prompt_without_an_about_phrase_keeps_its_first_sentence_as_topic() -> None:
    local = read_local_prompt("Unsere neue Kantine. Sie öffnet am Montag.", "de")
    assert local.topic == "Unsere neue Kantine" and local.statements == ["Sie öffnet am Montag."]
