"""The render stage split for many workers: the soundtrack once, each scene on its own, the join.

A long job is planned and voiced once; then :func:`place_narration` puts the narration on the
timeline (and measures its loudness per frame, which drives the presenter's mouth). The
soundtrack (:func:`build_soundtrack`: music, loudness, AAC) and each scene
(:func:`render_scene`, from the voiced storyboard and that loudness alone) are tasks of their
own on any worker, and one last task joins the segments without re-encoding, muxes the
soundtrack and writes the captions, thumbnail and GIF (:func:`finish`). The queue and database
side (who runs which task, once) is :mod:`reelwright.jobs.fanout`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from reelwright.avatar.photo import PhotoLook
from reelwright.render.compose import EncodeSettings, SegmentOutputs, encode_audio
from reelwright.render.scenes import SceneRenderer, read_envelope
from reelwright.render.soundtrack import Speech, mix_soundtrack, place_speech
from reelwright.render.video import RenderedFiles, finish_video
from reelwright.storyboard import Storyboard
from reelwright.styles.brand import Brand


class HandedOff(Exception):
    """The render was handed to scene tasks; the run that planned the job stops here."""


class FanOut(Protocol):
    def wants(self, board: Storyboard, duration: float) -> bool:
        """Whether this video is long enough to render scene by scene on many workers."""

    def hand_off(self, board: Storyboard, workdir: Path) -> None:
        """Place the narration, store what the scene and soundtrack tasks need and queue them."""

    def voice_together(self, board: Storyboard, tts_cache: Path, progress: Callable[[float], None]) -> None:
        """Before the voice stage: have idle workers synthesise shares of a long script into
        ``tts_cache`` (the speech cache), so the voice stage finds them there. Nothing for a
        short script; a cluster of one worker voices it all here."""


@dataclass(frozen=True)
class Soundtrack:
    audio: Path  # the AAC soundtrack of the whole video
    envelope: Path  # the narration's loudness per video frame (.npy)
    duration: float


def duration_of(board: Storyboard, brand: Brand | None = None) -> float:
    return SceneRenderer.timeline_of(board, brand).duration


@dataclass(frozen=True)
class PlacedNarration:
    """The narration on the video's timeline: what the scene tasks need (the loudness per frame)
    and what the soundtrack task finishes (the samples, before music and loudness)."""

    envelope: Path  # the narration's loudness per video frame (.npy)
    speech: Path  # the placed samples and their rate (.npz)
    duration: float


def place_narration(board: Storyboard, workdir: Path, brand: Brand | None = None) -> PlacedNarration:
    """Cheap (it reads the voiced files and adds them up): done before the scenes are queued."""
    timeline = SceneRenderer.timeline_of(board, brand)
    speech = place_speech(board, timeline)
    envelope, samples = workdir / "envelope.npy", workdir / "speech.npz"
    np.save(envelope, speech.envelope, allow_pickle=False)
    np.savez(
        samples, samples=speech.samples, sample_rate=np.int64(speech.sample_rate), envelope=speech.envelope
    )
    return PlacedNarration(envelope, samples, timeline.duration)


def build_soundtrack(board: Storyboard, speech: Path, workdir: Path) -> Path:
    """Music ducked under the placed narration, loudness, AAC: the join muxes it. Its own task
    on the cluster, beside the scenes (the loudness passes and the AAC encoder took ~10 s of a
    3-minute video's serial part)."""
    with np.load(speech, allow_pickle=False) as data:
        placed = Speech(
            np.asarray(data["samples"], dtype=np.float32),
            int(data["sample_rate"]),
            np.asarray(data["envelope"]),
        )
    return encode_audio(mix_soundtrack(board, placed, workdir / "soundtrack.wav"), workdir / "audio.m4a")


def prepare_soundtrack(board: Storyboard, workdir: Path, brand: Brand | None = None) -> Soundtrack:
    """The narration placed and the whole soundtrack built, in one go."""
    placed = place_narration(board, workdir, brand)
    return Soundtrack(build_soundtrack(board, placed.speech, workdir), placed.envelope, placed.duration)


def scene_renderer(
    board: Storyboard, envelope: Path, brand: Brand | None, photo: PhotoLook | None
) -> SceneRenderer:
    return SceneRenderer.prepare(board, read_envelope(envelope), EncodeSettings.from_env(), brand, photo)


def render_scene(
    board: Storyboard,
    envelope: Path,
    index: int,
    workdir: Path,
    *,
    brand: Brand | None = None,
    photo: PhotoLook | None = None,
) -> SegmentOutputs:
    """Scene ``index``'s two segments, crossfading from the previous scene's last frame, which
    is drawn here: no scene task waits for another."""
    scenes = scene_renderer(board, envelope, brand, photo)
    previous = scenes.previous_last_frame(index, workdir)
    return scenes.segment(index, workdir, previous)


def finish(
    board: Storyboard,
    envelope: Path,
    plain: list[Path],
    captioned: list[Path],
    audio: Path,
    workdir: Path,
    *,
    brand: Brand | None = None,
    photo: PhotoLook | None = None,
) -> RenderedFiles:
    """Join every scene's segments (in order) into the finished files, as a one-task render would."""
    scenes = scene_renderer(board, envelope, brand, photo)
    done: Future[Path] = Future()
    done.set_result(audio)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="reelwright-finish") as pool:
        return finish_video(scenes, plain, captioned, done, workdir, "out", pool)
