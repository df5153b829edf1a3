"""Talking-photo looks in the store: made from a caller's portrait, found again when rendering.

A look keeps its own copy of the portrait (upright, size-limited PNG) under
``photo_avatars/<id>/portrait.png``, so deleting the uploaded asset later does not break it, and
the located face in its row, so renders never detect again.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.photo import PhotoFace, PhotoLook, prepare_portrait
from reelwright.errors import InputError
from reelwright.store.blobs import BlobStore, stage
from reelwright.store.db import Database
from reelwright.store.files import PHOTO_PORTRAIT, PHOTO_PREVIEW, photo_look_key
from reelwright.store.models import PhotoAvatar, new_id

PORTRAIT, PREVIEW = PHOTO_PORTRAIT, PHOTO_PREVIEW


def portrait_key(look_id: str) -> str:
    return photo_look_key(look_id, PORTRAIT)


def preview_key(look_id: str) -> str:
    return photo_look_key(look_id, PREVIEW)


def local_photo_look(source: Path, workdir: Path, gender: str | None = None) -> PhotoLook:
    """A talking-photo look from a portrait on disk, for one render from the command line."""
    if not source.is_file():
        raise InputError(f"photo {source} does not exist", param="photo")
    portrait = workdir / PORTRAIT
    face = prepare_portrait(source, portrait)  # refuses no face, several faces, a tiny face
    return PhotoLook(
        id="photo",
        name=source.stem,
        portrait=portrait,
        face=face,
        gender=gender,
        default_voice=default_voice_for(gender),
    )


def default_voice_for(gender: str | None) -> str:
    """A photo look speaks with the best English voice of its gender (a natural one where one is
    installed). Without a gender no voice is "right": the best natural voice of any gender is the
    neutral choice, and every render with the look says so (``PhotoLook.gender_note``)."""
    from reelwright.voice.catalogue import default_voice_for as best_voice

    if gender in ("female", "male"):
        return best_voice("en-us", "female" if gender == "female" else "male").id
    return best_voice("en-us").id


def create_photo_look(
    db: Database,
    blobs: BlobStore,
    *,
    owner_id: str,
    asset_id: str,
    source: Path,
    name: str,
    gender: str | None,
    scratch: Path,
    noted: Callable[[Session, str], None] | None = None,
) -> PhotoAvatar:
    """Check the portrait (one face, large enough: else :class:`InputError`), store it, record it.

    ``noted`` is called with the new look's id inside the transaction that records it (the API
    writes it onto the request's Idempotency-Key there, so both commit or neither does)."""
    look_id = new_id()
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="portrait-") as tmp:
        staged = Path(tmp) / PORTRAIT
        face = prepare_portrait(source, staged)
        key = portrait_key(look_id)
        blobs.put_file(key, staged)
    try:
        with db.session() as s:
            row = PhotoAvatar(
                id=look_id,
                owner_id=owner_id,
                name=name,
                asset_id=asset_id,
                gender=gender,
                default_voice_id=default_voice_for(gender),
                face=face.to_json(),
            )
            s.add(row)
            s.flush()
            if noted is not None:
                noted(s, look_id)
    except BaseException:
        blobs.delete_prefix(photo_look_key(look_id))
        raise
    return row


def photo_look(row: PhotoAvatar, blobs: BlobStore, scratch: Path) -> PhotoLook:
    """What a render needs from a stored look (its portrait staged into ``scratch``)."""
    portrait = stage(blobs, portrait_key(row.id), scratch)
    if portrait is None:
        raise InputError(f"the portrait of photo look {row.id!r} is missing", param="avatar_id")
    return PhotoLook(
        id=row.id,
        name=row.name,
        portrait=portrait,
        face=PhotoFace.from_json(row.face),
        gender=row.gender,
        default_voice=row.default_voice_id,
    )


def find_photo_look(
    db: Database, blobs: BlobStore, owner_id: str, avatar_id: str | None, *, scratch: Path
) -> PhotoLook | None:
    """The caller's photo look named by ``avatar_id``; ``None`` for a catalogue id, no id, or an
    id that is not theirs."""
    if avatar_id is None or avatar_id in AVATARS:
        return None
    with db.session() as s:
        row = s.get(PhotoAvatar, avatar_id)
        if row is None or row.owner_id != owner_id:
            return None
        return photo_look(row, blobs, scratch)


def delete_photo_look(db: Database, blobs: BlobStore, row_id: str) -> None:
    with db.session() as s:
        row = s.get(PhotoAvatar, row_id)
        if row is not None:
            s.delete(row)
    blobs.delete_prefix(photo_look_key(row_id))


def owns_photo_look(db: Database, owner_id: str, avatar_id: str | None) -> bool:
    """Whether ``avatar_id`` names one of this owner's photo looks (requests may pin those)."""
    if avatar_id is None or avatar_id in AVATARS:
        return False
    with db.session() as s:
        row = s.get(PhotoAvatar, avatar_id)
        return row is not None and row.owner_id == owner_id
