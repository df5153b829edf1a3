"""Errors a user can act on. Each carries a one-line message meant to be shown as is."""

from __future__ import annotations


class ReelwrightError(Exception):
    """Base class: something went wrong that we can explain in one line."""

    code = "internal_error"


class InputError(ReelwrightError):
    """The user's prompt, options, files or storyboard are not acceptable."""

    code = "validation_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class FileRejected(InputError):
    """One of the user's files is not what it claims, or is over a limit."""

    def __init__(self, index: int, name: str, problem: str) -> None:
        super().__init__(f"file {index} ({name}): {problem}", param=f"files[{index}]")
        self.index = index
        self.problem = problem


class RenderError(ReelwrightError):
    """The renderer (ffmpeg) failed on input that passed validation."""

    code = "render_failed"
