"""Chat mode end to end against a real `reelwright serve`: draft, revise, ask, stop, approve, render."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelwright.ingest.media import probe
from tests.server import Server

PROMPT = (
    "Create a friendly welcome video for new employees covering the kitchen, the wifi and the parking. "
    "Keep it about 20 seconds. The kitchen on the second floor has free coffee and fruit. "
    "The wifi password is printed on the back of your badge. "
    "Parking is in garage B, and your badge opens the gate."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    srv = Server(tmp_path_factory.mktemp("chat"))
    key = srv.key("chatter")
    srv.start()
    try:
        yield srv, key
    finally:
        srv.stop()


def wait_settled(c: httpx.Client, session_id: str, timeout: float = 180) -> dict[str, Any]:
    """Poll until the agent is no longer working on the session."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data: dict[str, Any] = c.get(f"/v3/video-agents/{session_id}").json()["data"]
        if data["status"] not in ("thinking", "generating"):
            return data
        time.sleep(0.3)
    raise AssertionError(f"session {session_id} is still {data['status']}")


def latest_draft(c: httpx.Client, session: dict[str, Any]) -> dict[str, Any]:
    resource_messages = [m for m in session["messages"] if m["type"] == "resource"]
    assert resource_messages, session["messages"]
    rid = resource_messages[0]["resource_ids"][0]
    r = c.get(f"/v3/video-agents/{session['session_id']}/resources/{rid}")
    assert r.status_code == 200, r.text
    draft: dict[str, Any] = r.json()["data"]
    assert draft["type"] == "draft" and draft["resource_id"] == rid
    return draft


def say(c: httpx.Client, session_id: str, message: str) -> dict[str, Any]:
    r = c.post(f"/v3/video-agents/{session_id}", json={"message": message})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["session_id"] == session_id and r.json()["data"]["run_id"]
    return wait_settled(c, session_id)


