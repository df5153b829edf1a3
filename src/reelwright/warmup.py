"""What a worker does once as it starts, each on a thread of its own, so that its first job waits
for none of it: the file readers' fork server (~1 s of imports), the mixing libraries (~0.9 s)
and, on a worker, the default voice (~1-2 s)."""

from __future__ import annotations

import threading

from reelwright.ingest.sandbox import start_in_background as start_file_readers
from reelwright.voice.catalogue import default_voice_for
from reelwright.voice.engine import load_in_background as load_voice
from reelwright.voice.mix import import_in_background as import_mix_libraries

# Every warm-up thread this process started, for its health endpoint to say what is still warming.
_started: list[threading.Thread] = []


def warm_up(*, voice: bool) -> list[threading.Thread]:
    """Start the worker's warm-up. ``voice``: load the default voice too (not on an API node that
    renders little: it need not hold a voice's ~200 MB from the start)."""
    started = [start_file_readers(), import_mix_libraries()]
    if voice:
        started.append(load_voice(default_voice_for("en")))
    _started.extend(started)
    return started


def still_warming() -> list[str]:
    """The names of the warm-up threads still running: a job taken now waits on what they load."""
    return [thread.name for thread in _started if thread.is_alive()]
