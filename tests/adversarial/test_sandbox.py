"""The inspection sandbox itself: each limit trips with its own reason, and real media of every
type passes under the limits the adversarial servers use (256 MB)."""

from __future__ import annotations

import multiprocessing.forkserver
import os
import time
from pathlib import Path

import pytest

from reelwright.errors import FileRejected, RenderError
from reelwright.ingest import sandbox
from tests.media import make_jpeg, make_mp3, make_pdf, make_png, make_video, make_wav, make_webm

TIGHT = sandbox.SandboxLimits(memory_bytes=256 * 1024 * 1024, cpu_seconds=2, wall_seconds=4)
# The CPU limit must trip before the wall-time one, even on a busy machine.
CPU_BOUND = sandbox.SandboxLimits(memory_bytes=256 * 1024 * 1024, cpu_seconds=1, wall_seconds=30)


def _spin() -> None:
    while True:
        pass


def _sleep() -> None:
    time.sleep(60)


def _hoard() -> None:
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


def _answer(x: int) -> int:
    return x * 2


@pytest.mark.parametrize(
    ("fn", "limits", "reason"),
    [
        (_spin, CPU_BOUND, "needs more than 1 s of processing"),
        (_sleep, TIGHT, "took longer than 4 s"),
        (_hoard, TIGHT, "needs more than 256 MB of memory"),
    ],
)
def test_each_limit_trips_with_its_reason(fn: object, limits: sandbox.SandboxLimits, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(sandbox.SandboxTripped) as tripped:
        sandbox.run_bounded(fn, limits=limits)  # type: ignore[arg-type]
    assert reason in tripped.value.reason
    assert time.monotonic() - started < 30


def test_results_come_back() -> None:
    assert sandbox.run_bounded(_answer, 21, limits=TIGHT) == 42


def test_real_media_of_every_type_passes_and_problems_keep_their_words(tmp_path: Path) -> None:
    files = [
        make_png(tmp_path / "a.png", 1920, 1080, "Slide"),
        make_jpeg(tmp_path / "b.jpg", 1920, 1080, "Photo"),
        make_video(tmp_path / "c.mp4", 1.0, 1280, 720),
        make_webm(tmp_path / "d.webm", 1.0, 640, 360),
        make_mp3(tmp_path / "e.mp3", 2.0),
        make_wav(tmp_path / "f.wav", 2.0),
        make_pdf(tmp_path / "g.pdf", [("Results", ["Up", "Down"]), ("Plans", ["More"])]),
    ]
    infos = sandbox.inspect_files(files, names=[f"n{i}" for i in range(len(files))])
    assert [i.kind for i in infos] == ["image", "image", "video", "video", "audio", "audio", "pdf"]
    assert infos[2].width == 1280 and infos[2].has_audio
    assert infos[6].page_texts[0].startswith("Results")
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(FileRejected) as rejected:
        sandbox.inspect_files([files[0], tmp_path / "bad.png"], names=["ok.png", "bad.png"])
    assert rejected.value.index == 1 and rejected.value.param == "files[1]"
    assert str(rejected.value).startswith("file 1 (bad.png): ")


def test_pdf_pages_render_in_the_sandbox_and_a_bomb_fails_the_render_in_words(tmp_path: Path) -> None:
    from tests.adversarial.test_hostile_files import recursive_form_pdf

    deck = make_pdf(tmp_path / "deck.pdf", [("Results", ["Up", "Down"])])
    page = sandbox.render_pdf_page(deck, 1, 640, 360, limits=TIGHT)
    assert page.size[0] <= 640 and page.size[1] == 360
    bomb = tmp_path / "loop.pdf"
    bomb.write_bytes(recursive_form_pdf())
    generous = sandbox.SandboxLimits(memory_bytes=256 * 1024 * 1024, cpu_seconds=10, wall_seconds=30)
    with pytest.raises(RenderError) as failed:
        sandbox.render_pdf_page(bomb, 1, 640, 360, limits=generous)
    assert str(failed.value).startswith("page 1 of loop.pdf needs more than 256 MB of memory"), failed.value


def test_the_readers_server_starts_in_the_background_and_is_ready() -> None:
    # A worker starts it as it starts; afterwards the server has imported the parsers and answers.
    starting = sandbox.start_in_background()
    starting.join(60)
    assert not starting.is_alive()
    server_pid = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    assert server_pid is not None
    os.kill(server_pid, 0)  # alive
    assert sandbox.run_bounded(_answer, 4, limits=TIGHT) == 8


def test_files_read_side_by_side_keep_their_order_and_the_first_problem_by_position(
    tmp_path: Path,
) -> None:
    make_png(tmp_path / "a.png", 320, 240, "A")
    (tmp_path / "b.html").write_text("<html><body>Sign in</body></html>")
    (tmp_path / "c.bin").write_bytes(bytes(range(256)) * 64)
    make_pdf(tmp_path / "d.pdf", [("One page", ["A point"])])
    read = sandbox.inspect_files([tmp_path / "a.png", tmp_path / "d.pdf"])
    assert [(f.index, f.kind) for f in read] == [(0, "image"), (1, "pdf")]
    with pytest.raises(FileRejected) as caught:
        sandbox.inspect_files([tmp_path / n for n in ("a.png", "b.html", "c.bin", "d.pdf")])
    assert caught.value.index == 1
