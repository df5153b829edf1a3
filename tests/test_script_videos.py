"""Script videos (HeyGen's ``POST /v2/video/generate`` and v3 ``POST /v3/videos``) against a real
server: strict client-side models of the answers, the refusals (each a 400 naming its field, with
nothing left behind), the same status, list, idempotency and webhook paths as every other video,
and one real two-scene render checked with ffprobe and by its pixels.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import httpx
import numpy as np
import pytest
from PIL import Image

from reelwright.ingest.media import probe
from tests.media import ffmpeg_exe, make_png, make_wav
from tests.quiet_http import QuietHTTPServer
from tests.server import Server
from tests.test_heygen_clients import Closed, V2Error, VideoStatusResponse, parse

# -- what a client expects back -------------------------------------------------------------------


class V2GenerateData(Closed):
    video_id: str
    notes: list[str] | None = None


class V2GenerateResponse(Closed):
    error: None
    data: V2GenerateData


class V3CreateVideoData(Closed):
    video_id: str
    status: str
    created_at: int
    notes: list[str] | None = None


class V3CreateVideoResponse(Closed):
    data: V3CreateVideoData


class V3ErrorBody(Closed):
    code: str
    message: str
    param: str | None = None


class V3Error(Closed):
    error: V3ErrorBody


class Recorder(http.server.SimpleHTTPRequestHandler):
    """Serves the test's files (GET) and records webhook deliveries (POST)."""

    served: ClassVar[list[str]] = []
    posted: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *_args: object) -> None:
        self.served.append(self.path)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.posted.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()


@dataclass
class Files:
    base: str
    port: int


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Files]:
    folder = tmp_path_factory.mktemp("files")
    # A flat orange picture: a scene's background is then recognisable by its pixels.
    Image.new("RGB", (1280, 720), (240, 140, 20)).save(folder / "orange.png")
    make_png(folder / "slide.png", 640, 360, "Slide")
    make_wav(folder / "hello.wav", 1.5)
    httpd = QuietHTTPServer(("127.0.0.1", 0), functools.partial(Recorder, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = int(httpd.server_address[1])
    try:
        yield Files(f"http://127.0.0.1:{port}", port)
    finally:
        httpd.shutdown()


@dataclass
class Queued:
    server: Server
    key: str


@pytest.fixture(scope="module")
def queued(tmp_path_factory: pytest.TempPathFactory, files: Files) -> Iterator[Queued]:
    """A server with no workers: videos stay queued, which is all the contract needs."""
    server = Server(
        tmp_path_factory.mktemp("data"),
        {
            "REELWRIGHT_WORKERS": "0",
            "REELWRIGHT_MAX_CONCURRENT_JOBS": "50",
            "REELWRIGHT_URL_ALLOWLIST": f"127.0.0.1:{files.port}",
        },
    ).start()
    try:
        yield Queued(server, server.key("scripter"))
    finally:
        server.stop()


def scene(text: str = "Hello from the script.", **extra: Any) -> dict[str, Any]:
    return {
        "character": {"type": "avatar", "avatar_id": "ava", "avatar_style": "normal"},
        "voice": {"type": "text", "input_text": text, "voice_id": "en_US-joe"},
        **extra,
    }


def _count(c: httpx.Client) -> int:
    return len(c.get("/v3/videos", params={"limit": 100}).json()["data"])


def test_v2_generate_answers_a_video_id_that_status_and_lists_know(queued: Queued, files: Files) -> None:
    body = {
        "video_inputs": [
            scene(
                "Welcome to the quarterly update.",
                background={"type": "color", "value": "#1e6fd9"},
                character={"type": "avatar", "avatar_id": "ava", "avatar_style": "closeUp"},
            ),
            scene(
                "Sales grew in every region.",
                background={"type": "image", "url": f"{files.base}/slide.png"},
                character={
                    "type": "avatar",
                    "avatar_id": "ava",
                    "avatar_style": "circle",
                    "scale": 0.4,
                    "offset": {"x": -0.3, "y": -0.1},
                },
            ),
            {
                "character": {"type": "avatar", "avatar_id": "ava"},
                "voice": {"type": "silence", "duration": 1},
            },
        ],
        "dimension": {"width": 1920, "height": 1080},
        "caption": True,
        "title": "Quarterly update",
        "callback_id": "cb-1",
        "folder_id": "reports",
        "test": True,
    }
    Recorder.served.clear()
    with queued.server.client(queued.key) as c:
        created = parse(V2GenerateResponse, c.post("/v2/video/generate", json=body)).data
        assert "/slide.png" in Recorder.served  # the background was fetched (allow-listed host)
        assert created.notes is not None and any(n.startswith("test:") for n in created.notes)
        status = parse(
            VideoStatusResponse, c.get("/v1/video_status.get", params={"video_id": created.video_id})
        )
        assert status.data.id == created.video_id and status.data.status == "pending"
        assert status.data.error is None and status.data.video_url is None
        v3 = c.get(f"/v3/videos/{created.video_id}").json()["data"]
        assert v3["title"] == "Quarterly update" and v3["folder_id"] == "reports"
        listed = c.get("/v3/videos", params={"folder_id": "reports"}).json()["data"]
        assert [v["id"] for v in listed] == [created.video_id]
        v1 = c.get("/v1/video.list").json()["data"]["videos"]
        assert created.video_id in {v["video_id"] for v in v1}


def test_v2_generate_portrait_and_other_voice_types(queued: Queued, files: Files) -> None:
    body = {
        "video_inputs": [
            scene("A tall video for phones."),
            {
                "character": {"type": "avatar", "avatar_id": "ava"},
                "voice": {"type": "audio", "audio_url": f"{files.base}/hello.wav"},
                "background": {"type": "color", "value": "#000000"},
            },
            {"voice": {"type": "silence", "duration": 2}},  # no presenter in this scene
        ],
        "dimension": {"width": 1080, "height": 1920},
    }
    with queued.server.client(queued.key) as c:
        parse(V2GenerateResponse, c.post("/v2/video/generate", json=body))


def test_v2_generate_each_scene_in_its_own_language(queued: Queued) -> None:
    """A scene's text is checked against its own voice, so a two-language script is accepted
    (the whole script read as one text is German, which the first scene's voice does not speak)."""
    german = "Willkommen in unserem Unternehmen, wir freuen uns sehr, dass Sie heute hier bei uns sind."
    body = {
        "video_inputs": [
            scene("Hello and welcome."),
            scene(voice={"type": "text", "input_text": german, "voice_id": "espeak-de"}),
        ]
    }
    with queued.server.client(queued.key) as c:
        parse(V2GenerateResponse, c.post("/v2/video/generate", json=body))


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1080, 1080), (1080, 1350), (3840, 2160)])
def test_v2_generate_any_dimension_within_4k(queued: Queued, width: int, height: int) -> None:
    body = {"video_inputs": [scene()], "dimension": {"width": width, "height": height}}
    with queued.server.client(queued.key) as c:
        parse(V2GenerateResponse, c.post("/v2/video/generate", json=body))


