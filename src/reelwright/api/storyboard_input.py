"""Storyboards from outside the server are untrusted: one check that every route taking one uses.

A storyboard the CLI writes names files by local path (``source: /home/me/chart.png``) and may
carry audio made by an earlier render. Sent to the API (a storyboard edit, a template), such a
storyboard could name any file the server can read, or another owner's upload. So here a
storyboard may reference only:

- the caller's own uploaded assets, as ``"asset:<asset_id>"`` (``POST /v3/assets``) in a scene's
  ``visual.source`` or ``music.source``; the asset's kind must fit the field (an image for an
  ``image`` scene, a video for a ``video`` scene, a PDF for a ``pdf_page``, audio for music);
- catalogue ids: a presenter of the catalogue or one of the caller's photo looks as ``avatar``,
  a voice as ``voice``, a style as ``style``.

Anything else (a server path, a URL, another owner's asset, an unknown id, audio a render makes)
is a 400 whose ``param`` names the field, e.g. ``storyboard.scenes.2.visual.source``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Final

from pydantic import ValidationError

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.photo_looks import owns_photo_look
from reelwright.store.blobs import check_key
from reelwright.store.models import Asset
from reelwright.storyboard import ImageScene, PdfPage, Storyboard, VideoClip
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

ASSET_PREFIX: Final = "asset:"
_ASSET_REF = re.compile(r"asset:([0-9a-f]{32})")

# Which uploaded kind each file field accepts (Asset.kind is recognised from the bytes).
_KIND_FOR = {"image": "image", "video": "video", "pdf_page": "pdf", "music": "audio"}


@dataclass(frozen=True)
class CheckedStoryboard:
    """A storyboard that passed the check, and the assets it references (field -> asset id)."""

    board: Storyboard
    assets: dict[str, str]  # param of the source field -> asset id
    kept: dict[str, str]  # sources the server already holds: public name -> blob key

    def asset_ids(self) -> list[str]:
        return sorted(set(self.assets.values()))


def _bad(param: str, message: str) -> ApiError:
    return ApiError(400, f"{param}: {message}", param=param)


def parse_storyboard(data: Any, param: str = "storyboard") -> Storyboard:
    """The schema check alone: the shape, the lengths, the enums. A 400 names the first bad field."""
    if not isinstance(data, dict):
        raise _bad(param, "must be a storyboard object")
    try:
        return Storyboard.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _bad(f"{param}.{where}" if where else param, str(first["msg"])) from None


def check_storyboard(
    ctx: ApiContext,
    owner_id: str,
    data: Any,
    param: str = "storyboard",
    known: Mapping[str, str] | None = None,
) -> CheckedStoryboard:
    """Parse ``data`` and check every reference in it against what the caller may use.

    ``known`` maps the public names of files the server already holds for this caller's session
    (as its GET showed them) to their blob keys: an edit may keep those sources unchanged."""
    board = parse_storyboard(data, param)
    _check_ids(ctx, owner_id, board, param)
    sources: dict[str, tuple[str, str]] = {}  # param -> (source, kind expected)
    for i, scene in enumerate(board.scenes):
        if scene.audio is not None:
            raise _bad(f"{param}.scenes.{i}.audio", "is made by the render; leave it out")
        visual = scene.visual
        if isinstance(visual, ImageScene | VideoClip | PdfPage):
            sources[f"{param}.scenes.{i}.visual.source"] = (visual.source, _KIND_FOR[visual.kind])
    if board.music is not None:
        sources[f"{param}.music.source"] = (board.music.source, _KIND_FOR["music"])
    known = known or {}
    kept = {where: src for where, (src, _kind) in sources.items() if src in known}
    assets = _check_sources(ctx, owner_id, {w: v for w, v in sources.items() if w not in kept})
    return CheckedStoryboard(board, assets, {src: known[src] for src in kept.values()})


def _check_ids(ctx: ApiContext, owner_id: str, board: Storyboard, param: str) -> None:
    # owns_photo_look is False for a catalogue id: ask it only about the others.
    if (
        board.avatar is not None
        and board.avatar not in AVATARS
        and not owns_photo_look(ctx.db, owner_id, board.avatar)
    ):
        raise _bad(f"{param}.avatar", f"unknown avatar {board.avatar!r}")
    if board.voice not in VOICES:
        raise _bad(f"{param}.voice", f"unknown voice {board.voice!r}")
    if board.style not in STYLES:
        raise _bad(f"{param}.style", f"unknown style {board.style!r}")


def _check_sources(ctx: ApiContext, owner_id: str, sources: dict[str, tuple[str, str]]) -> dict[str, str]:
    if not sources:
        return {}
    refs: dict[str, str] = {}
    for where, (source, _kind) in sources.items():
        match = _ASSET_REF.fullmatch(source)
        if match is None:
            raise _bad(
                where,
                f"{source[:80]!r} is not one of your assets; upload the file (POST /v3/assets) and "
                f'reference it as "{ASSET_PREFIX}<asset_id>"',
            )
        refs[where] = match.group(1)
    with ctx.db.session() as s:
        kinds = {
            a.id: a.kind
            for a in s.query(Asset).filter(Asset.id.in_(set(refs.values())), Asset.owner_id == owner_id)
        }
    for where, asset_id in refs.items():
        if asset_id not in kinds:  # another owner's asset is indistinguishable from a missing one
            raise _bad(where, f"no asset {asset_id!r}")
        expected = sources[where][1]
        if kinds[asset_id] != expected:
            raise _bad(where, f"asset {asset_id!r} is {kinds[asset_id]}; this field needs {expected}")
    return refs


def with_sources(checked: CheckedStoryboard, asset_paths: Mapping[str, str]) -> Storyboard:
    """The board with every source pointing at a blob key: ``asset:<id>`` at
    ``asset_paths[asset_id]`` (where the job's copy was put), a kept name at its key in ``kept``.

    So the stored job storyboard holds only keys the server chose; the worker stages the files
    under its session's inputs (``JobRun.local_files``) and reads its own copies."""

    def path(source: str) -> str:
        if source in checked.kept:
            return checked.kept[source]
        match = _ASSET_REF.fullmatch(source)
        assert match is not None, "with_sources takes only a board check_storyboard passed"
        return asset_paths[match.group(1)]

    board = checked.board.model_copy(deep=True)
    for scene in board.scenes:
        visual = scene.visual
        if isinstance(visual, ImageScene | VideoClip | PdfPage):
            visual.source = path(visual.source)
    if board.music is not None:
        board.music.source = path(board.music.source)
    return board


def public_sources(
    board: dict[str, Any], prefix: str, exists: Callable[[str], bool]
) -> tuple[dict[str, Any], dict[str, str]]:
    """A stored storyboard as a caller may see it: file sources under the blob ``prefix`` (a
    session's inputs, a template's files) by their name relative to it, any other path by its
    base name only (no server path leaks). Also the names whose key still holds a file (``exists``
    asks the blob store), mapped to that key, as ``known`` for :func:`check_storyboard`.

    A source under the prefix is the key itself (what :func:`with_sources` writes) or a path ending
    in it (a worker's staged copy, as a finished video's storyboard names it; or an older
    data dir's absolute path)."""
    marker = re.compile(rf"(?:^|/)({re.escape(prefix.strip('/'))}/([A-Za-z0-9_.\-/]+))$")
    known: dict[str, str] = {}

    def public(source: str) -> str:
        found = marker.search(source)
        if found is not None:
            key, name = found.group(1), found.group(2)
            if name not in known and _is_key(key) and exists(key):
                known[name] = key
            return name
        return PurePosixPath(source).name if source.startswith("/") else source

    out = copy.deepcopy(board)
    for scene in out.get("scenes", []):
        visual = scene.get("visual", {})
        if isinstance(visual.get("source"), str):
            visual["source"] = public(visual["source"])
        scene.pop("audio", None)
    music = out.get("music")
    if isinstance(music, dict) and isinstance(music.get("source"), str):
        music["source"] = public(music["source"])
    return out, known


def _is_key(key: str) -> bool:
    try:
        check_key(key)
    except ValueError:
        return False
    return True
