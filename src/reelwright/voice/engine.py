"""The one interface every speech engine offers: a sentence in, audio and word timings out."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

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
    sample_rate: int

    def synthesize(self, sentence: str, *, speed: float = 1.0) -> Utterance:
        """Speak one sentence; ``speed`` > 1 is faster."""
        ...


_ENGINES: dict[str, SpeechEngine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(voice: VoiceInfo) -> SpeechEngine:
    """The engine for a voice, created once per process (loading Piper takes about 2 s)."""
    with _ENGINES_LOCK:
        engine = _ENGINES.get(voice.id)
        if engine is None:
            # Imported here so that listing voices does not load onnxruntime or espeak-ng.
            if voice.engine == "piper":
                from reelwright.voice.piper_engine import PiperEngine

                engine = PiperEngine(voice)
            else:
                from reelwright.voice.espeak_engine import EspeakEngine

                engine = EspeakEngine(voice)
            _ENGINES[voice.id] = engine
        return engine
