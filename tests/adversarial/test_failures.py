"""Failures of the machine, not the caller, answered in words (issue 18, finding 15): a full disk,
a database or queue that is down, a render that hits an OSError, and a prompt that is one huge word.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.adversarial.conftest import Hostile, clear_error, start_hostile, tmpfs_unavailable
from tests.server import free_port, wait_done
from tests.services import PG_ADMIN, postgres_database


def _noise_png(side: int) -> bytes:
    """A PNG that does not compress (random pixels), about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def small_disk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """A server whose files folder is a 3 MB tmpfs."""
    reason = tmpfs_unavailable()
    if reason:
        pytest.skip(reason)
    running = start_hostile(tmp_path_factory.mktemp("small-disk"), tmpfs_kb=3 * 1024)
    yield running
    running.server.stop()


def test_a_full_disk_on_upload_is_507_in_words(small_disk: Hostile) -> None:
    picture = _noise_png(500)  # ~750 KB: four fill the 3 MB disk
    assert 600_000 < len(picture) < 1_000_000
    seen: list[int] = []
    with small_disk.client(small_disk.key) as c:
        for i in range(6):
            answer = c.post("/v3/assets", files={"file": (f"noise{i}.png", picture, "image/png")})
            seen.append(answer.status_code)
            if answer.status_code != 200:
                break
        assert seen[0] == 200 and seen[-1] == 507, seen
        message = clear_error(answer, 507)
        assert "no space left" in message
        assert answer.json()["error"]["code"] == "insufficient_storage"
        raw = c.post("/v1/asset", content=picture, headers={"Content-Type": "image/png"})
        assert "no space left" in clear_error(raw, 507)
        assert c.get("/v3/videos").status_code == 200  # the server is fine otherwise
    assert small_disk.alive()


@pytest.fixture
def postgres_server(tmp_path: Path) -> Iterator[tuple[Hostile, str]]:
    with postgres_database() as url:
        running = start_hostile(tmp_path / "pg", {"REELWRIGHT_DATABASE_URL": url})
        try:
            yield running, url
        finally:
            running.server.stop()


def test_nul_never_reaches_postgresql(postgres_server: tuple[Hostile, str]) -> None:
    hostile, _ = postgres_server
    with hostile.client(hostile.key) as c:
        for content_type in ("APPLICATION/JSON", "application/vnd.x+json", "Application/Json; charset=UTF-8"):
            answer = c.post(
                "/v3/video-agents", content=b'{"prompt": "a\\u0000b"}', headers={"Content-Type": content_type}
            )
            assert "NUL" in clear_error(answer, 400), content_type
        form = c.post(
            "/signin",
            content=b"api_key=rw_%00&signin_csrf=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert "NUL" in clear_error(form, 400)


def test_postgresql_down_is_503_with_retry_after_naming_it(postgres_server: tuple[Hostile, str]) -> None:
    hostile, url = postgres_server
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # the database goes away under the running server
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
    with hostile.client(hostile.key) as c:
        for answer in (
            c.get("/v3/videos"),
            c.post("/v3/video-agents", json={"prompt": "Hello there."}),
            c.get("/healthz"),
        ):
            assert answer.status_code == 503, answer.text
            assert answer.headers["Retry-After"].isdigit()
            assert "PostgreSQL" in clear_error(answer, 503)
    assert hostile.alive()


def test_queue_down_is_503_with_retry_after_naming_it(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there
    hostile = start_hostile(tmp_path / "q", {"REELWRIGHT_QUEUE_URL": f"redis://127.0.0.1:{closed}/0"})
    try:
        with hostile.client(hostile.key) as c:
            answer = c.post("/v3/video-agents", json={"prompt": "Create a short welcome video."})
            assert "job queue (Redis)" in clear_error(answer, 503)
            assert answer.headers["Retry-After"].isdigit()
            assert c.get("/v3/videos").status_code == 200  # reads do not need the queue
            # The session the 503 was about will not run behind the caller's back once the queue
            # is back (the caller retries): it is failed, saying why.
            [listed] = c.get("/v3/video-agents").json()["data"]
            session = c.get(f"/v3/video-agents/{listed['session_id']}").json()["data"]
            assert session["status"] == "failed"
    finally:
        hostile.server.stop()


@pytest.mark.slow
def test_a_render_that_fills_the_disk_fails_in_words_and_the_worker_lives(tmp_path: Path) -> None:
    reason = tmpfs_unavailable()
    if reason:
        pytest.skip(reason)
    # Room for the inputs and a start, not for a whole render.
    hostile = start_hostile(tmp_path / "render", {"REELWRIGHT_WORKERS": "1"}, tmpfs_kb=1024)
    try:
        with hostile.client(hostile.key) as c:
            created = c.post(
                "/v3/video-agents",
                json={
                    "prompt": "Create a 20-second explainer about saving energy at home.",
                    "duration_sec": 20,
                },
            )
            assert created.status_code == 200, created.text
            done = wait_done(c, created.json()["data"]["session_id"], timeout=300)
            assert done["status"] == "failed", done
            errors = [m["content"] for m in done["messages"] if m["type"] == "error"]
            assert errors and "no space left on the device" in errors[0].lower(), errors
            assert "internal error" not in errors[0]
        assert hostile.alive()
    finally:
        hostile.server.stop()
