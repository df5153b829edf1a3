"""Webhooks: endpoint routes against a real server, events delivered to a real local receiver
(signed, retried, surviving a restart), and the outbox and dispatcher against a real database."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from reelwright.config import Settings
from reelwright.store.db import Database, migrate
from reelwright.store.keys import create_key
from reelwright.store.links import verify as verify_link
from reelwright.store.models import (
    AgentSession,
    ServerSecret,
    Video,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    now,
)
from reelwright.webhooks.callback_secret import owner_secret
from reelwright.webhooks.dispatcher import deliver_due, retry_delay
from reelwright.webhooks.outbox import encode_body, enqueue_session_events
from reelwright.webhooks.signing import sign
from tests.quiet_http import QuietHTTPServer
from tests.server import Server, wait_done

EVENT_TYPES = {"avatar_video.success", "avatar_video.fail", "video_agent.success", "video_agent.fail"}


# --- a webhook receiver ---------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int
    signed_ok: bool

    @property
    def json(self) -> dict[str, Any]:
        payload: dict[str, Any] = json.loads(self.body)
        return payload


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that checks each POST's ``Signature`` against the secret set for
    its path (401 when wrong), fails the first ``fail_first[path]`` tries of each delivery, fails
    everything sent to a path in ``failing``, and records all it got."""

    secrets: dict[str, str] = field(default_factory=dict)
    fail_first: dict[str, int] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    redirect: dict[str, str] = field(default_factory=dict)
    got: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def start(self) -> tuple[ThreadingHTTPServer, threading.Thread]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path = urlsplit(self.path).path
                secret = receiver.secrets.get(path)
                signature = self.headers.get("Signature", "")
                signed_ok = secret is not None and sign(secret, body) == signature
                delivery = self.headers.get("X-Reelwright-Delivery", "")
                with receiver.lock:
                    earlier = sum(
                        1 for r in receiver.got if r.headers.get("X-Reelwright-Delivery") == delivery
                    )
                    if not signed_ok:
                        status = 401
                    elif path in receiver.redirect:
                        status = 302
                    elif earlier < receiver.fail_first.get(path, 0):
                        status = 500
                    elif path in receiver.failing:
                        status = 503
                    else:
                        status = 200
                    receiver.got.append(Received(path, dict(self.headers.items()), body, status, signed_ok))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", receiver.redirect[path])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        server = QuietHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        return server, thread

    def url(self, path: str) -> str:
        return self.base + path

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.got if r.path == path]

    def wait(self, what: str, until: Callable[[], bool], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; got {[(r.path, r.answered) for r in self.got]}"
                )
            time.sleep(0.2)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    server, thread = rec.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- a real server --------------------------------------------------------------------------------


@dataclass
class Running:
    server: Server
    alice: str
    bob: str

    def client(self, key: str | None = None) -> httpx.Client:
        return self.server.client(key)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    srv = Server(
        tmp_path_factory.mktemp("webhooks"),
        env={"REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*", "REELWRIGHT_WEBHOOK_RETRY_SECONDS": "1"},
    )
    alice, bob = srv.key("alice"), srv.key("bob")
    srv.start()
    try:
        yield Running(srv, alice, bob)
    finally:
        srv.stop()


