"""The language-model planner against a real OpenAI-compatible HTTP server replaying scripted answers.

Good output, malformed JSON, schema violations, invented figures, a timeout, 429 then success,
500s until the offline fallback, servers that refuse images, and chat decisions.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from reelwright.chat.conversation import apply_revision
from reelwright.ingest.files import inspect_files
from reelwright.llm.client import ChatClient, LlmConfig
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.llm import LlmPlanner
from reelwright.storyboard import PdfPage
from tests.llm_server import Step, answer, error, scripted_llm
from tests.media import make_pdf

PROMPT = "Create a 20-second explainer about our Q3 launch for customers. Use a friendly tone."
WORDS = 56  # (20 s - 2 scenes x 0.75 s) x 3 words a second


def narration(words: int, seed: str = "our launch brings a new way to work") -> str:
    base = seed.split()
    return " ".join(base[i % len(base)] for i in range(words)).capitalize() + "."


def plan(
    words: int = WORDS,
    *,
    avatar: str | None = "ava",
    scenes: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    half = words // 2
    return {
        "title": "The Q3 Launch",
        "orientation": "landscape",
        "tone": "friendly",
        "style": "clean",
        "avatar": avatar,
        "voice": "en_US-joe",
        "reason": "Ava's warm delivery suits customers.",
        "scenes": scenes
        or [
            {"narration": narration(half), "visual": {"kind": "title", "heading": "The Q3 Launch"}},
            {
                "narration": narration(words - half),
                "visual": {"kind": "bullets", "heading": "What's new", "bullets": ["Faster", "Simpler"]},
                "presenter": "side",
            },
        ],
        **extra,
    }


def planner(base_url: str, **overrides: Any) -> LlmPlanner:
    config = LlmConfig(base_url=base_url, model="scripted", timeout=5, attempts=3, repairs=2, backoff=0.01)
    return LlmPlanner(ChatClient(config.__class__(**{**config.__dict__, **overrides})))


def test_good_output_is_used_with_the_choice_explained() -> None:
    with scripted_llm(answer(plan())) as llm:
        p = planner(llm.base_url)
        planned = p.plan(PlanRequest.of(PROMPT), Pacing())
        board = planned.storyboard
    assert board.title == "The Q3 Launch" and board.avatar == "ava" and len(board.scenes) == 2
    assert board.target_duration == 20 and board.scenes[1].presenter == "side"
    assert (
        planned.messages
        and planned.messages[0].startswith("I chose Ava")
        and "warm delivery" in planned.messages[0]
    )
    sent = llm.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert "scenes" in sent["response_format"]["json_schema"]["schema"]["properties"]
    assert "about 56 words" in sent["messages"][0]["content"]


def test_pinned_choices_win_over_the_models() -> None:
    with scripted_llm(answer(plan())) as llm:
        board = (
            planner(llm.base_url)
            .plan(PlanRequest.of(PROMPT, orientation="portrait", no_avatar=True, style="midnight"), Pacing())
            .storyboard
        )
    assert (board.orientation, board.avatar, board.style) == ("portrait", None, "midnight")
    assert {s.presenter for s in board.scenes} == {"none"}


def test_malformed_json_and_schema_violations_are_repaired() -> None:
    wrong = plan(avatar="nobody")
    with scripted_llm(answer("{not json"), answer(wrong), answer(plan())) as llm:
        p = planner(llm.base_url)
        planned = p.plan(PlanRequest.of(PROMPT), Pacing())
        board = planned.storyboard
    assert board.avatar == "ava" and len(llm.requests) == 3
    second, third = llm.requests[1]["messages"][-1]["content"], llm.requests[2]["messages"][-1]["content"]
    assert "not a JSON object" in second or "invalid JSON" in second
    assert "avatar 'nobody' is not in the catalogue" in third
    assert not any("offline" in m for m in planned.messages)


def test_invented_numbers_and_wrong_length_are_sent_back() -> None:
    invented = plan()
    invented["scenes"][0]["narration"] = narration(WORDS // 2 - 4) + " Sales grew 40 percent in 2023."
    too_short = plan(words=20)
    with scripted_llm(answer(invented), answer(too_short), answer(plan())) as llm:
        board = planner(llm.base_url).plan(PlanRequest.of(PROMPT), Pacing()).storyboard
    assert "40" not in board.scenes[0].narration
    assert "2023, 40" in llm.requests[1]["messages"][-1]["content"]
    assert "has 20 words; it must have about 56" in llm.requests[2]["messages"][-1]["content"]


def test_still_invalid_after_the_repairs_falls_back_to_offline() -> None:
    with scripted_llm(*[answer("nope")] * 3) as llm:
        p = planner(llm.base_url)
        planned = p.plan(PlanRequest.of(PROMPT), Pacing())
        board = planned.storyboard
    assert len(llm.requests) == 3 and board.scenes[0].id == "intro"  # the offline planner's scene ids
    assert "offline planner wrote it instead" in planned.messages[0] and "2 repairs" in planned.messages[0]


def test_timeout_backs_off_then_falls_back_without_hanging() -> None:
    # The server would answer after a minute; the planner must give up long before (two 0.5 s
    # timeouts and a back-off), with a margin for a loaded CI machine.
    with scripted_llm(Step(delay=60, content="{}"), Step(delay=60, content="{}")) as llm:
        p = planner(llm.base_url, timeout=0.5, attempts=2)
        started = time.monotonic()
        planned = p.plan(PlanRequest.of(PROMPT), Pacing())
        board = planned.storyboard
        elapsed = time.monotonic() - started
    assert elapsed < 15 and board.scenes[0].id == "intro"
    assert "no answer within 0.5 s" in planned.messages[0]
    # The same job re-planned (after hearing the narration) stays offline: no more waiting.
    again = p.replan(PlanRequest.of(PROMPT), planned, Pacing(words_per_second=2.5)).storyboard
    assert again.scenes[0].id == "intro" and len(llm.requests) == 2


def test_rate_limit_then_success_honours_retry_after() -> None:
    with scripted_llm(error(429, **{"Retry-After": "0.2"}), answer(plan())) as llm:
        started = time.monotonic()
        p = planner(llm.base_url)
        planned = p.plan(PlanRequest.of(PROMPT), Pacing())
        board = planned.storyboard
    assert board.title == "The Q3 Launch" and len(llm.requests) == 2
    assert time.monotonic() - started >= 0.2


def test_server_errors_until_fallback_and_refusals() -> None:
    with scripted_llm(error(500), error(502), error(503)) as llm:
        p = planner(llm.base_url)
        planned = p.plan(PlanRequest.of(PROMPT), Pacing())
        board = planned.storyboard
    assert len(llm.requests) == 3 and board.scenes[0].id == "intro"
    assert "HTTP 503" in planned.messages[0]
    with scripted_llm(Step(refusal="I can't help with that."), answer(plan())) as llm:
        board = planner(llm.base_url).plan(PlanRequest.of(PROMPT), Pacing()).storyboard
    assert board.title == "The Q3 Launch" and len(llm.requests) == 2


def test_a_server_without_json_schema_gets_json_object_with_the_schema() -> None:
    # llama-cpp-python's server answers an unknown response_format type with a 500 naming it.
    no_json_schema = Step(
        status=500, message="Input should be 'text' or 'json_object' (response_format.type: json_schema)"
    )
    with scripted_llm(no_json_schema, answer(plan())) as llm:
        board = planner(llm.base_url).plan(PlanRequest.of(PROMPT), Pacing()).storyboard
    assert board.title == "The Q3 Launch" and len(llm.requests) == 2
    assert llm.requests[0]["response_format"]["type"] == "json_schema"
    second = llm.requests[1]["response_format"]
    assert second["type"] == "json_object" and "scenes" in second["schema"]["properties"]


def test_unreachable_server_falls_back() -> None:
    p = planner("http://127.0.0.1:9/v1", attempts=2)
    planned = p.plan(PlanRequest.of(PROMPT), Pacing())
    board = planned.storyboard
    assert board.scenes and "cannot connect" in planned.messages[0]


def test_files_are_described_and_pages_sent_as_images(tmp_path: Path) -> None:
    deck = make_pdf(
        tmp_path / "deck.pdf", [("Q3 Launch", ["Ships in 12 regions"]), ("Pricing", ["From 9 euros"])]
    )
    files = inspect_files([deck])
    scenes = [
        {"narration": narration(28), "visual": {"kind": "file", "file": 1, "page": 1}},
        {
            "narration": narration(20) + " It ships in 12 regions.",
            "visual": {"kind": "file", "file": 1, "page": 2},
        },
    ]
    # The first server refuses image parts (as many local models do); the planner resends text only.
    takes_no_images = Step(
        content=json.dumps(plan(scenes=scenes)),
        when=lambda body: all(isinstance(m["content"], str) for m in body["messages"]),
    )
    with scripted_llm(takes_no_images, answer(plan(scenes=scenes))) as llm:
        p = planner(llm.base_url)
        planned = p.plan(PlanRequest.of(PROMPT, files), Pacing())
        board = planned.storyboard
    first = llm.requests[0]["messages"][1]["content"]
    assert isinstance(first, list) and [part["type"] for part in first] == ["text", "image_url", "image_url"]
    assert "Ships in 12 regions" in first[0]["text"] and "2 pages" in first[0]["text"]
    assert isinstance(llm.requests[1]["messages"][1]["content"], str)
    assert [s.visual.page for s in board.scenes if isinstance(s.visual, PdfPage)] == [1, 2]
    assert not p.client.accepts_images


def test_replanning_for_length_revises_the_same_script() -> None:
    with scripted_llm(answer(plan()), answer(plan(words=70))) as llm:
        p = planner(llm.base_url)
        request = PlanRequest.of(PROMPT)
        first = p.plan(request, Pacing())
        # The narration was heard to be slower to say: the model is asked to write more.
        board = p.replan(request, first, Pacing(words_per_second=3.8)).storyboard
    assert board.narration_words() == 70 and len(llm.requests) == 2
    assert "must have about 70 words" in llm.requests[1]["messages"][-1]["content"]


def test_chat_messages_are_read_by_the_model_or_the_rules() -> None:
    decision = {"action": "revise", "reply": "Making it calmer.", "voice_speed": 0.85, "tone": "calm"}
    with scripted_llm(answer(plan()), answer(decision)) as llm:
        p = planner(llm.base_url)
        request = PlanRequest.of(PROMPT)
        board = p.plan(request, Pacing()).storyboard
        revision = p.read_message("could it feel a bit more soothing?", board, 20, request).revision
    assert revision.action == "revise" and revision.changes == {"speed": 0.85, "tone": "calm"}
    p = planner("http://127.0.0.1:9/v1", attempts=1)
    reading = p.read_message("make it portrait", board, 20, request)
    assert reading.revision.changes == {"orientation": "portrait"} and "built-in rules" in reading.messages[0]


def test_lines_the_model_reads_as_added_are_kept_on_the_request() -> None:
    decision = {"action": "revise", "reply": "Adding it.", "add_sentences": ["The sale ends on April 30."]}
    with scripted_llm(answer(plan()), answer(decision)) as llm:
        p = planner(llm.base_url)
        request = PlanRequest.of(PROMPT)
        board = p.plan(request, Pacing()).storyboard
        revision = p.read_message("oh and the sale ends April 30", board, 20, request).revision
    assert apply_revision(request.video, revision, board).additions == ("The sale ends on April 30.",)
    # Without the model the rules read it, topics resolved against the draft like the offline planner.
    p = planner("http://127.0.0.1:9/v1", attempts=1)
    reading = p.read_message("drop the part about the weather", board, 20, request)
    assert reading.revision.action == "ask" and "no scene about “weather”" in (
        reading.revision.question or ""
    )


@pytest.mark.parametrize("count", [3])
def test_asked_scene_count_is_enforced(count: int) -> None:
    prompt = PROMPT + f" Use {count} scenes."
    three = plan()
    three["scenes"].append(
        {"narration": "Thanks for watching.", "visual": {"kind": "title", "heading": "Thanks"}}
    )
    with scripted_llm(answer(plan()), answer(three)) as llm:
        board = planner(llm.base_url).plan(PlanRequest.of(prompt), Pacing()).storyboard
    assert len(board.scenes) == count
    assert "asked for exactly 3" in llm.requests[1]["messages"][-1]["content"]


def test_chat_session_through_the_api_with_a_model_and_its_fallback(tmp_path: Path) -> None:
    from tests.server import Server
    from tests.test_chat_api import latest_draft, wait_settled

    with scripted_llm(answer(plan())) as llm:
        env = {"REELWRIGHT_LLM_BASE_URL": llm.base_url, "REELWRIGHT_LLM_ATTEMPTS": "1"}
        srv = Server(tmp_path / "data", env={**env, "REELWRIGHT_LLM_BACKOFF_SECONDS": "0"})
        key = srv.key("llm")
        srv.start()
        try:
            with srv.client(key) as c:
                sid = c.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat"}).json()["data"]
                session = wait_settled(c, sid["session_id"])
                assert session["status"] == "reviewing" and session["title"] == "The Q3 Launch"
                said = [m["content"] for m in session["messages"] if m["role"] == "model"]
                assert any(m.startswith("I chose Ava") for m in said)
                assert (
                    latest_draft(c, session)["storyboard"]["scenes"][0]["visual"]["heading"]
                    == "The Q3 Launch"
                )
                # The script is spent: the server now answers 500, and the offline planner stands in.
                sid = c.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat"}).json()["data"]
                session = wait_settled(c, sid["session_id"])
                assert session["status"] == "reviewing"
                assert any("offline planner" in m["content"] for m in session["messages"])
        finally:
            srv.stop()
