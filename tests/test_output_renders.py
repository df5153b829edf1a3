"""Real renders at each aspect ratio: sizes and frame rates as a player sees them, and burned-in
captions found on the frames (captioned copy minus plain copy) against the face and safe zones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reelwright import pipeline
from reelwright.ingest.media import extract_frame, probe
from reelwright.render.layout import Rect, frame_for, platform_zones, safe_area
from reelwright.render.timeline import build_timeline
from reelwright.storyboard import BulletSlide, Scene, Storyboard, TitleCard
from reelwright.styles.catalogue import get_style
from tests.test_cli_bad_input import _assert_clean_failure, _reelwright


def _board(style: str) -> Storyboard:
    return Storyboard(
        title="Shapes",
        avatar="ava",
        style=style,
        scenes=[
            Scene(
                id="a",
                narration="Every shape keeps its captions clear.",
                presenter="full",
                visual=TitleCard(heading="Every shape", subheading="Captions stay clear"),
            ),
            Scene(
                id="b",
                narration="The small card works too.",
                presenter="pip",
                visual=BulletSlide(heading="Checks", bullets=["Sizes", "Frame rates"]),
            ),
        ],
    )


def _caption_box(plain: Path, captioned: Path, t: float) -> Rect | None:
    """Where the captioned copy differs from the plain one at ``t``: the burned-in caption."""
    a = np.asarray(extract_frame(plain, t).convert("L"), dtype=np.int16)
    b = np.asarray(extract_frame(captioned, t).convert("L"), dtype=np.int16)
    ys, xs = np.nonzero(np.abs(a - b) > 24)
    if len(ys) < 50:
        return None
    return Rect(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


@pytest.mark.parametrize(
    ("aspect", "resolution", "fps", "style", "size"),
    [
        ("16:9", "720p", 25, "clean", (1280, 720)),
        ("9:16", "720p", 30, "cinematic", (720, 1280)),
        ("1:1", "720p", 60, "playful", (720, 720)),
        ("4:5", "720p", 25, "editorial", (720, 900)),
    ],
)
def test_render_at_each_aspect_ratio(
    tmp_path: Path, aspect: str, resolution: str, fps: int, style: str, size: tuple[int, int]
) -> None:
    board = _board(style)
    sb = tmp_path / "board.json"
    sb.write_text(board.to_json())
    job = pipeline.RenderJob(
        output=tmp_path / "v.mp4", storyboard=sb, resolution=resolution, aspect_ratio=aspect, fps=fps
    )
    result = pipeline.run(job)
    for path in (result.video, result.captioned):
        info = probe(path)
        assert info.video is not None and (info.video.width, info.video.height) == size
        assert info.video.fps is not None and abs(info.video.fps - fps) < 0.01
    rendered = result.storyboard
    assert rendered.size == size and rendered.fps == fps
    timeline = build_timeline(rendered, get_style(style).transition_seconds)
    side = get_style(style).presenter_side
    checked = 0
    for scene, timing in zip(rendered.scenes, timeline.scenes, strict=True):
        frame = frame_for(*size, scene.presenter, side)
        assert frame.face is not None
        # Mid-narration, after any transition: a caption is on screen.
        t = timing.speech_start + min(0.6, timing.speech_duration / 2)
        box = _caption_box(result.video, result.captioned, t)
        assert box is not None, (scene.id, t)
        assert not _overlap(box, frame.face), (scene.id, box, frame.face)
        grace = 4
        cap = frame.caption_box
        assert cap.x - grace <= box.x and box.right <= cap.right + grace
        assert cap.y - grace <= box.y and box.bottom <= cap.bottom + grace
        safe = safe_area(*size)
        assert safe.x - grace <= box.x and box.right <= safe.right + grace
        assert safe.y - grace <= box.y and box.bottom <= safe.bottom + grace
        for zone in platform_zones(*size):
            inner = Rect(zone.x + grace, zone.y + grace, zone.w - 2 * grace, zone.h - 2 * grace)
            assert not _overlap(box, inner), (scene.id, box, zone)
        checked += 1
    assert checked == 2


def test_cli_output_flags(tmp_path: Path) -> None:
    board = _board("midnight").model_copy(update={"avatar": None})
    board = board.model_copy(
        update={"scenes": [s.model_copy(update={"presenter": "none"}) for s in board.scenes][:1]}
    )
    sb = tmp_path / "board.json"
    sb.write_text(board.to_json())
    out = tmp_path / "v.mp4"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "reelwright", "render", "--storyboard", str(sb), "-o", str(out)),
            *("--resolution", "720p", "--orientation", "square", "--fps", "25", "--quiet"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    info = probe(out)
    assert info.video is not None and (info.video.width, info.video.height) == (720, 720)
    assert info.video.fps is not None and abs(info.video.fps - 25) < 0.01


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (["--resolution", "8k"], "--resolution: '8k' is not one of 720p, 1080p, 4k"),
        (["--aspect", "21:9"], "--aspect: '21:9' is not one of 16:9, 9:16, 1:1, 4:5"),
        (["--fps", "24"], "--fps: 24 is not one of 25, 30, 60"),
        (["--orientation", "landscape", "--aspect", "9:16"], "give one of them"),
    ],
)
def test_cli_rejects_bad_output_flags(tmp_path: Path, flags: list[str], needle: str) -> None:
    proc = _reelwright("A video about tea", "-o", str(tmp_path / "v.mp4"), *flags, cwd=tmp_path)
    _assert_clean_failure(proc, needle, tmp_path)


def test_4k_render_is_full_size(tmp_path: Path) -> None:
    board = Storyboard(
        title="Four K",
        scenes=[Scene(id="a", narration="Sharp.", presenter="none", visual=TitleCard(heading="Four K"))],
    )
    sb = tmp_path / "board.json"
    sb.write_text(board.to_json())
    result = pipeline.run(pipeline.RenderJob(output=tmp_path / "v.mp4", storyboard=sb, resolution="4k"))
    assert result.storyboard.size == (3840, 2160)
    for path in (result.video, result.captioned):
        info = probe(path)
        assert info.video is not None and (info.video.width, info.video.height) == (3840, 2160)
    still = np.asarray(extract_frame(result.video, result.duration - 0.2).convert("L"), dtype=np.int16)
    assert still.shape == (2160, 3840) and still.std() > 5  # the title is there
