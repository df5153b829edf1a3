"""One entry point for the renderer of any look: whichever registered presenter claims its id."""

from __future__ import annotations

from reelwright import plugins
from reelwright.avatar.photo import PhotoLook
from reelwright.avatar.presenter import Presenter
from reelwright.errors import InputError


def make_presenter(avatar_id: str, size: int, photo: PhotoLook | None = None) -> Presenter:
    """The renderer for ``avatar_id`` at ``size`` pixels square. A photo look's id renders the
    ``photo`` handed in (the caller found it in the store); a catalogue id, the illustrated look;
    a plugin's presenter, its own."""
    for registration in plugins.registrations("register_presenters"):
        presenter: Presenter | None = registration.args[1](avatar_id, size, photo)
        if presenter is not None:
            return presenter
    raise InputError(f"unknown avatar {avatar_id!r}", param="avatar_id")
