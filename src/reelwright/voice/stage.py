"""The voice stage: synthesise every scene's narration and attach audio and timings to it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from reelwright.storyboard import Storyboard
from reelwright.voice.catalogue import get_voice
from reelwright.voice.narrate import narrate


def voice_storyboard(
    board: Storyboard,
    voice_dir: Path,
    cache_dir: Path | None,
    progress: Callable[[float], None] | None = None,
) -> Storyboard:
    voice = get_voice(board.voice)
    voice_dir.mkdir(parents=True, exist_ok=True)
    scenes = []
    n = len(board.scenes)
    for i, scene in enumerate(board.scenes):
        if not scene.narration.strip():
            scenes.append(scene.model_copy(update={"audio": None}))
            continue
        # Name the file by content, so a re-plan that keeps a scene's text keeps its file.
        key = hashlib.sha1(f"{voice.id}|{board.voice_speed}|{scene.narration}".encode()).hexdigest()[:16]
        audio = narrate(
            scene.narration,
            voice.id,
            voice_dir / f"{scene.id}-{key}.wav",
            speed=board.voice_speed,
            cache_dir=cache_dir / "tts" if cache_dir else None,
        )
        scenes.append(scene.model_copy(update={"audio": audio}))
        if progress:
            progress((i + 1) / n)
    return board.model_copy(update={"scenes": scenes})
