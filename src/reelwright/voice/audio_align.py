"""Word timings for speech whose engine gives none (a speech API, Kokoro): aligned from the audio.

We know the text, so the problem is only *where* each word falls. eSpeak NG speaks the same
sentence in the same language in a millisecond and reports exactly when each word and phoneme is
said; a human-like voice says the words in the same order with the same pauses (at commas and
sentence ends), only at its own pace. So the reference timeline is warped onto the audio piecewise
linearly: speech start to speech start, end to end, and each pause in the reference to the
silence in the audio at the nearest relative position. Measured on Piper audio against Piper's own
exact timings (tests/test_voice_sources.py): word starts within ~0.1 s on average, well inside a
caption's needs and a mouth shape's.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

from reelwright.voice.align import frame_rms_db, speech_bounds

_FRAME_S = 0.01
MIN_PAUSE_S = 0.12  # shorter gaps are stop closures, not pauses
_MATCH_TOLERANCE = 0.12  # a reference pause finds an audio silence within this share of the speech


@cache
def _reference_voice(language: str) -> str:
    """The eSpeak NG voice that reads ``language`` (BCP-47), English when none does."""
    from reelwright.voice.catalogue import VOICES, speaks

    wanted = language.lower()
    espeak = [v for v in VOICES.values() if v.engine == "espeak"]
    for voice in espeak:
        if voice.language.lower() == wanted and voice.gender == "male":
            return voice.id
    for voice in espeak:
        if speaks(voice, wanted) and voice.gender == "male":
            return voice.id
    return "espeak-en-us"


def silences(samples: npt.NDArray[np.float32], sample_rate: int) -> list[tuple[float, float]]:
    """Gaps of at least MIN_PAUSE_S inside the speech span (start_s, end_s)."""
    start, end = speech_bounds(samples, sample_rate)
    if end <= start:
        return []
    db = frame_rms_db(samples, sample_rate, _FRAME_S)
    threshold = max(float(db.max()) - 35.0, -50.0)
    quiet = db <= threshold
    out: list[tuple[float, float]] = []
    k = int(start / _FRAME_S)
    last = int(end / _FRAME_S)
    while k < last:
        if quiet[k]:
            j = k
            while j < last and quiet[j]:
                j += 1
            if (j - k) * _FRAME_S >= MIN_PAUSE_S:
                out.append((k * _FRAME_S, j * _FRAME_S))
            k = j
        else:
            k += 1
    return out


def _anchors(
    ref: npt.NDArray[np.float32], target: npt.NDArray[np.float32], sample_rate_ref: int, sample_rate: int
) -> tuple[list[float], list[float]]:
    """Matching times (reference, target): speech bounds and the pauses both have."""
    r0, r1 = speech_bounds(ref, sample_rate_ref)
    t0, t1 = speech_bounds(target, sample_rate)
    xs, ys = [r0], [t0]
    if r1 > r0 and t1 > t0:
        target_gaps = silences(target, sample_rate)
        used: set[int] = set()
        for gs, ge in silences(ref, sample_rate_ref):
            where = ((gs + ge) / 2 - r0) / (r1 - r0)
            best, best_d = -1, _MATCH_TOLERANCE
            for k, (hs, he) in enumerate(target_gaps):
                d = abs(((hs + he) / 2 - t0) / (t1 - t0) - where)
                if k not in used and d < best_d:
                    best, best_d = k, d
            if best >= 0 and gs > xs[-1] and target_gaps[best][0] > ys[-1]:
                used.add(best)
                xs += [gs, ge]
                ys += list(target_gaps[best])
    xs.append(max(r1, xs[-1] + 1e-3))
    ys.append(max(t1, ys[-1]))
    return xs, ys


def align_words(
    sentence: str, samples: npt.NDArray[np.float32], sample_rate: int, language: str
) -> tuple[list[tuple[str, float, float]], list[list[str]]]:
    """Each written word of ``sentence`` with its (start, end) in ``samples``, and its phonemes."""
    from reelwright.voice.catalogue import get_voice
    from reelwright.voice.engine import engine_for

    reference = engine_for(get_voice(_reference_voice(language))).synthesize(sentence)
    xs, ys = _anchors(reference.samples, samples, reference.sample_rate, sample_rate)
    words: list[tuple[str, float, float]] = []
    for text, start, end in reference.words:
        a, b = np.interp([start, end], xs, ys)
        words.append((text, float(a), float(max(a, b))))
    return words, reference.word_phonemes
