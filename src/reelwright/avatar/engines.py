"""The built-in presenters (talking photos, the illustrated cast), registered through the plugin hook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reelwright.hookspecs import Register, hookimpl

if TYPE_CHECKING:  # loaded with every plugin: keep the drawing code out until a presenter is drawn
    from reelwright.avatar.photo import PhotoLook
    from reelwright.avatar.presenter import Presenter


def _talking_photo(avatar_id: str, size: int, photo: PhotoLook | None) -> Presenter | None:
    # A photo look's id renders the photo the caller found in the store.
    if photo is None or photo.id != avatar_id:
        return None
    from reelwright.avatar.talking_photo import TalkingPhotoRenderer

    return TalkingPhotoRenderer(photo, size)


def _illustrated(avatar_id: str, size: int, _photo: PhotoLook | None) -> Presenter | None:
    from reelwright.avatar.catalogue import AVATARS
    from reelwright.avatar.drawn import is_drawn
    from reelwright.avatar.presenter import PresenterRenderer

    return PresenterRenderer(avatar_id, size) if avatar_id in AVATARS or is_drawn(avatar_id) else None


@hookimpl
def register_presenters(register: Register) -> None:
    register("photo", _talking_photo)
    register("illustrated", _illustrated)
