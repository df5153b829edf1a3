"""The voice stage: synthesise every scene's narration and attach audio and timings to it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from reelwright.errors import InputError
from reelwright.storyboard import SceneAudio, Storyboard
from reelwright.voice.catalogue import get_voice
from reelwright.voice.engine import engine_for, sentences_at_once
from reelwright.voice.mix import decode_audio, write_wav
from reelwright.voice.narrate import MAX_SPEED, MIN_SPEED, cache_file, narrate, sentences_of, speak_into_cache

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


def is_cached(tts_cache: Path, sentence: Sentence) -> bool:
    return cache_file(tts_cache, sentence.voice_id, sentence.speed, sentence.text).exists()


def speak_all(
    sentences: Sequence[Sentence],
    tts_cache: Path,
    *,
    progress: Callable[[float], None] | None = None,
    spoken: Callable[[Sentence, Path], None] | None = None,
) -> None:
    """Synthesise every sentence not yet in the speech cache into it, as many at once as the
    voice's engine allows (Piper: one a core, see voice/piper_engine.py). ``spoken`` is called on
    this thread for each sentence (cached or not) in order, ``progress`` with the share done.

    A speed out of range is left to :func:`narrate`, which says so."""
    todo = [s for s in sentences if MIN_SPEED <= s.speed <= MAX_SPEED]
    done = 0
    for voice_id in dict.fromkeys(s.voice_id for s in todo):
        group = [s for s in todo if s.voice_id == voice_id]
        missing = {s for s in group if not is_cached(tts_cache, s)}
        at_once = sentences_at_once(engine_for(get_voice(voice_id))) if missing else 1

        def speak(s: Sentence, missing: set[Sentence] = missing) -> Path:
            # A cached sentence is only named, not read: narrate() reads it once, later.
            if s in missing:
                return speak_into_cache(s.text, s.voice_id, s.speed, tts_cache)
            return cache_file(tts_cache, s.voice_id, s.speed, s.text)

        pool = ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="reelwright-speak")
        try:
            # The longest first: the last sentences to start are short ones, so the cores finish
            # together instead of one speaking a long sentence alone at the end.
            started = {s: pool.submit(speak, s) for s in sorted(group, key=lambda s: -len(s.text))}
            for sentence in group:
                path = started[sentence].result()
                done += 1
                if spoken is not None:
                    spoken(sentence, path)
                if progress is not None:
                    progress(done / len(todo))
        finally:
            # On an error (or a cancelled job) the sentences not yet started are not spoken.
            pool.shutdown(wait=True, cancel_futures=True)


def voice_storyboard(
    board: Storyboard,
    voice_dir: Path,
    cache_dir: Path | None,
    progress: Callable[[float], None] | None = None,
) -> Storyboard:
    voice_dir.mkdir(parents=True, exist_ok=True)
    scenes = []
    n = len(board.scenes)
    # Every sentence is spoken into the cache first, several at once; the scenes' narrations are
    # then assembled from it (a small share of the time, so 90 % of the progress is the speaking).
    speaking = 0.0
    if cache_dir is not None:
        speaking = 0.9
        speak_all(
            sentences_to_voice(board),
            cache_dir / "tts",
            progress=(lambda f: progress(speaking * f)) if progress else None,
        )
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
            progress(speaking + (1 - speaking) * (i + 1) / n)
    return board.model_copy(update={"scenes": scenes})
