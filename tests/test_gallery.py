"""``reelwright gallery``: a contact sheet per style and per presenter, as PNGs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.avatar.catalogue import AVATARS
from reelwright.styles.catalogue import STYLES


def test_gallery_writes_a_sheet_per_style_and_presenter(tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", "gallery", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    expected = {f"style-{s}.png" for s in STYLES} | {f"presenter-{a}.png" for a in AVATARS}
    assert {p.name for p in out.iterdir()} == expected
    assert proc.stdout.count(".png") == len(expected)
    sheets = {}
    for name in expected:
        with Image.open(out / name) as im:
            assert im.format == "PNG" and im.width >= 1200 and im.height >= 500
            sheets[name] = np.asarray(im.convert("RGB"))
    # Each style's sheet shows that style: no two are alike.
    style_means = [sheets[f"style-{s}.png"].mean(axis=(0, 1)) for s in STYLES]
    for i in range(len(style_means)):
        for j in range(i + 1, len(style_means)):
            assert np.abs(style_means[i] - style_means[j]).max() > 1.0
