"""Bad input: a one-line error naming the problem, exit code 2, and nothing left behind."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.media import (
    make_frameless_video,
    make_html,
    make_huge_png,
    make_png,
    make_random_bytes,
    make_truncated_pdf,
)


def _reelwright(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reelwright", "render", *args, "--quiet"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _assert_clean_failure(proc: subprocess.CompletedProcess[str], needle: str, out_dir: Path) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert needle in lines[0], lines[0]
    leftovers = [p.name for p in out_dir.iterdir() if not p.name.startswith("input")]
    assert leftovers == [], leftovers


def test_empty_prompt(tmp_path: Path) -> None:
    proc = _reelwright("   ", "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, "prompt is empty", tmp_path)


def test_prompt_too_long(tmp_path: Path) -> None:
    proc = _reelwright("x" * 10_001, "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, "limit is 10000", tmp_path)


def test_too_many_files(tmp_path: Path) -> None:
    pic = make_png(tmp_path / "input.png", 64, 64)
    args = [a for _ in range(21) for a in ("--file", str(pic))]
    proc = _reelwright("A video", *args, "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, "too many files", tmp_path)


@pytest.mark.parametrize(
    ("maker", "needle"),
    [
        (lambda p: make_html(p / "input-page.pdf"), "HTML"),
        (lambda p: make_random_bytes(p / "input-noise.png"), "not a supported file type"),
        (lambda p: make_truncated_pdf(p / "input-cut.pdf"), "PDF"),
        (lambda p: make_huge_png(p / "input-huge.png"), "30000×30000"),
        (lambda p: make_frameless_video(p / "input-empty.mp4"), "no frames"),
    ],
    ids=["html", "random-bytes", "truncated-pdf", "huge-image", "frameless-video"],
)
def test_bad_files(tmp_path: Path, maker: Callable[[Path], Path], needle: str) -> None:
    bad = maker(tmp_path)
    proc = _reelwright("A video about files", "--file", str(bad), "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, needle, tmp_path)
    assert "file 0" in proc.stderr


def test_bad_options(tmp_path: Path) -> None:
    proc = _reelwright("A video", "--duration", "3", "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, "--duration", tmp_path)
    proc = _reelwright("A video", "--avatar", "nobody", "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, "unknown avatar", tmp_path)


def test_invalid_storyboard_names_field(tmp_path: Path) -> None:
    sb = tmp_path / "input.json"
    sb.write_text('{"title": "T", "scenes": [{"id": "a", "visual": {"kind": "title"}}]}')
    proc = _reelwright("--storyboard", str(sb), "-o", str(tmp_path / "v.mp4"), cwd=tmp_path)
    _assert_clean_failure(proc, "scenes.0.visual.title.heading", tmp_path)
