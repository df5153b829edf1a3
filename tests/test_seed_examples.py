"""HeyGen's own examples (tests/seed_examples, verbatim) against our server.

Only the base URL, the key, placeholder video ids and the example.com file URL (no internet here)
change; every request and every field the examples read is exactly HeyGen's.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelwright.ingest.media import probe
from tests.media import make_pdf
from tests.quiet_http import QuietHTTPServer
from tests.server import Server

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).parent / "seed_examples"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "www"
    folder.mkdir()
    make_pdf(folder / "q3-launch-deck.pdf", [("Q3 product launch", ["Faster setup", "New pricing"])])
    httpd = QuietHTTPServer(("127.0.0.1", 0), lambda *a: _Quiet(*a, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_seed_examples_run_verbatim(tmp_path: Path, file_server: str) -> None:
    server = Server(tmp_path / "data", {"REELWRIGHT_URL_ALLOWLIST": "127.0.0.1:*"})
    key = server.key("seed")
    server.start()
    env = {**os.environ, "HEYGEN_API_KEY": key}

    def example(name: str, video_id: str = "") -> str:
        text = (EXAMPLES / name).read_text()
        text = text.replace("https://api.heygen.com", server.base).replace("https://example.com", file_server)
        return text.replace("vid_xyz789", video_id) if video_id else text

    def bash(name: str, video_id: str = "") -> Any:
        out = subprocess.run(
            ["bash", "-c", example(name, video_id)], env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    try:
        assert bash("01_create.sh")["data"]["session_id"]

        # The Python examples: create, then poll until the video is done.
        scope: dict[str, Any] = {"HEYGEN_API_KEY": key}
        exec(compile(example("02_create.py"), "02_create.py", "exec"), scope)
        exec(compile(example("05_poll.py"), "05_poll.py", "exec"), scope)
        video = scope["video"]
        assert video["status"] == "completed", video
        (tmp_path / "v.mp4").write_bytes(httpx.get(video["video_url"], timeout=60).content)
        info = probe(tmp_path / "v.mp4")
        assert info.video is not None and info.audio is not None
        assert 40 <= info.duration <= 50  # "a 45-second explainer"

        if shutil.which("node"):
            script = tmp_path / "create.mjs"
            script.write_text(example("03_create.mjs") + "console.log(sessionId);\n")
            out = subprocess.run(["node", str(script)], env=env, capture_output=True, text=True, timeout=60)
            assert out.returncode == 0 and len(out.stdout.strip()) == 32, out.stderr

        video_id = scope["video_id"]
        assert bash("04_get_video.sh", video_id)["data"]["status"] == "completed"
        # The callback host does not resolve here; the request is still accepted (delivery retries).
        assert bash("06_callback.sh")["data"]["session_id"]
        listed = bash("07_list.sh")
        assert video_id in [v["id"] for v in listed["data"]] and "has_more" in listed
        assert bash("08_delete.sh", video_id) == {"data": {"id": video_id, "deleted": True}}
    finally:
        server.stop()
