"""Gestures timed to the words being said: a beat nod on stressed words, brows up on questions.

Speakers move with the stress of their speech: the head dips in a short "beat" on the word that
carries a sentence's accent (the stroke lands just before the word is heard), brows flash with
it, a new sentence starts with a small nod, and a question ends with raised brows and a tilted
head held until the answer can start. :mod:`reelwright.avatar.motion` adds these curves to its
idle sway, blinks and phrase-start nods.

Which word is stressed is read from the text and its timing alone (no language model, any
language): figures, names and long content words score highest, and a word the voice lingered
on scores more. One beat per sentence (two in a long one), never closer than
:data:`MIN_BEAT_GAP` s, so it reads as emphasis rather than a tic. Everything is a pure function of
the words and the seed: the same narration always gives the same frames.

The drawn presenters are busts with no arms, so there is no hand gesture here: a drawn hand
that moves badly is worse than none (the shoulders' shrug and lean are in motion.py).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MIN_BEAT_GAP = 1.6  # seconds between two beats
PAUSE_S = 0.3  # a gap this long is a pause: motion.py nods as speech starts again
SETTLE_S = 1.0  # every gesture has settled this long after the last word it was timed to
_LEAD = 0.12  # the stroke starts this long before the stressed word is heard
_NOD = 0.0045  # beat nod depth, units of canvas size (the sway is about ±0.003)
_NOD_TILT = 0.6  # degrees of tilt that go with a beat
_BEAT_BROW = 0.45
_START_NOD = 0.003  # a sentence that starts without a pause before it
_QUESTION_BROW = 0.95
_QUESTION_TILT = 1.6  # degrees
_QUESTION_LIFT = 0.0025  # chin up a little (negative head_dy) while asking

# Short function words of the languages we speak; they are never the stressed word.
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    a an the and or but if so of to in on at by for with from as is are was were be been am it its
    this that these those we our you your they their he she his her i me my us them there here what
    which who how why when where all any each some no not very can could will would should may might
    must do does did have has had about into over than then just also more most only own such too
    der die das den dem des ein eine einen einem einer und oder aber mit von bei für auf aus ist sind
    wird werden hat haben sie wir uns unser unsere sich es im am an zu zum zur nach vor über auch
    noch nur nicht le la les un une des du de et ou mais avec pour par sur dans est sont nous vous
    ils elles il elle ce cette ces qui que pas plus el los las unos unas y o pero con para por en es
    son nosotros su sus lo al del il lo gli uno e ma con per su nel nella che non sono da di
    o os as um uma ou mas com para em no na nos nas é são seu sua het een en maar met voor van op
    aan bij uit is zijn wij ons onze jullie ze zij dat die dit deze niet ook
    nuestra nuestro nuestras nuestros notre nos votre vos nostro nostra nostri nosso nossa nossos
    """,
    )
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)]*$")


@dataclass(frozen=True)
class SpokenWord:
    """A word as the viewer hears it, in seconds from the start of the video."""

    text: str
    start: float
    end: float


def _letters(word: str) -> str:
    return re.sub(r"[^\w]", "", word)


def sentences(words: Sequence[SpokenWord]) -> list[list[int]]:
    """Indices of ``words`` grouped into sentences (a sentence ends on . ! ? or …)."""
    out: list[list[int]] = []
    current: list[int] = []
    for i, w in enumerate(words):
        current.append(i)
        if _SENTENCE_END.search(w.text):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def stress_score(
    words: Sequence[SpokenWord], i: int, first_in_sentence: bool, last_content: bool, mean_rate: float
) -> float:
    """How likely word ``i`` carries its sentence's accent; 0 for words that never do."""
    word = words[i]
    core = _letters(word.text)
    if not core or core.lower() in _FUNCTION_WORDS:
        return 0.0
    if any(c.isdigit() for c in core):
        score = 3.0  # figures are what a listener must catch
    elif len(core) <= 2:
        return 0.0
    else:
        score = min(2.0, 0.3 * max(0, len(core) - 3))
        if core.isupper() and len(core) >= 2:
            score += 1.5
        elif core[0].isupper() and not first_in_sentence:
            score += 1.2  # a name
    if word.text.rstrip("\"'»”)").endswith("!"):
        score += 1.0
    if last_content:
        score += 1.0  # the default (nuclear) accent falls on a phrase's last content word
    # The voice lingers on a stressed word: seconds per letter above the narration's mean.
    if mean_rate > 0 and word.end > word.start:
        score += min(1.0, max(0.0, (word.end - word.start) / max(len(core), 1) / mean_rate - 1.0))
    return score


