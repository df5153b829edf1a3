"""Bounds on file-URL downloads: a few at a time per owner, on threads of their own.

A file server that trickles a byte a second holds its download for the whole fetch timeout. Left
unbounded, one key's creates would take every thread the server answers requests with (45 such
creates made ``GET /v3/videos`` take 20 s). So requests that download run on a separate, bounded
set of threads (:func:`off_request_pool`), and each owner may have only
``REELWRIGHT_FETCH_SLOTS_PER_KEY`` of them downloading at once; more get 429 at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import ParamSpec, TypeVar

import anyio

from reelwright.api.errors import ApiError

_P = ParamSpec("_P")
_T = TypeVar("_T")

# Threads for requests that may download; the server's own request threadpool stays free for reads.
_DOWNLOADING_THREADS = 32

_lock = threading.Lock()
_in_flight: dict[str, int] = {}


@contextmanager
def fetch_slot(owner_id: str, per_owner: int) -> Iterator[None]:
    """Hold one of the owner's download slots for the duration, or raise 429 when all are taken."""
    with _lock:
        held = _in_flight.get(owner_id, 0)
        if held >= per_owner:
            raise ApiError(
                429,
                f"{held} requests with file URLs are already downloading for this key (limit {per_owner}); "
                "retry when one finishes",
                code="rate_limit_exceeded",
                param="files",
                headers={"Retry-After": "10"},
            )
        _in_flight[owner_id] = held + 1
    try:
        yield
    finally:
        with _lock:
            left = _in_flight[owner_id] - 1
            if left:
                _in_flight[owner_id] = left
            else:
                del _in_flight[owner_id]


@cache
def _downloading_threads() -> anyio.CapacityLimiter:
    return anyio.CapacityLimiter(_DOWNLOADING_THREADS)


async def off_request_pool(fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """Run a request's blocking work (which may download files) on the bounded download threads."""
    return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs), limiter=_downloading_threads())
