"""Templates against a real `reelwright serve`: a storyboard with two {{variables}} saved as a
template, listed and read through HeyGen's v2 routes, generated three times with different values
(each an ordinary video: queued, completed, announced to its callback_url), and every SRT holding
its own values; bad values, shapes and references are refused naming the field."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest

from tests.quiet_http import QuietHTTPServer
from tests.server import Server

BOARD: dict[str, Any] = {
    "title": "Welcome, {{first_name}}",
    "avatar": None,
    "scenes": [
        {
            "id": "hello",
            "narration": "Hello {{first_name}}, welcome to {{company}}.",
            "visual": {"kind": "title", "heading": "Hi {{ first_name }}"},
        },
        {
            "id": "day-one",
            "narration": "Your first day at {{company}} starts at nine.",
            "visual": {"kind": "bullets", "heading": "{{company}}", "bullets": ["Start at nine"]},
        },
    ],
}
PEOPLE = [("Ana", "Brightwater"), ("Tomasz", "Kettle Works"), ("Leilani", "Harbour Labs")]


class Hooks:
    """A callback receiver on 127.0.0.1 that records every JSON body it gets."""

    def __init__(self) -> None:
        self.got: list[dict[str, Any]] = []
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hooks.got.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, str, Hooks]]:
    hooks = Hooks()
    srv = Server(tmp_path_factory.mktemp("templates"), {"REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*"})
    key, other = srv.key("templater"), srv.key("other")
    srv.start()
    try:
        yield srv, key, other, hooks
    finally:
        srv.stop()
        hooks.server.shutdown()
        hooks.server.server_close()


def wait_video(c: httpx.Client, video_id: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data: dict[str, Any] = c.get(f"/v3/videos/{video_id}").json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        time.sleep(0.5)
    raise AssertionError(f"video {video_id} did not finish")


def _var(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "type": "text", "properties": {"content": value}}


def test_template_generated_three_times(env: tuple[Server, str, str, Hooks]) -> None:
    srv, key, other, hooks = env
    with srv.client(key) as c, srv.client(other) as o:
        r = c.post("/v3/templates", json={"name": "Onboarding", "storyboard": BOARD})
        assert r.status_code == 200, r.text
        template = r.json()["data"]
        tid = template["template_id"]
        assert template["variables"] == ["first_name", "company"]

        listed = c.get("/v2/templates").json()
        assert listed["error"] is None
        assert [t["template_id"] for t in listed["data"]["templates"]] == [tid]
        assert o.get("/v2/templates").json()["data"]["templates"] == []
        one = c.get(f"/v2/template/{tid}").json()["data"]
        assert one["variables"] == {
            "first_name": _var("first_name", ""),
            "company": _var("company", ""),
        }
        assert o.get(f"/v2/template/{tid}").status_code == 404

        made: dict[str, tuple[str, str]] = {}
        for first, company in PEOPLE:
            r = c.post(
                f"/v2/template/{tid}/generate",
                json={
                    "variables": {
                        "first_name": _var("first_name", first),
                        "company": _var("company", company),
                    },
                    "title": f"Welcome {first}",
                    "callback_url": hooks.url,
                    "test": False,
                    "caption": False,
                },
            )
            assert r.status_code == 200, r.text
            assert r.json()["error"] is None
            made[r.json()["data"]["video_id"]] = (first, company)

        for video_id, (first, company) in made.items():
            video = wait_video(c, video_id)
            assert video["status"] == "completed", video
            assert video["title"] == f"Welcome {first}"
            srt = " ".join(httpx.get(video["subtitle_url"], timeout=30).text.split())
            assert f"Hello {first}, welcome to {company}." in srt, srt
            assert f"first day at {company} starts" in srt, srt
            assert "{{" not in srt
            others = [p for p in PEOPLE if p != (first, company)]
            assert not any(name in srt for name, _ in others), srt

        deadline = time.monotonic() + 60
        while len(hooks.got) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        events = {h["event_data"]["video_id"]: h["event_type"] for h in hooks.got}
        assert events == dict.fromkeys(made, "avatar_video.success"), hooks.got

        # v3 generate: the same, in the v3 envelope; plain strings are accepted as values too.
        r = c.post(
            f"/v3/templates/{tid}/generate", json={"variables": {"first_name": "Zoe", "company": "Acme"}}
        )
        assert r.status_code == 200 and r.json()["data"]["video_id"], r.text
        assert wait_video(c, r.json()["data"]["video_id"])["status"] == "completed"


def test_template_from_a_video_and_refusals(env: tuple[Server, str, str, Hooks]) -> None:
    srv, key, other, _ = env
    with srv.client(key) as c, srv.client(other) as o:
        tid = c.post("/v3/templates", json={"name": "Onboarding", "storyboard": BOARD}).json()["data"][
            "template_id"
        ]

        def refused(r: httpx.Response, param: str, status: int = 400) -> None:
            assert r.status_code == status, r.text
            assert r.json()["error"]["param"] == param, r.json()

        gen = f"/v2/template/{tid}/generate"
        r = c.post(gen, json={"variables": {"first_name": _var("first_name", "Ana")}})
        refused(r, "variables.company")
        assert r.json()["data"] is None  # HeyGen's v2 envelope
        r = c.post(
            gen, json={"variables": {"first_name": _var("first_name", "Ana"), "company": {"type": "image"}}}
        )
        assert r.status_code == 400, r.text
        too_long = {"first_name": "x" * 900, "company": "x"}
        refused(c.post(gen, json={"variables": too_long}), "storyboard.title")
        assert o.post(gen, json={"variables": {"first_name": "A", "company": "B"}}).status_code == 404
        assert c.post("/v2/template/" + "0" * 32 + "/generate", json={}).status_code == 404

        plain = {
            "title": "Plain",
            "scenes": [{"id": "a", "narration": "Hi.", "visual": {"kind": "title", "heading": "Hi"}}],
        }
        refused(c.post("/v3/templates", json={"name": "x", "storyboard": plain}), "storyboard")
        picture = {
            **BOARD,
            "scenes": [{**BOARD["scenes"][0], "visual": {"kind": "image", "source": "/etc/hostname"}}],
        }
        refused(
            c.post("/v3/templates", json={"name": "x", "storyboard": picture}),
            "storyboard.scenes.0.visual.source",
        )
        assert c.post("/v3/templates", json={"name": "x"}).status_code == 400
        # Both together is that video's storyboard edited: the video must be the caller's own.
        assert (
            c.post("/v3/templates", json={"name": "x", "storyboard": BOARD, "video_id": "a" * 32}).status_code
            == 404
        )

        # From a finished video whose storyboard holds {{variables}}: the template keeps them.
        rendered = c.post(
            f"/v3/templates/{tid}/generate",
            json={"variables": {"first_name": "{{first_name}}", "company": "Acme"}},
        )
        assert rendered.status_code == 200, rendered.text
        vid = rendered.json()["data"]["video_id"]
        assert wait_video(c, vid)["status"] == "completed"
        assert o.post("/v3/templates", json={"name": "theirs", "video_id": vid}).status_code == 404
        r = c.post("/v3/templates", json={"name": "From video", "video_id": vid})
        assert r.status_code == 200, r.text
        assert r.json()["data"]["variables"] == ["first_name"]
        assert "Acme" in r.json()["data"]["storyboard"]["scenes"][1]["narration"]

        assert c.delete(f"/v3/templates/{tid}").json()["data"]["deleted"] is True
        assert c.get(f"/v3/templates/{tid}").status_code == 404
        assert c.post(gen, json={"variables": {"first_name": "A", "company": "B"}}).status_code == 404


def test_batch_from_a_csv(env: tuple[Server, str, str, Hooks]) -> None:
    srv, key, other, _ = env
    with srv.client(key) as c, srv.client(other) as o:
        tid = c.post("/v3/templates", json={"name": "Onboarding", "storyboard": BOARD}).json()["data"][
            "template_id"
        ]
        batch = f"/v3/templates/{tid}/batch"

        def upload(client: httpx.Client, text: str) -> httpx.Response:
            return client.post(batch, files={"file": ("people.csv", text.encode(), "text/csv")})

        before = len(c.get("/v3/videos", params={"limit": 100}).json()["data"])
        # Refused whole, before any video starts: a missing column, an empty cell, a too-long value.
        for bad in (
            "first_name,email\nAna,a@example.org\n",
            "first_name,company\nAna,Brightwater\nTomasz,\n",
            "first_name,company\n" + "x" * 300 + ",Acme\n",
            "first_name,company\n",
        ):
            r = upload(c, bad)
            assert r.status_code == 400 and r.json()["error"]["param"] == "file", r.text
        assert len(c.get("/v3/videos", params={"limit": 100}).json()["data"]) == before
        assert upload(o, "first_name,company\nAna,B\n").status_code == 404

        rows = "\n".join(f'{first},"{company}",{first}@example.org' for first, company in PEOPLE)
        r = upload(c, "\ufefffirst_name,company,email\n" + rows + "\n\n")
        assert r.status_code == 200, r.text
        videos = r.json()["data"]["videos"]
        assert [v["row"] for v in videos] == [1, 2, 3]
        for v, (first, company) in zip(videos, PEOPLE, strict=True):
            video = wait_video(c, v["video_id"])
            assert video["status"] == "completed", video
            srt = " ".join(httpx.get(video["subtitle_url"], timeout=30).text.split())
            assert f"Hello {first}, welcome to {company}." in srt, srt
