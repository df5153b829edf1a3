"""Every endpoint's happy path and errors, against a real server that renders nothing (no workers).

Rendering end to end is in test_api_server.py and test_durability.py; here jobs stay queued, which
is what the concurrency limit and the listing tests need anyway.
"""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from reelwright.store.models import Video
from tests.media import make_html, make_pdf, make_png
from tests.quiet_http import QuietHTTPServer
from tests.server import Server


@dataclass
class Env:
    server: Server
    alice: str
    bob: str
    files: Path
    file_base: str  # a local HTTP server the API may fetch from (allow-listed)

    def client(self, key: str | None = None) -> httpx.Client:
        return self.server.client(key)


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    files = tmp_path_factory.mktemp("files")
    make_png(files / "slide.png", 640, 360, "Q3")
    make_pdf(files / "deck.pdf", [("Q3 launch", ["New pricing", "Faster renders"])])
    make_html(files / "page.html")
    handler = lambda *a: _Files(*a, directory=str(files))  # noqa: E731
    httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    server = Server(
        tmp_path_factory.mktemp("data"),
        {
            "REELWRIGHT_WORKERS": "0",
            "REELWRIGHT_MAX_CONCURRENT_JOBS": "3",
            "REELWRIGHT_MAX_UPLOAD_MB": "1",
            "REELWRIGHT_MAX_REQUEST_MB": "2",
            "REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*",
        },
    )
    alice, bob = server.key("alice"), server.key("bob")
    server.start()
    try:
        yield Env(server, alice, bob, files, f"http://127.0.0.1:{httpd.server_address[1]}")
    finally:
        server.stop()
        httpd.shutdown()


def _err(r: httpx.Response, status: int, code: str, param: str | None = None) -> None:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code, error
    if param is not None:
        assert error.get("param") == param, error


def test_every_route_needs_a_key(env: Env) -> None:
    with env.client() as anon, env.client("rw_not-a-real-key") as wrong:
        for method, path in [
            ("GET", "/v3/video-agents"),
            ("GET", "/v3/video-agents/styles"),
            ("GET", "/v3/videos"),
            ("GET", "/v3/avatars/looks"),
            ("GET", "/v3/voices"),
            ("GET", "/v2/avatars"),
            ("GET", "/v3/users/me"),
            ("GET", "/v1/video_status.get?video_id=x"),
            ("POST", "/v3/assets"),
        ]:
            _err(anon.request(method, path), 401, "unauthorized")
            _err(wrong.request(method, path), 401, "unauthorized")


def test_assets_upload_get_download_delete(env: Env) -> None:
    png = (env.files / "slide.png").read_bytes()
    with env.client(env.alice) as c, env.client(env.bob) as other:
        r = c.post("/v3/assets", files={"file": ("slide.png", png, "application/octet-stream")})
        assert r.status_code == 200, r.text
        asset = r.json()["data"]
        assert asset["mime_type"] == "image/png" and asset["size_bytes"] == len(png)
        assert c.get(f"/v3/assets/{asset['asset_id']}").json()["data"]["asset_id"] == asset["asset_id"]
        assert httpx.get(asset["url"]).content == png
        _err(other.get(f"/v3/assets/{asset['asset_id']}"), 404, "not_found")
        _err(other.delete(f"/v3/assets/{asset['asset_id']}"), 404, "not_found")
        assert c.delete(f"/v3/assets/{asset['asset_id']}").json()["data"]["deleted"] is True
        _err(c.get(f"/v3/assets/{asset['asset_id']}"), 404, "not_found")
        assert httpx.get(asset["url"]).status_code == 404

        html = (env.files / "page.html").read_bytes()
        _err(
            c.post("/v3/assets", files={"file": ("x.png", html, "image/png")}),
            400,
            "validation_error",
            "file",
        )
        _err(
            c.post("/v3/assets", files={"file": ("e.png", b"", "image/png")}), 400, "validation_error", "file"
        )
        big = b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 10)
        _err(c.post("/v3/assets", files={"file": ("big.png", big, "image/png")}), 413, "payload_too_large")
        _err(c.post("/v3/assets", data={"x": "y"}), 400, "validation_error", "file")


