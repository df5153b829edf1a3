"""Why a job failed, in words, when the failure was not an error we raise ourselves.

A full disk mid-render used to reach the user as ``internal error: OSError``; the operating
system's own wording ("no space left on the device") tells them, and the operator, what to do.
"""

from __future__ import annotations

import errno

_OS_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file grew past the size limit",
    errno.EMFILE: "too many open files",
    errno.EACCES: "permission denied",
    errno.EROFS: "the storage is read-only",
    errno.EIO: "an input/output error on the storage",
}


def failure_reason(exc: BaseException) -> tuple[str, str]:
    """``(code, message)`` for a session that failed with ``exc``, an unexpected exception."""
    if isinstance(exc, MemoryError):
        return "render_failed", "the server ran out of memory while making the video; try again later"
    if isinstance(exc, OSError):
        words = _OS_REASONS.get(exc.errno or 0) or (exc.strerror or type(exc).__name__).lower()
        return "render_failed", f"the server could not make the video: {words}; try again later"
    return "internal_error", f"internal error: {type(exc).__name__}"
