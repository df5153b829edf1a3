"""Work started ahead of a worker's first job, on a thread of its own (see reelwright.warmup)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def in_background(name: str, what: str, work: Callable[[], object]) -> threading.Thread:
    """Run ``work`` on a daemon thread called ``name``. A failure is only a warning ("could not
    ``what`` ahead of the first job"): the job that needs it fails with its own words."""

    def run() -> None:
        try:
            work()
        except Exception:
            log.warning("could not %s ahead of the first job", what, exc_info=True)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
