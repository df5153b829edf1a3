"""Audio helpers for the final mix: loudness, music ducking, mouth envelope, decoding, WAV out.

Narration is synthesized at the voice's natural level; loudness is set once on the finished
narration track (``normalize_loudness``), so sentences and scenes keep their relative levels.
pyloudnorm, SciPy and PyAV are imported inside the functions that need them, keeping
``import reelwright.voice.narrate`` light; a worker imports them as it starts
(:func:`import_in_background`).
"""

from __future__ import annotations

import importlib
import itertools
import os
import tempfile
import threading
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from reelwright.background import in_background
from reelwright.errors import InputError

FloatArray = npt.NDArray[np.float32]

# What the soundtrack imports on first use: ~0.9 s of a core (scipy.signal alone pulls in
# scipy.stats), which a worker's first render paid for in the middle of its scenes.
_MIX_LIBRARIES = ("scipy.signal", "scipy.ndimage", "pyloudnorm", "av")


def import_in_background() -> threading.Thread:
    """Import the mixing libraries on a thread of their own, as a worker starts."""

    def load() -> None:
        for name in _MIX_LIBRARIES:
            importlib.import_module(name)

    return in_background("reelwright-mix-import", "import the mixing libraries", load)


GATE_DBFS = -45.0  # below this a 10 ms frame counts as silence


def _as_mono_float(samples: npt.ArrayLike) -> npt.NDArray[np.float64]:
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"expected mono samples (1-D), got shape {x.shape}")
    return x


