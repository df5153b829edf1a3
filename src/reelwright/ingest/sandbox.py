"""Inspect untrusted files in a child process with memory, CPU-time and wall-time limits.

PDFium, libavformat and friends parse whatever the user sends, in C, and some inputs make them
allocate without bound (a 734-byte PDF whose Form XObject draws itself twice grows ~100 MB/s) or
keep gigabytes after they return. Run in the API or worker process, one such file takes down every
request and render in flight. So each file is inspected in a short-lived child forked from a
single-threaded fork server (cheap: the parsers are already imported there), under ``RLIMIT_AS``
and ``RLIMIT_CPU``, and killed when the wall-time limit passes. A child that dies or runs out of
time is a file we refuse, with a message that says which limit it hit; the calling process never
grows and never dies with it.

:func:`inspect_files` and :func:`inspect_file` take and return exactly what the in-process
functions of :mod:`reelwright.ingest.files` do.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import resource
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image

from reelwright.background import in_background
from reelwright.errors import FileRejected, InputError, RenderError
from reelwright.ingest import files

__all__ = [
    "SandboxLimits",
    "SandboxTripped",
    "default_limits",
    "inspect_file",
    "inspect_files",
    "render_pdf_page",
    "run_bounded",
    "start_in_background",
]

log = logging.getLogger(__name__)
_T = TypeVar("_T")
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    memory_bytes: int = 1024 * MB  # address space the child may add on top of what it starts with
    cpu_seconds: int = 30
    wall_seconds: float = 60.0
    concurrency: int = 2  # children of this process at once; more callers wait their turn


@cache
def default_limits() -> SandboxLimits:
    """The limits from ``REELWRIGHT_INSPECT_*`` (the API, the workers and the CLI all read them)."""
    from reelwright.config import Settings

    s = Settings()
    return SandboxLimits(
        memory_bytes=s.inspect_memory_mb * MB,
        cpu_seconds=s.inspect_cpu_seconds,
        wall_seconds=s.inspect_wall_seconds,
        concurrency=s.inspect_concurrency,
    )


class SandboxTripped(Exception):
    """The child hit a limit or died; ``reason`` says which, in words fit for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@cache
def _context() -> multiprocessing.context.ForkServerContext:
    # A fork server, not fork: the API and workers are multi-threaded, and forking them could copy
    # a lock (PDFium's, logging's) held by another thread. The server itself is single-threaded,
    # started once, and imports the parsers up front so each child starts in milliseconds. Each
    # child also re-runs the parent's main script as ``__mp_main__`` (the ``reelwright`` console
    # script: server, worker and CLI), so what that imports is preloaded too.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__, "reelwright.styles.brand_kits", "reelwright.cli"])
    return ctx


@cache
def _slots(concurrency: int) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(concurrency)


def _address_space() -> int:
    """This process's current virtual size (VmSize), in bytes."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _one_malloc_arena() -> None:
    """Make glibc keep every thread's allocations in one arena.

    Each thread that allocates may otherwise reserve a 64 MB arena of address space; a decoder
    running a thread per core would then spend RLIMIT_AS on reservations rather than on memory, and
    a many-core machine would refuse ordinary videos.
    """
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


_M_ARENA_MAX = -8


def _child(
    conn: Connection, memory_bytes: int, cpu_seconds: int, fn: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    # Limits relative to what the child already maps (shared libraries, the fork server's heap):
    # the budget is what the file may make the parsers allocate.
    _one_malloc_arena()
    limit = _address_space() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # PDFium aborts on a failed allocation: no core dumps
    try:
        result: tuple[Any, ...] = ("ok", fn(*args))
    except FileRejected as exc:
        # Exceptions with custom constructors do not pickle back; send their parts instead.
        result = ("rejected", exc.index, str(exc), exc.problem)
    except InputError as exc:
        result = ("input", str(exc), exc.param)
    except MemoryError:
        result = ("tripped", "memory")
    except BaseException as exc:  # anything else is the parser failing on this file: report it
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("tripped", "memory"))
    finally:
        conn.close()


_HOSTILE = "damaged, or built to exhaust the reader"


def _trip_reason(kind: str, limits: SandboxLimits) -> str:
    if kind == "memory":
        return f"needs more than {limits.memory_bytes // MB} MB of memory to read ({_HOSTILE})"
    if kind == "cpu":
        return f"needs more than {limits.cpu_seconds} s of processing to read ({_HOSTILE})"
    if kind == "wall":
        return f"took longer than {limits.wall_seconds:g} s to read ({_HOSTILE})"
    return f"made the file reader crash ({_HOSTILE})"


def run_bounded(fn: Callable[..., _T], *args: Any, limits: SandboxLimits | None = None) -> _T:
    """``fn(*args)`` in a child process under ``limits``; its result (it must pickle).

    :class:`FileRejected` and :class:`InputError` from ``fn`` are raised again here; a limit hit or
    a crash raises :class:`SandboxTripped`. ``fn`` must be a module-level function.
    """
    limits = limits or default_limits()
    ctx = _context()
    with _slots(limits.concurrency):
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_child, args=(sender, limits.memory_bytes, limits.cpu_seconds, fn, args), daemon=True
        )
        proc.start()
        sender.close()
        try:
            if not receiver.poll(limits.wall_seconds):
                raise SandboxTripped(_trip_reason("wall" if proc.is_alive() else _death(proc), limits))
            try:
                result = receiver.recv()
            except (EOFError, OSError):
                proc.join(5)
                raise SandboxTripped(_trip_reason(_death(proc), limits)) from None
        finally:
            receiver.close()
            if proc.is_alive():
                proc.kill()
            proc.join(5)
            proc.close()
    status = result[0]
    if status == "ok":
        value: _T = result[1]
        return value
    if status == "rejected":
        raise _file_rejected(result[1], result[2], result[3])
    if status == "input":
        raise InputError(result[1], param=result[2])
    if status == "tripped":
        raise SandboxTripped(_trip_reason(result[1], limits))
    raise SandboxTripped(f"could not be read ({result[1]})")


def _file_rejected(index: int, message: str, problem: str) -> FileRejected:
    """The child's FileRejected again, with its message exactly as the child worded it."""
    exc = FileRejected.__new__(FileRejected)
    InputError.__init__(exc, message, param=f"files[{index}]")
    exc.index, exc.problem = index, problem
    return exc


