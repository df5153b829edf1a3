"""Preview media for the catalogues: presenter stills and clips, voice samples, style thumbnails.

The product renders its own previews (nothing is downloaded or committed): each is drawn the first
time someone asks for it, then kept under the data dir. With a shared blob store (an S3 bucket) it
is also stored there, under ``previews/<version>/<kind>/<id>/``, so one node draws it and the others
fetch it instead of drawing it again. The cache path carries the package version,
so an upgrade that changes how things are drawn renders fresh previews instead of serving stale
ones. Rendering goes to a temporary folder that is renamed into place, so a crash or a concurrent
request never sees half a preview.
"""

from __future__ import annotations

import fcntl
import importlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

from reelwright import __version__
from reelwright.store.blobs import BlobStore

Kind = Literal["avatar", "voice", "style"]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)

# What each kind's renderer must write, with the media type it is served as.
FILES: Final[dict[Kind, dict[str, str]]] = {
    "avatar": {"image.png": "image/png", "video.mp4": "video/mp4"},
    "voice": {"audio.mp3": "audio/mpeg"},
    "style": {"image.png": "image/png", "video.mp4": "video/mp4"},
}

# module, function: imported on first use so the API starts without loading skia or Piper.
_RENDERERS: Final[dict[Kind, tuple[str, str]]] = {
    "avatar": ("reelwright.previews.avatar", "render_look_preview"),
    "voice": ("reelwright.previews.voice", "render_voice_preview"),
    "style": ("reelwright.previews.style", "render_style_preview"),
}

Renderer = Callable[[str, Path], None]


class UnknownPreview(LookupError):
    """No such kind, item or file: the route answers 404."""


def catalogue_ids(kind: Kind) -> Collection[str]:
    """Every id of ``kind`` that has a preview (the built-in catalogues, not users' own photos)."""
    if kind == "avatar":
        from reelwright.avatar.catalogue import AVATARS

        return AVATARS.keys()
    if kind == "voice":
        from reelwright.voice.catalogue import VOICES

        return VOICES.keys()
    from reelwright.styles.catalogue import STYLES

    return STYLES.keys()


def _drawn(item_id: str) -> bool:
    """A presenter drawn from a description: its id spells it, so its preview renders like a
    catalogue look's."""
    from reelwright.avatar.drawn import is_drawn

    return is_drawn(item_id)


def _renderer(kind: Kind) -> Renderer:
    module, name = _RENDERERS[kind]
    fn: Renderer = getattr(importlib.import_module(module), name)
    return fn


@dataclass
class PreviewCache:
    root: Path
    blobs: BlobStore | None = None  # shared with the other nodes (a remote store), if any

    def __post_init__(self) -> None:
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def folder(self, kind: Kind, item_id: str) -> Path:
        return self.root / __version__ / kind / item_id

    def get(self, kind: str, item_id: str, name: str) -> tuple[Path, str]:
        """The file (rendered now if this is its first request) and its media type."""
        if kind not in FILES or name not in FILES[kind]:  # ``in`` narrows kind to a Kind
            raise UnknownPreview(f"{kind}/{name}")
        k: Kind = kind
        if item_id not in catalogue_ids(k) and not (k == "avatar" and _drawn(item_id)):
            raise UnknownPreview(f"{kind}/{item_id}")
        return self.ensure(k, item_id) / name, FILES[k][name]

    def ensure(self, kind: Kind, item_id: str) -> Path:
        final = self.folder(kind, item_id)
        if self._complete(kind, final):
            return final
        # One renderer per item: threads wait on a lock, other processes (workers on the same
        # data dir) on a lock file; whoever comes second finds the finished folder.
        with self._thread_lock(kind, item_id):
            final.parent.mkdir(parents=True, exist_ok=True)
            with open(final.parent / f".{item_id}.lock", "w") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)
                if not self._complete(kind, final):
                    self._render(kind, item_id, final)
        return final

    def _key(self, kind: Kind, item_id: str, name: str) -> str:
        return f"previews/{__version__}/{kind}/{item_id}/{name}"

    def _render(self, kind: Kind, item_id: str, final: Path) -> None:
        tmp = Path(tempfile.mkdtemp(prefix=f".{item_id}-", dir=final.parent))
        try:
            blobs = self.blobs
            # Drawn by another node already: fetch it. Else draw it here, and share it.
            if blobs is None or not all(
                blobs.fetch(self._key(kind, item_id, n), tmp / n) for n in FILES[kind]
            ):
                _renderer(kind)(item_id, tmp)
                missing = [n for n in FILES[kind] if not (tmp / n).is_file() or (tmp / n).stat().st_size == 0]
                if missing:
                    raise RuntimeError(f"the {kind} preview renderer did not write {', '.join(missing)}")
                if blobs is not None:
                    for n in FILES[kind]:
                        blobs.put_bytes(self._key(kind, item_id, n), (tmp / n).read_bytes())
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _complete(self, kind: Kind, folder: Path) -> bool:
        return all((folder / n).is_file() for n in FILES[kind])

    def _thread_lock(self, kind: str, item_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault((kind, item_id), threading.Lock())
