"""Running the packaged ffmpeg (imageio-ffmpeg ships a static build with libx264 and AAC)."""

from __future__ import annotations

import contextlib
import fcntl
import subprocess
import threading
from collections.abc import Sequence
from functools import cache
from typing import IO

import imageio_ffmpeg

from reelwright.errors import RenderError


@cache
def ffmpeg_exe() -> str:
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run(args: Sequence[str], *, what: str) -> None:
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RenderError(f"ffmpeg failed while {what}: {_last_line(proc.stderr)}")


def _last_line(stderr: str) -> str:
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no error message"


class Piped:
    """An ffmpeg process we stream raw frames into; stderr is drained so it never blocks."""

    def __init__(self, args: Sequence[str], *, what: str) -> None:
        self.what = what
        self.proc = subprocess.Popen(
            [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # Frames are megabytes: a 1 MiB pipe (Linux allows it unprivileged) instead of 64 KiB
        # cuts the context switches per frame from dozens to a few.
        with contextlib.suppress(OSError, AttributeError):
            fcntl.fcntl(self.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        self._stderr: list[bytes] = []
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line)

    @property
    def stdin(self) -> IO[bytes]:
        assert self.proc.stdin is not None
        return self.proc.stdin

    def write(self, data: bytes | memoryview) -> None:
        try:
            self.stdin.write(data)
        except BrokenPipeError:
            self.finish()  # raises with ffmpeg's own reason
            raise RenderError(f"ffmpeg stopped reading while {self.what}") from None

    def finish(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
        code = self.proc.wait()
        self._drain.join()
        if code != 0:
            text = b"".join(self._stderr).decode("utf-8", "replace")
            raise RenderError(f"ffmpeg failed while {self.what}: {_last_line(text)}")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
