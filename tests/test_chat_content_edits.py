"""Chat revisions that change what the video says, with the offline rules: add a line, say more,
drop a topic, start with a scene. Each is read, resolved against a real draft, folded into the
request and planned again, as a chat turn does."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelwright.chat.conversation import apply_revision
from reelwright.ingest.files import inspect_files
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.chat_rules import HELP, read_message
from reelwright.plan.offline import OfflinePlanner
from reelwright.request import VideoRequest
from reelwright.storyboard import Storyboard
from tests.media import make_pdf

PACING = Pacing()
BRIEF = (
    "A 40-second video about Nimbus Notes 2.0 for our customers. "
    "Cover the new editor, the pricing plans and a live demo of sharing."
)


def _plan(request: PlanRequest) -> Storyboard:
    return OfflinePlanner().plan(request, PACING).storyboard


def _turn(
    request: PlanRequest, draft: Storyboard, message: str
) -> tuple[Storyboard, VideoRequest, list[str]]:
    """One chat turn: read the message against the draft, revise the request, plan again."""
    reading = OfflinePlanner().read_message(message, draft, draft.target_duration, request)
    assert reading.revision.action == "revise", (reading.revision, reading.messages)
    video = apply_revision(request.video, reading.revision, draft)
    planned = _plan(PlanRequest(video, request.files, (message,), draft))
    return planned, video, list(reading.messages)


def _said(board: Storyboard) -> str:
    return " ".join(s.narration for s in board.scenes)


@pytest.fixture
def brief() -> tuple[PlanRequest, Storyboard]:
    request = PlanRequest.of(BRIEF)
    return request, _plan(request)


@pytest.fixture
def deck(tmp_path: Path) -> tuple[PlanRequest, Storyboard]:
    return plan_deck(tmp_path)


def plan_deck(tmp_path: Path) -> tuple[PlanRequest, Storyboard]:
    """A five-slide launch deck, summarised in 25 s: its pricing slide has more than fits."""
    pdf = make_pdf(
        tmp_path / "launch.pdf",
        [
            ("Nimbus Notes 2.0", ["A faster note-taking app for teams that write together every day."]),
            (
                "Pricing",
                [
                    "The basic plan stays free for personal use with unlimited notes.",
                    "The team plan costs eight dollars per person each month.",
                    "Annual billing saves two months compared with paying monthly.",
                    "Schools and charities get the team plan at half price.",
                    "Every plan includes offline access on all of your devices.",
                ],
            ),
            (
                "Live demo",
                [
                    "We open a shared notebook and invite a colleague by e-mail.",
                    "Both people type at once and see each other's cursor move.",
                ],
            ),
            (
                "Security",
                [
                    "Notes are encrypted on the device before they are synced to the cloud.",
                    "Only the people you invite can open a shared notebook.",
                ],
            ),
            ("Getting started", ["Download the app and sign in with your work e-mail address."]),
        ],
    )
    request = PlanRequest(
        VideoRequest.build(prompt="Summarise the attached deck in 25 seconds.", files=(str(pdf),)),
        inspect_files([pdf]),
    )
    return request, _plan(request)


def test_mention_adds_the_fact_and_it_survives_a_later_replan(brief: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = brief
    assert "April 30" not in _said(draft)
    board, video, _ = _turn(request, draft, "Mention that the sale ends on April 30")
    assert video.additions == ("The sale ends on April 30.",)
    assert "The sale ends on April 30." in _said(board)
    # A later settings change plans again from the request: the added line is still said.
    later, video, _ = _turn(PlanRequest(video, request.files), board, "make it portrait")
    assert later.orientation == "portrait" and "April 30" in _said(later)
    assert VideoRequest.from_stored(video.prompt, video.stored()).additions == video.additions


def test_added_line_with_render_keeps_the_approval() -> None:
    revision = read_message("Also say that doors open at 9 am, and render it", 40.0)
    assert revision.add_statements == ["Doors open at 9 am."] and revision.render_after


def test_say_more_grows_a_document_scene(deck: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = deck
    pricing = next(s for s in draft.scenes if getattr(s.visual, "heading", None) == "Pricing")
    board, video, said = _turn(request, draft, "say more about pricing")
    assert video.expand_scenes == (pricing.id,), said
    grown = next(s for s in board.scenes if s.id == pricing.id)
    assert len(grown.narration.split()) > len(pricing.narration.split())
    assert "Annual billing saves two months" in grown.narration  # the one sentence the draft left out
    # Asked again, there is nothing left on the slide: the new draft says so.
    again = OfflinePlanner().plan(
        PlanRequest(video.revised(expand_scenes=(pricing.id,)), request.files), PACING
    )
    assert not any("nothing more" in m for m in _plan_messages(request, video))
    assert again.storyboard.scenes == board.scenes


def _plan_messages(request: PlanRequest, video: VideoRequest) -> tuple[str, ...]:
    return OfflinePlanner().plan(PlanRequest(video, request.files), PACING).messages


def test_say_more_without_material_explains_and_keeps_the_draft(
    brief: tuple[PlanRequest, Storyboard],
) -> None:
    request, draft = brief
    reading = OfflinePlanner().read_message("say more about pricing", draft, draft.target_duration, request)
    # The brief's point is all there is to say: an answer, not a changed draft.
    assert reading.revision.action == "ask"
    question = reading.revision.question or ""
    assert "no more material about “pricing”" in question and "mention that" in question
    assert "REELWRIGHT_LLM_BASE_URL" in question and HELP in question


def test_drop_the_part_about_a_topic(brief: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = brief
    editor = next(s for s in draft.scenes if s.id == "point1")
    assert "editor" in editor.narration
    board, video, said = _turn(request, draft, "drop the part about the new editor")
    assert editor.id in video.drop_scenes and any("Dropping scene" in m for m in said)
    assert editor.id not in [s.id for s in board.scenes]
    # Nor does the overview promise it any more.
    assert "editor" not in _said(board) and "First, the pricing plans." in _said(board)


def test_drop_a_slide_by_its_name(deck: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = deck
    board, _, _ = _turn(request, draft, "remove the pricing slide")
    assert "team plan" in _said(draft) and "team plan" not in _said(board)
    assert all(getattr(s.visual, "heading", None) != "Pricing" for s in board.scenes)


def test_start_with_the_demo(brief: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = brief
    assert "demo" not in draft.scenes[0].narration.lower()
    board, video, _ = _turn(request, draft, "start with the demo")
    assert video.first_scene is not None
    assert board.scenes[0].narration == "First, a live demo of sharing."
    assert len(board.scenes) == len(draft.scenes)
    # The overview and the other points follow the new order.
    assert "We'll cover a live demo of sharing, the new editor and the pricing plans." in _said(board)
    assert "Finally, the pricing plans." in _said(board)


def test_a_topic_no_scene_is_about_is_answered(brief: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = brief
    reading = OfflinePlanner().read_message(
        "drop the part about the weather", draft, draft.target_duration, request
    )
    assert reading.revision.action == "ask"
    assert "no scene about “weather”" in (reading.revision.question or "")
    # Nothing it can do and nothing it understood: the list of what it can do.
    unknown = OfflinePlanner().read_message("make it pop more", draft, draft.target_duration, request)
    assert unknown.revision.action == "ask" and unknown.revision.question == HELP


def test_additions_are_validated() -> None:
    with pytest.raises(Exception, match="additions"):
        VideoRequest.build(prompt="x", additions=("a" * 301,))
    old_row = VideoRequest.from_stored("A video about tea.", {"duration_sec": 20})
    assert old_row.additions == () and old_row.first_scene is None


@pytest.mark.parametrize(
    ("message", "field", "expected"),
    [
        ("mention that the sale ends on April 30", "add_statements", ["The sale ends on April 30."]),
        ("Please note that parking is free. Make it portrait.", "add_statements", ["Parking is free."]),
        ("tell viewers to visit nimbus.example", "add_statements", ["Visit nimbus.example."]),
        ("highlight that the app is free", "add_statements", ["The app is free."]),
        ("say more about pricing", "expand_topics", ["pricing"]),
        ("Can you expand on the pricing?", "expand_topics", ["pricing"]),
        ("emphasise the pricing", "expand_topics", ["pricing"]),
        ("drop the part about parking", "drop_topics", ["parking"]),
        ("remove the pricing slide", "drop_topics", ["pricing"]),
        ("start with the live demo, then render it", "first_topic", "live demo"),
        ("put the demo first", "first_topic", "demo"),
    ],
)
def test_content_phrasings(message: str, field: str, expected: object) -> None:
    revision = read_message(message, 40.0)
    assert revision.action == "revise" and getattr(revision, field) == expected


@pytest.mark.parametrize(
    ("message", "changes"),
    [
        ("add a presenter", {"no_avatar": False}),
        ("say it faster", {"speed": 1.1}),
        ("Make it 10 seconds and drop the second scene", {"duration": 10.0}),
    ],
)
def test_settings_phrasings_are_not_content(message: str, changes: dict[str, object]) -> None:
    revision = read_message(message, 40.0)
    assert revision.changes == changes and not revision.add_statements and not revision.expand_topics


def test_say_more_when_the_slide_is_all_said_explains(deck: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = deck
    board, video, _ = _turn(request, draft, "say more about pricing")
    request = PlanRequest(video, request.files)
    reading = OfflinePlanner().read_message("say more about pricing", board, 25.0, request)
    assert reading.revision.action == "ask"
    assert "already says everything your file has about “pricing”" in (reading.revision.question or "")


def test_say_more_about_a_slide_the_draft_left_out_shows_it(deck: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = deck
    assert "Download the app" not in _said(draft)  # 25 s has no room for the last slide
    board, video, said = _turn(request, draft, "say more about getting started")
    assert said == ["Adding “Getting started” from your file."]
    assert "Download the app" in _said(board) and len(video.expand_scenes) == 1


def test_a_topic_only_the_opening_names_is_not_dropped_with_it(deck: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = deck
    assert "live demo" in draft.scenes[0].narration  # the opening lists the talk's parts
    reading = OfflinePlanner().read_message("drop the part about the live demo", draft, 25.0, request)
    assert reading.revision.action == "ask"
    assert "no scene about “live demo”" in (reading.revision.question or "")


def test_start_with_a_slide_the_draft_left_out(deck: tuple[PlanRequest, Storyboard]) -> None:
    request, draft = deck
    board, video, _ = _turn(request, draft, "start with the live demo")
    assert video.first_scene == board.scenes[0].id
    assert getattr(board.scenes[0].visual, "heading", None) == "Live demo"
    assert "shared notebook" in board.scenes[0].narration