@pytest.mark.parametrize(
    ("change", "param", "says"),
    [
        (
            lambda b: b["video_inputs"][0]["character"].update(avatar_id="nobody"),
            "character.avatar_id",
            "nobody",
        ),
        (lambda b: b["video_inputs"][0]["voice"].update(voice_id="nobody"), "voice.voice_id", "nobody"),
        (
            lambda b: b["video_inputs"].append(scene(character={"type": "avatar", "avatar_id": "marcus"})),
            "video_inputs[1].character",
            "same presenter",
        ),
        (lambda b: b.update(video_inputs=[scene()] * 51), "video_inputs", "51"),
        (lambda b: b.update(video_inputs=[]), "video_inputs", ""),
        (lambda b: b.update(dimension={"width": 5000, "height": 1080}), "dimension.width", ""),
        (lambda b: b.update(dimension={"width": 1281, "height": 720}), "dimension", "even"),
        (lambda b: b.update(dimension={"width": 3840, "height": 3840}), "dimension", "3840x2160"),
        (lambda b: b["video_inputs"][0].update(background={"type": "color", "value": "blue"}), "value", ""),
        (
            lambda b: b["video_inputs"][0].update(background={"type": "image"}),
            "video_inputs[0].background",
            "exactly one",
        ),
        (
            lambda b: b["video_inputs"][0].update(
                background={"type": "image", "url": "http://169.254.169.254/latest/meta-data"}
            ),
            "video_inputs[0].background",
            "",
        ),
        (
            lambda b: b["video_inputs"][0].update(voice={"type": "audio", "audio_asset_id": "nope"}),
            "video_inputs[0].voice",
            "video_inputs[0].voice: no asset",
        ),
        (
            lambda b: b["video_inputs"][0]["voice"].update(
                input_text="Guten Tag, dies ist ein deutscher Satz."
            ),
            "video_inputs[0].voice.voice_id",
            "German",
        ),
        (
            lambda b: b["video_inputs"][0]["character"].update(avatar_style="sideways"),
            "avatar_style",
            "",
        ),
    ],
)
def test_v2_generate_refuses_bad_input_naming_the_field(
    queued: Queued, files: Files, change: Any, param: str, says: str
) -> None:
    body: dict[str, Any] = {"video_inputs": [scene()]}
    change(body)
    with queued.server.client(queued.key) as c:
        before = _count(c)
        err = parse(V2Error, c.post("/v2/video/generate", json=body), 400).error
        assert _count(c) == before  # nothing half-written
    assert err.param is not None and param in err.param, err
    assert says in err.message, err


