"""Finding 12: the per-key job limit held only for creates one at a time; concurrent ones all passed
the count before any was recorded (4 accepted at a limit of 3). Now the count and the insert are
one transaction under the owner's lock, on SQLite and on PostgreSQL + Redis.

Each create carries a small base64 image, so that inspecting it puts time between the early check
and the insert: the window the old code left open."""

from __future__ import annotations

import base64
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.adversarial.live_backends import BACKENDS, backend_env, running_server, sql
from tests.media import make_png
from tests.server import Server

LIMIT = 3
CONCURRENT = 12


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"REELWRIGHT_MAX_CONCURRENT_JOBS": str(LIMIT)}
    with (
        backend_env(request.param) as backend,
        running_server(tmp_path_factory.mktemp(request.param), {**env, **backend}) as srv,
    ):
        yield srv


def _race(server: Server, key: str, send: Callable[[httpx.Client, int], httpx.Response]) -> Counter[int]:
    """Fire CONCURRENT requests at once (a barrier releases them together); their statuses."""
    barrier = threading.Barrier(CONCURRENT)
    statuses: list[int] = []

    def one(i: int) -> None:
        with server.client(key) as c:
            barrier.wait()
            statuses.append(send(c, i).status_code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Counter(statuses)


def _running(server: Server, owner_id: str) -> int:
    rows = sql(
        server,
        "SELECT count(*) FROM agent_sessions WHERE owner_id = :o AND status IN ('thinking', 'generating')",
        o=owner_id,
    )
    return int(rows[0][0])  # type: ignore[arg-type]


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_creates_never_pass_the_limit(server: Server, tmp_path: Path, round_: int) -> None:
    png = base64.b64encode(make_png(tmp_path / "p.png", 800, 600, "race").read_bytes()).decode()
    key = server.key(f"racer-{round_}")

    def create(c: httpx.Client, i: int) -> httpx.Response:
        files = [{"type": "base64", "media_type": "image/png", "data": png}]
        return c.post("/v3/video-agents", json={"prompt": f"race {i}", "files": files})

    statuses = _race(server, key, create)
    assert statuses == Counter({200: LIMIT, 429: CONCURRENT - LIMIT}), statuses
    with server.client(key) as c:
        owner = str(c.get("/v3/users/me").json()["data"]["user_id"])
        assert c.get("/v3/users/me").json()["data"]["concurrent_jobs"]["running"] == LIMIT
    assert _running(server, owner) == LIMIT
    # Nothing of the refused requests stays on disk: only the accepted sessions have input folders.
    inputs = server.data / "files" / "inputs"
    assert len(list(inputs.iterdir())) == LIMIT * (round_ + 1)


def test_concurrent_chat_messages_never_pass_the_limit(server: Server) -> None:
    key = server.key("chatter")
    sessions: list[str] = []
    with server.client(key) as c:
        owner = str(c.get("/v3/users/me").json()["data"]["user_id"])
        while len(sessions) < CONCURRENT:  # made LIMIT at a time, each batch then set waiting
            for _ in range(LIMIT):
                r = c.post("/v3/video-agents", json={"prompt": f"chat {len(sessions)}", "mode": "chat"})
                assert r.status_code == 200, r.text
                sessions.append(r.json()["data"]["session_id"])
            # As after a draft: every session waits for a message and counts for nothing.
            sql(server, "UPDATE agent_sessions SET status = 'waiting_for_input' WHERE owner_id = :o", o=owner)

    def message(c: httpx.Client, i: int) -> httpx.Response:
        return c.post(f"/v3/video-agents/{sessions[i]}", json={"message": "shorter, please"})

    statuses = _race(server, key, message)
    assert statuses == Counter({200: LIMIT, 429: CONCURRENT - LIMIT}), statuses
    assert _running(server, owner) == LIMIT
