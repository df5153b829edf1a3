"""The one interface every speech engine offers: a sentence in, audio and word timings out."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from reelwright.background import in_background
from reelwright.voice.catalogue import VoiceInfo


@dataclass
class Utterance:
    """One synthesized sentence."""

    samples: npt.NDArray[np.float32]  # mono, -1..1, leading/trailing silence not trimmed
    sample_rate: int
    words: list[tuple[str, float, float]]  # (word as written, start_s, end_s) within samples
    word_phonemes: list[list[str]]  # IPA phonemes per word, same length as words

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


class SpeechEngine(Protocol):
    """An engine may also have ``parallel`` (an int): how many sentences its ``synthesize`` may be
    given at once from different threads. Without it sentences are spoken one at a time."""

    sample_rate: int

    def synthesize(self, sentence: str, *, speed: float = 1.0) -> Utterance:
        """Speak one sentence; ``speed`` > 1 is faster."""
        ...


class VoiceEngine(Protocol):
    """What a ``register_voices`` plugin registers: an engine with its voices."""

    name: str

    def voices(self) -> list[VoiceInfo]: ...

    def load(self, voice: VoiceInfo) -> SpeechEngine: ...


def _voice_engine(name: str) -> VoiceEngine:
    from reelwright import plugins

    for registration in reversed(plugins.registrations("register_voices")):
        engine: VoiceEngine = registration.args[0]
        if engine.name == name:
            return engine
    raise LookupError(f"no speech engine {name!r} is registered")


_ENGINES: dict[str, SpeechEngine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(voice: VoiceInfo) -> SpeechEngine:
    """The engine for a voice, created once per process (loading Piper takes about 2 s)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(voice.id)
        if engine is None:
            engine = _voice_engine(voice.engine).load(voice)
            _ENGINES[voice.id] = engine
        return engine


def sentences_at_once(engine: SpeechEngine) -> int:
    """How many sentences ``engine`` may synthesise at once (its ``parallel``, else 1)."""
    parallel = getattr(engine, "parallel", 1)
    return parallel if isinstance(parallel, int) and parallel > 1 else 1


def load_in_background(voice: VoiceInfo) -> threading.Thread:
    """Load a voice's engine on a thread of its own: a worker loads the default voice as it
    starts, so its first job (or its first share of a script voiced together) does not wait."""
    return in_background("reelwright-voice-load", f"load the voice {voice.id}", lambda: engine_for(voice))


def forget_engines() -> None:
    """Unload every engine this process keeps (the next job loads them again). A Piper voice
    holds ~200 MB, which a 4K render needs more (see pipeline.run)."""
    with _ENGINES_LOCK:
        _ENGINES.clear()
