"""Every POST that makes something, retried after its node "died" between its commit and its
answer: the retry (same ``Idempotency-Key``) answers with what the first try made and makes nothing
more. A real server on SQLite with no workers; the death is the state a killed node leaves behind
(the key's record still in progress under the dead node's running lease, no answer stored, what it
made listed), written into the database. The real SIGKILL, on PostgreSQL, is in
tests/test_api_node_crash.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.adversarial.live_backends import running_server, sql
from tests.media import make_png
from tests.server import Server

PORTRAIT = Path(__file__).parent / "data" / "astronaut.jpg"
LIMIT = 8  # concurrent jobs per key: the batch below fills it exactly
BOARD: dict[str, Any] = {
    "title": "Welcome, {{first_name}}",
    "avatar": None,
    "scenes": [
        {"id": "hello", "narration": "Hello {{first_name}}.", "visual": {"kind": "title", "heading": "Hi"}}
    ],
}
SCENE = {
    "character": {"type": "avatar", "avatar_id": "ava", "avatar_style": "normal"},
    "voice": {"type": "text", "input_text": "Hello from the script.", "voice_id": "en_US-joe"},
}


@dataclass
class Env:
    server: Server
    keys: dict[str, str]
    files: Path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    data = tmp_path_factory.mktemp("data")
    files = tmp_path_factory.mktemp("files")
    extra = {"REELWRIGHT_MAX_CONCURRENT_JOBS": str(LIMIT), "REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*"}
    with running_server(data, extra) as server:
        # A key each for the cases that start jobs, so that no case's queued jobs fill another's limit.
        keys = {name: server.key(name) for name in ("things", "videos", "batch", "chat")}
        yield Env(server, keys, files)


def _died_unanswered(server: Server, idem: str) -> None:
    """The key's record as a node SIGKILLed after its commit and before its answer leaves it."""
    sql(
        server,
        "UPDATE idempotency_records SET state = 'in_progress', status_code = NULL, body = NULL, "
        "holder = 'a-dead-node', lease_until = :until WHERE key = :k",
        until=int(time.time()) + 600,
        k=idem,
    )


def _count(server: Server, table: str) -> int:
    return int(sql(server, f"SELECT count(*) FROM {table}")[0][0])


def _once(
    env: Env, who: str, idem: str, tables: tuple[str, ...], send: Callable[[httpx.Client], httpx.Response]
) -> dict[str, Any]:
    """Send, "die" unanswered, retry: the retry answers the same, and ``tables`` grew only once."""
    before = {t: _count(env.server, t) for t in tables}
    with env.server.client(env.keys[who]) as c:
        first = send(c)
        assert first.status_code == 200, first.text
        made = {t: _count(env.server, t) - before[t] for t in tables}
        assert all(n > 0 for n in made.values()), made
        _died_unanswered(env.server, idem)
        retried = send(c)
        assert retried.status_code == 200, retried.text
        assert "idempotent-replayed" not in retried.headers  # it ran, and reused what was made
        assert retried.json() == first.json()
        assert {t: _count(env.server, t) - before[t] for t in tables} == made
        replayed = send(c)  # and its answer is stored as any other
        assert replayed.headers.get("idempotent-replayed") == "true" and replayed.json() == first.json()
    return dict(first.json())


def _post(path: str, idem: str, **kwargs: Any) -> Callable[[httpx.Client], httpx.Response]:
    return lambda c: c.post(path, headers={"Idempotency-Key": idem}, **kwargs)


def _template(c: httpx.Client) -> str:
    made = c.post("/v3/templates", json={"name": "Welcome", "storyboard": BOARD})
    assert made.status_code == 200, made.text
    return str(made.json()["data"]["template_id"])