def _after_pause(words: Sequence[SpokenWord], i: int) -> bool:
    return i == 0 or words[i].start - words[i - 1].end >= PAUSE_S


def stressed_words(words: Sequence[SpokenWord]) -> list[int]:
    """The indices of the words that get a beat, in time order."""
    rates = [(w.end - w.start) / len(_letters(w.text)) for w in words if _letters(w.text) and w.end > w.start]
    mean_rate = float(np.mean(rates)) if rates else 0.0
    chosen: list[int] = []
    for sentence in sentences(words):
        # A phrase's first word after a pause already gets motion.py's onset nod: not a second one.
        content = [i for i in sentence if _letters(words[i].text).lower() not in _FUNCTION_WORDS]
        last = content[-1] if content else -1
        scored = [
            (
                0.0
                if _after_pause(words, i)
                else stress_score(words, i, i == sentence[0], i == last, mean_rate),
                i,
            )
            for i in sentence
        ]  # highest first, the earlier word on a tie
        ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
        picks = ranked[: 2 if len(sentence) > 12 else 1]
        chosen.extend(i for _, i in picks)
    out: list[int] = []
    for i in sorted(chosen):
        if not out or words[i].start - words[out[-1]].start >= MIN_BEAT_GAP:
            out.append(i)
    return out


def _bump(t: FloatArray, start: float, rise: float, hold: float, fall: float) -> FloatArray:
    """0 → 1 over ``rise`` s from ``start``, held ``hold`` s, back to 0 over ``fall`` s (smoothstep)."""
    up = np.clip((t - start) / rise, 0.0, 1.0)
    down = np.clip((t - start - rise - hold) / fall, 0.0, 1.0)
    x: FloatArray = np.minimum(up, 1.0 - down)
    out: FloatArray = x * x * (3 - 2 * x)
    return out


@dataclass
class WordGestures:
    """Per-frame additions to the head and brows, from the words' timing."""

    head_dy: FloatArray
    head_tilt: FloatArray
    brow: FloatArray
    beats: list[float]  # when each beat's stressed word starts, seconds
    questions: list[tuple[float, float]]  # each question's raised-brow span, seconds


def word_gestures(words: Sequence[SpokenWord], fps: int, n_frames: int, seed: int = 0) -> WordGestures:
    t: FloatArray = np.arange(n_frames, dtype=np.float64) / fps
    dy, tilt, brow = np.zeros_like(t), np.zeros_like(t), np.zeros_like(t)
    ordered = sorted((w for w in words if w.end >= w.start), key=lambda w: w.start)

    def side(key: str) -> float:
        # A stable left-or-right per gesture, from the seed and where it falls (no global RNG).
        return 1.0 if zlib.crc32(f"{seed}:{key}".encode()) & 1 else -1.0

    beats = [ordered[i].start for i in stressed_words(ordered)]
    for b in beats:
        stroke = _bump(t, b - _LEAD, 0.14, 0.04, 0.38)
        dy += _NOD * stroke
        tilt += _NOD_TILT * side(f"beat{b:.3f}") * stroke
        brow = np.maximum(brow, _BEAT_BROW * _bump(t, b - _LEAD, 0.12, 0.15, 0.45))

    groups = sentences(ordered)
    for k, sentence in enumerate(groups[1:], start=1):
        start = ordered[sentence[0]].start
        previous_end = ordered[groups[k - 1][-1]].end
        # After a real pause the loudness onset nod (motion.py) already marks the start.
        if start - previous_end < PAUSE_S and all(abs(start - b) > 0.5 for b in beats):
            dy += _START_NOD * _bump(t, start - 0.1, 0.15, 0.0, 0.4)

    questions: list[tuple[float, float]] = []
    for sentence in groups:
        last = ordered[sentence[-1]]
        if not last.text.rstrip("\"'»”)").endswith("?"):
            continue
        first = ordered[sentence[0]]
        # Brows rise through the question's last words and hold until just after it ends, like
        # the pitch does; the head tilts as if waiting for an answer.
        rise_at = max(first.start, last.start - 0.6)
        hold = max(0.0, last.end - rise_at - 0.25) + 0.35
        span = _bump(t, rise_at, 0.25, hold, 0.5)
        brow = np.maximum(brow, _QUESTION_BROW * span)
        tilt += _QUESTION_TILT * side(f"question{last.start:.3f}") * span
        dy -= _QUESTION_LIFT * span
        questions.append((rise_at, rise_at + 0.25 + hold + 0.5))

    brow = np.clip(brow, 0.0, 1.0)
    return WordGestures(head_dy=dy, head_tilt=tilt, brow=brow, beats=beats, questions=questions)
