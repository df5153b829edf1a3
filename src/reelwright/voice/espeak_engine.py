"""eSpeak NG voices through a ctypes binding to the library bundled by ``espeakng-loader``.

espeak-ng keeps one global synthesizer per loaded library, so every call runs under one lock
and the library is initialised once. (Piper's phonemizer links its own static copy of
espeak-ng, so the two never share state.) Word timings come from espeak's WORD events and the
phonemes of each word from its PHONEME events, asked for in IPA, so no alignment is needed.
"""

from __future__ import annotations

import ctypes
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from reelwright.errors import ReelwrightError
from reelwright.voice.align import WordSpan, share_unplaced, speech_bounds, written_words
from reelwright.voice.catalogue import VoiceInfo, espeak_identifier
from reelwright.voice.engine import Utterance

# speak_lib.h constants (stable across espeak-ng 1.4x-1.52).
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000  # return an error instead of exit() when data is missing
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1  # espeakRATE, words per minute
_DEFAULT_RATE = 175
_MIN_RATE, _MAX_RATE = 80, 450

_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_END = 5
_EVENT_MSG_TERMINATED = 6
_EVENT_PHONEME = 7


class _Event(ctypes.Structure):
    # espeak_EVENT; the id union is 8 bytes (number / name pointer / char string[8]).
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _Collected:
    chunks: list[npt.NDArray[np.int16]] = field(default_factory=list)
    # (type, text_position (1-based char), sample, phoneme or "")
    events: list[tuple[int, int, int, str]] = field(default_factory=list)


class _Library:
    """The loaded library, its callback and the state of the synthesis in progress."""

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib = self.lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), options
        )
        if rate <= 0:
            raise ReelwrightError(f"espeak-ng failed to initialise (status {rate})")
        self.sample_rate = int(rate)
        self.current: _Collected | None = None
        # Keep a reference: ctypes frees the trampoline when the Python object dies.
        self._callback = _SynthCallback(self._on_audio)
        lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav: Any, n_samples: int, events: Any) -> int:
        current = self.current
        if current is None:
            return 1  # nobody is listening: abort
        if n_samples > 0 and wav:
            current.chunks.append(np.ctypeslib.as_array(wav, shape=(n_samples,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            ev = events[i]
            phoneme = ""
            if ev.type == _EVENT_PHONEME:
                phoneme = bytes(ev.id).split(b"\0", 1)[0].decode("utf-8", errors="replace")
            current.events.append((int(ev.type), int(ev.text_position), int(ev.sample), phoneme))
            if ev.type == _EVENT_MSG_TERMINATED:
                break
            i += 1
        return 0


_LIBRARY: _Library | None = None
_LOCK = threading.Lock()


def _library() -> _Library:
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = _Library()
    return _LIBRARY


class EspeakEngine:
    def __init__(self, voice: VoiceInfo) -> None:
        self._name = espeak_identifier(voice).encode()
        with _LOCK:
            lib = _library()
            if lib.lib.espeak_SetVoiceByName(self._name) != 0:
                raise ReelwrightError(f"espeak-ng has no voice {voice.id!r}")
            self.sample_rate = lib.sample_rate

    def synthesize(self, sentence: str, *, speed: float = 1.0) -> Utterance:
        text = sentence.encode("utf-8") + b"\0"
        rate = round(min(_MAX_RATE, max(_MIN_RATE, _DEFAULT_RATE * speed)))
        collected = _Collected()
        with _LOCK:
            lib = _library()
            lib.lib.espeak_SetVoiceByName(self._name)
            lib.lib.espeak_SetParameter(_RATE, rate, 0)
            lib.current = collected
            try:
                status = lib.lib.espeak_Synth(text, len(text), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            finally:
                lib.current = None
        if status != 0:
            raise ReelwrightError(f"espeak-ng could not speak the sentence (status {status})")
        samples = (
            (np.concatenate(collected.chunks).astype(np.float32) / 32768.0)
            if collected.chunks
            else np.zeros(0, dtype=np.float32)
        )
        words, phonemes = _word_timings(sentence, collected.events, samples, self.sample_rate)
        return Utterance(samples=samples, sample_rate=self.sample_rate, words=words, word_phonemes=phonemes)


def _letters_as_phonemes(word: str) -> list[str]:
    """Rough stand-in phonemes for a word espeak gave no events for: its letters, most of which
    are also IPA symbols with the same mouth shape."""
    return [ch for ch in unicodedata.normalize("NFD", word.lower()) if ch.isalpha()]


def _word_timings(
    sentence: str, events: list[tuple[int, int, int, str]], samples: npt.NDArray[np.float32], sample_rate: int
) -> tuple[list[tuple[str, float, float]], list[list[str]]]:
    """Map espeak's events onto the written words.

    A WORD event carries the 1-based character position of the word it starts, so it belongs to
    the written word containing that character (a number read as several words yields several
    events for one written word). A word lasts from its first WORD event until the first event
    after its last sounding phoneme: the next word, a pause (a PHONEME event with no name) or the
    end of the sentence.
    """
    words = written_words(sentence)
    n_samples = len(samples)
    starts: list[int | None] = [None] * len(words)
    ends: list[int] = [0] * len(words)
    phonemes: list[list[str]] = [[] for _ in words]
    current = -1  # the word the latest WORD event started
    sounding = -1  # the word whose phoneme was the latest event, until something else happens
    for kind, position, sample, name in events:
        if kind == _EVENT_PHONEME and name and current >= 0:
            phonemes[current].extend(unicodedata.normalize("NFD", name))
            if sounding >= 0 and sounding != current:
                ends[sounding] = max(ends[sounding], sample)
            sounding = current
            continue
        if kind == _EVENT_WORD:
            char = position - 1
            owner = next((k for k, w in enumerate(words) if w.start <= char < w.end), None)
            if owner is None:  # a position between words belongs to the next word
                owner = next((k for k, w in enumerate(words) if w.start >= char), None)
            if owner is not None and owner >= current:
                if owner == sounding:
                    continue  # another part of the same written word ("twenty" "four")
                current = owner
                if starts[owner] is None:
                    starts[owner] = sample
        if sounding >= 0:
            ends[sounding] = max(ends[sounding], min(sample, n_samples))
            sounding = -1
    if sounding >= 0:
        ends[sounding] = max(ends[sounding], n_samples)

    spans: list[WordSpan | None] = []
    for k, w in enumerate(words):
        start = starts[k]
        if start is None or not phonemes[k]:
            spans.append(None)
        else:
            spans.append(
                WordSpan(w.text, start / sample_rate, max(start, ends[k]) / sample_rate, phonemes[k])
            )
    speech_start, speech_end = speech_bounds(samples, sample_rate)
    placed = share_unplaced([w.text for w in words], spans, _letters_as_phonemes, speech_start, speech_end)
    return [(s.text, s.start, s.end) for s in placed], [s.phonemes for s in placed]
