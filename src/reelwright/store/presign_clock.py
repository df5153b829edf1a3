"""Presigned URLs that stay the same across reads, and across nodes, for a while.

SigV4 signs the current time into the URL (``X-Amz-Date``), so every read of a video's status made
a new URL: browser and CDN caches missed, and clients thought the video had changed. We sign with
the time rounded down to a step instead, and ask for the lifetime plus that step, so every node
with the same credentials hands out the very same URL until the next step, and each URL is valid
for at least the lifetime asked from the moment it is handed out.

botocore takes the signing time from ``botocore.auth.get_current_datetime`` and offers no argument
for it; we wrap that function once so that a time pinned *by this thread* wins, and every other
signature (uploads, reads: S3 refuses requests dated more than 15 minutes off) keeps the real time.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("reelwright.store")
_pinned = threading.local()
_install_lock = threading.Lock()


def signing_window(ttl: int, max_ttl: int, at: float | None = None) -> tuple[int, int]:
    """(the signing time, the lifetime to sign): a tenth of the lifetime (at most an hour) per step,
    as the API's own ``/files`` links do, so a URL lives at most 10 % longer than asked."""
    step = max(1, min(3600, ttl // 10))
    ttl = max(1, min(ttl, max_ttl - step))
    t = int(time.time() if at is None else at)
    return t - t % step, ttl + step


def _install() -> None:
    import botocore.auth

    auth: Any = botocore.auth  # its stubs omit get_current_datetime (botocore >= 1.35)
    with _install_lock:
        if not hasattr(auth, "get_current_datetime"):  # an older botocore: URLs valid, not stable
            log.warning("this botocore signs with its own clock: presigned URLs change on every read")
            auth.get_current_datetime = None  # warn once; then the checks below return
        if auth.get_current_datetime is None or getattr(
            auth.get_current_datetime, "_reelwright_pinnable", False
        ):
            return
        real: Callable[..., datetime.datetime] = auth.get_current_datetime

        def current_datetime(remove_tzinfo: bool = True) -> datetime.datetime:
            at: datetime.datetime | None = getattr(_pinned, "at", None)
            if at is None:
                return real(remove_tzinfo)
            return at.replace(tzinfo=None) if remove_tzinfo else at

        current_datetime._reelwright_pinnable = True  # type: ignore[attr-defined]
        auth.get_current_datetime = current_datetime


@contextmanager
def signing_at(epoch_seconds: int) -> Iterator[None]:
    """Sign (on this thread, within the block) as if it were ``epoch_seconds``."""
    _install()
    _pinned.at = datetime.datetime.fromtimestamp(epoch_seconds, datetime.UTC)
    try:
        yield
    finally:
        _pinned.at = None