def test_v2_generate_refuses_a_file_of_the_wrong_kind(queued: Queued, files: Files) -> None:
    body = {"video_inputs": [scene(background={"type": "image", "url": f"{files.base}/hello.wav"})]}
    with queued.server.client(queued.key) as c:
        err = parse(V2Error, c.post("/v2/video/generate", json=body), 400).error
    assert err.param == "video_inputs[0].background" and "expected image, got audio" in err.message


def test_v3_videos_create_status_and_idempotency(queued: Queued) -> None:
    body = {
        "type": "avatar",
        "avatar_id": "marcus",
        "script": "First paragraph of the script.\n\nSecond paragraph, a new scene.",
        "voice_id": "en_US-joe",
        "voice_settings": {"speed": 1.1, "pitch": 0, "volume": 0.5},
        "aspect_ratio": "9:16",
        "resolution": "1080p",
        "background": {"type": "color", "value": "#102030"},
        "title": "From v3",
        "callback_id": "v3-1",
    }
    with queued.server.client(queued.key) as c:
        headers = {"Idempotency-Key": "v3-create-1"}
        first = parse(V3CreateVideoResponse, c.post("/v3/videos", json=body, headers=headers)).data
        again = parse(V3CreateVideoResponse, c.post("/v3/videos", json=body, headers=headers)).data
        assert again.video_id == first.video_id and first.status == "pending"
        assert first.notes is not None and any("volume" in n for n in first.notes)
        got = c.get(f"/v3/videos/{first.video_id}").json()["data"]
        assert got["title"] == "From v3" and got["status"] == "pending"
        status = parse(
            VideoStatusResponse, c.get("/v1/video_status.get", params={"video_id": first.video_id})
        )
        assert status.data.status == "pending"
        landscape = {**body, "aspect_ratio": "16:9"}
        parse(V3CreateVideoResponse, c.post("/v3/videos", json=landscape))
        for bad, param in (
            ({**body, "aspect_ratio": "2:1"}, "aspect_ratio"),
            ({**body, "resolution": "8k"}, "resolution"),
            ({**body, "avatar_id": "nobody"}, "avatar_id"),
            ({**body, "script": "   "}, "script"),
        ):
            err = parse(V3Error, c.post("/v3/videos", json=bad), 400).error
            assert err.param is not None and param in err.param, err


def test_a_drawn_presenter_works_everywhere_and_has_a_preview(queued: Queued) -> None:
    with queued.server.client(queued.key) as c:
        r = c.post(
            "/v3/avatars",
            json={"type": "prompt", "prompt": "a man in his 30s with a beard and a teal sweater"},
        )
        assert r.status_code == 200, r.text
        drawn = r.json()["data"]
        assert drawn["id"] == "drawn-m-adult-fair-brown-crop-sweater-teal-beard"
        body = {"video_inputs": [scene(character={"type": "avatar", "avatar_id": drawn["id"]})]}
        parse(V2GenerateResponse, c.post("/v2/video/generate", json=body))
        r = c.post("/v3/video-agents", json={"prompt": "A welcome for new staff", "avatar_id": drawn["id"]})
        assert r.status_code == 200, r.text
        preview = c.get(drawn["preview_image_url"])
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(preview.content)) as im:
        assert im.size == (512, 512)
        # The teal sweater fills the bottom middle of the still.
        r_, g, b = im.convert("RGB").getpixel((256, 500))
    assert g > r_ + 30 and b > r_ + 30, (r_, g, b)


# -- one real render ------------------------------------------------------------------------------


def _frame(video: Path, at: float, out: Path) -> np.ndarray:
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-ss", f"{at:.2f}", "-i", str(video), "-frames:v", "1", str(out)],
        check=True,
    )
    with Image.open(out) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def _close(pixel: np.ndarray, rgb: tuple[int, int, int], tol: int = 24) -> bool:
    return bool(np.all(np.abs(pixel - np.array(rgb)) <= tol))


