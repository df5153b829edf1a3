"""An API node SIGKILLed mid-request, and the client's retry (same ``Idempotency-Key``) sent to the
other node: nothing is lost and nothing is done twice.

Two `serve` nodes and a worker share only PostgreSQL, Redis and a moto S3 bucket. Node A is killed
with requests on it: an upload half sent and a create whose handler is still downloading its file;
then (after a restart) three creates that committed what they made but never answered (their
``Idempotency-Key`` records are held back by a trigger until A is dead): a prompt video
(``/v3/video-agents``), a script video (``/v2/video/generate``) and a storyboard render
(``/v3/videos/{id}/storyboard``). Each retry on node B makes exactly one asset, or answers at once
with the one session and video A made; each video completes once (one success webhook), the bucket
holds no object without a row, and a request A answered before dying is replayed by B."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.hook_receiver import HookReceiver
from tests.media import make_png
from tests.quiet_http import QuietHTTPServer
from tests.s3_server import S3, s3_server
from tests.server import Server, Worker
from tests.services import postgres_database, redis_queue

pytestmark = pytest.mark.slow

HOLD_LOCK = 7714  # the advisory lock the trigger waits on
VOICE = "en_US-joe"


class _Files(QuietHTTPServer):
    """Serves one PNG; the first request stalls half-way until ``release`` is set."""

    def __init__(self, png: bytes) -> None:
        self.png, self.started, self.release = png, threading.Event(), threading.Event()
        files = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(files.png)))
                self.end_headers()
                self.wfile.write(files.png[:1000])
                self.wfile.flush()
                files.started.set()
                files.release.wait(120)
                self.wfile.write(files.png[1000:])

            def log_message(self, format: str, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/slide.png"
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[dict[str, str], S3]]:
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name), s3_server() as s3:
        yield (
            {
                **s3.env(),
                "REELWRIGHT_DATABASE_URL": db_url,
                "REELWRIGHT_QUEUE_URL": queue_url,
                "REELWRIGHT_QUEUE_NAME": queue_name,
                "REELWRIGHT_WORKERS": "0",
                "REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*",
            },
            s3,
        )


def _multipart(png: bytes, boundary: str) -> bytes:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + png + f"\r\n--{boundary}--\r\n".encode()


def _half_sent_upload(node: Server, key: str, idem: str, body: bytes, boundary: str) -> socket.socket:
    """An upload whose headers and first half are sent; the rest never is."""
    sock = socket.create_connection(("127.0.0.1", node.port))
    sock.sendall(
        (
            f"POST /v3/assets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: {key}\r\n"
            f"Idempotency-Key: {idem}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body[: len(body) // 2]
    )
    return sock


def _post_to_dying_node(url: str, body: dict[str, Any], key: str, idem: str, answers: list[int]) -> None:
    """POST to node A, which is killed before it answers (the answer, if any, goes in ``answers``)."""
    with contextlib.suppress(httpx.TransportError):
        answers.append(
            httpx.post(
                url, json=body, headers={"X-Api-Key": key, "Idempotency-Key": idem}, timeout=120
            ).status_code
        )


def _wait(what: str, check: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
    return found


def _settled(client: httpx.Client, path: str, timeout: float = 300) -> dict[str, Any]:
    """The session or video at ``path`` once it has completed or failed."""
    deadline = time.monotonic() + timeout
    while (data := client.get(path).json()["data"])["status"] not in ("completed", "failed"):
        assert time.monotonic() < deadline, data
        time.sleep(0.5)
    return dict(data)


def test_an_api_node_killed_mid_request_loses_nothing_and_does_nothing_twice(
    tmp_path: Path, shared: tuple[dict[str, str], S3]
) -> None:
    env, s3 = shared
    node_a, node_b = Server(tmp_path / "api-a", env), Server(tmp_path / "api-b", env)
    key = node_a.key("k")
    own = Server(tmp_path / "worker", env)
    own.data.mkdir()
    worker = Worker(own)
    db = create_engine(env["REELWRIGHT_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    png = make_png(tmp_path / "slide.png", 640, 360, "Kill a node").read_bytes()
    big = make_png(tmp_path / "big.png", 1600, 1200, "A large upload").read_bytes()
    files, hooks = _Files(png), HookReceiver()

    def create_body(prompt: str, with_file: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"prompt": prompt, "callback_url": hooks.url}
        if with_file:
            body["files"] = [{"type": "url", "url": files.url}]
        return body

    def sessions(prompt: str) -> list[tuple[str, str | None]]:
        with db.connect() as c:
            rows = c.execute(text("SELECT id, video_id FROM agent_sessions WHERE prompt = :p"), {"p": prompt})
            return [(r[0], r[1]) for r in rows]

    def videos(title: str) -> list[str]:
        with db.connect() as c:
            return list(c.execute(text("SELECT id FROM videos WHERE title = :t"), {"t": title}).scalars())

    try:
        node_a.start()
        node_b.start()
        worker.start()
        # 1. Answered by A before it dies: B replays the very answer.
        with node_a.client(key) as a:
            answered = a.post(
                "/v3/assets",
                files={"file": ("slide.png", png, "image/png")},
                headers={"Idempotency-Key": "answered"},
            )
        assert answered.status_code == 200, answered.text
        # 2. An upload half sent, and 3. a create whose handler is fetching its file, when A dies.
        upload = _multipart(big, "first-try")
        sock = _half_sent_upload(node_a, key, "upload", upload, "first-try")
        fetching = "A 5-second note that our bakery opens at nine, with the picture"
        in_flight = threading.Thread(
            target=_post_to_dying_node,
            args=(f"{node_a.base}/v3/video-agents", create_body(fetching, True), key, "fetching", []),
            daemon=True,
        )
        in_flight.start()
        assert files.started.wait(60), "node A never fetched the request's file"
        node_a.kill()
        sock.close()
        files.release.set()

        with node_b.client(key) as b:
            replayed = b.post(
                "/v3/assets",
                files={"file": ("slide.png", png, "image/png")},
                headers={"Idempotency-Key": "answered"},
            )
            assert replayed.status_code == 200 and replayed.headers.get("idempotent-replayed") == "true"
            assert replayed.json() == answered.json()
            # The half-sent upload never reached a handler: B's retry (another boundary) stores it.
            retried = b.post(
                "/v3/assets",
                content=_multipart(big, "second-try"),
                headers={
                    "Idempotency-Key": "upload",
                    "Content-Type": "multipart/form-data; boundary=second-try",
                },
            )
            assert retried.status_code == 200, retried.text
            # A's claim on the create is held until its lease lapses: B says so, then runs it once.
            first = b.post(
                "/v3/video-agents", json=create_body(fetching, True), headers={"Idempotency-Key": "fetching"}
            )
            assert first.status_code == 409 and first.json()["error"]["code"] == "request_in_progress", (
                first.text
            )
            assert int(first.headers["retry-after"]) > 0
            started = time.monotonic()
            created = _wait(
                "the retry to run",
                lambda: (
                    r
                    if (
                        r := b.post(
                            "/v3/video-agents",
                            json=create_body(fetching, True),
                            headers={"Idempotency-Key": "fetching"},
                        )
                    ).status_code
                    != 409
                    else None
                ),
                timeout=90,
            )
            print(f"the retry ran {time.monotonic() - started:.1f} s after the first 409")
            assert created.status_code == 200, created.text
            fetched_sid = created.json()["data"]["session_id"]
            assert [s for s, _ in sessions(fetching)] == [fetched_sid]

        # 4. A (restarted) commits three creates and dies before answering any: a prompt video, a
        # script video (/v2/video/generate) and a storyboard render of the finished video. Each
        # record's last update is held back by a trigger until A is dead.
        node_a.start()
        with node_b.client(key) as b:
            fetched_video = _settled(b, f"/v3/video-agents/{fetched_sid}")["video_id"]
            board = b.get(f"/v3/videos/{fetched_video}/storyboard").json()["data"]["storyboard"]
        # The edit shows titles: the picture it showed went with the finished job's inputs.
        board["scenes"] = [
            {**scene, "visual": {"kind": "title", "heading": "Rye"}} for scene in board["scenes"]
        ]
        committed = "A 5-second note that our bakery now bakes rye on Sundays"
        script_title = "Rye on Sundays, read from a script"
        held_requests: dict[str, tuple[str, dict[str, Any]]] = {
            "held-agent": ("/v3/video-agents", create_body(committed, False)),
            "held-script": (
                "/v2/video/generate",
                {
                    "video_inputs": [
                        {
                            "voice": {
                                "type": "text",
                                "input_text": "Rye on Sundays.",
                                "voice_id": "en_US-joe",
                            },
                            "background": {"type": "color", "value": "#1e6fd9"},
                        }
                    ],
                    "dimension": {"width": 640, "height": 360},
                    "title": script_title,
                    "callback_url": hooks.url,
                },
            ),
            "held-render": (
                f"/v3/videos/{fetched_video}/storyboard",
                {"storyboard": {**board, "title": "Rye, edited"}, "callback_url": hooks.url},
            ),
        }
        render_prompt = f"An edit of video {fetched_video}: Rye, edited"
        held = db.connect()
        held.execute(text("SELECT pg_advisory_lock(:k)"), {"k": HOLD_LOCK})
        held.execute(
            text(
                "CREATE FUNCTION hold_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"PERFORM pg_advisory_xact_lock_shared({HOLD_LOCK}); RETURN NEW; END $$"
            )
        )
        held.execute(
            text(
                "CREATE TRIGGER hold_answer BEFORE UPDATE ON idempotency_records FOR EACH ROW "
                "WHEN (NEW.key LIKE 'held-%' AND NEW.state = 'done') EXECUTE FUNCTION hold_answer()"
            )
        )
        unanswered: list[int] = []
        for idem, (path, body) in held_requests.items():
            threading.Thread(
                target=_post_to_dying_node,
                args=(f"{node_a.base}{path}", body, key, idem, unanswered),
                daemon=True,
            ).start()

        def blocked() -> list[int] | None:
            assert not unanswered, f"node A answered {unanswered}: a refusal, which never blocks"
            pids = held.execute(
                text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :k AND NOT granted"),
                {"k": HOLD_LOCK},
            ).scalars()
            found = list(pids)
            return found if len(found) == len(held_requests) else None

        waiting = _wait("node A to block on its three answers", blocked, timeout=120)
        # Each committed, with its record still "in progress".
        assert len(sessions(committed)) == 1 and len(sessions(render_prompt)) == 1
        assert len(videos(script_title)) == 1
        node_a.kill()
        for pid in waiting:
            held.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        held.execute(text("DROP TRIGGER hold_answer ON idempotency_records"))
        held.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": HOLD_LOCK})
        held.close()
        assert unanswered == []  # A never answered
        with node_b.client(key) as b:
            # At once (no lease to wait out), naming what A made, and nothing made again.
            again = {
                idem: b.post(path, json=body, headers={"Idempotency-Key": idem})
                for idem, (path, body) in held_requests.items()
            }
            for answer in again.values():
                assert answer.status_code == 200 and "idempotent-replayed" not in answer.headers, answer.text
            committed_sid = again["held-agent"].json()["data"]["session_id"]
            assert [s for s, _ in sessions(committed)] == [committed_sid]
            assert videos(script_title) == [again["held-script"].json()["data"]["video_id"]]
            rendered = again["held-render"].json()["data"]
            assert sessions(render_prompt) == [(rendered["session_id"], rendered["video_id"])]

            for sid in (committed_sid, rendered["session_id"]):
                done = _settled(b, f"/v3/video-agents/{sid}")
                assert done["status"] == "completed", done
            script_video = _settled(b, f"/v3/videos/{videos(script_title)[0]}")
            assert script_video["status"] == "completed", script_video
            for idem, (path, body) in held_requests.items():
                replay = b.post(path, json=body, headers={"Idempotency-Key": idem})
                assert replay.headers.get("idempotent-replayed") == "true"
                assert replay.json() == again[idem].json()

        # One session, one video and one success webhook each (given time for a duplicate to show).
        time.sleep(3)
        with db.connect() as c:
            assets = {r[0] for r in c.execute(text("SELECT blob_key FROM assets"))}
            made_videos = {r[0] for r in c.execute(text("SELECT id FROM videos"))}
            live = {r[0] for r in c.execute(text("SELECT id FROM agent_sessions"))}
        assert len(assets) == 2 and len(made_videos) == 4 and len(live) == 4
        seen = hooks.seen("video_id")
        for video_id in made_videos:
            success = ("avatar_video.success", video_id) if video_id in videos(script_title) else None
            assert seen[success or ("video_agent.success", video_id)] == 1, seen
        assert sum(seen.values()) == 4, seen
        # Every object in the bucket belongs to a row: no half-made asset, no orphaned input.
        stored = s3.keys("rw/")
        assert {k.removeprefix("rw/") for k in stored if k.startswith("rw/assets/")} == assets, stored
        for k in stored:
            if k.startswith(("rw/inputs/", "rw/work/", "rw/videos/")):
                assert k.split("/")[2] in live | made_videos, k
    finally:
        worker.stop()
        node_a.stop()
        node_b.stop()
        files.shutdown()
        hooks.shutdown()
        db.dispose()
