"""Stage 5, publish: move the rendered files into place, all of them or none."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from reelwright.render.video import RenderedFiles
from reelwright.store.files import Role, output_paths
from reelwright.storyboard import Storyboard


def for_export(board: Storyboard) -> Storyboard:
    """The storyboard as a person would edit it: audio files and timings are re-made on render."""
    scenes = [s.model_copy(update={"audio": None}) for s in board.scenes]
    return board.model_copy(update={"scenes": scenes})


def publish(
    rendered: RenderedFiles, output: Path, board: Storyboard, storyboard_out: Path | None, workdir: Path
) -> dict[Role, Path]:
    """Move every file next to ``output`` (same filesystem: atomic renames), and the storyboard."""
    outputs = output_paths(output)
    if board.burn_captions:
        # The script asked for captions on the video itself: both copies carry them.
        shutil.copyfile(rendered.captioned, rendered.video)
    staged: dict[Role, Path] = {
        "video": rendered.video,
        "captioned": rendered.captioned,
        "subtitles": rendered.subtitles,
        "thumbnail": rendered.thumbnail,
        "gif": rendered.gif,
    }
    moves: list[tuple[Path, Path]] = [(staged[role], outputs[role]) for role in staged]
    if storyboard_out is not None:
        sb = workdir / "storyboard.json"
        sb.write_text(for_export(board).to_json() + "\n", encoding="utf-8")
        if storyboard_out.resolve().parent == workdir.parent.resolve():
            moves.append((sb, storyboard_out))
        else:
            tmp = storyboard_out.with_name(f".{storyboard_out.name}.part")
            shutil.copyfile(sb, tmp)
            moves.append((tmp, storyboard_out))
    for src, dst in moves:
        os.replace(src, dst)
    return {role: outputs[role] for role in staged}
