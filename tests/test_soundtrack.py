"""The finished soundtrack keeps the music's whole band, and still ends with the video."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from reelwright.render.soundtrack import MUSIC_RATE, Speech, mix_soundtrack
from reelwright.storyboard import Scene, Storyboard, TitleCard
from tests.media import make_wav


def _board(music: Path | None) -> Storyboard:
    return Storyboard(
        title="Sound",
        music={"source": str(music)} if music else None,
        scenes=[Scene(id="only", narration="Hello there.", visual=TitleCard(heading="Sound"))],
    )


def _speech(seconds: float, rate: int = 22050) -> Speech:
    """A voice-like tone for the first half, silence after (the music comes up there)."""
    n = round(seconds * rate)
    t = np.arange(n) / rate
    samples = (0.3 * np.sin(2 * np.pi * 200 * t) * (t < seconds / 2)).astype(np.float32)
    return Speech(samples, rate, np.zeros(round(seconds * 30), dtype=np.float32))


def _read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate, raw = w.getframerate(), w.readframes(w.getnframes())
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0, rate


def _level_db(x: np.ndarray, rate: int, freq: float) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    bins = np.fft.rfftfreq(len(x), 1 / rate)
    near = spectrum[np.abs(bins - freq) < 50].max()
    return float(20 * np.log10(near / spectrum.max()))


def test_music_keeps_its_top_octave_over_a_22khz_voice(tmp_path: Path) -> None:
    # Music with a 15 kHz partial: above what a 22.05 kHz voice's rate can hold (11 kHz).
    music = make_wav(tmp_path / "music.wav", 4.0, freq=15_000.0, sample_rate=48_000)
    speech = _speech(4.0)
    out, rate = _read(mix_soundtrack(_board(music), speech, tmp_path / "mix.wav"))
    assert rate == MUSIC_RATE
    assert len(out) == round(len(speech.samples) * MUSIC_RATE / speech.sample_rate)  # ends with the video
    quiet = out[round(2.5 * rate) : round(3.5 * rate)]  # the music alone, past the fade-in
    assert _level_db(quiet, rate, 15_000.0) > -3  # the partial is the music's loudest part
    voiced = out[round(0.5 * rate) : round(1.5 * rate)]
    assert _level_db(voiced, rate, 200.0) > -3  # and the voice is still there, on time


def test_without_music_the_voice_keeps_its_own_rate(tmp_path: Path) -> None:
    speech = _speech(2.0)
    out, rate = _read(mix_soundtrack(_board(None), speech, tmp_path / "mix.wav"))
    assert rate == speech.sample_rate and len(out) == len(speech.samples)
