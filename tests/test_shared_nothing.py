"""Two API nodes and two workers that share nothing on disk: PostgreSQL, Redis and an S3 bucket
(moto's S3 HTTP server) are all they have in common, and each has its own empty data dir, so any
place that still assumed a shared filesystem fails here.

An asset is uploaded to node A, a job that uses it is created on node B, a worker renders it, and
the video is downloaded from node A (streamed from the bucket, with Range) and from node B
(``REELWRIGHT_BLOB_PUBLIC=presigned``: a URL straight to the bucket). A chat session drafted by one
worker is rendered by the other, which stages the draft's picture from the bucket."""

from __future__ import annotations

import base64
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from reelwright.ingest.media import probe
from reelwright.render.ffmpeg import ffmpeg_exe
from tests.hook_receiver import HookReceiver
from tests.media import make_png
from tests.s3_server import S3, s3_server
from tests.server import Server, Worker, wait_done
from tests.services import postgres_database, redis_queue

pytestmark = pytest.mark.slow


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[dict[str, str], S3]]:
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name), s3_server() as s3:
        env = {
            **s3.env(),
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
            "REELWRIGHT_WORKERS": "0",  # the API nodes render nothing: the workers do
        }
        yield env, s3


def _vivid_share(video: Path, at: float, tmp: Path) -> float:
    """How much of the frame at ``at`` seconds is strongly saturated colour."""
    frame = tmp / "frame.png"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-ss",
            f"{at:.2f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            str(frame),
        ],
        check=True,
    )
    counts = Image.open(frame).convert("HSV").getchannel("S").histogram()
    return sum(counts[201:]) / sum(counts)


def _local_files(data: Path) -> list[str]:
    """Videos and pictures on a node's own disk, but for its copies of catalogue previews."""
    found = [p for p in data.rglob("*") if p.is_file() and p.suffix in (".mp4", ".png", ".jpg")]
    return sorted(str(p.relative_to(data)) for p in found if "previews" not in p.relative_to(data).parts)


