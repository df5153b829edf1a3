"""A long video rendered scene by scene (each scene in its own folder, from nothing but the voiced
storyboard and the narration's loudness, as a worker on another machine would) and joined, against
the same storyboard rendered in one task: same length and frames, and no seam at any boundary."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from reelwright.ingest.media import probe
from reelwright.pipeline.segments import finish, prepare_soundtrack, render_scene
from reelwright.render.compose import EncodeSettings
from reelwright.render.ffmpeg import ffmpeg_exe
from reelwright.render.scenes import SceneRenderer, read_envelope
from reelwright.render.video import render_video
from reelwright.storyboard import BulletSlide, ImageScene, Scene, Storyboard, TitleCard
from reelwright.voice.stage import voice_storyboard
from tests.media import make_jpeg

pytestmark = pytest.mark.slow

SMALL = (480, 270)


def _frames(video: Path, indices: list[int]) -> dict[int, np.ndarray]:
    """The frames numbered ``indices`` (from 0), shrunk to 480×270 RGB."""
    pick = "+".join(f"eq(n\\,{i})" for i in indices)
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(video),
            "-vf",
            f"select='{pick}',scale={SMALL[0]}:{SMALL[1]}",
            "-fps_mode",
            "passthrough",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    size = SMALL[0] * SMALL[1] * 3
    assert len(raw) == size * len(indices), (len(raw), len(indices))
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(len(indices), SMALL[1], SMALL[0], 3)
    return {i: frames[k].astype(np.int16) for k, i in enumerate(sorted(indices))}


def _silences(video: Path) -> list[tuple[float, float]]:
    err = subprocess.run(
        [ffmpeg_exe(), "-i", str(video), "-af", "silencedetect=noise=-45dB:d=0.4", "-vn", "-f", "null", "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    starts = [float(v) for v in re.findall(r"silence_start: ([\d.]+)", err)]
    ends = [float(v) for v in re.findall(r"silence_end: ([\d.]+)", err)]
    return list(zip(starts, ends + [float("inf")] * (len(starts) - len(ends)), strict=True))


def _cues(srt: str) -> list[tuple[float, float, str]]:
    def secs(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    out = []
    for block in srt.strip().split("\n\n"):
        lines = block.splitlines()
        start, end = lines[1].split(" --> ")
        out.append((secs(start), secs(end), " ".join(lines[2:])))
    return out


@pytest.fixture(scope="module")
def voiced(tmp_path_factory: pytest.TempPathFactory) -> Storyboard:
    d = tmp_path_factory.mktemp("voiced")
    photo = make_jpeg(d / "photo.jpg", 1200, 800)
    board = Storyboard(
        title="Fan-out Test",
        avatar="ava",
        style="clean",  # crossfades between scenes
        scenes=[
            Scene(
                id="intro",
                narration="Welcome to the quarterly review.",
                presenter="side",
                visual=TitleCard(heading="Quarterly review", subheading="Four scenes, many workers"),
            ),
            Scene(
                id="points",
                # Its bullets appear as the narration says them; the presenter stays in place.
                narration="Sales grew in every region. Costs fell as well.",
                presenter="side",
                visual=BulletSlide(heading="Highlights", bullets=["Sales grew", "Costs fell"]),
            ),
            Scene(
                id="photo",
                narration="Here is the new office, zooming in.",
                presenter="side",
                visual=ImageScene(source=str(photo), caption="The office"),
            ),
            Scene(
                id="close",
                # No presenter: a still slide that pushes in, crossfading from a zooming picture.
                narration="Thanks for watching.",
                presenter="none",
                visual=BulletSlide(heading="Next steps", bullets=["Hire", "Ship"]),
            ),
        ],
    )
    return voice_storyboard(board, d / "voice", d / "cache")


def test_scene_by_scene_render_joins_without_seams(voiced: Storyboard, tmp_path: Path) -> None:
    single_dir = tmp_path / "single"
    single_dir.mkdir()
    single = render_video(voiced, single_dir, "out")

    # The fan-out: the soundtrack once, each scene in a folder of its own (nothing shared but
    # the storyboard and the loudness file), then the join.
    lead = tmp_path / "lead"
    lead.mkdir()
    sound = prepare_soundtrack(voiced, lead)
    plain, captioned = [], []
    for i in reversed(range(len(voiced.scenes))):  # any order: no scene waits for another
        work = tmp_path / f"scene{i}"
        work.mkdir()
        seg = render_scene(voiced, sound.envelope, i, work)
        plain.insert(0, seg.plain)
        captioned.insert(0, seg.captioned)
    join = tmp_path / "join"
    join.mkdir()
    fanned = finish(voiced, sound.envelope, plain, captioned, sound.audio, join)

    # The frame a scene task draws for the previous scene's end is the one the one-task render
    # crossfades from (read back from the encoded segment there: the same up to the encoder's loss).
    board_w, board_h = voiced.width, voiced.height  # measured: 0.06 to 0.3 / 255 apart
    scenes = SceneRenderer.prepare(voiced, read_envelope(sound.envelope), EncodeSettings.from_env())
    for i in range(1, len(voiced.scenes)):
        work = tmp_path / f"tail{i}"
        work.mkdir()
        drawn = scenes.previous_last_frame(i, work)
        assert drawn is not None
        # Raw yuva420p: the Y, U and V planes, then an opaque alpha plane.
        colour = board_w * board_h * 3 // 2
        mine = np.frombuffer(drawn.read_bytes(), np.uint8)
        theirs = single_dir / f"seg{i - 1:03d}.last.yuva"
        one_task = np.frombuffer(theirs.read_bytes(), np.uint8)
        assert len(mine) == len(one_task) == board_w * board_h * 5 // 2
        assert (mine[colour:] == 255).all()
        diff = float(np.abs(mine[:colour].astype(np.int16) - one_task[:colour]).mean())
        assert diff < 1.5, (i - 1, diff)

    a, b = probe(single.video), probe(fanned.video)
    assert a.video is not None and b.video is not None and b.audio is not None
    assert b.video.codec == "h264" and b.audio.codec == "aac"
    assert abs(a.duration - b.duration) < 0.01
    assert a.video.frames == b.video.frames
    assert b.video.duration is not None and b.audio.duration is not None
    assert abs(b.video.duration - b.audio.duration) < 0.05

    timeline = SceneRenderer.timeline_of(voiced)
    boundaries = [t.start_frame for t in timeline.scenes[1:]]
    assert len(boundaries) == 3
    # Every boundary blends (the presenter never moves between scenes, which would cut).
    assert all(t.transition_frames > 0 for t in timeline.scenes[1:])
    wanted = sorted({f for b_ in boundaries for f in (b_ - 1, b_, b_ + 1)})
    for kind, ref, got in (
        ("plain", single.video, fanned.video),
        ("captioned", single.captioned, fanned.captioned),
    ):
        one, many = _frames(ref, wanted), _frames(got, wanted)
        for f in boundaries:
            for g in (f - 1, f, f + 1):
                # The same picture as the one-task render, frame for frame, at every boundary ...
                same = float(np.abs(one[g] - many[g]).mean())
                assert same < 1.0, (kind, g, same)
            # ... and no jump: the incoming scene starts from the outgoing scene's last frame.
            jump = float(np.abs(many[f] - many[f - 1]).mean())
            assert jump < 8.0, (kind, f, jump)
            assert many[f].mean() > 20, (kind, f)  # not a black frame

    # Audio: the soundtrack is built once for the whole video, so the boundaries add no silence.
    assert _silences(fanned.video) == _silences(single.video)
    # And each pause at a boundary is the one the timeline puts between the two sentences (the
    # tail after a scene's last word and the lead before the next), not 0.4 s longer.
    for before, after in itertools.pairwise(timeline.scenes):
        t = after.start_frame / timeline.fps
        planned = after.speech_start - (before.speech_start + before.speech_duration)
        for start, end in _silences(fanned.video):
            if start <= t <= end:
                assert end - start <= planned + 0.4, (start, end, t, planned)

    # Captions: the same cues, in order, none overlapping, none lost at a boundary.
    cues = _cues(fanned.subtitles.read_text(encoding="utf-8"))
    assert cues == _cues(single.subtitles.read_text(encoding="utf-8"))
    words = " ".join(c[2] for c in cues).lower()
    for scene in voiced.scenes:
        assert scene.narration.split()[0].lower() in words
    for (_, end, _), (start, _, _) in itertools.pairwise(cues):
        assert start >= end - 1e-6
    assert fanned.thumbnail.stat().st_size > 0 and fanned.gif.stat().st_size > 0


def test_only_long_videos_of_several_scenes_fan_out(voiced: Storyboard, tmp_path: Path) -> None:
    """Short videos keep rendering in one task: the fan-out's threshold is scenes and seconds."""
    from types import SimpleNamespace
    from typing import Any, cast

    from reelwright.config import Settings
    from reelwright.jobs.fanout import QueueFanOut

    def fan(**options: Any) -> QueueFanOut:
        settings = Settings(data_dir=tmp_path, **options)
        return QueueFanOut(cast(Any, SimpleNamespace(settings=settings)), cast(Any, None), None)

    seconds = SceneRenderer.timeline_of(voiced).duration
    assert len(voiced.scenes) == 4 and seconds < 60
    assert not fan().wants(voiced, seconds)  # the defaults: 4 scenes and 60 s
    assert fan(fanout_min_seconds=0).wants(voiced, seconds)
    assert not fan(fanout_min_seconds=0, fanout_min_scenes=5).wants(voiced, seconds)
    assert not fan(fanout_min_seconds=0, fanout=False).wants(voiced, seconds)
