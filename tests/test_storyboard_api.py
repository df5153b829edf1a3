"""Storyboard edits through the API against a real `reelwright serve`: a finished video's
storyboard fetched, edited (one narration changed, one scene dropped) and rendered again; every
storyboard sent from outside checked (server paths, another owner's assets, unknown ids: 400)."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelwright.api.leftovers import sweep
from reelwright.config import Settings
from reelwright.store.db import Database
from tests.media import make_png
from tests.server import Server, wait_done

PROMPT = "A short welcome video about our office: the kitchen, the wifi and the parking. About 15 seconds."
NEW_LINE = "Our rooftop garden opens every Friday at noon for everyone."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str]]:
    srv = Server(tmp_path_factory.mktemp("storyboards"))
    key, other = srv.key("editor"), srv.key("someone-else")
    srv.start()
    try:
        yield srv, key, other
    finally:
        srv.stop()


def wait_video(c: httpx.Client, video_id: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data: dict[str, Any] = c.get(f"/v3/videos/{video_id}").json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        time.sleep(0.5)
    raise AssertionError(f"video {video_id} did not finish")


@pytest.fixture(scope="module")
def finished(server: tuple[Server, str, str]) -> dict[str, Any]:
    srv, key, _ = server
    with srv.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": PROMPT, "avatar_id": None})
        assert r.status_code == 200, r.text
        done = wait_done(c, r.json()["data"]["session_id"], timeout=300)
        assert done["status"] == "completed", done
        return dict(c.get(f"/v3/videos/{done['video_id']}").json()["data"])


def test_edited_storyboard_renders_a_new_video(
    server: tuple[Server, str, str], finished: dict[str, Any]
) -> None:
    srv, key, _ = server
    with srv.client(key) as c:
        r = c.get(f"/v3/videos/{finished['id']}/storyboard")
        assert r.status_code == 200, r.text
        board = r.json()["data"]["storyboard"]
        assert len(board["scenes"]) >= 2, board
        assert all("audio" not in scene for scene in board["scenes"])
        dropped = board["scenes"][-1]["narration"]
        board["scenes"][0]["narration"] = NEW_LINE
        del board["scenes"][-1]

        r = c.post(f"/v3/videos/{finished['id']}/storyboard", json={"storyboard": board})
        assert r.status_code == 200, r.text
        new_id, session_id = r.json()["data"]["video_id"], r.json()["data"]["session_id"]
        assert new_id != finished["id"] and r.json()["data"]["source_video_id"] == finished["id"]
        video = wait_video(c, new_id)
        assert video["status"] == "completed", video
        srt = httpx.get(video["subtitle_url"], timeout=30).text
        spoken = " ".join(srt.split())
        assert "rooftop garden opens every Friday" in spoken, srt
        assert " ".join(dropped.split()[:6]) not in spoken, (dropped, srt)
        # The edited video's own storyboard is the edit; the original is unchanged.
        again = c.get(f"/v3/videos/{new_id}/storyboard").json()["data"]["storyboard"]
        assert again["scenes"][0]["narration"] == NEW_LINE and len(again["scenes"]) == len(board["scenes"])
        assert (
            c.get(f"/v3/videos/{finished['id']}/storyboard").json()["data"]["storyboard"]["scenes"][0][
                "narration"
            ]
            != NEW_LINE
        )
        # Its session is not a chat: its draft is not edited in place (409, pointing at this route).
        r = c.put(f"/v3/video-agents/{session_id}/storyboard", json={"storyboard": board})
        assert r.status_code == 409 and "/storyboard" in r.json()["error"]["message"], r.text


def test_an_uploaded_file_is_shown_by_name(
    server: tuple[Server, str, str], finished: dict[str, Any], tmp_path: Path
) -> None:
    """An asset sent in an edit is copied into the new job's inputs; that video's storyboard shows
    it by its name there, never by a server path. A generate job's inputs go when it finishes, so
    that name cannot be kept by a further edit (a chat session's can: see below)."""
    srv, key, _ = server
    png = make_png(tmp_path / "chart.png", 640, 360, "chart").read_bytes()
    with srv.client(key) as c:
        asset = c.post("/v3/assets", files={"file": ("c.png", png, "image/png")}).json()["data"]["asset_id"]
        board = c.get(f"/v3/videos/{finished['id']}/storyboard").json()["data"]["storyboard"]
        board["scenes"] = board["scenes"][:1]
        board["scenes"][0]["visual"] = {"kind": "image", "source": f"asset:{asset}"}
        r = c.post(f"/v3/videos/{finished['id']}/storyboard", json={"storyboard": board})
        assert r.status_code == 200, r.text
        first = wait_video(c, r.json()["data"]["video_id"])
        assert first["status"] == "completed", first
        shown = c.get(f"/v3/videos/{first['id']}/storyboard").json()["data"]["storyboard"]
        assert shown["scenes"][0]["visual"]["source"] == "00", shown
        assert "not one of your assets" in _bad(c, first["id"], shown)["message"]


def _bad(c: httpx.Client, video_id: str, board: dict[str, Any]) -> dict[str, Any]:
    r = c.post(f"/v3/videos/{video_id}/storyboard", json={"storyboard": board})
    assert r.status_code == 400, r.text
    error: dict[str, Any] = r.json()["error"]
    assert error["code"] == "validation_error"
    return error


def test_storyboards_from_outside_are_checked(
    server: tuple[Server, str, str], finished: dict[str, Any], tmp_path: Path
) -> None:
    srv, key, other = server
    png = make_png(tmp_path / "chart.png", 640, 360, "chart").read_bytes()
    with srv.client(key) as c, srv.client(other) as o:
        board = c.get(f"/v3/videos/{finished['id']}/storyboard").json()["data"]["storyboard"]
        # A server path, as a CLI storyboard carries: refused, naming the field.
        for source in ("/etc/passwd", "../../secrets.png", "https://example.com/a.png", "asset:" + "0" * 32):
            b = copy.deepcopy(board)
            b["scenes"][0]["visual"] = {"kind": "image", "source": source}
            error = _bad(c, finished["id"], b)
            assert error["param"] == "storyboard.scenes.0.visual.source", error
        # Another owner's asset does not exist for this caller.
        theirs = o.post("/v3/assets", files={"file": ("c.png", png, "image/png")}).json()["data"]["asset_id"]
        b = copy.deepcopy(board)
        b["scenes"][0]["visual"] = {"kind": "image", "source": f"asset:{theirs}"}
        assert "no asset" in _bad(c, finished["id"], b)["message"]
        # The caller's own image is fine as an image, not as a video clip.
        mine = c.post("/v3/assets", files={"file": ("c.png", png, "image/png")}).json()["data"]["asset_id"]
        b["scenes"][0]["visual"] = {"kind": "video", "source": f"asset:{mine}"}
        assert "needs video" in _bad(c, finished["id"], b)["message"]
        # Unknown catalogue ids, audio a render makes, and bad shapes name their field too.
        for field, value, param in (
            ("voice", "no-such-voice", "storyboard.voice"),
            ("style", "no-such-style", "storyboard.style"),
            ("avatar", "someone_elses_photo", "storyboard.avatar"),
        ):
            assert _bad(c, finished["id"], {**board, field: value})["param"] == param
        b = copy.deepcopy(board)
        b["scenes"][0]["audio"] = {"path": "/etc/passwd", "duration": 1.0}
        assert _bad(c, finished["id"], b)["param"] == "storyboard.scenes.0.audio"
        b = copy.deepcopy(board)
        b["scenes"][0]["narration"] = "x" * 5001
        assert _bad(c, finished["id"], b)["param"] == "storyboard.scenes.0.narration"
        assert _bad(c, finished["id"], {**board, "scenes": []})["param"] == "storyboard.scenes"
        # Another owner's video: 404, for reading and for rendering.
        assert o.get(f"/v3/videos/{finished['id']}/storyboard").status_code == 404
        assert (
            o.post(f"/v3/videos/{finished['id']}/storyboard", json={"storyboard": board}).status_code == 404
        )


def test_chat_draft_edited_in_place(server: tuple[Server, str, str], tmp_path: Path) -> None:
    srv, key, other = server
    with srv.client(key) as c:
        sid = c.post("/v3/video-agents", json={"prompt": PROMPT, "mode": "chat"}).json()["data"]["session_id"]
        deadline = time.monotonic() + 180
        while c.get(f"/v3/video-agents/{sid}").json()["data"]["status"] == "thinking":
            assert time.monotonic() < deadline
            time.sleep(0.3)
        board = c.get(f"/v3/video-agents/{sid}/storyboard").json()["data"]["storyboard"]
        board["scenes"][0]["narration"] = NEW_LINE
        board["title"] = "Edited by hand"
        r = c.put(f"/v3/video-agents/{sid}/storyboard", json={"storyboard": board})
        assert r.status_code == 200, r.text
        assert r.json()["data"]["status"] == "reviewing"
        session = c.get(f"/v3/video-agents/{sid}").json()["data"]
        assert session["title"] == "Edited by hand"
        newest = session["messages"][0]
        assert newest["type"] == "resource" and newest["content"].startswith("You edited the storyboard.")
        assert NEW_LINE[:30] in newest["content"]
        got = c.get(f"/v3/video-agents/{sid}/storyboard").json()["data"]["storyboard"]
        assert got["scenes"][0]["narration"] == NEW_LINE
        # An asset sent in a draft edit becomes one of the session's files, shown by name; the
        # next edit keeps it by that name.
        png = make_png(tmp_path / "chart.png", 640, 360, "chart").read_bytes()
        asset = c.post("/v3/assets", files={"file": ("c.png", png, "image/png")}).json()["data"]["asset_id"]
        got["scenes"][0]["visual"] = {"kind": "image", "source": f"asset:{asset}"}
        r = c.put(f"/v3/video-agents/{sid}/storyboard", json={"storyboard": got})
        assert r.status_code == 200, r.text
        name = r.json()["data"]["storyboard"]["scenes"][0]["visual"]["source"]
        assert name.startswith("m") and name.endswith("/00"), name
        kept = c.get(f"/v3/video-agents/{sid}/storyboard").json()["data"]["storyboard"]
        assert kept["scenes"][0]["visual"]["source"] == name
        kept["title"] = "Edited for {{who}}"  # a template is made of its video below
        r = c.put(f"/v3/video-agents/{sid}/storyboard", json={"storyboard": kept})
        assert (
            r.status_code == 200 and r.json()["data"]["storyboard"]["scenes"][0]["visual"]["source"] == name
        )
        # The left-over sweep keeps the edit's files (its message names their run), so the render
        # below finds them.
        settings = Settings(data_dir=srv.data)
        sweep(settings, Database(settings.resolved_database_url), grace=0)
        # Rendered, then that video edited keeping the file: it is copied (by key, inside the
        # store) into the new job's inputs and shown there by its new name.
        assert c.post(f"/v3/video-agents/{sid}", json={"message": "render it"}).status_code == 200
        deadline = time.monotonic() + 300
        while not (session := c.get(f"/v3/video-agents/{sid}").json()["data"]).get("video_id"):
            assert time.monotonic() < deadline and session["status"] != "failed", session
            time.sleep(0.5)
        video = wait_video(c, session["video_id"])
        assert video["status"] == "completed", video
        shown = c.get(f"/v3/videos/{video['id']}/storyboard").json()["data"]["storyboard"]
        assert shown["scenes"][0]["visual"]["source"] == name, shown
        shown["scenes"] = shown["scenes"][:1]
        r = c.post(f"/v3/videos/{video['id']}/storyboard", json={"storyboard": shown})
        assert r.status_code == 200, r.text
        again = wait_video(c, r.json()["data"]["video_id"])
        assert again["status"] == "completed", again
        final = c.get(f"/v3/videos/{again['id']}/storyboard").json()["data"]["storyboard"]
        assert final["scenes"][0]["visual"]["source"] == "k00", final
        # A template of that video copies the picture under the template's own key prefix (the
        # chat session's files may go); its videos render from that copy.
        r = c.post("/v3/templates", json={"name": "chat", "video_id": video["id"]})
        assert r.status_code == 200, r.text
        template = r.json()["data"]
        assert (
            template["variables"] == ["who"]
            and template["storyboard"]["scenes"][0]["visual"]["source"] == "00"
        )
        assert (srv.data / "files" / "templates" / template["template_id"] / "00").read_bytes() == png
        r = c.post(f"/v3/templates/{template['template_id']}/generate", json={"variables": {"who": "Ana"}})
        assert r.status_code == 200, r.text
        made = wait_video(c, r.json()["data"]["video_id"])
        assert made["status"] == "completed" and made["title"] == "Edited for Ana", made
        bad = {
            **board,
            "scenes": [{**board["scenes"][0], "visual": {"kind": "pdf_page", "source": "/x.pdf", "page": 1}}],
        }
        r = c.put(f"/v3/video-agents/{sid}/storyboard", json={"storyboard": bad})
        assert r.status_code == 400 and r.json()["error"]["param"] == "storyboard.scenes.0.visual.source"
        with srv.client(other) as o:
            assert o.put(f"/v3/video-agents/{sid}/storyboard", json={"storyboard": board}).status_code == 404
