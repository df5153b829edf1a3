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
    # os.listdir and open, not pathlib: this runs for every thread of every process, every sample.
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                out.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return out


def _kb_fields(path: str) -> dict[str, int] | None:
    """The ``Name:  1234 kB`` lines of a /proc file, by name (kB); None if it cannot be read."""
    try:
        text = Path(path).read_text()
    except OSError:
        return None
    found: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        value = rest.split()
        if value and value[0].isdigit():
            found[key] = int(value[0])
    return found


def _status_kb(pid: int) -> dict[str, int] | None:
    """``/proc/PID/status``. Cheap: the kernel keeps these counters."""
    return _kb_fields(f"/proc/{pid}/status")


def _rollup_kb(pid: int) -> dict[str, int] | None:
    """``/proc/PID/smaps_rollup``: proportional sizes, but the kernel walks every page table
    entry of the process to make them (~10 ms for a 700 MB render process)."""
    return _kb_fields(f"/proc/{pid}/smaps_rollup")


class _Sizer:
    """Each process's proportional set size (shared pages split between their users), at a cost
    that does not disturb what is being measured.

    Reading ``smaps_rollup`` of the render process every 100 ms took 14 % of a core (2.6 CPU-s in
    an 18 s job on two cores), which slowed the very job being timed. So a process's anonymous
    and shared-memory pages, its own unless it is a fork that has not exec'd (those are counted
    apart), come from the kernel's counters in ``status`` at every sample, and only the part that
    changes slowly, its files' pages (libraries) split among the processes mapping them, comes
    from ``smaps_rollup``, once a second. A fork (the file-inspection server's children) shares
    its parent's pages, so it is measured by ``smaps_rollup`` itself: such processes are small.
    """

    _FILES_EVERY = 10  # samples between two readings of a process's files' share

    def __init__(self) -> None:
        self._files: dict[int, tuple[int, int]] = {}  # pid -> (samples since read, Pss_File kB)

    def size(self, pid: int, *, forked: bool) -> int:
        if forked:
            rollup = _rollup_kb(pid)
            return (rollup or {}).get("Pss", 0) * 1024
        counters = _status_kb(pid)
        if not counters:
            return 0
        age, files = self._files.get(pid, (self._FILES_EVERY, 0))
        if age >= self._FILES_EVERY:
            rollup = _rollup_kb(pid)
            files, age = (rollup or {}).get("Pss_File", 0), 0
        self._files[pid] = (age + 1, files)
        if "RssAnon" not in counters:  # a kernel without the split: plain RSS
            return counters.get("VmRSS", 0) * 1024
        return (counters["RssAnon"] + counters.get("RssShmem", 0) + files) * 1024

    def forget_all_but(self, alive: set[int]) -> None:
        for pid in [p for p in self._files if p not in alive]:
            del self._files[pid]


def tree_rss(root: int, sizer: _Sizer | None = None) -> tuple[int, dict[int, int]]:
    """Proportional set size of ``root`` and of each of its descendants (by pid), in bytes."""
    sizer = sizer or _Sizer()
    own = sizer.size(root, forked=False)
    rest: dict[int, int] = {}
    me = _cmdline(root)
    stack = [(pid, me) for pid in _children(root)]
    while stack:
        pid, parent_cmdline = stack.pop()
        cmdline = _cmdline(pid)
        # A child with our own command line is a fork that has not exec'd yet: its pages are
        # ours, already counted. (Not the same executable: a Python started by multiprocessing,
        # such as the file-inspection fork server and its children, is memory of its own.)
        if cmdline != me:
            rest[pid] = sizer.size(pid, forked=cmdline == parent_cmdline)
        stack.extend((child, cmdline) for child in _children(pid))
    sizer.forget_all_but({root, *rest})
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
        self._sizer = _Sizer()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="reelwright-memwatch")

    def _sample(self) -> None:
        own, now = tree_rss(os.getpid(), self._sizer)
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
        # Reading /proc costs CPU (see _Sizer): a figure of the job's own CPU time leaves it out.
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
