"""The voice stage: synthesise every scene's narration and attach audio and timings to it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelwright.errors import InputError
from reelwright.storyboard import SceneAudio, Storyboard
from reelwright.voice.catalogue import get_voice
from reelwright.voice.mix import decode_audio, write_wav
from reelwright.voice.narrate import narrate, sentences_of

SPEECH_RATE = 24_000  # a given recording is decoded at this rate (the voices' own)
MAX_SPEECH_SECONDS = 300.0  # one scene's recording: longer is not a scene


def recorded_speech(source: Path, out_wav: Path) -> SceneAudio:
    """A recording the presenter speaks (a script video's ``voice.type: audio``).

    There is no text, so no word timings or mouth shapes: the presenter's mouth follows the
    recording's loudness, as it does between visemes, and the scene has no captions."""
    samples = decode_audio(source, SPEECH_RATE)
    duration = len(samples) / SPEECH_RATE
    if duration < 0.1:
        raise InputError(f"{source.name} has no sound to speak", param="speech")
    if duration > MAX_SPEECH_SECONDS:
        raise InputError(
            f"{source.name} lasts {duration:.0f} s; a scene's recording may last {MAX_SPEECH_SECONDS:.0f} s",
            param="speech",
        )
    write_wav(out_wav, samples, SPEECH_RATE)
    return SceneAudio(path=str(out_wav), duration=duration)


@dataclass(frozen=True)
class Sentence:
    """One sentence to synthesise: with the voice and speed, the unit of the speech cache."""

    voice_id: str
    speed: float
    text: str


def sentences_to_voice(board: Storyboard) -> list[Sentence]:
    """Every sentence :func:`voice_storyboard` will synthesise, in order, each once."""
    seen: dict[Sentence, None] = {}
    for scene in board.scenes:
        if scene.speech is not None or not scene.narration.strip():
            continue
        voice = get_voice(scene.voice or board.voice)
        speed = scene.voice_speed if scene.voice_speed is not None else board.voice_speed
        for text in sentences_of(scene.narration, voice.id):
            seen.setdefault(Sentence(voice.id, speed, text), None)
    return list(seen)


def voice_storyboard(
    board: Storyboard,
    voice_dir: Path,
    cache_dir: Path | None,
    progress: Callable[[float], None] | None = None,
) -> Storyboard:
    voice_dir.mkdir(parents=True, exist_ok=True)
    scenes = []
    n = len(board.scenes)
    for i, scene in enumerate(board.scenes):
        if scene.speech is not None:
            audio = recorded_speech(Path(scene.speech), voice_dir / f"{scene.id}-speech.wav")
            scenes.append(scene.model_copy(update={"audio": audio}))
        elif not scene.narration.strip():
            scenes.append(scene.model_copy(update={"audio": None}))
        else:
            # A scene may name its own voice and pace (a script video's per-scene voice).
            voice = get_voice(scene.voice or board.voice)
            speed = scene.voice_speed if scene.voice_speed is not None else board.voice_speed
            # Name the file by content, so a re-plan that keeps a scene's text keeps its file.
            key = hashlib.sha1(f"{voice.id}|{speed}|{scene.narration}".encode()).hexdigest()[:16]
            audio = narrate(
                scene.narration,
                voice.id,
                voice_dir / f"{scene.id}-{key}.wav",
                speed=speed,
                cache_dir=cache_dir / "tts" if cache_dir else None,
            )
            scenes.append(scene.model_copy(update={"audio": audio}))
        if progress:
            progress((i + 1) / n)
    return board.model_copy(update={"scenes": scenes})
