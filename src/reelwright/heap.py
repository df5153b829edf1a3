"""Give the C heap's free memory back to the system between scenes and between jobs.

A render allocates and frees many arrays of megabytes (a 4K layer is 33 MB). glibc's malloc
serves blocks over its mmap threshold with their own mappings, but it raises that threshold to
the largest block freed so far (up to 32 MB), after which such blocks come from the heap, and a
heap, or a thread's arena, shrinks only from its top. The freed megabytes then stay in the
process: a long-lived worker's size grows with the largest jobs it has seen, and a job measured
after another one seemed to need both (the bench's memory case: ~500 MB alone, 973 MB after the
reference job in the same process). ``malloc_trim(0)`` returns every free page of every arena,
wherever it lies (``MADV_DONTNEED``); it costs a walk of the free lists, well under a millisecond
here. Elsewhere than glibc (musl, macOS) it is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    call: Callable[[int], int] = trim
    return call


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system; False where malloc has no such call."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