def _error(r: httpx.Response, status: int, param: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err: dict[str, Any] = r.json()["error"]
    if param is not None:
        assert err["param"] == param, err
    return err


def test_auth_is_required(running: Running) -> None:
    with running.client() as anon:
        for method, path in (
            ("GET", "/v3/webhooks/endpoints"),
            ("POST", "/v3/webhooks/endpoints"),
            ("GET", "/v3/webhooks/events"),
            ("GET", "/v3/webhooks/callback-secret"),
            ("GET", "/v1/webhook/endpoint.list"),
        ):
            r = anon.request(
                method, path, json={"url": "https://example.com/h"} if method == "POST" else None
            )
            assert _error(r, 401)["code"] == "unauthorized", path


def test_endpoint_lifecycle(running: Running) -> None:
    with running.client(running.alice) as c:
        r = c.post(
            "/v3/webhooks/endpoints",
            json={"url": "http://127.0.0.1:9/hook", "events": ["video_agent.success"]},
        )
        assert r.status_code == 200, r.text
        created = r.json()["data"]
        assert set(created) == {"endpoint_id", "url", "status", "events", "created_at", "secret"}
        assert created["status"] == "enabled" and created["events"] == ["video_agent.success"]
        assert created["url"] == "http://127.0.0.1:9/hook" and created["secret"]
        datetime.fromisoformat(created["created_at"])  # ISO-8601
        eid = created["endpoint_id"]

        got = c.get(f"/v3/webhooks/endpoints/{eid}").json()["data"]
        assert "secret" not in got and got["endpoint_id"] == eid

        # Another one (every event), then page through both.
        other = c.post("/v3/webhooks/endpoints", json={"url": "http://127.0.0.1:9/all"}).json()["data"]
        assert other["events"] == []
        seen: list[str] = []
        token: str | None = None
        while True:  # one per page
            params: dict[str, Any] = {"limit": 1, **({"token": token} if token else {})}
            listed = c.get("/v3/webhooks/endpoints", params=params).json()
            assert len(listed["data"]) == 1 and "secret" not in listed["data"][0]
            seen.append(listed["data"][0]["endpoint_id"])
            if not listed["has_more"]:
                break
            token = listed["next_token"]
        assert len(seen) == len(set(seen)) and {eid, other["endpoint_id"]} <= set(seen)

        r = c.patch(
            f"/v3/webhooks/endpoints/{eid}",
            json={"url": "http://127.0.0.1:9/moved", "events": ["avatar_video.fail"], "status": "disabled"},
        )
        assert r.status_code == 200, r.text
        patched = r.json()["data"]
        assert patched["url"].endswith("/moved") and patched["events"] == ["avatar_video.fail"]
        assert patched["status"] == "disabled" and "secret" not in patched
        _error(c.patch(f"/v3/webhooks/endpoints/{eid}", json={"status": "paused"}), 400, "status")
        _error(c.patch(f"/v3/webhooks/endpoints/{eid}", json={"events": ["nope"]}), 400, "events")
        _error(c.patch(f"/v3/webhooks/endpoints/{eid}", json={"url": "ftp://x"}), 400, "url")

        rotated = c.post(f"/v3/webhooks/endpoints/{eid}/rotate-secret").json()["data"]
        assert rotated["secret"] and rotated["secret"] != created["secret"]

        # Bob sees none of it.
        with running.client(running.bob) as b:
            for method in ("GET", "DELETE"):
                assert _error(b.request(method, f"/v3/webhooks/endpoints/{eid}"), 404)["code"] == "not_found"
            _error(b.patch(f"/v3/webhooks/endpoints/{eid}", json={"status": "enabled"}), 404)
            _error(b.post(f"/v3/webhooks/endpoints/{eid}/rotate-secret"), 404)
            assert eid not in {e["endpoint_id"] for e in b.get("/v3/webhooks/endpoints").json()["data"]}
            assert b.get("/v3/webhooks/events", params={"endpoint_id": eid}).json()["data"] == []

        deleted = c.delete(f"/v3/webhooks/endpoints/{eid}")
        assert deleted.status_code == 200 and deleted.json()["data"] == {"endpoint_id": eid, "deleted": True}
        _error(c.get(f"/v3/webhooks/endpoints/{eid}"), 404)
        _error(c.delete(f"/v3/webhooks/endpoints/{eid}"), 404)


def test_endpoint_validation(running: Running) -> None:
    with running.client(running.alice) as c:
        for url in ("http://169.254.169.254/x", "ftp://x", "file:///etc/passwd"):
            err = _error(c.post("/v3/webhooks/endpoints", json={"url": url}), 400, "url")
            assert err["code"] == "validation_error", url
        _error(c.post("/v3/webhooks/endpoints", json={"url": ""}), 400, "url")
        _error(c.post("/v3/webhooks/endpoints", json={"events": []}), 400, "url")
        err = _error(
            c.post("/v3/webhooks/endpoints", json={"url": "http://127.0.0.1:9/h", "events": ["video.done"]}),
            400,
            "events",
        )
        assert "video.done" in err["message"]
        _error(c.get("/v3/webhooks/events", params={"event_type": "video.done"}), 400, "event_type")
        _error(c.get("/v3/webhooks/events", params={"token": "garbage!"}), 400, "token")
        _error(c.get("/v3/webhooks/endpoints", params={"limit": 0}), 400, "limit")


def test_event_types_and_callback_secret(running: Running) -> None:
    with running.client(running.alice) as c:
        types = c.get("/v3/webhooks/event-types").json()["data"]
        assert {t["event_type"] for t in types} == EVENT_TYPES and all(t["description"] for t in types)
        secret = c.get("/v3/webhooks/callback-secret").json()["data"]["secret"]
        assert secret and c.get("/v3/webhooks/callback-secret").json()["data"]["secret"] == secret
        rotated = c.post("/v3/webhooks/callback-secret").json()["data"]["secret"]
        assert rotated != secret
        assert c.get("/v3/webhooks/callback-secret").json()["data"]["secret"] == rotated
    with running.client(running.bob) as b:
        assert b.get("/v3/webhooks/callback-secret").json()["data"]["secret"] not in (secret, rotated)


def test_legacy_routes(running: Running) -> None:
    with running.client(running.alice) as c:
        r = c.post(
            "/v1/webhook/endpoint.add",
            json={"url": "http://127.0.0.1:9/v1", "events": ["avatar_video.success"]},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["code"] == 100 and body["message"] == "Success"
        added = body["data"]
        assert set(added) == {"endpoint_id", "url", "status", "events", "secret", "created_at"}
        listed = c.get("/v1/webhook/endpoint.list").json()
        assert listed["code"] == 100
        mine = [e for e in listed["data"] if e["endpoint_id"] == added["endpoint_id"]]
        assert mine and "secret" not in mine[0] and mine[0]["events"] == ["avatar_video.success"]
        kinds = c.get("/v1/webhook/webhook.list").json()
        assert kinds["code"] == 100 and set(kinds["data"]) == EVENT_TYPES
        _error(c.post("/v1/webhook/endpoint.add", json={"url": "ftp://x"}), 400, "url")
        with running.client(running.bob) as b:
            _error(b.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": added["endpoint_id"]}), 404)
        gone = c.delete("/v1/webhook/endpoint.delete", params={"endpoint_id": added["endpoint_id"]})
        assert gone.status_code == 200 and gone.json()["code"] == 100
        assert added["endpoint_id"] not in {
            e["endpoint_id"] for e in c.get("/v1/webhook/endpoint.list").json()["data"]
        }
        _error(c.delete("/v1/webhook/endpoint.delete"), 400, "endpoint_id")


def test_openapi_describes_the_routes(running: Running) -> None:
    spec = httpx.get(f"{running.server.base}/openapi.json", timeout=30).json()
    paths = spec["paths"]
    for path in (
        "/v3/webhooks/endpoints",
        "/v3/webhooks/endpoints/{endpoint_id}",
        "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret",
        "/v3/webhooks/event-types",
        "/v3/webhooks/events",
        "/v3/webhooks/callback-secret",
        "/v1/webhook/endpoint.add",
        "/v1/webhook/endpoint.list",
        "/v1/webhook/endpoint.delete",
        "/v1/webhook/webhook.list",
    ):
        assert path in paths, path
    assert set(paths["/v3/webhooks/endpoints/{endpoint_id}"]) >= {"get", "patch", "delete"}
    events = spec["components"]["schemas"]["WebhookEndpointCreate"]["properties"]["events"]
    assert set(json.dumps(events).split('"')) >= EVENT_TYPES


def _signed_with(r: Received, secret: str) -> None:
    assert r.signed_ok, r.headers
    assert r.headers["Signature"] == r.headers["X-HeyGen-Signature"] == sign(secret, r.body)
    assert r.headers["Content-Type"] == "application/json"
    assert r.headers["User-Agent"].startswith("Reelwright-Webhooks/")
    assert r.headers["X-Reelwright-Event"] == r.json["event_type"]
    assert r.headers["X-Reelwright-Delivery"]


def _events(c: httpx.Client, **params: str) -> list[dict[str, Any]]:
    r = c.get("/v3/webhooks/events", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["data"]
    return items


@pytest.mark.slow
def test_events_are_delivered_signed_retried_and_survive_a_restart(
    running: Running, receiver: Receiver
) -> None:
    with running.client(running.alice) as c:
        flaky = c.post(
            "/v3/webhooks/endpoints", json={"url": receiver.url("/flaky"), "events": ["video_agent.success"]}
        ).json()["data"]
        receiver.secrets["/flaky"] = flaky["secret"]
        receiver.fail_first["/flaky"] = 2
        callback_secret = c.get("/v3/webhooks/callback-secret").json()["data"]["secret"]
        receiver.secrets["/callback"] = receiver.secrets["/v1-callback"] = callback_secret

        # A v3 session: its callback_url gets video_agent.success, the endpoint gets it after 2 failures.
        r = c.post(
            "/v3/video-agents",
            json={
                "prompt": "A 5-second hello",
                "callback_url": receiver.url("/callback"),
                "callback_id": "cb-3",
            },
        )
        assert r.status_code == 200, r.text
        session = wait_done(c, r.json()["data"]["session_id"])
        assert session["status"] == "completed", session
        receiver.wait(
            "the endpoint's third try", lambda: any(x.answered == 200 for x in receiver.at("/flaky"))
        )
        receiver.wait("the callback", lambda: bool(receiver.at("/callback")))

        tries = receiver.at("/flaky")
        assert [t.answered for t in tries] == [500, 500, 200]
        assert len({t.body for t in tries}) == 1  # the same bytes every time
        for t in tries:
            _signed_with(t, flaky["secret"])
        event = tries[-1].json
        assert event["event_type"] == "video_agent.success"
        data = event["event_data"]
        assert data["session_id"] == session["session_id"] and data["video_id"] == session["video_id"]
        assert data["callback_id"] == "cb-3"
        mp4 = httpx.get(data["url"], timeout=60)
        assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4" and mp4.content

        calls = receiver.at("/callback")
        assert [x.json["event_type"] for x in calls] == ["video_agent.success"]  # not avatar_video too
        _signed_with(calls[0], callback_secret)
        assert calls[0].json["event_data"] == data

        logged = _events(c, endpoint_id=flaky["endpoint_id"])
        assert len(logged) == 1
        item = logged[0]
        assert item["status"] == "delivered" and item["attempts"] == 3 and item["delivered_at"]
        assert [a["status_code"] for a in item["attempt_history"]] == [500, 500, 200]
        assert item["event_type"] == "video_agent.success" and item["event_data"] == data
        assert item["url"] == receiver.url("/flaky") and item["last_status_code"] == 200
        to_callback = [e for e in _events(c) if e["endpoint_id"] is None]
        assert [e["url"] for e in to_callback] == [receiver.url("/callback")]
        assert to_callback[0]["status"] == "delivered"
        assert _events(c, event_type="video_agent.fail") == []

        # A legacy v1 session, and an endpoint for every event that fails until after a restart.
        down = c.post("/v3/webhooks/endpoints", json={"url": receiver.url("/down")}).json()["data"]
        receiver.secrets["/down"] = down["secret"]
        receiver.failing.add("/down")
        r = c.post(
            "/v1/video_agent/generate",
            json={
                "prompt": "A 5-second hello",
                "callback_url": receiver.url("/v1-callback"),
                "callback_id": "cb-1",
            },
        )
        assert r.status_code == 200, r.text
        video_id = r.json()["data"]["video_id"]
        receiver.wait("the v1 callback", lambda: bool(receiver.at("/v1-callback")), timeout=300)
        v1 = receiver.at("/v1-callback")
        assert [x.json["event_type"] for x in v1] == ["avatar_video.success"]
        _signed_with(v1[0], callback_secret)
        assert v1[0].json["event_data"]["video_id"] == video_id
        assert v1[0].json["event_data"]["callback_id"] == "cb-1"
        assert set(v1[0].json["event_data"]) == {"video_id", "url", "callback_id"}
        receiver.wait(
            "both events to fail at /down",
            lambda: (
                {x.json["event_type"] for x in receiver.at("/down")}
                == {"video_agent.success", "avatar_video.success"}
            ),
        )
        assert all(x.answered == 503 for x in receiver.at("/down"))

    running.server.stop()
    pending = [e for e in _events_offline(running.server.data) if e["endpoint_id"] == down["endpoint_id"]]
    assert len(pending) == 2 and all(e["status"] == "pending" for e in pending)
    receiver.failing.discard("/down")
    running.server.start()

    receiver.wait(
        "/down to accept both events", lambda: sum(x.answered == 200 for x in receiver.at("/down")) == 2
    )
    with running.client(running.alice) as c:
        receiver.wait(
            "the log to say delivered",
            lambda: all(e["status"] == "delivered" for e in _events(c, endpoint_id=down["endpoint_id"])),
            timeout=30,
        )
        logged = _events(c, endpoint_id=down["endpoint_id"])
        assert {e["event_type"] for e in logged} == {"video_agent.success", "avatar_video.success"}
        for e in logged:
            codes = [a["status_code"] for a in e["attempt_history"]]
            assert codes[-1] == 200 and set(codes[:-1]) == {503} and e["attempts"] == len(codes)
    for x in receiver.at("/down"):
        _signed_with(x, down["secret"])


def _events_offline(data_dir: Path) -> list[dict[str, Any]]:
    """The outbox read straight from the stopped server's database."""
    db = Database(Settings(data_dir=data_dir).resolved_database_url)
    with db.session() as s:
        return [
            {"endpoint_id": d.endpoint_id, "status": d.status, "attempts": d.attempts}
            for d in s.scalars(select(WebhookDelivery))
        ]


# --- the outbox and the dispatcher against a real database ---------------------------------------------


@dataclass
class Local:
    settings: Settings
    db: Database
    owner_id: str


@pytest.fixture
def local(tmp_path: Path) -> Local:
    settings = Settings(
        data_dir=tmp_path,
        url_allowlist="127.0.0.1:*",
        webhook_retry_seconds=1,
        webhook_timeout_seconds=5,
        public_url="http://videos.example",
    )
    migrate(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    owner_id, _key = create_key(db, "carol")
    return Local(settings, db, owner_id)


def _add_delivery(local: Local, url: str, *, endpoint_id: str | None = None, age: int = 0) -> str:
    with local.db.session() as s:
        d = WebhookDelivery(
            owner_id=local.owner_id,
            endpoint_id=endpoint_id,
            url=url,
            event_type="video_agent.success",
            body=encode_body(
                "video_agent.success", {"session_id": "s", "video_id": "v", "url": "u", "callback_id": None}
            ),
            created_at=now() - age,
            next_attempt_at=now(),
        )
        s.add(d)
        s.flush()
        return d.id


def _delivery(local: Local, delivery_id: str) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    with local.db.session() as s:
        d = s.get(WebhookDelivery, delivery_id)
        assert d is not None
        attempts = list(s.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)))
        return d, attempts


def _callback_secret(local: Local) -> str:
    with local.db.session() as s:
        return owner_secret(s, local.owner_id)


def test_retry_delay_doubles_and_is_capped() -> None:
    settings = Settings(webhook_retry_seconds=30)
    assert [retry_delay(settings, n) for n in range(1, 5)] == [30, 60, 120, 240]
    assert retry_delay(settings, 8) == 3600 and retry_delay(settings, 40) == 3600


def test_outbox_records_the_outcome_for_callback_and_subscribers(local: Local) -> None:
    with local.db.session() as s:
        every = WebhookEndpoint(owner_id=local.owner_id, url="https://a.example/h", events=[], secret="x")
        only_success = WebhookEndpoint(
            owner_id=local.owner_id, url="https://b.example/h", events=["video_agent.success"], secret="y"
        )
        off = WebhookEndpoint(
            owner_id=local.owner_id, url="https://c.example/h", events=[], secret="z", status="disabled"
        )
        s.add_all([every, only_success, off])
        sess = AgentSession(
            owner_id=local.owner_id,
            prompt="p",
            request={"api": "v1"},
            callback_url="https://cb.example/legacy",
            callback_id="cid",
            status="failed",
            error="boom",
        )
        s.add(sess)
        s.flush()
        video = Video(owner_id=local.owner_id, session_id=sess.id, status="failed", failure_message="boom")
        s.add(video)
        s.flush()
        enqueue_session_events(s, sess, video)
        ids = (every.id, only_success.id, off.id, sess.id, video.id)
    every_id, only_id, off_id, session_id, video_id = ids
    with local.db.session() as s:
        rows = list(s.scalars(select(WebhookDelivery)))
    sent = {(d.endpoint_id, d.event_type) for d in rows}
    assert sent == {
        (None, "avatar_video.fail"),
        (every_id, "avatar_video.fail"),
        (every_id, "video_agent.fail"),
    }
    assert not any(d.endpoint_id in (only_id, off_id) for d in rows)
    bodies = {d.event_type: json.loads(d.body) for d in rows}
    assert bodies["video_agent.fail"] == {
        "event_type": "video_agent.fail",
        "event": "video_agent.fail",
        "event_data": {
            "session_id": session_id,
            "video_id": video_id,
            "msg": "boom",
            "message": "boom",
            "callback_id": "cid",
        },
    }
    assert bodies["avatar_video.fail"]["event_data"] == {
        "video_id": video_id,
        "msg": "boom",
        "callback_id": "cid",
    }
    assert all(d.status == "pending" and d.attempts == 0 for d in rows)


def test_outbox_success_carries_a_signed_download_link(local: Local) -> None:
    with local.db.session() as s:
        sess = AgentSession(
            owner_id=local.owner_id,
            prompt="p",
            request={},
            callback_url="https://cb.example/v3",
            status="completed",
        )
        s.add(sess)
        s.flush()
        video = Video(owner_id=local.owner_id, session_id=sess.id, status="completed")
        s.add(video)
        s.flush()
        enqueue_session_events(s, sess, video, settings=local.settings)
        video_id = video.id
    with local.db.session() as s:
        rows = list(s.scalars(select(WebhookDelivery)))
        secret_row = s.get(ServerSecret, "url-signing")
        assert secret_row is not None
        url_secret = bytes.fromhex(secret_row.value)
    assert [d.event_type for d in rows] == ["video_agent.success"]
    url = json.loads(rows[0].body)["event_data"]["url"]
    parts = urlsplit(url)
    assert url.startswith(f"http://videos.example/files/{video_id}/video.mp4?")
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert verify_link(url_secret, parts.path, int(query["expires"]), query["sig"])


def test_dispatcher_refuses_unsafe_urls_and_retries_later(local: Local) -> None:
    settings = local.settings.model_copy(update={"webhook_retry_seconds": 60})
    delivery_id = _add_delivery(local, "http://169.254.169.254/latest/meta-data")
    assert deliver_due(settings, local.db) == 1
    d, attempts = _delivery(local, delivery_id)
    assert d.status == "pending" and d.attempts == 1 and d.last_status_code is None
    assert d.last_error and "refused" in d.last_error
    assert len(attempts) == 1 and attempts[0].error == d.last_error
    assert d.next_attempt_at >= attempts[0].attempted_at + 60
    assert deliver_due(settings, local.db) == 0  # not due again yet


def test_dispatcher_does_not_follow_redirects_and_gives_up_after_the_retry_period(
    local: Local, receiver: Receiver
) -> None:
    receiver.secrets["/moved"] = _callback_secret(local)
    receiver.redirect["/moved"] = receiver.url("/elsewhere")
    delivery_id = _add_delivery(
        local, receiver.url("/moved"), age=int(local.settings.webhook_retry_hours * 3600) + 5
    )
    assert deliver_due(local.settings, local.db) == 1
    d, attempts = _delivery(local, delivery_id)
    assert d.status == "failed" and d.attempts == 1 and d.last_status_code == 302
    assert [a.status_code for a in attempts] == [302]
    assert [r.path for r in receiver.got] == ["/moved"]


def test_dispatcher_sends_each_delivery_once_across_concurrent_passes(
    local: Local, receiver: Receiver
) -> None:
    receiver.secrets["/ok"] = _callback_secret(local)
    ids = {_add_delivery(local, receiver.url("/ok")) for _ in range(12)}
    passes = [threading.Thread(target=deliver_due, args=(local.settings, local.db)) for _ in range(3)]
    for t in passes:
        t.start()
    for t in passes:
        t.join()
    while deliver_due(local.settings, local.db):  # anything a busy pass left
        pass
    delivered = [r.headers["X-Reelwright-Delivery"] for r in receiver.at("/ok")]
    assert sorted(delivered) == sorted(ids)
    for delivery_id in ids:
        d, attempts = _delivery(local, delivery_id)
        assert d.status == "delivered" and d.attempts == 1 and len(attempts) == 1


def test_dispatcher_follows_the_endpoint_and_drops_events_of_deleted_ones(
    local: Local, receiver: Receiver
) -> None:
    with local.db.session() as s:
        endpoint = WebhookEndpoint(
            owner_id=local.owner_id, url=receiver.url("/old"), events=[], secret="sec1"
        )
        gone = WebhookEndpoint(owner_id=local.owner_id, url=receiver.url("/gone"), events=[], secret="sec2")
        s.add_all([endpoint, gone])
        s.flush()
        endpoint_id, gone_id = endpoint.id, gone.id
    kept = _add_delivery(local, receiver.url("/old"), endpoint_id=endpoint_id)
    dropped = _add_delivery(local, receiver.url("/gone"), endpoint_id=gone_id)
    with local.db.session() as s:
        row = s.get(WebhookEndpoint, endpoint_id)
        assert row is not None
        row.url, row.secret = receiver.url("/new"), "sec3"  # a PATCH and a rotation after the event
        gone_row = s.get(WebhookEndpoint, gone_id)
        s.delete(gone_row)
    receiver.secrets["/new"] = "sec3"
    deliver_due(local.settings, local.db)
    assert [r.path for r in receiver.got] == ["/new"] and receiver.got[0].answered == 200
    d, _ = _delivery(local, kept)
    assert d.status == "delivered" and d.url == receiver.url("/new")
    d, attempts = _delivery(local, dropped)
    assert d.status == "failed" and d.last_error and "deleted" in d.last_error and attempts == []
