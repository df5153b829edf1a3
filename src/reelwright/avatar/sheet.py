"""Contact sheet of every presenter in a few poses, for reviewing the art.

Usage: ``python -m reelwright.avatar.sheet /tmp/avatars.png [cell_px]``
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.presenter import Pose, PresenterRenderer

POSES: tuple[tuple[str, Pose], ...] = (
    ("rest", Pose()),
    ("ah", Pose("ah", 1.0)),
    ("oh", Pose("oh", 1.0)),
    ("ee", Pose("ee", 1.0)),
    ("oo", Pose("oo", 0.8)),
    ("mbp", Pose("mbp", 1.0)),
    ("fv", Pose("fv", 1.0)),
    ("th", Pose("th", 0.8)),
    ("blink", Pose(blink=1.0, brow=1.0)),
)


def contact_sheet(cell: int = 300, *, crop_face: bool = False) -> Image.Image:
    """All avatars (rows) in each pose (columns) on a neutral background."""
    label_h = 22
    sheet = Image.new("RGB", (cell * len(POSES), (cell + label_h) * len(AVATARS)), "#e9ecef")
    draw = ImageDraw.Draw(sheet)
    for row, avatar_id in enumerate(AVATARS):
        size = cell * 2 if crop_face else cell
        renderer = PresenterRenderer(avatar_id, size)
        y = row * (cell + label_h)
        for col, (label, pose) in enumerate(POSES):
            img = renderer.image(pose)
            if crop_face:
                # Zoom on the face (the middle of the upper half) to judge the mouth and eyes.
                img = img.crop((size // 4, size // 8, size * 3 // 4, size * 5 // 8))
            sheet.paste(img, (col * cell, y + label_h), img)
            draw.text((col * cell + 6, y + 4), f"{avatar_id} · {label}", fill="#333333")
    return sheet


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    cell = int(argv[1]) if len(argv) > 1 else 300
    crop = len(argv) > 2 and argv[2] == "face"
    contact_sheet(cell, crop_face=crop).save(Path(argv[0]))
    print(argv[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