@pytest.mark.parametrize(
    ("path", "body", "tables"),
    [
        ("/v3/brand-kits", {"name": "Kit", "primary_color": "#112233"}, ("brand_kits",)),
        ("/v3/webhooks/endpoints", {"url": "http://127.0.0.1:9/hook"}, ("webhook_endpoints",)),
        ("/v1/webhook/endpoint.add", {"url": "http://127.0.0.1:9/v1"}, ("webhook_endpoints",)),
        ("/v3/templates", {"name": "Welcome", "storyboard": BOARD}, ("video_templates",)),
    ],
)
def test_a_made_thing_is_answered_again_not_made_again(
    env: Env, path: str, body: dict[str, Any], tables: tuple[str, ...]
) -> None:
    idem = "things" + path.replace("/", "-")
    _once(env, "things", idem, tables, _post(path, idem, json=body))


def test_uploads_speech_and_photo_looks(env: Env) -> None:
    png = make_png(env.files / "slide.png", 320, 180, "Upload").read_bytes()
    files = {"file": ("slide.png", png, "image/png")}
    _once(env, "things", "asset-v3", ("assets",), _post("/v3/assets", "asset-v3", files=files))
    raw = {"content": png, "headers": {"Content-Type": "image/png", "Idempotency-Key": "asset-v1"}}
    _once(env, "things", "asset-v1", ("assets",), lambda c: c.post("/v1/asset", **raw))
    with env.server.client(env.keys["things"]) as c:
        portrait = c.post("/v3/assets", files={"file": ("me.jpg", PORTRAIT.read_bytes(), "image/jpeg")})
        asset_id = portrait.json()["data"]["asset_id"]
    body = {"type": "photo", "asset_id": asset_id, "name": "Eileen"}
    _once(env, "things", "look", ("photo_avatars",), _post("/v3/avatars", "look", json=body))
    said = {"text": "Hello there.", "voice_id": "en_US-joe"}
    _once(env, "things", "speech", ("assets",), _post("/v3/voices/speech", "speech", json=said))


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v3/video-agents", {"prompt": "A 5-second hello from the team"}),
        ("/v1/video_agent/generate", {"prompt": "A 5-second hello, legacy"}),
        ("/v2/video/generate", {"video_inputs": [SCENE], "title": "Script v2"}),
        (
            "/v3/videos",
            {"script": "Hello from v3.", "avatar_id": "ava", "voice_id": "en_US-joe", "title": "v3"},
        ),
        ("/v3/templates/{template}/generate", {"variables": {"first_name": "Ana"}}),
        ("/v2/template/{template}/generate", {"variables": {"first_name": "Tom"}}),
    ],
)
def test_a_started_video_is_answered_again_not_started_again(
    env: Env, path: str, body: dict[str, Any]
) -> None:
    with env.server.client(env.keys["videos"]) as c:
        path = path.format(template=_template(c)) if "{template}" in path else path
    idem = "video" + path.replace("/", "-")
    _once(env, "videos", idem, ("agent_sessions",), _post(path, idem, json=body))


def test_a_batch_is_answered_again_and_its_jobs_count_once(env: Env) -> None:
    """A batch that filled the key's job limit, retried: its own jobs are not counted against it."""
    with env.server.client(env.keys["batch"]) as c:
        template = _template(c)
    rows = "first_name\n" + "\n".join(f"Person {i}" for i in range(LIMIT)) + "\n"
    send = _post(f"/v3/templates/{template}/batch", "batch", files={"file": ("rows.csv", rows, "text/csv")})
    answer = _once(env, "batch", "batch", ("agent_sessions", "videos"), send)
    assert answer["data"]["count"] == LIMIT


def test_a_chat_message_is_answered_again_not_sent_again(env: Env) -> None:
    with env.server.client(env.keys["chat"]) as c:
        made = c.post("/v3/video-agents", json={"prompt": "A 5-second hello", "mode": "chat"})
        sid = made.json()["data"]["session_id"]
    # Stands in for the worker's first draft: a chat session takes a message once it is reviewing.
    sql(env.server, "UPDATE agent_sessions SET status = 'reviewing' WHERE id = :s", s=sid)
    body = {"message": "Make it about our new bakery instead"}
    answer = _once(
        env, "chat", "message", ("agent_messages",), _post(f"/v3/video-agents/{sid}", "message", json=body)
    )
    sent = sql(env.server, "SELECT run_id FROM agent_messages WHERE content = :m", m=body["message"])
    assert sent == [(answer["data"]["run_id"],)]
