"""Stage 4, render: the voiced storyboard to video, captioned copy, captions, thumbnail and GIF."""

from __future__ import annotations

from pathlib import Path

from reelwright.avatar.photo import PhotoLook
from reelwright.pipeline.stages import Hooks
from reelwright.render.video import RenderedFiles, render_video
from reelwright.storyboard import Storyboard
from reelwright.styles.brand import Brand


def render(
    board: Storyboard, workdir: Path, hooks: Hooks, *, brand: Brand | None, photo: PhotoLook | None
) -> RenderedFiles:
    """Render into ``workdir`` (the publish stage moves the files into place); the caller may stop
    it between scenes."""
    hooks.check_stop()
    return render_video(
        board, workdir, "out", progress=lambda f: hooks.report("render", f), brand=brand, photo=photo
    )
