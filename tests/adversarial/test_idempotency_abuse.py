"""``Idempotency-Key`` and list tokens under abuse, on SQLite and on PostgreSQL + Redis.

Finding 6: a 429 (or any refusal) used to be stored and replayed for 24 h. Finding 16: the same key
with another body silently replayed the first answer. Finding 5 (PostgreSQL): a key on a path over
255 characters and a page token with a timestamp of 2**31 or more were 500s."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from reelwright.api.idempotency import ROUTE_CHARS, request_hash, route_id
from tests.adversarial.live_backends import BACKENDS, backend_env, error_of, running_server, sql
from tests.media import make_png
from tests.server import Server


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with (
        backend_env(request.param) as env,
        running_server(
            tmp_path_factory.mktemp(request.param), {**env, "REELWRIGHT_MAX_CONCURRENT_JOBS": "1"}
        ) as srv,
    ):
        yield srv


def _owner(c: httpx.Client) -> str:
    return str(c.get("/v3/users/me").json()["data"]["user_id"])


def _stored_keys(server: Server, owner_id: str) -> set[str]:
    rows = sql(server, "SELECT key FROM idempotency_records WHERE owner_id = :o", o=owner_id)
    return {str(r[0]) for r in rows}


def test_a_429_is_not_stored_and_the_retry_runs(server: Server) -> None:
    with server.client(server.key("full")) as c:
        owner = _owner(c)
        assert c.post("/v3/video-agents", json={"prompt": "fills the only slot"}).status_code == 200
        body = {"prompt": "waits for a free slot"}
        busy = c.post("/v3/video-agents", json=body, headers={"Idempotency-Key": "retry-1"})
        assert busy.status_code == 429 and error_of(busy)["code"] == "rate_limit_exceeded"
        assert "retry-1" not in _stored_keys(server, owner)
        # The first job finishes; the client retries with the same key and must get a real answer.
        sql(server, "UPDATE agent_sessions SET status = 'failed' WHERE owner_id = :o", o=owner)
        retry = c.post("/v3/video-agents", json=body, headers={"Idempotency-Key": "retry-1"})
        assert retry.status_code == 200 and "Idempotent-Replayed" not in retry.headers, retry.text
        again = c.post("/v3/video-agents", json=body, headers={"Idempotency-Key": "retry-1"})
        assert again.headers.get("Idempotent-Replayed") == "true" and again.json() == retry.json()


def test_refusals_are_not_stored(server: Server) -> None:
    with server.client(server.key("refused")) as c:
        owner = _owner(c)
        generate = c.post("/v3/video-agents", json={"prompt": "a generate-mode session"}).json()["data"]
        sql(server, "UPDATE agent_sessions SET status = 'completed' WHERE owner_id = :o", o=owner)
        for _ in range(2):  # the second try is handled afresh, not replayed
            bad = c.post(
                "/v3/video-agents",
                json={"prompt": "x", "voice_id": "nope"},
                headers={"Idempotency-Key": "bad-1"},
            )
            assert bad.status_code == 400 and "Idempotent-Replayed" not in bad.headers
            conflict = c.post(
                f"/v3/video-agents/{generate['session_id']}",
                json={"message": "change it"},
                headers={"Idempotency-Key": "conflict-1"},
            )
            assert conflict.status_code == 409 and "Idempotent-Replayed" not in conflict.headers, (
                conflict.text
            )
        assert _stored_keys(server, owner) == set()


def test_the_same_key_with_another_body_is_422(
    server: Server, tmp_path_factory: pytest.TempPathFactory
) -> None:
    png = make_png(tmp_path_factory.mktemp("png") / "a.png", 32, 32).read_bytes()
    other_png = make_png(tmp_path_factory.mktemp("png") / "b.png", 48, 48).read_bytes()
    with server.client(server.key("reuser")) as c:
        first = c.post("/v3/video-agents", json={"prompt": "one"}, headers={"Idempotency-Key": "k-1"})
        assert first.status_code == 200
        reused = c.post("/v3/video-agents", json={"prompt": "two"}, headers={"Idempotency-Key": "k-1"})
        assert reused.status_code == 422 and error_of(reused)["code"] == "idempotency_key_reused", reused.text
        same = c.post("/v3/video-agents", json={"prompt": "one"}, headers={"Idempotency-Key": "k-1"})
        assert same.headers.get("Idempotent-Replayed") == "true" and same.json() == first.json()
        # Uploads: httpx picks a new multipart boundary per request, as most clients do on a retry.
        up = c.post(
            "/v3/assets", files={"file": ("a.png", png, "image/png")}, headers={"Idempotency-Key": "up-1"}
        )
        assert up.status_code == 200, up.text
        retry = c.post(
            "/v3/assets", files={"file": ("a.png", png, "image/png")}, headers={"Idempotency-Key": "up-1"}
        )
        assert retry.headers.get("Idempotent-Replayed") == "true" and retry.json() == up.json()
        other = c.post(
            "/v3/assets",
            files={"file": ("b.png", other_png, "image/png")},
            headers={"Idempotency-Key": "up-1"},
        )
        assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"


def test_a_key_on_a_very_long_path(server: Server) -> None:
    with server.client(server.key("long")) as c:
        for length in (256, 1000, 6000):
            path = "/v3/video-agents/" + "a" * length + "/stop"
            for _ in range(2):
                r = c.post(path, json={}, headers={"Idempotency-Key": f"long-{length}"})
                assert r.status_code == 404, r.text
        # The one stored form of a long path keeps it distinct from its neighbours.
        long_a, long_b = "/x/" + "a" * 400, "/x/" + "a" * 399 + "b"
        assert len(route_id(long_a)) == ROUTE_CHARS and route_id(long_a) != route_id(long_b)
        assert route_id("/v3/video-agents") == "/v3/video-agents"


def test_request_hash_ignores_only_the_multipart_boundary() -> None:
    def form(boundary: str, payload: bytes) -> bytes:
        return (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n'.encode()
            + payload
            + f"\r\n--{boundary}--\r\n".encode()
        )

    a = request_hash("multipart/form-data; boundary=aaa", form("aaa", b"x"))
    assert a == request_hash('multipart/form-data; boundary="bbb"', form("bbb", b"x"))
    assert a != request_hash("multipart/form-data; boundary=aaa", form("aaa", b"y"))
    assert request_hash("application/json", b"{}") != request_hash("application/json", b"{ }")


def _token(created: int | str, row_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created}:{row_id}".encode()).decode().rstrip("=")


LISTS = ["/v3/videos", "/v3/video-agents", "/v3/brand-kits", "/v3/webhooks/endpoints", "/v3/webhooks/events"]


def test_page_tokens_past_2038_and_forged_ones(server: Server) -> None:
    with server.client(server.key("pager")) as c:
        created = c.post("/v3/video-agents", json={"prompt": "one to page past"})
        assert created.status_code == 200
        for path in LISTS:
            for when in (2**31, 2**31 + 1, 2**40, 2**63 - 1):
                r = c.get(path, params={"token": _token(when, "f" * 32)})
                assert r.status_code == 200, (path, when, r.text)
            assert (
                len(c.get("/v3/video-agents", params={"token": _token(2**40, "f" * 32)}).json()["data"]) == 1
            )
            for forged in (
                _token(2**63, "f" * 32),
                _token(-1, "f" * 32),
                _token(5, "a\x00b"),
                _token(5, "f" * 33),
                _token("1e3", "f" * 32),
                "%%%",
                "A" * 5000,
            ):
                r = c.get(path, params={"token": forged})
                assert r.status_code == 400 and error_of(r)["param"] == "token", (path, forged, r.text)