def test_a_job_created_on_one_node_is_rendered_and_downloaded_from_the_other(
    tmp_path: Path, shared: tuple[dict[str, str], S3]
) -> None:
    env, s3 = shared
    node_a = Server(tmp_path / "api-a", env)
    node_b = Server(tmp_path / "api-b", {**env, "REELWRIGHT_BLOB_PUBLIC": "presigned"})
    key = node_a.key("k")  # one database: the key works on both nodes
    workers = []
    for name in ("worker-1", "worker-2"):
        own = Server(tmp_path / name, env)  # only its settings and its own data dir: never started
        own.data.mkdir()
        workers.append(Worker(own))
    try:
        node_a.start()
        node_b.start()
        for worker in workers:
            worker.start()
        png = make_png(tmp_path / "slide.png", 640, 360, "Shared nothing").read_bytes()
        with node_a.client(key) as a, node_b.client(key) as b:
            up = a.post("/v3/assets", files={"file": ("slide.png", png, "image/png")})
            assert up.status_code == 200, up.text
            asset_id = up.json()["data"]["asset_id"]
            body = {
                "prompt": "A 12-second teaser about our bakery's new sourdough, showing the picture",
                "files": [{"type": "asset_id", "asset_id": asset_id}],
            }
            created = b.post("/v3/video-agents", json=body)
            assert created.status_code == 200, created.text
            session_id = created.json()["data"]["session_id"]
            done = wait_done(a, session_id, timeout=300)
            assert done["status"] == "completed", done
            video_id = str(done["video_id"])

            # Node A streams the bytes from the bucket, answering Range requests.
            from_a = a.get(f"/v3/videos/{video_id}").json()["data"]
            assert from_a["video_url"].startswith(node_a.base + "/files/")
            head = httpx.get(from_a["video_url"], headers={"Range": "bytes=0-1023"}, timeout=60)
            assert head.status_code == 206, head.text
            assert head.headers["content-range"].startswith("bytes 0-1023/") and len(head.content) == 1024
            size = int(head.headers["content-range"].rsplit("/", 1)[1])
            tail = httpx.get(from_a["video_url"], headers={"Range": "bytes=-100"}, timeout=60)
            assert (
                tail.status_code == 206
                and tail.headers["content-range"] == f"bytes {size - 100}-{size - 1}/{size}"
            )
            whole = httpx.get(from_a["video_url"], timeout=60)
            assert whole.status_code == 200 and len(whole.content) == size
            assert whole.content[:1024] == head.content and whole.content[-100:] == tail.content
            bad = httpx.get(from_a["video_url"], headers={"Range": f"bytes={size}-"}, timeout=60)
            assert bad.status_code == 416

            # Node B hands out presigned URLs: the bytes come from the bucket, not from an API node.
            from_b = b.get(f"/v3/videos/{video_id}").json()["data"]
            assert from_b["video_url"].startswith(f"{s3.endpoint}/{s3.bucket}/"), from_b["video_url"]
            # The same URL on every read: browser and CDN caches hit, clients see no change.
            assert b.get(f"/v3/videos/{video_id}").json()["data"]["video_url"] == from_b["video_url"]
            direct = httpx.get(from_b["video_url"], timeout=60)
            assert direct.status_code == 200 and direct.content == whole.content
            thumb = httpx.get(from_b["thumbnail_url"], timeout=60)
            assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"  # a JPEG
            # B's own signed link (as webhooks hand out) redirects to the bucket.
            link = from_a["video_url"].replace(node_a.base, node_b.base)
            redirected = httpx.get(link, timeout=60)
            assert redirected.status_code == 307 and redirected.headers["location"].startswith(s3.endpoint)
            # The asset's URL works from either node too.
            asset = b.get(f"/v3/assets/{asset_id}").json()["data"]
            assert asset["url"].startswith(s3.endpoint) and httpx.get(asset["url"], timeout=60).content == png
            asset = a.get(f"/v3/assets/{asset_id}").json()["data"]
            assert asset["url"].startswith(node_a.base) and httpx.get(asset["url"], timeout=60).content == png

            # A catalogue preview drawn on A is stored in the bucket; B fetches it instead of drawing it.
            sample = "/previews/voice/en_US-joe/audio.mp3"
            drawn = a.get(sample)
            assert drawn.status_code == 200 and drawn.headers["content-type"] == "audio/mpeg"
            assert any(k.endswith("/voice/en_US-joe/audio.mp3") for k in s3.keys("rw/previews/"))
            assert b.get(sample).content == drawn.content

        video = tmp_path / "video.mp4"
        video.write_bytes(whole.content)
        info = probe(video)
        assert info.video is not None and info.audio is not None and info.duration > 2, info
        # The uploaded picture (stored from A, staged by a worker from the bucket) is on screen:
        # its rainbow gradient, which nothing else in the video has, fills part of a late frame.
        assert _vivid_share(video, info.duration * 0.75, tmp_path) > 0.1  # a title card: ~0.001

        # Everything lives in the bucket: the video's files, nothing of the finished job's
        # inputs or checkpoint; and no node kept a video or the upload on its own disk.
        keys = s3.keys("rw/")
        assert f"rw/videos/{video_id}/video.mp4" in keys and f"rw/assets/{asset_id}" in keys
        assert {f"rw/videos/{video_id}/{n}" for n in ("video.jpg", "video.srt", "storyboard.json")} <= set(
            keys
        )
        assert not [k for k in keys if k.startswith(("rw/inputs/", "rw/work/"))], keys
        for data in (node_a.data, node_b.data, *(w.server.data for w in workers)):
            assert _local_files(data) == [], (data, _local_files(data))
        logs = "".join((w.server.data / "worker.log").read_text() for w in workers)
        assert "Traceback" not in logs, logs[-3000:]
    finally:
        for worker in workers:
            worker.stop()
        node_a.stop()
        node_b.stop()


