"""A look's preview: a portrait still and a short clip of the presenter saying hello.

The preview cache (reelwright.previews) calls ``render_look_preview`` once per look and keeps the
files. The clip is rendered the way a video is (the same speech, visemes, loudness envelope and
motion track), so what a user previews is what they get.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image

from reelwright.avatar.catalogue import get_avatar
from reelwright.avatar.factory import make_presenter
from reelwright.avatar.gestures import SpokenWord
from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.photo import PhotoLook
from reelwright.avatar.presenter import Pose
from reelwright.previews.voice import narrate_levelled
from reelwright.render import ffmpeg
from reelwright.voice.mix import speech_envelope

STILL_PX: Final = 512
CLIP_PX: Final = 540  # a square 540p clip: small, sharp enough for a catalogue card
FPS: Final = 25
LINE: Final = "Hi, I'm {name}. Let's make your next video together."
_TOP, _BOTTOM = (236, 240, 245), (204, 212, 224)  # a soft studio backdrop


def backdrop(size: int) -> npt.NDArray[np.uint8]:
    """An opaque vertical gradient, RGBA, ``size`` x ``size``."""
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)[:, None, None]
    rgb = np.asarray(_TOP, np.float32) * (1 - t) + np.asarray(_BOTTOM, np.float32) * t
    out = np.empty((size, size, 4), np.uint8)
    out[..., :3] = np.broadcast_to(rgb, (size, size, 3)).astype(np.uint8)
    out[..., 3] = 255
    return out


def render_look_preview(look_id: str, out_dir: Path, photo: PhotoLook | None = None) -> None:
    """Write ``out_dir/"image.png"`` (512 px still) and ``out_dir/"video.mp4"`` (540 px, a few
    seconds of the look speaking, H.264 yuv420p + AAC). ``photo`` renders a photo look."""
    if photo is not None and photo.id == look_id:
        name, voice = photo.name, photo.default_voice or "en_US-joe"
    else:
        info = get_avatar(look_id)
        name, voice = info.name, info.default_voice
    out_dir.mkdir(parents=True, exist_ok=True)

    still = make_presenter(look_id, STILL_PX, photo)
    frame = np.frombuffer(still.draw(Pose(), backdrop(STILL_PX)), np.uint8).reshape(STILL_PX, STILL_PX, 4)
    Image.fromarray(frame[..., :3].copy(), "RGB").save(out_dir / "image.png", optimize=True)

    with tempfile.TemporaryDirectory(prefix="look-preview-") as tmp:
        audio, samples, rate, speech = narrate_levelled(LINE.format(name=name), voice, Path(tmp))
        n = max(1, round(audio.duration * FPS))
        track = PresenterTrack(
            fps=FPS,
            n_frames=n,
            visemes=[(v.start, v.end, v.viseme) for v in audio.visemes],
            loudness=speech_envelope(samples, rate, FPS, n).astype(np.float32),
            seed=len(look_id),
            words=[SpokenWord(w.word, w.start, w.end) for w in audio.words],
        )
        renderer = make_presenter(look_id, CLIP_PX, photo)
        back = backdrop(CLIP_PX)
        args = [
            *("-f", "rawvideo", "-pixel_format", "rgba", "-video_size", f"{CLIP_PX}x{CLIP_PX}"),
            *("-framerate", str(FPS), "-i", "pipe:0", "-i", str(speech)),
            *("-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "medium", "-crf", "23"),
            *("-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest"),
            *("-movflags", "+faststart", str(out_dir / "video.mp4")),
        ]
        proc = ffmpeg.Piped(args, what=f"rendering the preview of {look_id}")
        try:
            for i in range(n):
                proc.write(renderer.draw(track.pose_at(i), back))
        except BaseException:
            proc.kill()
            raise
        proc.finish()
