"""Turn speech timing (visemes) and loudness into a natural per-frame presenter pose.

Everything is computed up front as per-frame arrays, so ``pose_at`` is a lookup and the track
is deterministic for a given seed (renders are reproducible and can be split across workers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from reelwright.avatar.gestures import SpokenWord, word_gestures
from reelwright.avatar.presenter import Pose
from reelwright.voice.visemes import VISEMES

FloatArray = npt.NDArray[np.float64]

# The mouth leads the sound slightly: lips shape a consonant before it is heard, and viewers
# read a late mouth as out of sync far sooner than an early one.
_LEAD_S = 0.04
_SILENT = 0.02  # loudness below this counts as silence
_BLINK_S = 0.15


def _viseme_frames(visemes: list[tuple[float, float, str]], fps: int, n: int) -> list[str | None]:
    frames: list[str | None] = [None] * n

    def paint(start: float, end: float, shape: str) -> None:
        a = round((start - _LEAD_S) * fps)
        b = max(a + 1, round((end - _LEAD_S) * fps))  # every viseme gets at least one frame
        for i in range(max(a, 0), min(b, n)):
            frames[i] = shape

    ordered = sorted(visemes, key=lambda v: v[0])
    for start, end, shape in ordered:
        if shape != "mbp":
            paint(start, end, shape)
    # Closed lips (m, b, p) are short but essential to read speech; paint them last so a
    # neighbouring vowel rounded onto the same frame cannot hide them.
    for start, end, shape in ordered:
        if shape == "mbp":
            paint(start, end, shape)
    return frames


def _follow(target: FloatArray, attack: float, release: float) -> FloatArray:
    """One-pole envelope follower: fast towards a louder target, a little slower back down."""
    out = np.empty_like(target)
    level = 0.0
    for i, t in enumerate(target):
        level += (t - level) * (attack if t > level else release)
        out[i] = level
    return out


def _pulses(times: list[float], t: FloatArray, rise: float, fall: float) -> FloatArray:
    """Sum of smooth bumps (0 → 1 → 0) starting at ``times``: ``rise`` s up, ``fall`` s down."""
    out = np.zeros_like(t)
    for t0 in times:
        up = np.clip((t - t0) / rise, 0.0, 1.0)
        down = np.clip((t - t0 - rise) / fall, 0.0, 1.0)
        bump = np.where(t < t0 + rise, up, 1.0 - down)
        out = np.maximum(out, bump * bump * (3 - 2 * bump))  # smoothstep keeps it soft
    return out


class PresenterTrack:
    """Per-frame poses for one narrated video."""

    def __init__(
        self,
        *,
        fps: int,
        n_frames: int,
        visemes: list[tuple[float, float, str]],
        loudness: npt.NDArray[np.float32],
        seed: int = 0,
        words: Sequence[SpokenWord] = (),
    ) -> None:
        """``words`` (the narration's words in video seconds) time the gestures of
        :mod:`reelwright.avatar.gestures`; without them the presenter only has its idle motion,
        blinks and the phrase-start nods and gestures read from the loudness."""
        if fps <= 0 or n_frames < 0:
            raise ValueError(f"fps must be positive and n_frames non-negative, got {fps} and {n_frames}")
        if len(loudness) != n_frames:
            raise ValueError(f"loudness has {len(loudness)} values for {n_frames} frames")
        unknown = {v for _, _, v in visemes} - set(VISEMES)
        if unknown:
            raise ValueError(f"unknown visemes: {sorted(unknown)}")
        self.fps, self.n_frames = fps, n_frames
        rng = np.random.default_rng(seed)
        t: FloatArray = np.arange(n_frames, dtype=np.float64) / fps
        loud = np.clip(np.asarray(loudness, dtype=np.float64), 0.0, 1.0)

        self._loud = loud
        self._visemes = _viseme_frames(visemes, fps, n_frames)
        self._openness = self._mouth(loud)
        speaking = _follow((loud > _SILENT).astype(np.float64), 0.25 * 30 / fps, 0.04 * 30 / fps)
        self._blink = self._blinks(rng, t)
        onsets = self._onsets(loud, t)
        self._dx, self._dy, self._tilt = self._head(rng, t, speaking, onsets)
        self._brow = self._brows(rng, t, loud, onsets)
        phase = rng.uniform(0, 2 * math.pi)
        # Breathing: ~15 breaths a minute; the inhale lifts the shoulders a little.
        self._lift = 0.002 * (0.5 + 0.5 * np.sin(2 * math.pi * t / 4.0 + phase))
        self._lean = np.zeros_like(t)
        self._gestures(rng, t, onsets)
        # Added last, and without the track's RNG, so a track without words is unchanged.
        spoken = word_gestures(words, fps, n_frames, seed)
        self._dy = np.clip(self._dy + spoken.head_dy, -0.01, 0.01)
        self._tilt = np.clip(self._tilt + spoken.head_tilt, -3.5, 3.5)
        self._brow = np.maximum(self._brow, spoken.brow)
        self.beats, self.questions = spoken.beats, spoken.questions

    # -- components -------------------------------------------------------------------------

    def _mouth(self, loud: FloatArray) -> FloatArray:
        fps = self.fps
        # Quiet syllables still need a readable shape, so speech maps onto 0.25..1.
        target = np.where(loud > _SILENT, 0.25 + 0.75 * np.clip(loud, 0, 1) ** 0.7, 0.0)
        for i, shape in enumerate(self._visemes):
            if shape is None and target[i] > 0:
                target[i] *= 0.6  # sound without phoneme timing: a neutral half-open mouth
        # Attack/release as fractions per frame, scaled so the feel is the same at any fps.
        open_ = _follow(target, min(1.0, 0.75 * 30 / fps), min(1.0, 0.55 * 30 / fps))
        open_[open_ < 0.03] = 0.0  # snap shut so silence is exactly closed
        return open_

    def _blinks(self, rng: np.random.Generator, t: FloatArray) -> FloatArray:
        out = np.zeros_like(t)
        if len(t) == 0:
            return out
        duration = float(t[-1]) + 1.0 / self.fps
        times: list[float] = []
        at = float(rng.uniform(0.6, 2.5))
        while at < duration:
            times.append(at)
            if rng.random() < 0.12:
                times.append(at + 0.35)  # an occasional double blink looks alive
            at += float(rng.uniform(2.0, 6.0))
        for t0 in times:
            # Lids close fast (40 % of the blink) and open more slowly.
            phase = (t - t0) / _BLINK_S
            closing = np.clip(phase / 0.4, 0, 1)
            opening = 1 - np.clip((phase - 0.4) / 0.6, 0, 1)
            value = np.where((phase >= 0) & (phase <= 1), np.minimum(closing, opening), 0.0)
            out = np.maximum(out, value)
            # Guarantee one fully closed frame even when the blink falls between frames.
            peak = round((t0 + 0.4 * _BLINK_S) * self.fps)
            if 0 <= peak < len(out):
                out[peak] = 1.0
        return out

    def _onsets(self, loud: FloatArray, t: FloatArray) -> list[float]:
        """Times where speech starts after at least 0.3 s of silence (phrase starts)."""
        onsets: list[float] = []
        quiet = int(0.3 * self.fps)
        silent_run = quiet  # the video start counts as after silence
        for i, v in enumerate(loud):
            if v > _SILENT:
                if silent_run >= quiet:
                    onsets.append(float(t[i]))
                silent_run = 0
            else:
                silent_run += 1
        return onsets

    def _head(
        self, rng: np.random.Generator, t: FloatArray, speaking: FloatArray, onsets: list[float]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        def sway(amps: list[float], freqs: list[float]) -> FloatArray:
            out = np.zeros_like(t)
            for a, f in zip(amps, freqs, strict=True):
                out += a * np.sin(2 * math.pi * f * rng.uniform(0.8, 1.2) * t + rng.uniform(0, 2 * math.pi))
            return out

        # Slow, incommensurate sines never visibly repeat; a speaker moves more than a listener.
        energy = 0.55 + 0.45 * speaking
        dx = sway([0.004, 0.0018], [0.11, 0.29]) * energy
        dy = sway([0.0018, 0.0009], [0.14, 0.37]) * energy
        tilt = sway([1.3, 0.6], [0.07, 0.21]) * energy
        # A small nod as each phrase starts: down quickly, back up slowly.
        nod = _pulses([o - 0.05 for o in onsets], t, 0.18, 0.45)
        dy += 0.006 * nod
        tilt += 0.8 * nod * (1.0 if rng.random() < 0.5 else -1.0)
        # Hard limits the presenter renderer relies on to know which pixels can move.
        return np.clip(dx, -0.01, 0.01), np.clip(dy, -0.01, 0.01), np.clip(tilt, -3.5, 3.5)

    def _brows(
        self, rng: np.random.Generator, t: FloatArray, loud: FloatArray, onsets: list[float]
    ) -> FloatArray:
        times = [o for o in onsets if rng.random() < 0.5]
        # Extra raises mid-speech, every 4–9 s, on frames that are actually voiced.
        at = float(rng.uniform(2.0, 5.0))
        end = float(t[-1]) if len(t) else 0.0
        while at < end:
            i = min(int(at * self.fps), len(loud) - 1)
            if loud[i] > _SILENT:
                times.append(at)
            at += float(rng.uniform(4.0, 9.0))
        raise_ = np.zeros_like(t)
        for t0 in times:
            hold = _pulses([t0], t, 0.2, 0.9)  # the fall includes the hold; smoothstep eases it
            raise_ = np.maximum(raise_, float(rng.uniform(0.5, 1.0)) * hold)
        return raise_

    def _gestures(self, rng: np.random.Generator, t: FloatArray, onsets: list[float]) -> None:
        """Now and then, as a phrase starts, a gesture: a shrug (shoulders up, brows up, a small
        head tilt) or a lean (one shoulder rises and the head tilts towards the other side).
        At most one every 6–12 s, so it reads as emphasis rather than a tic."""
        next_at = float(rng.uniform(1.5, 4.0))
        for onset in onsets:
            if onset < next_at:
                continue
            next_at = onset + float(rng.uniform(6.0, 12.0))
            if rng.random() < 0.5:
                bump = _pulses([onset], t, 0.3, 0.8)
                self._lift = self._lift + 0.011 * bump
                self._brow = np.maximum(self._brow, 0.8 * bump)
                self._tilt = np.clip(self._tilt + float(rng.choice([-1.0, 1.0])) * 1.2 * bump, -3.5, 3.5)
            else:
                side = float(rng.choice([-1.0, 1.0]))
                hold = _pulses([onset], t, 0.45, 1.6)
                self._lean = self._lean + side * 0.007 * hold
                self._lift = self._lift + 0.004 * hold
                self._tilt = np.clip(self._tilt - side * 1.6 * hold, -3.5, 3.5)
                self._dx = np.clip(self._dx - side * 0.004 * hold, -0.01, 0.01)

    # -- lookup -----------------------------------------------------------------------------

    def pose_at(self, frame: int) -> Pose:
        if not 0 <= frame < self.n_frames:
            raise IndexError(f"frame {frame} outside 0..{self.n_frames - 1}")
        openness = float(self._openness[frame])
        shape = self._visemes[frame]
        if shape is None:
            # Silence without phoneme timing is exactly the rest pose; sound without timing
            # (a breath, an untimed word) gets a neutral half-open shape.
            shape = "er" if openness > 0 and self._loud[frame] > _SILENT else "rest"
        if shape == "rest":
            openness = 0.0  # rest is closed lips: keep the mouth picture identical in pauses
        return Pose(
            viseme=shape,
            openness=openness,
            blink=float(self._blink[frame]),
            head_dx=float(self._dx[frame]),
            head_dy=float(self._dy[frame]),
            head_tilt=float(self._tilt[frame]),
            brow=float(self._brow[frame]),
            shoulder_lift=float(self._lift[frame]),
            shoulder_tilt=float(self._lean[frame]),
        )