def _death(proc: multiprocessing.process.BaseProcess) -> str:
    """Which limit a dead child most likely hit, from how it died."""
    proc.join(5)
    code = proc.exitcode
    # SIGXCPU at the soft CPU limit; SIGKILL one second later at the hard one.
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return "cpu"
    # PDFium and the codecs abort() or segfault when an allocation fails under RLIMIT_AS.
    if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        return "memory"
    return "crash"


def inspect_file(
    index: int, path: Path | str, *, name: str | None = None, limits: files.Limits = files.LIMITS
) -> files.InputFile:
    """:func:`reelwright.ingest.files.inspect_file`, in a bounded child process."""
    try:
        return run_bounded(_inspect_one, index, str(path), name, limits)
    except SandboxTripped as exc:
        raise FileRejected(index, name or Path(path).name, exc.reason) from None


def _ready() -> bool:
    return True


def _inspect_one(index: int, path: str, name: str | None, limits: files.Limits) -> files.InputFile:
    return files.inspect_file(index, path, name=name, limits=limits)


def inspect_files(
    paths: Sequence[Path | str],
    *,
    names: Sequence[str | None] | None = None,
    limits: files.Limits = files.LIMITS,
) -> list[files.InputFile]:
    """:func:`reelwright.ingest.files.inspect_files`, each file in its own bounded child process,
    as many side by side as the sandbox lets this process run."""
    return files.inspect_files(
        paths, names=names, limits=limits, inspect_one=inspect_file, at_once=default_limits().concurrency
    )


def start_in_background() -> threading.Thread:
    """Start the fork server the readers run under, on a thread of its own.

    It imports the parsers (about 1 s of one core) once per process; a worker starts it as it
    starts, so its first job does not wait for that while the other core idles."""

    # A child that does nothing: the server imports the parsers after it starts, so only a first
    # child's answer says it is ready.
    return in_background(
        "reelwright-reader-server", "start the file readers' fork server", lambda: run_bounded(_ready)
    )


def render_pdf_page(
    path: Path | str,
    page_number: int,
    max_width: int,
    max_height: int,
    *,
    limits: SandboxLimits | None = None,
) -> Image.Image:
    """:func:`reelwright.ingest.pdf.render_page`, in a bounded child process.

    Rendering parses the page's content again (Form XObjects, patterns, images), so the worker
    does it under the same limits as inspection. A page that trips them fails the render with a
    :class:`RenderError` that says so; a damaged one with the reader's own words.
    """
    try:
        return run_bounded(_render_page, str(path), page_number, max_width, max_height, limits=limits)
    except SandboxTripped as exc:
        raise RenderError(f"page {page_number} of {Path(path).name} {exc.reason}") from None


def _render_page(path: str, page_number: int, max_width: int, max_height: int) -> Image.Image:
    from reelwright.ingest import pdf

    try:
        return pdf.render_page(path, page_number, max_width, max_height)
    except pdf.PdfError as exc:
        raise InputError(str(exc)) from exc
