"""The offline planner: structure, length, orientation, use of the user's files, honesty."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reelwright.eval.bench import CASES
from reelwright.ingest.files import inspect_files
from reelwright.pipeline.script import hold_visuals, length_notes
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.offline import OfflinePlanner, page_sentences
from reelwright.render.timeline import MAX_BREAK_STRETCH
from reelwright.storyboard import (
    BulletSlide,
    ImageScene,
    PdfPage,
    SceneAudio,
    Storyboard,
    TitleCard,
    VideoClip,
    WordTiming,
)
from tests.media import make_jpeg, make_pdf, make_video, make_wav

PACING = Pacing(words_per_second=3.0, scene_overhead=0.75)

DECK = [
    (
        "Q3 Highlights",
        ["Revenue grew 14 percent over the second quarter", "Two new regions opened in Europe"],
    ),
    (
        "The Launch Plan",
        ["Beta opens to 500 customers in October", "General availability follows in November"],
    ),
    ("Team Changes", ["The support team doubled in size", "A new office opened in Lisbon"]),
]


def _plan(prompt: str, **kw: Any) -> Storyboard:
    return OfflinePlanner().plan(PlanRequest.of(prompt, **kw), PACING).storyboard


def _spoken_estimate(board: Storyboard) -> float:
    return board.narration_words() / PACING.words_per_second + PACING.scene_overhead * len(board.scenes)


def test_a_bare_prompt_says_its_subject_and_explains_the_short_video() -> None:
    # The old planner filled 45 s with lines like "So grab a coffee"; now it says what it was told
    # and says why the video is short (add material or configure a model).
    planned = OfflinePlanner().plan(
        PlanRequest.of(
            "Create a 45-second explainer about our Q3 product launch. Use a friendly, upbeat tone."
        ),
        PACING,
    )
    board = planned.storyboard
    assert board.title == "Q3 Product Launch"
    assert board.target_duration == 45
    assert board.orientation == "landscape"
    assert isinstance(board.scenes[0].visual, TitleCard)
    assert "Q3 product launch" in board.scenes[0].narration
    assert board.avatar is not None
    narration = " ".join(s.narration for s in board.scenes)
    assert "coffee" not in narration and "Take a moment" not in narration
    assert _spoken_estimate(board) < 45 * 0.9
    (message,) = planned.messages
    assert "REELWRIGHT_LLM_BASE_URL" in message and "45 s asked for" in message


def test_default_length_is_about_fifty_seconds() -> None:
    board = _plan("A welcome video for new employees")
    assert board.target_duration == 50


@pytest.mark.parametrize(
    ("prompt", "orientation"),
    [
        ("A TikTok about our bakery's new sourdough", "portrait"),
        ("An explainer about our bakery", "landscape"),
    ],
)
def test_orientation_from_prompt(prompt: str, orientation: str) -> None:
    assert _plan(prompt).orientation == orientation


def test_explicit_options_win() -> None:
    board = _plan("A TikTok about our bakery", orientation="landscape", duration=20.0, no_avatar=True)
    assert board.orientation == "landscape"
    assert board.target_duration == 20
    assert board.avatar is None
    assert all(s.presenter == "none" for s in board.scenes)


def test_tone_changes_the_words() -> None:
    formal = _plan("A formal overview of the travel policy")
    upbeat = _plan("An upbeat overview of the travel policy")
    assert formal.scenes[0].narration != upbeat.scenes[0].narration
    assert formal.tone == "formal" and upbeat.tone == "upbeat"


def test_points_become_a_bullet_slide() -> None:
    board = _plan("A video about our app. Highlight offline mode, dark theme and faster sync.")
    slides = [s for s in board.scenes if isinstance(s.visual, BulletSlide)]
    assert slides and slides[0].visual.bullets == ["Offline mode", "Dark theme", "Faster sync"]  # type: ignore[union-attr]
    assert "offline mode" in slides[0].narration


def test_files_become_scenes(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "deck.pdf", DECK)
    photo = make_jpeg(tmp_path / "team.jpg", 800, 600)
    clip = make_video(tmp_path / "demo.mp4", 2.0, 320, 240)
    music = make_wav(tmp_path / "music.wav", 3.0)
    files = inspect_files([pdf, photo, clip, music])
    board = _plan("A 60-second update about Q3", files=files)
    kinds = [type(s.visual) for s in board.scenes]
    assert kinds.count(PdfPage) == 3
    assert ImageScene in kinds and VideoClip in kinds
    assert board.music is not None and board.music.source == str(music)
    # Each page is narrated from its own text.
    pages = [s for s in board.scenes if isinstance(s.visual, PdfPage)]
    assert "Q3 Highlights" in pages[0].narration and "14 percent" in pages[0].narration
    assert "Lisbon" in pages[2].narration or "support team" in pages[2].narration


def test_never_invents_numbers(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "deck.pdf", DECK)
    files = inspect_files([pdf])
    prompt = "A 40-second briefing about our Q3 results for investors, professional tone."
    board = _plan(prompt, files=files)
    source = prompt + " ".join(" ".join([h, *b]) for h, b in DECK)
    allowed = set(re.findall(r"\d+", source))
    for scene in board.scenes:
        for number in re.findall(r"\d+", scene.narration):
            assert number in allowed, f"{number!r} in {scene.narration!r} is not in the inputs"


def test_length_scales_with_duration(tmp_path: Path) -> None:
    pages = [
        (
            f"Section {i}",
            [
                f"Point {i} is explained in this sentence with several more words",
                f"A second line of supporting detail for part {i} follows here for the reader",
                f"And a third line closes part {i} of the handbook with a summary of it",
            ],
        )
        for i in range(1, 9)
    ]
    files = inspect_files([make_pdf(tmp_path / "long.pdf", pages)])
    for target in (20.0, 45.0, 90.0):
        board = _plan("An overview of the handbook", files=files, duration=target)
        assert abs(_spoken_estimate(board) - target) / target < 0.12, target


def test_short_target_keeps_few_scenes(tmp_path: Path) -> None:
    pages = [(f"Page {i}", ["Some words on this page to read aloud"]) for i in range(1, 31)]
    files = inspect_files([make_pdf(tmp_path / "big.pdf", pages)])
    board = _plan("Summarise the deck", files=files, duration=15.0)
    assert len(board.scenes) <= 4


def test_page_sentences_drop_noise() -> None:
    heading, sentences = page_sentences(
        "Roadmap\nShip the beta to early customers\n12\nhttps://example.com/x\n"
    )
    assert heading == "Roadmap"
    assert sentences == ["Ship the beta to early customers."]


def test_cover_colon_lists_points_and_one_item_is_not_a_list() -> None:
    board = _plan("A training video on passwords. Cover: use a password manager, turn on two-factor.")
    slide = next(s.visual for s in board.scenes if s.id == "points")
    assert isinstance(slide, BulletSlide)
    assert [b.lower() for b in slide.bullets] == ["use a password manager", "turn on two-factor"]
    assert all(s.id != "points" for s in _plan("Explain our roadmap").scenes)


def test_each_listed_point_gets_its_own_scene_and_heading_in_order() -> None:
    prompt = (
        "Create a two-minute training video about password hygiene. "
        "Cover: use a password manager, turn on two-factor, never reuse passwords."
    )
    board = _plan(prompt)
    ids = [s.id for s in board.scenes]
    assert ids[:5] == ["intro", "points", "point1", "point2", "point3"]
    headings = [s.visual.heading for s in board.scenes if s.id.startswith("point") and s.id != "points"]  # type: ignore[union-attr]
    assert headings == ["Use a password manager", "Turn on two-factor", "Never reuse passwords"]
    assert "never reuse passwords" in board.scenes[ids.index("point3")].narration
    # Nothing said twice, nothing said only to fill time.
    sentences = [x for s in board.scenes for x in re.split(r"(?<=[.!?])\s+", s.narration)]
    assert len(sentences) == len(set(sentences))
    assert not any("worth pausing" in x or "Take a moment" in x for x in sentences)


def test_a_bare_topic_is_not_padded_with_questions_to_the_viewer() -> None:
    board = _plan("A 2 minute video about our bakery")
    narration = " ".join(s.narration for s in board.scenes)
    assert "bakery" in narration
    assert "Ask yourself" not in narration and "Think about" not in narration
    assert _spoken_estimate(board) < 30


def test_brief_statements_and_steps_are_all_spoken() -> None:
    board = _plan(
        "A 20-second upbeat TikTok for our spring sale at Hollow Oak Books. Everything is 30 percent off. "
        "The sale ends on April 30. Use code SPRING30 at hollowoakbooks.example."
    )
    narration = " ".join(s.narration for s in board.scenes)
    for fact in ("Hollow Oak Books", "30 percent off", "April 30", "SPRING30", "hollowoakbooks.example"):
        assert fact in narration
    assert board.title == "Spring Sale" and board.orientation == "portrait"
    assert (
        board.scenes[-1].narration == "Use code SPRING30 at hollowoakbooks.example."
    )  # the call to action last
    steps = _plan(
        "A 40 second onboarding video for new employees at Brightline Logistics. "
        "Step 1: collect your badge from reception. Step 2: set up your laptop with the IT desk."
    )
    assert steps.title == "Welcome to Brightline Logistics"
    headings = [s.visual.heading for s in steps.scenes if s.id.startswith("point") and s.id != "points"]  # type: ignore[union-attr]
    assert headings == ["Step 1", "Step 2"]


def test_a_general_audience_is_an_audience_not_the_topic() -> None:
    board = _plan(
        "Make a 45-second explainer for a general audience about how vaccines train the immune system. "
        "Cover antigens, antibodies and memory cells."
    )
    assert board.title == "How Vaccines Train the Immune System"
    assert "general audience" not in board.scenes[0].narration
    assert [s.visual.heading for s in board.scenes if s.id.startswith("point") and s.id != "points"] == [  # type: ignore[union-attr]
        "Antigens",
        "Antibodies",
        "Memory cells",
    ]


def test_length_notes_say_when_material_runs_out() -> None:
    board = _plan("A 2 minute video about our bakery")
    assert length_notes(board, 118.0) == []
    (note,) = length_notes(board, 60.0)
    assert "60 s of the 120 s" in note


def test_a_short_video_is_explained_once_not_by_the_planner_and_the_pipeline() -> None:
    request = PlanRequest.of("A 45 second video about our bakery. We bake rye bread every morning.")
    planned = OfflinePlanner().plan(request, Pacing())
    (said,) = [m for m in planned.messages if "shorter" in m]
    assert "45 s asked for" in said and "REELWRIGHT_LLM_BASE_URL" in said
    # The finished video is shorter, as the planner said: the pipeline adds no second note.
    assert length_notes(planned.storyboard, 15.0, planned.messages) == []
    # Without the planner's note (a model's short script), the pipeline says it.
    assert length_notes(planned.storyboard, 15.0, ()) != []
    # Too long is never explained by the planner's note.
    assert length_notes(planned.storyboard, 80.0, planned.messages) != []


def test_a_german_brief_that_fills_its_length_carries_no_shorter_note() -> None:
    rich = next(c for c in CASES if c.name == "de-rich")
    planned = OfflinePlanner().plan(PlanRequest.of(rich.prompt), Pacing())
    assert not any("shorter" in m for m in planned.messages), planned.messages
    thin = next(c for c in CASES if c.name == "de-brief")
    assert any("shorter" in m for m in OfflinePlanner().plan(PlanRequest.of(thin.prompt), Pacing()).messages)


def _board(*visuals: TitleCard | BulletSlide | PdfPage) -> Storyboard:
    scenes = [
        {"id": f"s{i}", "narration": "Hello there.", "visual": v.model_dump()} for i, v in enumerate(visuals)
    ]
    return Storyboard.model_validate({"title": "T", "target_duration": 45.0, "scenes": scenes})


def test_terse_bullets_are_said_together() -> None:
    heading, sentences = page_sentences("Q3 product launch\nFaster setup\nNew pricing")
    assert heading == "Q3 product launch" and sentences == ["It covers faster setup and new pricing."]
    assert page_sentences("Q3 launch\nFaster setup\nNew pricing", english=False)[1] == []


def test_a_short_script_holds_its_slides_rather_than_ending_early() -> None:
    def said(sentences: int) -> SceneAudio:
        # Sentences of three words with 0.31 s breaks, as narrate() leaves them.
        words = [
            WordTiming(
                word="w", start=round(0.13 + k * 1.27 + j * 0.32, 3), end=round(0.43 + k * 1.27 + j * 0.32, 3)
            )
            for k in range(sentences)
            for j in range(3)
        ]
        return SceneAudio(path="unused.wav", duration=words[-1].end + 0.23, words=words)

    title = TitleCard(heading="Hi")
    slide = BulletSlide(heading="Points", bullets=["One", "Two"])
    board = _board(title, slide, title)
    audios = [said(1), said(3), said(2)]
    board = board.model_copy(
        update={
            "scenes": [s.model_copy(update={"audio": a}) for s, a in zip(board.scenes, audios, strict=True)]
        }
    )
    # Within the tolerance: nothing changes.
    assert hold_visuals(board, 1.0) == board
    # Short by 1 s: the slide takes it, in its two sentence breaks.
    held = hold_visuals(board, 1.0 + 0.1 * 45)
    pauses = [s.pause_after for s in held.scenes]
    assert pauses[1] > 0 and pauses[0] == 0
    # Far too short: each scene is held only as long as its sentence breaks can take without a
    # second of silence (a title with one sentence not at all); the rest is left short.
    pauses = [s.pause_after for s in hold_visuals(board, 60.0).scenes]
    assert pauses == [0.0, pytest.approx(2 * MAX_BREAK_STRETCH), pytest.approx(MAX_BREAK_STRETCH)]


def test_a_scanned_pdf_is_shown_not_read_and_the_user_is_told(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    for i in range(30):
        draw.text((100, 100 + i * 50), f"Scanned line of text number {i} on this page", fill="black")
    scan = tmp_path / "scan.pdf"
    page.save(scan, "PDF", resolution=150, save_all=True, append_images=[page.copy()])
    files = inspect_files([scan])
    result = OfflinePlanner().plan(
        PlanRequest.of("Summarise the attached scan in 20 seconds.", files=files), PACING
    )
    shown = [s for s in result.storyboard.scenes if isinstance(s.visual, PdfPage)]
    assert [s.visual.page for s in shown if isinstance(s.visual, PdfPage)] == [1, 2]
    assert not any("Scanned line" in s.narration for s in result.storyboard.scenes)
    assert any("no text layer" in m and "OCR" in m for m in result.messages), result.messages
