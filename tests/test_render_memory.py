"""Peak memory of a 4K render (Python and every process it starts, as ``reelwright bench``
measures it), the encoder threads that memory budget allows, and the segment's last frame read
from its final key frame alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reelwright.memwatch import PeakMemory
from reelwright.render import ffmpeg
from reelwright.render.compose import EncodeSettings, read_last_frame

# A 4K job of a few seconds with everything a frame can hold at once: the presenter beside a
# slide whose bullets appear, a crossfade, captions, and a zooming photo behind a picture-in-picture
# presenter. Run in a process of its own so the peak is the job's alone.
_SCRIPT = """
import json, sys
from pathlib import Path
from reelwright import bench, pipeline
from reelwright.memwatch import PeakMemory
from reelwright.storyboard import Storyboard

folder = Path(sys.argv[1])
pdf, photo = bench._make_inputs(folder)
board = bench.reference_storyboard(pdf, photo).with_output("4k")
scenes = [board.scenes[1], board.scenes[3]]
scenes = [s.model_copy(update={"narration": s.narration.split(". ")[0] + "."}) for s in scenes]
board = board.model_copy(update={"scenes": scenes})
sb = folder / "board.json"
sb.write_text(board.to_json(), encoding="utf-8")
with PeakMemory() as peak:
    result = pipeline.run(
        pipeline.RenderJob(output=folder / "v.mp4", storyboard=sb, cache_dir=Path(sys.argv[2]))
    )
print(json.dumps({"total": peak.total / 2**20, "python": peak.python / 2**20,
                  "children": peak.children / 2**20, "seconds": result.duration}))
"""


@pytest.mark.slow
def test_a_4k_render_stays_under_a_gigabyte(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["seconds"] > 2, figures
    probe = subprocess.run(
        [ffmpeg.ffmpeg_exe(), "-hide_banner", "-i", str(tmp_path / "v.mp4")], capture_output=True, text=True
    )
    assert "Video: h264" in probe.stderr and "3840x2160" in probe.stderr, probe.stderr
    assert figures["total"] < 1024, figures


def test_encoder_threads_keep_two_4k_encoders_within_their_budget() -> None:
    settings = EncodeSettings()
    for width, height in ((3840, 2160), (1920, 1080), (1280, 720)):
        threads = settings.thread_count(width, height)
        assert threads >= 1
        frames = 8 + 3 * (threads - 1)  # per encoder (measured; see compose.ENCODER_MEMORY)
        assert 2 * frames * width * height * 3 // 2 <= 320 * 2**20 or threads == 1
    assert EncodeSettings(threads=5).thread_count(3840, 2160) == 5
    args = settings.args(3840, 2160)
    assert args[args.index("-x264-params") + 1] == "sync-lookahead=0"


def test_the_last_frame_is_read_from_the_final_key_frame_alone(tmp_path: Path) -> None:
    """The frame read back is the one a full decode ends on, bit for bit, without decoding the
    frames before it."""
    w, h, n = 320, 180, 90
    rng = np.random.default_rng(3)
    blocks = rng.integers(0, 255, (n, h // 10, w // 10, 3), dtype=np.uint8).repeat(10, 1).repeat(10, 2)
    frames = np.concatenate([blocks, np.full((n, h, w, 1), 255, np.uint8)], axis=3)
    raw = tmp_path / "frames.rgba"
    frames.tofile(raw)
    video = tmp_path / "seg.mp4"
    ffmpeg.run(
        [
            *("-f", "rawvideo", "-pixel_format", "rgba", "-video_size", f"{w}x{h}", "-framerate", "30"),
            *("-i", str(raw), *EncodeSettings().args(w, h)),
            *("-force_key_frames", f"expr:eq(n,{n - 1})", str(video)),
        ],
        what="encoding a test segment",
    )
    full = tmp_path / "full.rgba"
    ffmpeg.run(
        ["-i", str(video), "-update", "1", "-c:v", "rawvideo", "-pix_fmt", "rgba", "-f", "image2", str(full)],
        what="decoding every frame",
    )
    last = tmp_path / "last.rgba"
    read_last_frame(video, last, pix_fmt="rgba")
    assert last.read_bytes() == full.read_bytes()
    # Every frame is different noise: pixels close to the last frame's are the last frame's.
    got = np.frombuffer(last.read_bytes(), np.uint8).reshape(h, w, 4).astype(int)
    assert np.abs(got - frames[-1]).mean() < 12 < np.abs(got - frames[-2]).mean()


def test_peak_memory_counts_children_that_are_python_too(tmp_path: Path) -> None:
    """A Python child (the file-inspection fork server is one) holds memory of its own."""
    code = "import time; b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(1.0)"
    with PeakMemory(interval=0.05) as peak:
        subprocess.run([sys.executable, "-c", code], check=True)
    assert peak.children > 150 * 2**20, peak.children
