"""Word timings from a timed phoneme stream, shared by the speech engines.

An engine knows when each phoneme of a sentence is spoken, but espeak-ng's phonemizer does not
keep the written words: it merges function words ("of the" -> ``ʌvðə``), expands numbers
("2024" -> four words) and drops punctuation. So each written word is phonemized on its own and
that reference is aligned to the sentence's phonemes with an edit-distance alignment; every
sentence phoneme then belongs to exactly one written word, and the word's time span is the
span of its phonemes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# A phoneme with the seconds it is spoken: (symbol, start_s, end_s).
TimedPhoneme = tuple[str, float, float]

_STRESS_MARKS = frozenset("ˈˌ")
_LENGTH_MARKS = frozenset("ːˑ")
_MINOR_PAUSES = frozenset(",;:—–…")
_MAJOR_PAUSES = frozenset(".!?")


def phoneme_kind(symbol: str) -> str:
    """``space``, ``pause`` (punctuation), ``mark`` (stress, length, diacritic) or ``speech``."""
    if symbol.isspace() or symbol == "":
        return "space"
    if symbol in _MINOR_PAUSES or symbol in _MAJOR_PAUSES:
        return "pause"
    if symbol in _STRESS_MARKS or symbol in _LENGTH_MARKS:
        return "mark"
    category = unicodedata.category(symbol[0])
    if category.startswith("M") or symbol in "-‿":
        return "mark"
    if category.startswith("P"):
        return "pause"
    return "speech"


def speech_symbols(phonemes: Sequence[str]) -> list[str]:
    """Only the phonemes that are sounds, stripped of stress and length marks."""
    return [p for p in phonemes if phoneme_kind(p) == "speech"]


@dataclass(frozen=True)
class WrittenWord:
    text: str
    start: int  # character offsets into the sentence
    end: int


_TOKEN = re.compile(r"\S+")


def _spoken(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def written_words(sentence: str) -> list[WrittenWord]:
    """Whitespace-separated words as written, punctuation kept.

    A token with no letter or digit (a dash, a lone quote) is not spoken, so it is glued to
    the word before it (or after it, at the start) rather than given a time of its own.
    """
    words: list[WrittenWord] = []
    pending: WrittenWord | None = None  # unspoken tokens before the first spoken one
    for match in _TOKEN.finditer(sentence):
        token = WrittenWord(match.group(), match.start(), match.end())
        if _spoken(token.text):
            if pending is not None:
                token = WrittenWord(sentence[pending.start : token.end], pending.start, token.end)
                pending = None
            words.append(token)
        elif words:
            last = words[-1]
            words[-1] = WrittenWord(sentence[last.start : token.end], last.start, token.end)
        else:
            start = pending.start if pending is not None else token.start
            pending = WrittenWord(sentence[start : token.end], start, token.end)
    return words


def _edit_alignment(ref: Sequence[str], hyp: Sequence[str]) -> list[int]:
    """For each ``hyp`` symbol, the index of the ``ref`` symbol it aligns to, or -1.

    Plain Levenshtein; each row is computed with numpy (the insertion chain is a running
    minimum), so a 300-phoneme sentence aligns in milliseconds.
    """
    n, m = len(ref), len(hyp)
    hyp_arr = np.array(hyp, dtype=object)
    cost = np.zeros((n + 1, m + 1), dtype=np.int32)
    cost[0] = np.arange(m + 1)
    cols = np.arange(m + 1, dtype=np.int32)
    for i in range(1, n + 1):
        sub = (hyp_arr != ref[i - 1]).astype(np.int32)
        tmp = np.empty(m + 1, dtype=np.int32)
        tmp[0] = i
        tmp[1:] = np.minimum(cost[i - 1, :-1] + sub, cost[i - 1, 1:] + 1)
        cost[i] = np.minimum.accumulate(tmp - cols) + cols
    owner = [-1] * m
    i, j = n, m
    while i > 0 and j > 0:
        here = cost[i, j]
        if here == cost[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            owner[j - 1] = i - 1
            i, j = i - 1, j - 1
        elif here == cost[i - 1, j] + 1:
            i -= 1
        else:
            j -= 1
    return owner


@dataclass
class WordSpan:
    text: str
    start: float
    end: float
    phonemes: list[str]


def _split_by_letters(texts: Sequence[str], start: float, end: float) -> list[tuple[float, float]]:
    weights = np.array([max(1, sum(ch.isalnum() for ch in t)) for t in texts], dtype=np.float64)
    edges = start + (end - start) * np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])
    return [(float(edges[k]), float(edges[k + 1])) for k in range(len(texts))]


def words_from_timeline(
    words: Sequence[str],
    timeline: Sequence[TimedPhoneme],
    phonemize_word: Callable[[str], list[str]],
    *,
    speech_start: float,
    speech_end: float,
) -> list[WordSpan]:
    """Give every written word a time span and its phonemes.

    ``timeline`` is the sentence's phonemes in order with their times; ``phonemize_word``
    phonemizes one written word in isolation (the alignment reference). When nothing can be
    aligned the speech span is shared out by letter count.
    """
    if not words:
        return []
    ref: list[str] = []
    ref_word: list[int] = []
    for w, text in enumerate(words):
        symbols = speech_symbols(phonemize_word(text))
        ref.extend(symbols)
        ref_word.extend([w] * len(symbols))

    kinds = [phoneme_kind(p) for p, _, _ in timeline]
    hyp_index = [k for k, kind in enumerate(kinds) if kind == "speech"]
    if not ref or not hyp_index:
        return share_unplaced(words, [None] * len(words), phonemize_word, speech_start, speech_end)

    owner = _edit_alignment(ref, [timeline[k][0] for k in hyp_index])
    owner_word = {k: ref_word[o] for k, o in zip(hyp_index, owner, strict=True) if o >= 0}

    # Space-separated groups of the timeline: an unaligned phoneme joins a word in its group.
    group = np.cumsum([kind in ("space", "pause") for kind in kinds]).tolist()
    assigned: list[int] = [-1] * len(timeline)
    for k in hyp_index:
        if k in owner_word:
            assigned[k] = owner_word[k]
    n = len(timeline)

    def nearest(k: int, step: int, *, same_group: bool, speech_only: bool) -> int:
        """The word of the closest assigned phoneme from ``k`` in direction ``step``, or -1."""
        q = k + step
        while 0 <= q < n:
            if same_group and group[q] != group[k]:
                return -1
            if assigned[q] >= 0 and (not speech_only or kinds[q] == "speech"):
                return assigned[q]
            q += step
        return -1

    for k in hyp_index:
        if assigned[k] < 0:
            choice = nearest(k, -1, same_group=True, speech_only=True)
            if choice < 0:
                choice = nearest(k, 1, same_group=True, speech_only=True)
            if choice < 0:
                choice = nearest(k, -1, same_group=False, speech_only=True)
            if choice < 0:
                choice = max(0, nearest(k, 1, same_group=False, speech_only=True))
            assigned[k] = choice
    # Stress and length marks belong to the sound next to them in the same group.
    for k, kind in enumerate(kinds):
        if kind == "mark":
            choice = nearest(k, 1, same_group=True, speech_only=True)
            assigned[k] = choice if choice >= 0 else nearest(k, -1, same_group=True, speech_only=True)
    # Alignment is monotonic; the neighbour fills above keep it so, this is only a safety net.
    running = -1
    for k in range(len(assigned)):
        if assigned[k] >= 0:
            running = max(running, assigned[k])
            assigned[k] = running

    spans: list[WordSpan | None] = [None] * len(words)
    for w in range(len(words)):
        mine = [k for k, a in enumerate(assigned) if a == w]
        if mine:
            spans[w] = WordSpan(
                words[w],
                timeline[mine[0]][1],
                max(timeline[k][2] for k in mine),
                [timeline[k][0] for k in mine],
            )

    return share_unplaced(words, spans, phonemize_word, speech_start, speech_end)


def share_unplaced(
    words: Sequence[str],
    spans: Sequence[WordSpan | None],
    phonemize_word: Callable[[str], list[str]],
    speech_start: float,
    speech_end: float,
) -> list[WordSpan]:
    """Give words that got no time of their own (rare: a token the engine skipped) a share,
    by letter count, of the span of the placed word before them (after them, at the start).
    If no word was placed at all, the whole speech span is shared out that way."""
    if all(s is None for s in spans):
        shares = _split_by_letters(words, speech_start, speech_end)
        return [WordSpan(t, s, e, phonemize_word(t)) for t, (s, e) in zip(words, shares, strict=True)]
    out: list[WordSpan] = []
    w = 0
    while w < len(words):
        if spans[w] is None and not out:
            first = next(q for q in range(w, len(words)) if spans[q] is not None)
            members = list(range(w, first + 1))
        else:
            members = [w]
            while members[-1] + 1 < len(words) and spans[members[-1] + 1] is None:
                members.append(members[-1] + 1)
        w = members[-1] + 1
        anchor = next(s for s in (spans[q] for q in members) if s is not None)
        if len(members) == 1:
            out.append(anchor)
            continue
        pieces = _split_by_letters([words[q] for q in members], anchor.start, anchor.end)
        for q, (s, e) in zip(members, pieces, strict=True):
            span = spans[q]
            out.append(
                WordSpan(words[q], s, e, span.phonemes if span is not None else phonemize_word(words[q]))
            )
    return out


def frame_rms_db(samples: npt.NDArray[np.float32], sample_rate: int, frame_s: float = 0.01) -> np.ndarray:
    """RMS level in dBFS of consecutive ``frame_s`` frames (the last partial frame included)."""
    hop = max(1, round(sample_rate * frame_s))
    n_frames = -(-len(samples) // hop)
    padded = np.zeros(n_frames * hop, dtype=np.float64)
    padded[: len(samples)] = samples
    rms = np.sqrt(np.mean(padded.reshape(n_frames, hop) ** 2, axis=1))
    return np.asarray(20.0 * np.log10(np.maximum(rms, 1e-10)))


def speech_bounds(
    samples: npt.NDArray[np.float32],
    sample_rate: int,
    *,
    below_peak_db: float = 40.0,
    floor_db: float = -55.0,
) -> tuple[float, float]:
    """Seconds where speech starts and ends: the first and last 10 ms frame that is within
    ``below_peak_db`` of the loudest frame and above ``floor_db``. (0, 0) for silence."""
    if len(samples) == 0:
        return 0.0, 0.0
    db = frame_rms_db(samples, sample_rate)
    threshold = max(float(db.max()) - below_peak_db, floor_db)
    loud = np.flatnonzero(db > threshold)
    if len(loud) == 0:
        return 0.0, 0.0
    hop = max(1, round(sample_rate * 0.01))
    return loud[0] * hop / sample_rate, min(len(samples), (loud[-1] + 1) * hop) / sample_rate