def test_legacy_asset_upload(env: Env) -> None:
    pdf = (env.files / "deck.pdf").read_bytes()
    with env.client(env.alice) as c:
        r = c.post("/v1/asset", content=pdf, headers={"Content-Type": "application/pdf"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["code"] == 100 and body["message"] == "Success"
        assert body["data"]["file_type"] == "pdf" and body["data"]["id"]
        assert c.get(f"/v3/assets/{body['data']['id']}").json()["data"]["mime_type"] == "application/pdf"
        # Raw bodies are files (zero bytes included), whatever type the client sends, or none (curl's
        # --data-binary sends the form type): never refused as text with a NUL in it.
        png = (env.files / "slide.png").read_bytes()
        assert b"\x00" in png
        for headers in ({}, {"Content-Type": "application/x-www-form-urlencoded"}):
            raw = c.post("/v1/asset", content=png, headers=headers)
            assert raw.status_code == 200 and raw.json()["data"]["file_type"] == "image", (headers, raw.text)


def test_files_by_url_base64_and_asset(env: Env) -> None:
    png = (env.files / "slide.png").read_bytes()
    with env.client(env.alice) as c, env.client(env.bob) as other:
        asset = c.post("/v3/assets", files={"file": ("s.png", png, "image/png")}).json()["data"]
        files = [
            {"type": "url", "url": f"{env.file_base}/deck.pdf"},
            {"type": "base64", "media_type": "image/png", "data": base64.b64encode(png).decode()},
            {"type": "asset_id", "asset_id": asset["asset_id"]},
        ]
        r = c.post("/v3/video-agents", json={"prompt": "Explain the deck", "files": files})
        assert r.status_code == 200, r.text
        # Another owner cannot use the asset: it is a bad file, not a found one.
        r = other.post("/v3/video-agents", json={"prompt": "x", "files": [files[2]]})
        _err(r, 400, "validation_error", "files[0]")


@pytest.mark.parametrize(
    ("file", "status", "code"),
    [
        ({"type": "url", "url": "http://169.254.169.254/latest/meta-data"}, 400, "validation_error"),
        ({"type": "url", "url": "http://10.0.0.1/x.pdf"}, 400, "validation_error"),
        ({"type": "url", "url": "file:///etc/passwd"}, 400, "validation_error"),
        ({"type": "url", "url": "{base}/missing.pdf"}, 400, "download_failed"),
        ({"type": "url", "url": "{base}/page.html"}, 400, "validation_error"),
        ({"type": "base64", "data": "not base64!!"}, 400, "validation_error"),
        (
            {"type": "base64", "data": base64.b64encode(b"<html><body>hi</body></html>").decode()},
            400,
            "validation_error",
        ),
        ({"type": "asset_id", "asset_id": "0" * 32}, 400, "validation_error"),
        ({"type": "dropbox", "url": "x"}, 400, "validation_error"),
    ],
)
def test_bad_files_name_their_index(env: Env, file: dict[str, str], status: int, code: str) -> None:
    file = {k: v.replace("{base}", env.file_base) for k, v in file.items()}
    good = {"type": "url", "url": f"{env.file_base}/slide.png"}
    with env.client(env.alice) as c:
        before = c.get("/v3/video-agents", params={"limit": 100}).json()["data"]
        r = c.post("/v3/video-agents", json={"prompt": "x", "files": [good, file]})
        _err(r, status, code)
        assert r.json()["error"]["param"].startswith("files[1]")
        # Nothing was created.
        assert c.get("/v3/video-agents", params={"limit": 100}).json()["data"] == before


def test_nul_characters_are_refused_at_the_edge(env: Env) -> None:
    # PostgreSQL cannot store NUL in text; the answer is a 400 on every database, never a 500.
    with env.client(env.alice) as c:
        _err(c.post("/v3/video-agents", json={"prompt": "a\u0000b"}), 400, "validation_error")
        _err(c.get("/v3/videos", params={"title": "a\x00b"}), 400, "validation_error")
        _err(c.get("/v3/videos/abc%00def"), 400, "validation_error")


def test_request_size_limits(env: Env) -> None:
    with env.client(env.alice) as c:
        blob = base64.b64encode(b"\0" * (3 * 1024 * 1024)).decode()
        r = c.post("/v3/video-agents", json={"prompt": "x", "files": [{"type": "base64", "data": blob}]})
        _err(r, 413, "payload_too_large")
        r = c.post("/v3/video-agents", json={"prompt": "x" * 10_001})
        _err(r, 400, "validation_error", "prompt")
        r = c.post(
            "/v3/video-agents", json={"prompt": "x", "files": [{"type": "url", "url": "http://a"}] * 21}
        )
        _err(r, 400, "validation_error", "files")


def test_concurrency_limit_and_idempotency(env: Env) -> None:
    key = env.server.key("busy")
    with env.client(key) as c:
        first = c.post("/v3/video-agents", json={"prompt": "one"}, headers={"Idempotency-Key": "req-1"})
        assert first.status_code == 200
        again = c.post("/v3/video-agents", json={"prompt": "one"}, headers={"Idempotency-Key": "req-1"})
        assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
        _err(
            c.post("/v1/video_agent/generate", json={"prompt": "x"}, headers={"Idempotency-Key": "req-1"}),
            409,
            "conflict",
        )
        _err(
            c.post("/v3/video-agents", json={"prompt": "x"}, headers={"Idempotency-Key": "bad key!"}),
            400,
            "validation_error",
        )
        for _ in range(2):
            assert c.post("/v3/video-agents", json={"prompt": "more"}).status_code == 200
        r = c.post("/v3/video-agents", json={"prompt": "too many"})
        _err(r, 429, "rate_limit_exceeded")
        assert int(r.headers["Retry-After"]) > 0
        assert c.get("/v3/users/me").json()["data"]["concurrent_jobs"] == {
            "limit": 3,
            "running": 3,
            "available": 0,
        }
        # A replay does not count against the limit: it is the same request.
        assert (
            c.post(
                "/v3/video-agents", json={"prompt": "one"}, headers={"Idempotency-Key": "req-1"}
            ).status_code
            == 200
        )


def test_sessions_list_and_get(env: Env) -> None:
    key = env.server.key("lister")
    with env.client(key) as c, env.client(env.bob) as other:
        ids = [
            c.post("/v3/video-agents", json={"prompt": f"p{i}"}).json()["data"]["session_id"]
            for i in range(3)
        ]
        page1 = c.get("/v3/video-agents", params={"limit": 2}).json()
        assert page1["has_more"] is True and len(page1["data"]) == 2
        page2 = c.get("/v3/video-agents", params={"limit": 2, "token": page1["next_token"]}).json()
        assert page2["has_more"] is False and page2["next_token"] is None
        assert [s["session_id"] for s in page1["data"] + page2["data"]] == ids[::-1]
        session = c.get(f"/v3/video-agents/{ids[0]}").json()["data"]
        assert session["status"] == "thinking" and session["messages"][0]["content"] == "p0"
        _err(other.get(f"/v3/video-agents/{ids[0]}"), 404, "not_found")
        _err(c.get("/v3/video-agents", params={"token": "garbage"}), 400, "validation_error", "token")
        _err(c.get("/v3/video-agents", params={"limit": 0}), 400, "validation_error", "limit")


def test_videos_pagination_filters_and_delete(env: Env) -> None:
    key = env.server.key("videos")
    with env.client(key) as c:
        owner = c.get("/v3/users/me").json()["data"]["user_id"]
    # Finished videos written straight into the server's real database file.
    engine = create_engine(f"sqlite:///{env.server.data / 'reelwright.db'}")
    with Session(engine) as s, s.begin():
        for i in range(25):
            s.add(
                Video(
                    id=f"{i:032x}",
                    owner_id=owner,
                    status="completed",
                    title=f"{'Launch' if i % 5 == 0 else 'Weekly'} update {i}",
                    created_at=1_700_000_000 + i // 2,  # ties: the id breaks them
                    folder_id="f1" if i < 10 else None,
                    duration=10.0,
                )
            )
    engine.dispose()
    with env.client(key) as c, env.client(env.bob) as other:
        seen: list[str] = []
        token = None
        while True:
            body = c.get("/v3/videos", params={"limit": 7, **({"token": token} if token else {})}).json()
            seen += [v["id"] for v in body["data"]]
            token = body["next_token"]
            assert body["has_more"] == (token is not None)
            if not token:
                break
        assert seen == [f"{i:032x}" for i in reversed(range(25))]
        assert len(c.get("/v3/videos").json()["data"]) == 10  # the default limit
        launch = c.get("/v3/videos", params={"title": "launch", "limit": 100}).json()["data"]
        assert sorted(v["id"] for v in launch) == [f"{i:032x}" for i in range(0, 25, 5)]
        assert len(c.get("/v3/videos", params={"folder_id": "f1", "limit": 100}).json()["data"]) == 10
        assert c.get("/v3/videos", params={"title": "%"}).json()["data"] == []
        assert other.get("/v3/videos").json()["data"] == []
        _err(other.delete(f"/v3/videos/{0:032x}"), 404, "not_found")
        assert c.delete(f"/v3/videos/{0:032x}").json() == {"data": {"id": f"{0:032x}", "deleted": True}}
        _err(c.get(f"/v3/videos/{0:032x}"), 404, "not_found")


def test_legacy_generate_and_status(env: Env) -> None:
    key = env.server.key("legacy")
    with env.client(key) as c, env.client(env.bob) as other:
        r = c.post(
            "/v1/video_agent/generate",
            json={
                "prompt": "A short intro",
                "config": {"duration_sec": 10, "orientation": "portrait"},
                "callback_id": "cb-7",
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["error"] is None
        video_id = r.json()["data"]["video_id"]
        status = c.get("/v1/video_status.get", params={"video_id": video_id}).json()
        assert status["code"] == 100 and status["data"]["status"] == "pending"
        assert status["data"]["callback_id"] == "cb-7" and status["data"]["error"] is None
        assert c.get(f"/v3/videos/{video_id}").json()["data"]["status"] == "pending"
        assert other.get("/v1/video_status.get", params={"video_id": video_id}).status_code == 404
        r = c.post("/v1/video_agent/generate", json={"prompt": "x", "config": {"duration_sec": 301}})
        assert r.status_code == 400 and r.json()["error"]["param"] == "config.duration_sec"


def test_unknown_previews_are_404_without_rendering(env: Env) -> None:
    with env.client() as c:
        for path in (
            "/previews/avatar/nobody/image.png",
            "/previews/voice/en_US-joe/video.mp4",
            "/previews/style/clean/../../secrets",
            "/previews/bogus/clean/image.png",
        ):
            r = c.get(path)
            assert r.status_code == 404, path
    assert not list((env.server.data / "previews").glob("*/*/*"))


def test_catalogues_and_account(env: Env) -> None:
    with env.client(env.alice) as c:
        looks = c.get("/v3/avatars/looks").json()["data"]
        assert {
            "id",
            "name",
            "avatar_type",
            "gender",
            "default_voice_id",
            "preferred_orientation",
            "tags",
        } <= set(looks[0])
        assert c.get("/v3/avatars").json()["data"]
        voices = c.get("/v3/voices").json()["data"]
        assert {"voice_id", "language", "gender", "support_pause"} <= set(voices[0])
        v2 = c.get("/v2/avatars").json()
        assert v2["error"] is None and v2["data"]["avatars"] and v2["data"]["talking_photos"] == []
        assert c.get("/v2/voices").json()["data"]["voices"]
        styles = c.get("/v3/video-agents/styles", params={"limit": 2}).json()
        assert len(styles["data"]) == 2 and styles["has_more"] is True
        rest = c.get("/v3/video-agents/styles", params={"limit": 100, "token": styles["next_token"]}).json()
        assert rest["has_more"] is False
        tag = styles["data"][0]["tags"][0]
        tagged = c.get("/v3/video-agents/styles", params={"tag": tag}).json()["data"]
        assert tagged and all(tag in s["tags"] for s in tagged)
        me = c.get("/v3/users/me").json()["data"]
        assert me["username"] == "alice"


def test_operations_endpoints(env: Env) -> None:
    r = httpx.get(f"{env.server.base}/healthz")
    assert r.status_code == 200 and r.headers["X-Request-Id"]
    r = httpx.get(f"{env.server.base}/healthz", headers={"X-Request-Id": "trace-123"})
    assert r.headers["X-Request-Id"] == "trace-123"
    metrics = httpx.get(f"{env.server.base}/metrics").text
    for name in ("reelwright_http_requests_total", "reelwright_jobs{", "reelwright_queue_depth"):
        assert name in metrics, name
    paths = httpx.get(f"{env.server.base}/openapi.json").json()["paths"]
    for path in (
        "/v3/video-agents",
        "/v3/video-agents/{session_id}",
        "/v3/video-agents/styles",
        "/v3/videos",
        "/v3/videos/{video_id}",
        "/v3/assets",
        "/v3/assets/{asset_id}",
        "/v1/asset",
        "/v1/video_agent/generate",
        "/v1/video_status.get",
        "/v2/avatars",
        "/v2/voices",
        "/v3/avatars",
        "/v3/avatars/looks",
        "/v3/voices",
        "/v3/users/me",
    ):
        assert path in paths, path
    log = (env.server.log).read_text()
    assert '"request_id": "trace-123"' in log


def test_output_options_are_checked_and_kept(env: Env) -> None:
    from reelwright.store.models import AgentSession

    with env.client(env.server.key("output")) as c:
        for body, param in (
            ({"resolution": "8k"}, "resolution"),
            ({"aspect_ratio": "21:9"}, "aspect_ratio"),
            ({"fps": 24}, "fps"),
            ({"orientation": "landscape", "aspect_ratio": "9:16"}, "aspect_ratio"),
        ):
            _err(c.post("/v3/video-agents", json={"prompt": "x", **body}), 400, "validation_error", param)
        r = c.post(
            "/v3/video-agents", json={"prompt": "x", "resolution": "4K", "aspect_ratio": "4:5", "fps": 60}
        )
        assert r.status_code == 200, r.text
        session_id = r.json()["data"]["session_id"]
    engine = create_engine(f"sqlite:///{env.server.data / 'reelwright.db'}")
    with Session(engine) as s:
        row = s.get(AgentSession, session_id)
        assert row is not None
        stored = row.request
    engine.dispose()
    assert {k: stored[k] for k in ("resolution", "aspect_ratio", "fps", "orientation")} == {
        "resolution": "4k",
        "aspect_ratio": "4:5",
        "fps": 60,
        "orientation": "portrait",
    }