def _settled(c: httpx.Client, session_id: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data: dict[str, Any] = c.get(f"/v3/video-agents/{session_id}").json()["data"]
        if data["status"] not in ("thinking", "generating"):
            return data
        time.sleep(0.5)
    raise AssertionError(f"session {session_id} is still working")


def test_a_chat_drafted_by_one_worker_is_rendered_by_another(
    tmp_path: Path, shared: tuple[dict[str, str], S3]
) -> None:
    """The draft names its picture by a path on the worker that planned it; the worker that renders
    it has its own data dir, and stages the picture from the bucket."""
    env, s3 = shared
    node_a = Server(tmp_path / "api-a", env)
    node_b = Server(tmp_path / "api-b", env)
    key = node_a.key("k")
    drafter, renderer = (Server(tmp_path / name, env) for name in ("worker-1", "worker-2"))
    for own in (drafter, renderer):
        own.data.mkdir()
    first, second = Worker(drafter), Worker(renderer)
    png = make_png(tmp_path / "slide.png", 640, 360, "Chat picture").read_bytes()
    try:
        node_a.start()
        node_b.start()
        first.start()
        with node_a.client(key) as a, node_b.client(key) as b:
            body = {
                "prompt": "A 12-second teaser about our bakery's new sourdough, showing the picture",
                "mode": "chat",
                "files": [{"type": "base64", "data": base64.b64encode(png).decode(), "name": "slide.png"}],
            }
            created = a.post("/v3/video-agents", json=body)
            assert created.status_code == 200, created.text
            sid = created.json()["data"]["session_id"]
            assert any(k.startswith(f"rw/inputs/{sid}/") for k in s3.keys("rw/inputs/"))
            draft = _settled(a, sid)
            assert draft["status"] == "reviewing", draft
            rid = next(m for m in draft["messages"] if m["type"] == "resource")["resource_ids"][0]
            board = b.get(f"/v3/video-agents/{sid}/resources/{rid}").json()["data"]["storyboard"]
            sources = [s["visual"].get("source") for s in board["scenes"] if s["visual"].get("source")]
            assert sources == ["00"], board  # relative to the inputs, whichever node planned it
            first.stop()  # the drafting worker is gone; the other one renders
            second.start()
            said = b.post(f"/v3/video-agents/{sid}", json={"message": "looks good, render it"})
            assert said.status_code == 200, said.text
            done = _settled(b, sid)
            assert done["status"] == "completed", done["messages"][:3]
            video = a.get(f"/v3/videos/{done['video_id']}").json()["data"]
            path = tmp_path / "chat.mp4"
            path.write_bytes(httpx.get(video["video_url"], timeout=60).content)
        info = probe(path)
        assert info.video is not None and info.audio is not None
        assert _vivid_share(path, info.duration * 0.75, tmp_path) > 0.1  # the picture is on screen
        assert "resumes" not in (renderer.data / "worker.log").read_text()
        assert _local_files(drafter.data) == [] and _local_files(renderer.data) == []
    finally:
        first.stop()
        second.stop()
        node_a.stop()
        node_b.stop()


def test_a_template_generated_on_one_node_is_shared_from_the_other(
    tmp_path: Path, shared: tuple[dict[str, str], S3]
) -> None:
    """A template made and generated on node A (its picture an asset in the bucket), its video
    shared there, and the share link opened on node B: the page, captions and media come from the
    bucket (streamed with Range on A, a presigned redirect on B)."""
    env, s3 = shared
    node_a = Server(tmp_path / "api-a", env)
    node_b = Server(tmp_path / "api-b", {**env, "REELWRIGHT_BLOB_PUBLIC": "presigned"})
    key = node_a.key("k")
    own = Server(tmp_path / "worker", env)
    own.data.mkdir()
    worker = Worker(own)
    png = make_png(tmp_path / "slide.png", 640, 360, "Template picture").read_bytes()
    try:
        node_a.start()
        node_b.start()
        worker.start()
        with node_a.client(key) as a:
            asset_id = a.post("/v3/assets", files={"file": ("slide.png", png, "image/png")}).json()["data"][
                "asset_id"
            ]
            board = {
                "title": "Hello {{first_name}}",
                "avatar": None,
                "scenes": [
                    {
                        "id": "hello",
                        "narration": "Hello {{first_name}}, this is our bakery's new sourdough.",
                        "visual": {"kind": "image", "source": f"asset:{asset_id}"},
                    }
                ],
            }
            made = a.post("/v3/templates", json={"name": "greeting", "storyboard": board})
            assert made.status_code == 200, made.text
            tid = made.json()["data"]["template_id"]
            gen = a.post(f"/v3/templates/{tid}/generate", json={"variables": {"first_name": "Marisol"}})
            assert gen.status_code == 200, gen.text
            video_id = gen.json()["data"]["video_id"]
            deadline = time.monotonic() + 300
            while (video := a.get(f"/v3/videos/{video_id}").json()["data"])["status"] not in (
                "completed",
                "failed",
            ):
                assert time.monotonic() < deadline, video
                time.sleep(0.5)
            assert video["status"] == "completed", video
            link = a.post(f"/v3/videos/{video_id}/share", json={})
            assert link.status_code == 200, link.text
            share_a = link.json()["data"]["share_url"]
        assert share_a.startswith(node_a.base + "/share/")
        share_b = share_a.replace(node_a.base, node_b.base)

        page = httpx.get(share_b, timeout=60)
        assert page.status_code == 200 and "Hello Marisol" in page.text, page.text[:500]
        vtt = httpx.get(f"{share_b}/captions.vtt", timeout=60)
        assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT") and "Marisol" in vtt.text, vtt.text
        # B redirects to the bucket; A streams the same bytes from it, answering Range requests.
        redirected = httpx.get(f"{share_b}/video.mp4", timeout=60)
        assert redirected.status_code == 307, redirected.text
        assert redirected.headers["location"].startswith(s3.endpoint)
        whole = httpx.get(redirected.headers["location"], timeout=60).content
        part = httpx.get(f"{share_a}/video.mp4", headers={"Range": "bytes=100-1099"}, timeout=60)
        assert part.status_code == 206 and part.content == whole[100:1100]
        assert part.headers["cache-control"] == "no-cache"
        thumb = httpx.get(f"{share_b}/thumbnail.jpg", follow_redirects=True, timeout=60)
        assert thumb.status_code == 200 and thumb.content[:3] == b"\xff\xd8\xff"

        video_file = tmp_path / "template.mp4"
        video_file.write_bytes(whole)
        info = probe(video_file)
        assert info.video is not None and info.audio is not None
        assert _vivid_share(video_file, info.duration * 0.5, tmp_path) > 0.1  # the asset on screen
        for data in (node_a.data, node_b.data, own.data):
            assert _local_files(data) == [], (data, _local_files(data))

        # Revoked on A: B's page and media answer 404 at once.
        with node_a.client(key) as a:
            assert a.delete(f"/v3/videos/{video_id}/share").status_code == 200
        assert httpx.get(share_b, timeout=60).status_code == 404
        assert httpx.get(f"{share_b}/video.mp4", timeout=60).status_code == 404
    finally:
        worker.stop()
        node_a.stop()
        node_b.stop()


def test_a_worker_links_its_webhooks_to_the_api_node_that_accepted_the_job(
    tmp_path: Path, shared: tuple[dict[str, str], S3]
) -> None:
    """The worker has no REELWRIGHT_PUBLIC_URL: the link in a job's webhook is built on the address
    the accepting node was reached at (A, not configured) or configured with (B)."""
    env, _s3 = shared
    env = {**env, "REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*"}  # the webhook receiver is local
    node_a, node_b = Server(tmp_path / "api-a", env), Server(tmp_path / "api-b", env)
    configured_b = f"http://localhost:{node_b.port}"
    del node_a.env["REELWRIGHT_PUBLIC_URL"]
    node_b.env["REELWRIGHT_PUBLIC_URL"] = configured_b
    key = node_a.key("k")
    own = Server(tmp_path / "worker", env)
    own.data.mkdir()
    del own.env["REELWRIGHT_PUBLIC_URL"]
    worker = Worker(own)
    hooks = HookReceiver()
    try:
        node_a.start()
        node_b.start()
        worker.start()
        sessions = {}
        for name, node in (("a", node_a), ("b", node_b)):
            with node.client(key) as c:
                made = c.post(
                    "/v3/video-agents",
                    json={"prompt": "A 5-second hello from the team", "callback_url": hooks.url},
                )
                assert made.status_code == 200, made.text
                sessions[made.json()["data"]["session_id"]] = name
        deadline = time.monotonic() + 300
        while len(hooks.bodies) < 2:
            assert time.monotonic() < deadline, hooks.bodies
            time.sleep(0.5)
        urls = {sessions[b["event_data"]["session_id"]]: b["event_data"]["url"] for b in hooks.bodies}
        assert {b["event_type"] for b in hooks.bodies} == {"video_agent.success"}, hooks.bodies
        assert urls["a"].startswith(node_a.base + "/files/"), urls
        assert urls["b"].startswith(configured_b + "/files/"), urls
        got = httpx.get(urls["a"], timeout=60)  # and the link works on the node it names
        assert got.status_code == 200 and got.content[4:8] == b"ftyp"
    finally:
        worker.stop()
        node_a.stop()
        node_b.stop()
        hooks.shutdown()
