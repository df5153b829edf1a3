"""Speak a voiced storyboard a little faster or slower without synthesising it again.

The length loop (:mod:`reelwright.pipeline.script`) ends with a speaking-rate change of at most
±10 % to land on the asked length. Synthesising every sentence again for that doubled the voice
stage, and the voice stage is the part of a job that one worker does alone before its scenes fan
out over the cluster (decision 0014): it was most of the serial time. A pitch-keeping time stretch
(ffmpeg's ``atempo``, WSOLA) at these ratios is not audible as processing, costs about a
hundredth of a synthesis, and changes every timing by one known factor, so captions and the
presenter's mouth follow exactly.
"""

from __future__ import annotations

import wave
from pathlib import Path

from reelwright.render.ffmpeg import run
from reelwright.storyboard import Scene, SceneAudio, Storyboard

MAX_STRETCH = 0.1  # the length loop's own bound on a speed change


def _seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def _stretched(audio: SceneAudio, ratio: float, out: Path) -> SceneAudio:
    """``audio`` played ``ratio`` times as fast, its pitch kept, its timings scaled to match."""
    tmp = out.with_name(f".{out.name}.tmp.wav")
    src = Path(audio.path)
    run(
        ["-i", str(src), "-filter:a", f"atempo={ratio:.5f}", "-c:a", "pcm_s16le", str(tmp)],
        what="retiming speech",
    )
    tmp.replace(out)
    # Scale by what the filter really produced, not by the asked ratio: WSOLA rounds to its frames.
    factor = _seconds(out) / _seconds(src)
    return SceneAudio(
        path=str(out),
        duration=audio.duration * factor,
        words=[w.model_copy(update={"start": w.start * factor, "end": w.end * factor}) for w in audio.words],
        visemes=[
            v.model_copy(update={"start": v.start * factor, "end": v.end * factor}) for v in audio.visemes
        ],
    )


def _follows_board_speed(scene: Scene) -> bool:
    # A scene with its own pace (a script video's per-scene speed) or a recording keeps it.
    return scene.audio is not None and scene.speech is None and scene.voice_speed is None


def retime_storyboard(board: Storyboard, speed: float, voice_dir: Path) -> Storyboard:
    """``board`` (voiced at ``board.voice_speed``) as if voiced at ``speed``."""
    ratio = speed / board.voice_speed
    if abs(ratio - 1.0) > MAX_STRETCH + 1e-6:
        raise ValueError(f"a stretch of {ratio:.3f} is beyond ±{MAX_STRETCH:.0%}: voice it again instead")
    scenes = []
    for scene in board.scenes:
        if _follows_board_speed(scene):
            assert scene.audio is not None
            out = voice_dir / f"{Path(scene.audio.path).stem}-x{speed:.3f}.wav"
            scene = scene.model_copy(update={"audio": _stretched(scene.audio, ratio, out)})
        scenes.append(scene)
    return board.model_copy(update={"scenes": scenes, "voice_speed": round(speed, 3)})