def test_chat_questions_conflicts_and_errors(server: tuple[Server, str]) -> None:
    srv, key = server
    with srv.client(key) as c:
        sid = c.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat"}).json()["data"]["session_id"]
        # While the agent drafts, another message is a conflict, not a queue.
        busy = c.post(f"/v3/video-agents/{sid}", json={"message": "portrait"})
        session = wait_settled(c, sid)
        assert busy.status_code in (200, 409)
        if busy.status_code == 409:
            assert busy.json()["error"]["code"] == "conflict"
        assert session["status"] == "reviewing", session
        assert session["title"] and session["video_id"] is None
        summary = next(m for m in session["messages"] if m["type"] == "resource")
        assert summary["role"] == "model" and "scenes" in summary["content"]
        assert session["messages"][-1] == {
            "role": "user",
            "type": "text",
            "content": PROMPT,
            "created_at": session["created_at"],
            "resource_ids": [],
        }
        draft = latest_draft(c, session)
        assert draft["storyboard"]["scenes"] and 16 <= draft["duration"] <= 24

        # Something the rules cannot place is a question, not a guess.
        asked = say(c, sid, "Hmm, what do you think about the colour of the sky?")
        assert asked["status"] == "waiting_for_input"
        assert asked["messages"][0]["role"] == "model" and "?" in asked["messages"][0]["content"]

        assert c.get(f"/v3/video-agents/{sid}/resources/nope").status_code == 404
        assert c.get(f"/v3/video-agents/{sid}/videos").json() == {
            "data": [],
            "has_more": False,
            "next_token": None,
        }
        bad = c.post(f"/v3/video-agents/{sid}", json={"message": "use her", "avatar_id": "nobody"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "avatar_id"
        assert c.post(f"/v3/video-agents/{sid}", json={"message": ""}).status_code == 400

        # Generate-mode sessions are not conversations.
        gen = c.post("/v3/video-agents", json={"prompt": "A 5-second hello"}).json()["data"]["session_id"]
        r = c.post(f"/v3/video-agents/{gen}", json={"message": "portrait"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
        assert c.post(f"/v3/video-agents/{gen}/stop", json={}).json() == {"data": {"session_id": gen}}
        wait_settled(c, gen)
    with srv.client() as anon:
        assert anon.post(f"/v3/video-agents/{sid}", json={"message": "x"}).status_code == 401


@pytest.mark.slow
def test_chat_revise_stop_approve_render(server: tuple[Server, str], tmp_path: Path) -> None:
    srv, key = server
    with srv.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat", "duration_sec": 20})
        assert r.status_code == 200 and r.json()["data"]["status"] == "thinking"
        sid = r.json()["data"]["session_id"]
        first = wait_settled(c, sid)
        assert first["status"] == "reviewing"
        scenes_before = latest_draft(c, first)["storyboard"]["scenes"]

        shorter = say(c, sid, "Make it 10 seconds and drop the second scene")
        assert shorter["status"] == "reviewing"
        draft = latest_draft(c, shorter)
        assert 8.5 <= draft["duration"] <= 11, draft["duration"]  # what is left after the drop, about 10 s
        assert scenes_before[1]["id"] not in [s["id"] for s in draft["storyboard"]["scenes"]]

        # Approve, then stop while it renders: the draft is kept and the half-made video says why.
        c.post(f"/v3/video-agents/{sid}", json={"message": "looks good, render it"})
        assert c.post(f"/v3/video-agents/{sid}/stop", json={}).status_code == 200
        stopped = wait_settled(c, sid)
        assert stopped["status"] == "reviewing", stopped
        assert "Stopped" in stopped["messages"][0]["content"]

        portrait = say(c, sid, "Switch to portrait, then render it")
        assert portrait["status"] == "completed", portrait["messages"][:3]
        draft = latest_draft(c, portrait)
        assert draft["storyboard"]["orientation"] == "portrait"
        videos = c.get(f"/v3/video-agents/{sid}/videos").json()["data"]
        # The stop landed before or during rendering: a video it interrupted says so.
        assert videos[0]["status"] == "completed"
        assert all(v["status"] == "failed" and v["failure_code"] == "stopped" for v in videos[1:])
        video = videos[0]
        assert video["id"] == portrait["video_id"] and 8.5 <= video["duration"] <= 11
        (tmp_path / "v.mp4").write_bytes(httpx.get(video["video_url"], timeout=30).content)
        info = probe(tmp_path / "v.mp4")
        assert info.video is not None and (info.video.width, info.video.height) == (1080, 1920)


@pytest.mark.slow
def test_chat_content_edits_reach_the_video(server: tuple[Server, str]) -> None:
    """Offline content edits through the API: what the rules cannot do is answered with the draft
    kept; an added line is said in the rendered video (its subtitles)."""
    srv, key = server
    prompt = (
        "A 20-second video about Nimbus Notes 2.0 for our customers. "
        "Cover the new editor, the pricing plans and a live demo of sharing."
    )
    with srv.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": prompt, "mode": "chat"})
        sid = r.json()["data"]["session_id"]
        first = wait_settled(c, sid)
        assert first["status"] == "reviewing", first["messages"][:2]
        draft = latest_draft(c, first)

        unknown = say(c, sid, "make it pop more")
        assert unknown["status"] == "waiting_for_input"
        assert "mention that the sale ends on April 30" in unknown["messages"][0]["content"]
        assert latest_draft(c, unknown)["resource_id"] == draft["resource_id"]

        # A brief's point has nothing more to say without a model: the answer says so and how.
        more = say(c, sid, "say more about pricing")
        assert more["status"] == "waiting_for_input"
        assert "no more material about “pricing”" in more["messages"][0]["content"]
        assert latest_draft(c, more)["resource_id"] == draft["resource_id"]

        done = say(c, sid, "Mention that the sale ends on April 30 and start with the demo, then render it")
        assert done["status"] == "completed", done["messages"][:3]
        final = latest_draft(c, done)["storyboard"]
        assert "demo" in final["scenes"][0]["narration"].lower()
        assert any("April 30" in s["narration"] for s in final["scenes"])
        video = c.get(f"/v3/videos/{done['video_id']}").json()["data"]
        srt = httpx.get(video["subtitle_url"], timeout=30)
        assert srt.status_code == 200 and "April 30" in srt.text
