"""Presenter gestures timed to the narration's words: a beat nod on stressed words, brows on questions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from reelwright.avatar.face import HEAD_PIVOT
from reelwright.avatar.gestures import SETTLE_S, SpokenWord, stressed_words, word_gestures
from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.presenter import DESIGN, PresenterRenderer

FPS = 25
# Word timings as Piper's en_US-joe spoke "Our bikes are free for the first 30 minutes of every
# ride. Rides longer than that cost one euro per half hour." then, after a 3 s pause, "Did you know
# that most homes are close to a dock?"
_SPOKEN = [
    ("Our", 0.146, 0.35), ("bikes", 0.367, 0.61), ("are", 0.634, 0.75), ("free", 0.773, 1.03),
    ("for", 1.052, 1.10), ("the", 1.122, 1.26), ("first", 1.284, 1.62), ("30", 1.644, 1.90),
    ("minutes", 1.923, 2.25), ("of", 2.271, 2.39), ("every", 2.410, 2.69), ("ride.", 2.712, 3.10),
    ("Rides", 3.401, 3.74), ("longer", 3.761, 4.15), ("than", 4.179, 4.30), ("that", 4.318, 4.48),
    ("cost", 4.504, 4.80), ("one", 4.817, 5.04), ("euro", 5.061, 5.32), ("per", 5.340, 5.47),
    ("half", 5.490, 5.77), ("hour.", 5.792, 6.20),
    ("Did", 9.434, 9.58), ("you", 9.597, 9.68), ("know", 9.701, 9.89), ("that", 9.910, 10.06),
    ("most", 10.084, 10.34), ("homes", 10.363, 10.62), ("are", 10.642, 10.76), ("close", 10.781, 11.11),
    ("to", 11.129, 11.15), ("a", 11.164, 11.30), ("dock?", 11.327, 11.80),
]  # fmt: skip
WORDS = [SpokenWord(w, s, e) for w, s, e in _SPOKEN]
N = round(13.5 * FPS)


def _loudness(words: list[SpokenWord]) -> np.ndarray:
    loud = np.zeros(N, np.float32)
    for w in words:
        loud[round(w.start * FPS) : round(w.end * FPS)] = 0.5
    return loud


def _visemes(words: list[SpokenWord]) -> list[tuple[float, float, str]]:
    return [(w.start, w.end, "ah") for w in words]


def _track(words: list[SpokenWord], with_words: bool = True, seed: int = 4) -> PresenterTrack:
    return PresenterTrack(
        fps=FPS,
        n_frames=N,
        visemes=_visemes(words),
        loudness=_loudness(words),
        seed=seed,
        words=words if with_words else (),
    )


def test_the_stressed_word_is_a_figure_or_a_content_word_never_a_function_word() -> None:
    picked = [WORDS[i].text for i in stressed_words(WORDS)]
    assert "30" in picked  # the figure carries the first sentence
    assert not {"the", "of", "for", "than", "that", "to", "a"} & set(picked)
    # A phrase's first word after a pause has the loudness onset nod already: no beat on it.
    assert "Our" not in picked and "Rides" not in picked and "Did" not in picked
    starts = [WORDS[i].start for i in stressed_words(WORDS)]
    assert all(b - a >= 1.6 for a, b in itertools.pairwise(starts))


@pytest.mark.parametrize(
    ("sentence", "stressed"),
    [
        ("Die ersten 30 Minuten sind kostenlos.", "30"),
        ("Nous ouvrons un magasin à Lyon.", "Lyon"),
        ("Hoy abrimos nuestra nueva tienda en Sevilla.", "Sevilla"),
    ],
)
def test_stress_is_read_in_other_languages_too(sentence: str, stressed: str) -> None:
    words = [SpokenWord(w, 0.5 + 0.3 * i, 0.75 + 0.3 * i) for i, w in enumerate(sentence.split())]
    assert [words[i].text.rstrip(".") for i in stressed_words(words)] == [stressed]


def test_the_head_nods_on_a_stressed_word() -> None:
    plain, gesturing = _track(WORDS, with_words=False), _track(WORDS)
    beat = WORDS[[w.text for w in WORDS].index("30")].start
    assert beat in gesturing.beats
    # The stroke lands as the word is heard: the head is lower than without the gesture.
    frames = range(round((beat - 0.05) * FPS), round((beat + 0.15) * FPS))
    dip = max(gesturing.pose_at(i).head_dy - plain.pose_at(i).head_dy for i in frames)
    assert dip > 0.003  # units of the canvas: 3 px at 1000 px, the sway is about ±0.003
    # and it is over well before the next word after it has settled.
    later = round((beat + 0.7) * FPS)
    assert abs(gesturing.pose_at(later).head_dy - plain.pose_at(later).head_dy) < 1e-3


def test_brows_rise_and_the_head_tilts_as_a_question_ends() -> None:
    plain, gesturing = _track(WORDS, with_words=False), _track(WORDS)
    assert len(gesturing.questions) == 1
    end = WORDS[-1].end
    i = round((end - 0.05) * FPS)
    assert gesturing.pose_at(i).brow > 0.9
    assert abs(gesturing.pose_at(i).head_tilt - plain.pose_at(i).head_tilt) > 1.0
    # Not during the statements before it (beats flash the brows only half-way).
    statements = range(0, round(6.3 * FPS))
    assert max(gesturing.pose_at(k).brow - plain.pose_at(k).brow for k in statements) < 0.6


def _brow_band(frame: np.ndarray, size: int) -> np.ndarray:
    # The brows sit between the hairline and the eyes: a band across the face, about y 290..380
    # in the 1000-unit design (the head pivot is lower, at the neck).
    k = size / DESIGN
    y0, y1 = round(290 * k), round(380 * k)
    x0, x1 = round((HEAD_PIVOT[0] - 170) * k), round((HEAD_PIVOT[0] + 170) * k)
    return frame[y0:y1, x0:x1, :3].astype(np.int16)


def test_the_question_raises_the_brows_in_the_pixels() -> None:
    size = 400
    renderer = PresenterRenderer("ava", size)
    plain, gesturing = _track(WORDS, with_words=False), _track(WORDS)
    i = round((WORDS[-1].end - 0.05) * FPS)
    a = np.frombuffer(bytes(renderer.draw(plain.pose_at(i))), np.uint8).reshape(size, size, 4)
    b = np.frombuffer(bytes(renderer.draw(gesturing.pose_at(i))), np.uint8).reshape(size, size, 4)
    changed = np.abs(_brow_band(a, size) - _brow_band(b, size)).max(axis=2) > 40
    assert changed.sum() > 150  # the brows (and the tilted head) moved by whole pixels


def test_nothing_moves_in_silence_beyond_the_idle_motion() -> None:
    plain, gesturing = _track(WORDS, with_words=False), _track(WORDS)
    pause = range(round((6.20 + SETTLE_S) * FPS), round((9.43 - 0.3) * FPS))
    tail = range(round((WORDS[-1].end + SETTLE_S) * FPS), N)
    for i in [*pause, *tail]:
        assert gesturing.pose_at(i) == plain.pose_at(i), i
    # With no words the gestures add nothing at all.
    silent = word_gestures([], FPS, N)
    assert not silent.head_dy.any() and not silent.head_tilt.any() and not silent.brow.any()


def test_gestures_are_deterministic() -> None:
    a, b = _track(WORDS), _track(WORDS)
    assert all(a.pose_at(i) == b.pose_at(i) for i in range(N))
    renderer = PresenterRenderer("marcus", 256)
    i = round(WORDS[-1].end * FPS)
    first = bytes(renderer.draw(a.pose_at(i)))
    assert bytes(renderer.draw(b.pose_at(i))) == first
    # Another presenter seed may tilt the other way, but nods on the same words.
    c = _track(WORDS, seed=9)
    assert c.beats == a.beats and c.questions == a.questions


def test_gestures_stay_inside_the_moving_box_limits() -> None:
    track = _track(WORDS)
    poses = [track.pose_at(i) for i in range(N)]
    assert max(abs(p.head_dy) for p in poses) <= 0.01
    assert max(abs(p.head_tilt) for p in poses) <= 3.5
    assert max(p.brow for p in poses) <= 1.0
