"""The length loop's last speed change stretches the voiced audio instead of speaking it again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reelwright.pipeline.retime import retime_storyboard
from reelwright.storyboard import Scene, Storyboard, TitleCard
from reelwright.voice.mix import decode_audio
from reelwright.voice.stage import voice_storyboard

RATE = 24_000


def _voiced(tmp_path: Path) -> Storyboard:
    scenes = [
        Scene(
            id="a",
            narration="Compost turns kitchen scraps into soil. It needs air, water and time.",
            visual=TitleCard(heading="Compost"),
            presenter="none",
        ),
        Scene(
            id="b",
            narration="Keep it as damp as a wrung-out sponge.",
            visual=TitleCard(heading="Water"),
            presenter="none",
            voice_speed=1.0,  # its own pace: left as it is
        ),
    ]
    board = Storyboard(title="Compost", avatar=None, voice="en_US-joe", scenes=scenes)
    return voice_storyboard(board, tmp_path / "voice", None)


def _pitch(samples: np.ndarray) -> float:
    """The strongest periodicity in 80-300 Hz over the loudest half second: the voice's pitch."""
    hop = RATE // 2
    start = max(
        range(0, len(samples) - hop, hop // 4), key=lambda i: float(np.sum(samples[i : i + hop] ** 2))
    )
    x = samples[start : start + hop] - samples[start : start + hop].mean()
    ac = np.correlate(x, x, mode="full")[len(x) - 1 :]
    lo, hi = RATE // 300, RATE // 80
    return RATE / (lo + int(np.argmax(ac[lo:hi])))


def test_a_stretch_shortens_speech_scales_timings_and_keeps_the_pitch(tmp_path: Path) -> None:
    board = _voiced(tmp_path)
    fast = retime_storyboard(board, 1.08, tmp_path / "voice")
    assert fast.voice_speed == 1.08
    before, after = board.scenes[0].audio, fast.scenes[0].audio
    assert before is not None and after is not None and after.path != before.path
    heard = len(decode_audio(Path(after.path), RATE)) / RATE
    assert abs(heard - after.duration) < 0.03  # the file is as long as the storyboard says
    assert abs(after.duration - before.duration / 1.08) / before.duration < 0.01
    factor = after.duration / before.duration
    assert len(after.words) == len(before.words) and len(after.visemes) == len(before.visemes)
    for old, new in zip(before.words, after.words, strict=True):
        assert new.word == old.word
        assert new.start == pytest.approx(old.start * factor) and new.end == pytest.approx(old.end * factor)
    # Pitch kept (a resample would raise it by 8 %): within 3 %.
    old_pitch = _pitch(decode_audio(Path(before.path), RATE))
    new_pitch = _pitch(decode_audio(Path(after.path), RATE))
    assert abs(new_pitch - old_pitch) / old_pitch < 0.03, (old_pitch, new_pitch)
    # A scene with its own pace keeps its audio.
    assert fast.scenes[1].audio == board.scenes[1].audio


def test_a_stretch_beyond_the_loops_bound_is_refused(tmp_path: Path) -> None:
    board = _voiced(tmp_path)
    with pytest.raises(ValueError, match="voice it again"):
        retime_storyboard(board, 1.25, tmp_path / "voice")