def _frame_db(x: npt.NDArray[np.float64], sample_rate: int, hop_s: float) -> npt.NDArray[np.float64]:
    hop = max(1, round(sample_rate * hop_s))
    n = -(-len(x) // hop)
    padded = np.zeros(n * hop)
    padded[: len(x)] = x
    rms = np.sqrt(np.mean(padded.reshape(n, hop) ** 2, axis=1))
    return np.asarray(20.0 * np.log10(np.maximum(rms, 1e-10)))


def speech_envelope(samples: np.ndarray, sample_rate: int, fps: int, n_frames: int) -> FloatArray:
    """How open the mouth is in each video frame, 0..1; exactly 0 where there is silence.

    Each frame's level is the RMS over that frame plus half a frame either side, gated at
    -45 dBFS and scaled so the loud parts of this clip (95th percentile) reach 1, which makes
    the result independent of the narration's overall level. Opening follows fast, closing
    slower, as lips do; a frame more than one frame away from any sound is forced to 0.
    """
    x = _as_mono_float(samples)
    out = np.zeros(n_frames, dtype=np.float32)
    if n_frames <= 0 or len(x) == 0:
        return out
    csum = np.concatenate([[0.0], np.cumsum(x * x)])
    frame_len = sample_rate / fps
    idx = np.arange(n_frames)
    lo = np.clip(((idx - 0.5) * frame_len).astype(np.int64), 0, len(x))
    hi = np.clip(((idx + 1.5) * frame_len).astype(np.int64), 0, len(x))
    width = np.maximum(hi - lo, 1)
    rms = np.sqrt(np.maximum(csum[hi] - csum[lo], 0.0) / width)
    db = 20.0 * np.log10(np.maximum(rms, 1e-10))
    active = db > GATE_DBFS
    if not active.any():
        return out
    ref = max(float(np.percentile(db[active], 95)), GATE_DBFS + 10.0)
    level = np.clip((db - GATE_DBFS) / (ref - GATE_DBFS), 0.0, 1.0)
    level[~active] = 0.0
    smoothed = np.empty_like(level)
    value = 0.0
    for i, target in enumerate(level):
        coef = 0.75 if target > value else 0.45  # fraction of the way moved per frame
        value += coef * (target - value)
        smoothed[i] = value
    near_sound = active.copy()
    near_sound[1:] |= active[:-1]
    near_sound[:-1] |= active[1:]
    smoothed[~near_sound] = 0.0
    out[:] = np.clip(smoothed, 0.0, 1.0)
    return out


def _true_peak_per_sample(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """|x| including inter-sample peaks: 4x oversampled, as BS.1770 true-peak meters do, with a
    49-tap interpolator (12 per phase, like the standard's example filter), then the largest of
    each sample's four sub-samples. Within 0.02 dB of an 8x polyphase reference on speech."""
    from scipy.signal import firwin, upfirdn

    if len(x) < 16:
        return np.abs(x)
    taps = 4.0 * firwin(49, 0.9 / 4.0)  # odd length: a whole-sample delay of 24
    out = np.abs(x)
    # In blocks, so a long track never needs four float64 copies of itself at once; 12 input
    # samples of context either side cover the filter's span.
    block = 1 << 18
    for s0 in range(0, len(x), block):
        s1 = min(len(x), s0 + block)
        a, b = max(0, s0 - 12), min(len(x), s1 + 12)
        up = upfirdn(taps, x[a:b], up=4)[24 : 24 + 4 * (b - a)]  # 24 = the filter's group delay
        sub = np.abs(up).reshape(b - a, 4).max(axis=1)[s0 - a : s1 - a]
        np.maximum(out[s0:s1], sub, out=out[s0:s1])
    return np.asarray(out, dtype=np.float64)


def _limiter_gain(
    peaks: npt.NDArray[np.float64], sample_rate: int, ceiling: float
) -> npt.NDArray[np.float64]:
    """Per-sample gain of a look-ahead limiter: it dips smoothly (over ~20 ms) around each peak
    above ``ceiling`` instead of clipping it. It is a moving average (half-width R) of a running
    minimum (radius R) of the gain each sample needs, so it never exceeds what any sample
    needs."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return need
    size = 2 * max(1, int(0.01 * sample_rate)) + 1
    return np.asarray(uniform_filter1d(minimum_filter1d(need, size, mode="nearest"), size, mode="nearest"))


def normalize_loudness(
    samples: np.ndarray, sample_rate: int, target_lufs: float = -16.0, peak_dbfs: float = -1.0
) -> FloatArray:
    """Gain to ``target_lufs`` integrated loudness (BS.1770 via pyloudnorm), with a soft limiter
    keeping true peaks under ``peak_dbfs``. Silence (or audio too quiet to measure) is returned
    unchanged."""
    import pyloudnorm

    x = _as_mono_float(samples)
    if len(x) == 0 or not np.any(x):
        return np.asarray(samples, dtype=np.float32)
    meter = pyloudnorm.Meter(sample_rate)
    min_len = int(0.5 * sample_rate)

    def loudness_of(y: npt.NDArray[np.float64]) -> float:
        if len(y) < min_len:
            # BS.1770 needs at least one 400 ms block; repeat a short clip to measure it.
            y = np.tile(y, -(-min_len // len(y)))
        return float(meter.integrated_loudness(y))

    loudness = loudness_of(x)
    if not np.isfinite(loudness):
        return np.asarray(samples, dtype=np.float32)
    ceiling = 10.0 ** (peak_dbfs / 20.0)
    peaks = _true_peak_per_sample(x)  # peaks scale with the gain, so measure them once
    # Speech has a high peak-to-loudness ratio (Piper: ~21 dB, while -16 LUFS under -1 dBTP
    # allows 15), so the limiter takes loudness away; measure again and make up for it. The
    # loudness gained per dB of gain shrinks as the limiter works harder, so the next gain is a
    # secant step (two or three rounds instead of five or six with plain corrections).
    gain_db = target_lufs - loudness
    tried: list[tuple[float, float]] = []
    y = x
    for _ in range(6):
        gain = 10.0 ** (gain_db / 20.0)
        y = x * gain * _limiter_gain(peaks * gain, sample_rate, ceiling)
        reached = loudness_of(y)
        if abs(target_lufs - reached) < 0.15:
            break
        tried.append((gain_db, reached))
        step = 1.0  # dB of gain per LU missing
        if len(tried) >= 2 and tried[-1][1] != tried[-2][1]:
            slope = (tried[-1][0] - tried[-2][0]) / (tried[-1][1] - tried[-2][1])
            step = min(5.0, max(1.0, slope))
        gain_db += (target_lufs - reached) * step
    # The limiter's gain moves slowly, but not infinitely so: trim any hair over the ceiling.
    over = float(_true_peak_per_sample(y).max())
    if over > ceiling:
        y = y * (ceiling / over)
    return np.clip(y, -1.0, 1.0).astype(np.float32)


def duck_music(
    music: np.ndarray,
    speech: np.ndarray,
    sample_rate: int,
    *,
    volume_db: float = -20.0,
    duck_db: float = -12.0,
) -> FloatArray:
    """Music at ``volume_db``, lowered a further ``duck_db`` while someone speaks.

    Speech is detected per 10 ms (above -45 dBFS); pauses under 250 ms between words count as
    speech so the music does not pump between words. The gain moves linearly in dB: down over
    ~150 ms, starting early so it is fully down when the first word starts, and back up over
    ~400 ms after the speech ends. Both inputs are mono and of the same length.
    """
    m = _as_mono_float(music)
    s = _as_mono_float(speech)
    if len(m) != len(s):
        raise ValueError(f"music has {len(m)} samples but speech has {len(s)}")
    if len(m) == 0:
        return np.zeros(0, dtype=np.float32)
    hop_s = 0.01
    active = _frame_db(s, sample_rate, hop_s) > GATE_DBFS
    # Bridge short pauses.
    bridge = int(0.25 / hop_s)
    on = np.flatnonzero(active)
    if len(on) > 1:
        for a, b in itertools.pairwise(on):
            if 1 < b - a <= bridge:
                active[a:b] = True
    attack_s, release_s = 0.15, 0.40
    # Anticipate: be at the ducked level when speech starts, not 150 ms after.
    lead = int(attack_s / hop_s)
    early = active.copy()
    for k in range(1, lead + 1):
        early[:-k] |= active[k:]
    target = np.where(early, volume_db + duck_db, volume_db)
    down_step = abs(duck_db) * hop_s / attack_s if duck_db else np.inf
    up_step = abs(duck_db) * hop_s / release_s if duck_db else np.inf
    gain_db = np.empty(len(target))
    value = float(target[0])
    for i, want in enumerate(target):
        if want < value:
            value = max(want, value - down_step)
        elif want > value:
            value = min(want, value + up_step)
        gain_db[i] = value
    hop = sample_rate * hop_s
    centres = (np.arange(len(gain_db)) + 0.5) * hop
    per_sample = np.interp(np.arange(len(m)), centres, gain_db)
    return (m * 10.0 ** (per_sample / 20.0)).astype(np.float32)


def decode_audio(path: Path, sample_rate: int, max_samples: int | None = None) -> FloatArray:
    """Any audio (mp3, wav, m4a, the sound of an mp4...) -> float32 mono at ``sample_rate``.

    ``max_samples``: decoding stops once that many are in (a music track longer than the video
    is never held whole: an hour of it would be 600 MB)."""
    import av

    try:
        container = av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise InputError(f"cannot read audio from {Path(path).name}: {exc}") from exc
    chunks: list[FloatArray] = []
    try:
        with container:
            if not container.streams.audio:
                raise InputError(f"{Path(path).name} has no audio track")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            have = 0
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
                    have += len(chunks[-1])
                if max_samples is not None and have >= max_samples:
                    break
            else:
                for out in resampler.resample(None):
                    chunks.append(out.to_ndarray().reshape(-1).astype(np.float32))
    except av.FFmpegError as exc:
        raise InputError(f"cannot decode audio from {Path(path).name}: {exc}") from exc
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    samples = np.concatenate(chunks)
    return samples if max_samples is None else samples[:max_samples].copy()


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """16-bit PCM mono WAV, written to a temporary name beside ``path`` and renamed into place,
    so a reader never sees half a file."""
    x = _as_mono_float(samples)
    pcm = np.round(np.clip(x, -1.0, 1.0) * 32767.0).astype("<i2")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh, wave.open(fh, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(pcm.tobytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
