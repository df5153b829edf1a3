"""The finished audio track: narration placed on the timeline, music ducked under it, -16 LUFS."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reelwright.render.timeline import Piece, Timeline
from reelwright.storyboard import Storyboard
from reelwright.voice.mix import decode_audio, duck_music, normalize_loudness, speech_envelope, write_wav

TARGET_LUFS = -16.0
# The rate the soundtrack is encoded at (render.compose.encode_audio).
AAC_RATE = 48_000
# With music the mix is made at that rate: at the narration's (22.05 kHz for Piper, 24 for Kokoro)
# the music lost everything above 11-12 kHz, cymbals and air, before it was encoded at 48 kHz.
MUSIC_RATE = AAC_RATE


@dataclass(frozen=True)
class Speech:
    """The narration placed on the timeline, before music and loudness."""

    samples: np.ndarray  # mono float32, exactly as long as the video
    sample_rate: int
    envelope: np.ndarray  # per video frame, 0..1, how loud the narration is (drives the mouth)


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        raw = w.readframes(w.getnframes())
        width, channels = w.getsampwidth(), w.getnchannels()
    if width != 2:
        raise ValueError(f"{path}: expected 16-bit PCM")
    data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate


def place_speech(board: Storyboard, timeline: Timeline) -> Speech:
    """Put each scene's narration at its place on the timeline (cheap: the mouth needs it first)."""
    rate = 0
    placed: list[tuple[int, np.ndarray]] = []
    for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
        if scene.audio is None:
            continue
        samples, r = _read_wav(Path(scene.audio.path))
        if rate and r != rate:
            raise ValueError("all narration must share one sample rate")
        rate = r
        pieces = timing.pieces or (Piece(0.0, len(samples) / r, timing.speech_start),)
        for piece in pieces:
            lo, hi = round(piece.audio_start * r), round(piece.audio_end * r)
            placed.append((round(piece.at * r), samples[lo:hi]))
    rate = rate or 22050
    # Exactly as long as the video, so the streams end together.
    total = round(timeline.n_frames * rate / timeline.fps)
    speech = np.zeros(total, dtype=np.float32)
    for offset, part in placed:
        # A file's silent edges may reach past the video's ends (the timeline places files by
        # their words): what falls outside is silence, dropped.
        skip = max(0, -offset)
        end = min(total, offset + len(part))
        if end > offset + skip:
            speech[offset + skip : end] += part[skip : end - offset]
    envelope = speech_envelope(speech, rate, timeline.fps, timeline.n_frames)
    return Speech(speech, rate, envelope)


def _resampled(samples: np.ndarray, rate: int, to: int) -> np.ndarray:
    """``samples`` at ``rate`` as float32 at ``to`` (polyphase, band-limited), exactly
    ``len * to / rate`` long (rounded), so the track still ends with the video."""
    from fractions import Fraction

    from scipy.signal import resample_poly

    step = Fraction(to, rate)
    out = resample_poly(samples, step.numerator, step.denominator).astype(np.float32, copy=False)
    total = round(len(samples) * to / rate)
    return out[:total] if len(out) >= total else np.pad(out, (0, total - len(out)))


def mix_soundtrack(board: Storyboard, speech: Speech, out_wav: Path) -> Path:
    """Music ducked under the narration, the whole normalised to -16 LUFS, written as WAV."""
    rate, mix = speech.sample_rate, speech.samples
    if board.music is not None:
        if rate < MUSIC_RATE:
            mix, rate = _resampled(mix, rate, MUSIC_RATE), MUSIC_RATE
        total = len(mix)
        music = decode_audio(Path(board.music.source), rate, max_samples=total)
        if len(music) == 0:
            raise ValueError("music file has no audio")
        reps = int(np.ceil(total / len(music)))
        music = np.tile(music, reps)[:total]
        # Fade the music in and out so a loop point or the video's end never clicks.
        fade = min(total // 4, rate)
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        music[:fade] *= ramp
        music[total - fade :] *= ramp[::-1]
        mix = mix + duck_music(music, mix, rate, volume_db=board.music.volume_db)
    mix = normalize_loudness(mix, rate, target_lufs=TARGET_LUFS)
    write_wav(out_wav, mix, rate)
    return out_wav
