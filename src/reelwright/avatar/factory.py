"""One entry point for the renderer of any look: an illustrated presenter or a talking photo."""

from __future__ import annotations

from reelwright.avatar.photo import PhotoLook
from reelwright.avatar.presenter import Presenter, PresenterRenderer


def make_presenter(avatar_id: str, size: int, photo: PhotoLook | None = None) -> Presenter:
    """The renderer for ``avatar_id`` at ``size`` pixels square. A photo look's id renders the
    ``photo`` handed in (the caller found it in the store); any other id is a catalogue look."""
    if photo is not None and photo.id == avatar_id:
        from reelwright.avatar.talking_photo import TalkingPhotoRenderer

        return TalkingPhotoRenderer(photo, size)
    return PresenterRenderer(avatar_id, size)