@pytest.mark.slow
def test_two_scene_script_video_renders_as_written(
    tmp_path_factory: pytest.TempPathFactory, files: Files, tmp_path: Path
) -> None:
    server = Server(
        tmp_path_factory.mktemp("render"), {"REELWRIGHT_URL_ALLOWLIST": f"127.0.0.1:{files.port}"}
    ).start()
    Recorder.posted.clear()
    try:
        key = server.key("render")
        body = {
            "video_inputs": [
                {
                    "character": {
                        "type": "avatar",
                        "avatar_id": "ava",
                        "avatar_style": "closeUp",
                        "scale": 0.8,
                    },
                    "voice": {
                        "type": "text",
                        "input_text": "Hello, this is scene one.",
                        "voice_id": "en_US-joe",
                    },
                    "background": {"type": "color", "value": "#1E6FD9"},
                },
                {
                    "character": {
                        "type": "avatar",
                        "avatar_id": "ava",
                        "avatar_style": "circle",
                        "scale": 0.4,
                        "offset": {"x": -0.3, "y": 0.0},
                    },
                    "voice": {
                        "type": "text",
                        "input_text": "And this is scene two.",
                        "voice_id": "espeak-en-us",
                    },
                    "background": {"type": "image", "url": f"{files.base}/orange.png"},
                },
            ],
            "dimension": {"width": 1920, "height": 1080},
            "caption": True,
            "title": "Two scenes",
            "callback_url": f"{files.base}/hook",
            "callback_id": "render-1",
        }
        with server.client(key) as c:
            video_id = parse(V2GenerateResponse, c.post("/v2/video/generate", json=body)).data.video_id
            deadline = time.monotonic() + 300
            while True:
                status = parse(
                    VideoStatusResponse, c.get("/v1/video_status.get", params={"video_id": video_id})
                )
                if status.data.status in ("completed", "failed") or time.monotonic() > deadline:
                    break
                time.sleep(1)
            assert status.data.status == "completed", status.data.error
            assert status.data.video_url and status.data.video_url_caption and status.data.caption_url
            video, captioned = tmp_path / "video.mp4", tmp_path / "captioned.mp4"
            video.write_bytes(c.get(status.data.video_url).content)
            captioned.write_bytes(c.get(status.data.video_url_caption).content)
            srt = c.get(status.data.caption_url).text
        info = probe(video)
        assert info.video is not None and info.audio is not None
        assert (info.video.width, info.video.height) == (1920, 1080)
        assert info.duration is not None and 3.0 < info.duration < 12.0, info.duration
        assert video.read_bytes() == captioned.read_bytes()  # caption: true burns them into the video
        assert "scene one" in srt and "scene two" in srt  # said exactly as written
        # Each scene at its middle (from the captions' times): its own background and presenter.
        cues = [line for line in srt.splitlines() if "-->" in line]
        starts = [_seconds(c.split(" --> ")[0]) for c in cues]
        ends = [_seconds(c.split(" --> ")[1]) for c in cues]
        one = _frame(video, (starts[0] + ends[0]) / 2, tmp_path / "one.png")
        two = _frame(video, (starts[-1] + ends[-1]) / 2, tmp_path / "two.png")
        assert _close(one[20, 20], (0x1E, 0x6F, 0xD9))  # the colour background
        assert _close(two[20, 20], (240, 140, 20))  # the picture fills the frame
        # Scene two's circle: centred vertically, 0.4 of the height, moved left by 0.3 of the width.
        cx, cy, r = 960 - 576, 540, 216
        assert _close(two[cy, cx + r + 12], (240, 140, 20))  # just outside the disc: the picture
        assert not _close(two[cy - r + 20, cx], (240, 140, 20))  # inside its top: the disc
        # Scene one's close-up: the face fills a square of 0.8 of the height on the bottom edge.
        face = one[1080 - 864 : 1080, 960 - 432 : 960 + 432]
        assert not _close(face[432, 432], (0x1E, 0x6F, 0xD9))
        deadline = time.monotonic() + 60
        while not Recorder.posted and time.monotonic() < deadline:
            time.sleep(0.5)
        hook = Recorder.posted[0]
        assert hook["event"] == hook["event_type"] == "avatar_video.success"
        assert hook["event_data"]["video_id"] == video_id and hook["event_data"]["callback_id"] == "render-1"
    finally:
        server.stop()


def _seconds(stamp: str) -> float:
    h, m, rest = stamp.strip().split(":")
    s, ms = rest.split(",")
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000
