"""The worker under the same rules as the API (issue 18, findings 1 and 15): a hostile file that
reaches it fails its job with a clear reason while the worker lives on and renders the next one,
a prompt that is one 10,000-letter word included."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.adversarial.conftest import MB, Hostile, MemoryWatch, start_hostile
from tests.adversarial.test_hostile_files import recursive_form_pdf
from tests.media import make_pdf
from tests.server import Worker, wait_done


@pytest.fixture
def server_and_worker(tmp_path: Path) -> Iterator[tuple[Hostile, Worker]]:
    hostile = start_hostile(tmp_path / "data", {"REELWRIGHT_WORKERS": "0"})
    worker = Worker(hostile.server)
    try:
        yield hostile, worker
    finally:
        worker.stop()
        hostile.server.stop()


@pytest.mark.slow
def test_the_worker_refuses_a_bomb_that_reached_it_and_renders_the_next_job(
    server_and_worker: tuple[Hostile, Worker], tmp_path: Path
) -> None:
    hostile, worker = server_and_worker
    deck = make_pdf(tmp_path / "deck.pdf", [("Quarterly results", ["Revenue grew", "Costs fell"])])
    encoded = base64.b64encode(deck.read_bytes()).decode()
    with hostile.client(hostile.key) as c:
        body = {
            "prompt": "Present this deck.",
            "files": [{"type": "base64", "data": encoded, "name": "deck.pdf"}],
        }
        created = c.post("/v3/video-agents", json=body)
        assert created.status_code == 200, created.text
        session_id = created.json()["data"]["session_id"]
        # The file passed the API's check; what the worker reads is now the recursive Form XObject
        # (as if the limits differed between machines, or the file changed on shared storage).
        stored = hostile.server.data / "files" / "inputs" / session_id / "00"
        stored.write_bytes(recursive_form_pdf())
        long_word = c.post("/v3/video-agents", json={"prompt": "a" * 10_000, "duration_sec": 5})
        assert long_word.status_code == 200, long_word.text

        worker.start()
        assert worker.proc is not None
        watch = MemoryWatch(worker.proc.pid).start()
        failed = wait_done(c, session_id, timeout=120)
        watch.stop()
        bomb_peak = watch.peak
        assert failed["status"] == "failed"
        errors = [m["content"] for m in failed["messages"] if m["type"] == "error"]
        assert errors and "needs more than 256 MB of memory" in errors[0], errors
        assert worker.proc.poll() is None, "the worker died"

        done = wait_done(c, long_word.json()["data"]["session_id"], timeout=400)
        assert done["status"] == "completed", done
        assert worker.proc.poll() is None
    # Unbounded, the bomb grows a process ~100 MB/s until it is killed; here the worker held only
    # its own start-up (imports, models) while the job ran and failed.
    print(f"worker RSS peak while the bomb was read: {bomb_peak / MB:.0f} MB")
    assert bomb_peak < 600 * MB
