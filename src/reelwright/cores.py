"""How many cores this process may use, and pinning it to some of them.

Everything that sizes a thread pool (x264's ``-threads``, onnxruntime's sessions) asks
:func:`available_cpus`, not ``os.cpu_count()``: a worker pinned to one core of a big machine
(``reelwright worker --cpus 3``), or a container given two, must not start a thread per core of
the whole machine. Child processes (ffmpeg) inherit the pinning.
"""

from __future__ import annotations

import os


def available_cpus() -> int:
    """The cores this process may run on (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux: no affinity mask to read
        return max(1, os.cpu_count() or 1)


def parse_cpu_list(spec: str) -> set[int]:
    """``"0"``, ``"0-1,3"`` (the kernel's cpu-list format, as ``taskset -c`` takes it) as a set."""
    cpus: set[int] = set()
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        try:
            low, high = int(first), int(last) if dash else int(first)
        except ValueError:
            raise ValueError(f"{spec!r} is not a list of cores such as 0 or 0-1,3") from None
        if low < 0 or high < low:
            raise ValueError(f"{part!r} is not a range of cores (low-high, low ≤ high)")
        cpus.update(range(low, high + 1))
    if not cpus:
        raise ValueError(f"{spec!r} names no core")
    return cpus


def format_cpu_list(cpus: set[int]) -> str:
    """The inverse of :func:`parse_cpu_list`: ``{0, 1, 3}`` → ``"0-1,3"``."""
    parts: list[str] = []
    ordered = sorted(cpus)
    start = prev = ordered[0]
    for cpu in [*ordered[1:], None]:
        if cpu is not None and cpu == prev + 1:
            prev = cpu
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if cpu is not None:
            start = prev = cpu
    return ",".join(parts)


def pin_to(spec: str) -> set[int]:
    """Run this process (and every process it starts from now on) on the cores ``spec`` names only;
    the cores it now has. A core this process may not use is an error, not silently dropped."""
    wanted = parse_cpu_list(spec)
    allowed = os.sched_getaffinity(0)
    missing = wanted - allowed
    if missing:
        raise ValueError(
            f"core(s) {format_cpu_list(missing)} are not available here "
            f"(this process may use {format_cpu_list(allowed)})"
        )
    os.sched_setaffinity(0, wanted)
    return os.sched_getaffinity(0)
