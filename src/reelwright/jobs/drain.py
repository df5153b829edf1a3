"""Draining a worker process on SIGTERM: take no new task, let the running ones finish for a while
(``REELWRIGHT_DRAIN_SECONDS``), then hand the rest back at their next stage or scene boundary, so
another worker resumes each from its checkpoint instead of waiting out the stale-job period.

Signals belong to a process, so the state is the process's, shared by its worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class HandedBack(BaseException):
    """A run stopped at a boundary because its worker drains; the session goes back to the queue.

    A BaseException, so the ``except Exception`` that records a job's failure lets it through."""


class Drain:
    def __init__(self) -> None:
        self.draining = threading.Event()  # SIGTERM came: no new task
        self.handing_back = threading.Event()  # the running tasks stop at their next boundary
        self._lock = threading.Lock()
        self._running = 0

    @property
    def running(self) -> int:
        return self._running

    @contextmanager
    def task(self) -> Iterator[None]:
        """Count a task while it runs (the worker's health and heartbeat report the number)."""
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1

    def begin(self, seconds: float) -> Callable[[], None]:
        """Start draining; the running tasks are handed back after ``seconds``. Returns what cancels
        the timer (when they all finished before)."""
        self.draining.set()
        timer = threading.Timer(seconds, self.handing_back.set)
        timer.daemon = True
        timer.start()
        return timer.cancel


DRAIN = Drain()
