"""Stage 1, ingest: read and check the request's files, or the sources a storyboard names."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reelwright.errors import InputError
from reelwright.ingest.files import InputFile
from reelwright.ingest.sandbox import inspect_files  # bounded: a hostile file cannot take the process down
from reelwright.storyboard import BulletSlide, ImageScene, PdfPage, Storyboard, VideoClip


def read_inputs(paths: Sequence[Path]) -> list[InputFile]:
    """Every file checked and described (pages' text, sizes, lengths); the first problem is raised."""
    return inspect_files(list(paths))


def check_sources(board: Storyboard) -> None:
    """A storyboard's files must exist and be what they claim, like files given on the command line."""
    paths: list[Path] = []
    for scene in board.scenes:
        v = scene.visual
        if isinstance(v, PdfPage | ImageScene | VideoClip):
            paths.append(Path(v.source))
        if isinstance(v, BulletSlide) and v.reference is not None:
            paths.append(Path(v.reference.source))
        if scene.speech is not None:
            paths.append(Path(scene.speech))
    if board.music:
        paths.append(Path(board.music.source))
    unique = list(dict.fromkeys(paths))
    files = inspect_files(unique) if unique else []
    pages = {str(f.path): len(f.page_texts) for f in files if f.kind == "pdf"}
    for i, scene in enumerate(board.scenes):
        v = scene.visual
        shown = v if isinstance(v, PdfPage) else v.reference if isinstance(v, BulletSlide) else None
        field = "visual.page" if isinstance(v, PdfPage) else "visual.reference.page"
        if shown is not None and shown.page > pages.get(str(Path(shown.source)), 0):
            raise InputError(
                f"invalid storyboard: scenes.{i}.{field}: {shown.source} has only "
                f"{pages.get(str(Path(shown.source)), 0)} pages",
                param=f"scenes.{i}.{field}",
            )
