"""The render stage split for many workers: the soundtrack once, each scene on its own, the join.

A long job is planned and voiced once; then :func:`prepare_soundtrack` builds the whole video's
soundtrack (and the narration's loudness per frame, which drives the presenter's mouth), each
scene renders as its own task (:func:`render_scene`, on any worker, from the voiced storyboard and
that loudness alone) and one last task joins the segments without re-encoding, muxes the
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
from reelwright.render.soundtrack import mix_soundtrack, place_speech
from reelwright.render.video import RenderedFiles, finish_video
from reelwright.storyboard import Storyboard
from reelwright.styles.brand import Brand


class HandedOff(Exception):
    """The render was handed to scene tasks; the run that planned the job stops here."""


class FanOut(Protocol):
    def wants(self, board: Storyboard, duration: float) -> bool:
        """Whether this video is long enough to render scene by scene on many workers."""

    def hand_off(self, board: Storyboard, workdir: Path) -> None:
        """Build the soundtrack, store what the scene tasks need and queue them."""

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


def prepare_soundtrack(board: Storyboard, workdir: Path, brand: Brand | None = None) -> Soundtrack:
    """The voice is synthesized once and the soundtrack built once, for the whole video."""
    timeline = SceneRenderer.timeline_of(board, brand)
    speech = place_speech(board, timeline)
    envelope = workdir / "envelope.npy"
    np.save(envelope, speech.envelope, allow_pickle=False)
    audio = encode_audio(mix_soundtrack(board, speech, workdir / "soundtrack.wav"), workdir / "audio.m4a")
    return Soundtrack(audio, envelope, timeline.duration)


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
