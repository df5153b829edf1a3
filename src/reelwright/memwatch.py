"""Peak memory (PSS) of this process and every process it started, sampled from /proc.

``ru_maxrss`` of children is useless for this: a forked child inherits the parent's RSS
before it execs ffmpeg, so it reports Python's size. Sampling the live process tree every few
milliseconds measures what a machine actually has to hold at once.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from types import TracebackType


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            out.extend(int(c) for c in text.split())
    except OSError:
        pass
    return out


def _rss_bytes(pid: int) -> int:
    """Proportional set size (shared pages split between their users), else plain RSS.

    PSS matters here: a child between fork and exec shares all of Python's pages, and summing
    RSS would count them twice.
    """
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return 0


def tree_rss(root: int) -> tuple[int, dict[int, int]]:
    """PSS of ``root`` and of each of its descendants (by pid), in bytes."""
    own = _rss_bytes(root)
    rest: dict[int, int] = {}
    me = _cmdline(root)
    stack = _children(root)
    while stack:
        pid = stack.pop()
        # A child with our own command line is a fork that has not exec'd yet: its pages are
        # ours, already counted. (Not the same executable: a Python started by multiprocessing,
        # such as the file-inspection fork server and its children, is memory of its own.)
        if _cmdline(pid) != me:
            rest[pid] = _rss_bytes(pid)
        stack.extend(_children(pid))
    return own, rest


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


class PeakMemory:
    """``with PeakMemory() as peak: ...`` then ``peak.total`` / ``peak.python`` / ``peak.children``."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.total = self.python = self.children = 0
        self.own_cpu_seconds = 0.0  # the sampling thread's CPU time, known once it has stopped
        self._last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="reelwright-memwatch")

    def _sample(self) -> None:
        own, now = tree_rss(os.getpid())
        # A child is counted at the lower of two consecutive readings: one taken in the instant
        # of its exec can still see the parent's pages, and that must not pass for ffmpeg's.
        rest = sum(min(size, self._last.get(pid, 0)) for pid, size in now.items())
        self._last = now
        self.python = max(self.python, own)
        self.children = max(self.children, rest)
        self.total = max(self.total, own + rest)

    def _run(self) -> None:
        start = time.thread_time()
        while not self._stop.wait(self.interval):
            self._sample()
        # Reading /proc costs ~3 ms a sample for a render's process tree: a figure of the job's
        # own CPU time leaves this out.
        self.own_cpu_seconds = time.thread_time() - start

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
