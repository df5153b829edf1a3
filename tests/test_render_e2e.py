"""End to end: render real storyboards and check the files the way a viewer's player would.

Probing uses PyAV (libav itself: the same library ffprobe is a front end for).
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reelwright import pipeline
from reelwright.ingest.media import MediaInfo, extract_frame, probe
from reelwright.plan.offline import OfflinePlanner
from reelwright.render.compose import EncodeSettings
from reelwright.render.layout import frame_for
from reelwright.render.previews import loop_blend, write_gif
from reelwright.render.scenes import SceneRenderer
from reelwright.render.timeline import build_timeline
from reelwright.request import VideoRequest
from reelwright.storyboard import BulletSlide, ImageScene, PdfPage, Scene, Storyboard, TitleCard, VideoClip
from reelwright.styles.catalogue import get_style
from tests.media import make_jpeg, make_pdf, make_video, make_wav

pytestmark = pytest.mark.slow


def _srt_cues(text: str) -> list[tuple[float, float, str]]:
    def secs(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        start, end = lines[1].split(" --> ")
        cues.append((secs(start), secs(end), " ".join(lines[2:])))
    return cues


def _check_av(info: MediaInfo, size: tuple[int, int]) -> None:
    assert info.video is not None and info.audio is not None
    assert info.video.codec == "h264"
    assert info.video.pix_fmt == "yuv420p"
    assert (info.video.width, info.video.height) == size
    assert info.video.fps is not None and abs(info.video.fps - 30) < 0.01
    assert info.audio.codec == "aac"
    assert info.video.duration is not None and info.audio.duration is not None
    # Streams of equal length: A/V in sync within 50 ms.
    assert abs(info.video.duration - info.audio.duration) < 0.05


def _faststart(path: Path) -> bool:
    head = path.read_bytes()[:4096]
    moov, mdat = head.find(b"moov"), head.find(b"mdat")
    return moov != -1 and (mdat == -1 or moov < mdat)


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.JobResult, Path, Storyboard]:
    d = tmp_path_factory.mktemp("landscape")
    pdf = make_pdf(d / "deck.pdf", [("Roadmap", ["Beta in October", "Launch in November"])])
    photo = make_jpeg(d / "photo.jpg", 1200, 800)
    clip = make_video(d / "clip.mp4", 1.0, 320, 240)
    music = make_wav(d / "music.wav", 2.0, freq=330.0)
    board = Storyboard(
        title="Render Test",
        avatar="ava",
        music={"source": str(music)},  # type: ignore[arg-type]
        scenes=[
            Scene(
                id="intro",
                narration="Hello and welcome. This is a quick test.",
                presenter="full",
                visual=TitleCard(heading="Render Test", subheading="Checking every output"),
            ),
            Scene(
                id="points",
                narration="Here are two points.",
                presenter="side",
                visual=BulletSlide(heading="Two points", bullets=["The first point", "The second point"]),
            ),
            Scene(
                id="deck",
                narration="This page shows the roadmap.",
                presenter="pip",
                visual=PdfPage(source=str(pdf), page=1),
            ),
            Scene(
                id="photo",
                narration="A photo, zooming in.",
                presenter="pip",
                visual=ImageScene(source=str(photo), caption="A photo"),
            ),
            Scene(
                id="clip",
                narration="And a clip.",
                presenter="pip",
                pause_after=1.0,
                visual=VideoClip(source=str(clip)),
            ),
        ],
    )
    sb = d / "in.json"
    sb.write_text(board.to_json())
    out = d / "out"
    out.mkdir()
    result = pipeline.run(
        pipeline.RenderJob(output=out / "video.mp4", storyboard=sb, storyboard_out=out / "video.json")
    )
    return result, out, result.storyboard


def test_outputs_exist_and_nothing_else(landscape: tuple[pipeline.JobResult, Path, Storyboard]) -> None:
    _, out, _ = landscape
    names = sorted(p.name for p in out.iterdir())
    assert names == ["video.captioned.mp4", "video.gif", "video.jpg", "video.json", "video.mp4", "video.srt"]


def test_video_streams(landscape: tuple[pipeline.JobResult, Path, Storyboard]) -> None:
    result, out, board = landscape
    for name in ("video.mp4", "video.captioned.mp4"):
        info = probe(out / name)
        _check_av(info, (1920, 1080))
        assert _faststart(out / name)
        assert info.duration is not None and abs(info.duration - result.duration) < 0.1
    timeline = build_timeline(board, get_style(board.style).transition_seconds)
    assert abs(result.duration - timeline.duration) < 1e-6


def test_captions_ordered_and_inside(landscape: tuple[pipeline.JobResult, Path, Storyboard]) -> None:
    result, out, board = landscape
    cues = _srt_cues((out / "video.srt").read_text())
    assert len(cues) >= 5
    for (s1, e1, _), (s2, _e2, _) in itertools.pairwise(cues):
        assert s1 < e1 <= s2
    assert cues[-1][1] <= result.duration
    spoken = " ".join(t for _, _, t in cues)
    assert spoken == " ".join(s.narration for s in board.scenes)


def _scene_renderer(board: Storyboard) -> SceneRenderer:
    """The renderer a voiced storyboard is drawn with (its timeline, moment and preview frames)."""
    return SceneRenderer.prepare(
        board,
        np.zeros(build_timeline(board, get_style(board.style).transition_seconds).n_frames),
        EncodeSettings(),
    )


def test_thumbnail_and_gif(landscape: tuple[pipeline.JobResult, Path, Storyboard]) -> None:
    _, out, _ = landscape
    with Image.open(out / "video.jpg") as thumb:
        assert thumb.format == "JPEG" and thumb.width == 1280
    with Image.open(out / "video.gif") as gif:
        assert gif.format == "GIF" and gif.width <= 480
        frames = getattr(gif, "n_frames", 1)
        total_ms = 0
        for i in range(frames):
            gif.seek(i)
            total_ms += gif.info.get("duration", 100)
        assert frames > 10 and total_ms <= 6000


def test_previews_start_on_key_frames(landscape: tuple[pipeline.JobResult, Path, Storyboard]) -> None:
    """The thumbnail and the GIF decode from a key frame at their moment, not from up to 250
    frames before it: both moments are key frames of the plain copy, and the thumbnail is the
    frame at its moment."""
    import av

    _, out, board = landscape
    renderer = _scene_renderer(board)
    wanted = set(renderer.preview_frames())
    with av.open(str(out / "video.mp4")) as container:
        stream = container.streams.video[0]
        keys = {
            round(float(p.pts * stream.time_base) * 30)
            for p in container.demux(stream)
            if p.is_keyframe and p.pts is not None
        }
    assert wanted <= keys, (wanted, sorted(keys))
    thumb_at = renderer.moment.thumbnail
    frame = extract_frame(out / "video.mp4", thumb_at)
    with Image.open(out / "video.jpg") as thumb:
        small = np.asarray(
            frame.convert("RGB").resize(thumb.size, Image.Resampling.LANCZOS), dtype=np.float32
        )
        assert np.abs(np.asarray(thumb.convert("RGB"), dtype=np.float32) - small).mean() < 4


def test_gif_made_from_its_scene_is_the_videos_own(tmp_path: Path) -> None:
    """The GIF is made from the plain segment of the scene holding its moment while later scenes
    render; it must be the GIF the finished video gives at that moment, byte for byte."""
    board = Storyboard(
        title="Previews",
        avatar="ava",
        scenes=[
            Scene(id="intro", narration="Hello.", presenter="full", visual=TitleCard(heading="Previews")),
            Scene(
                id="points",
                narration="Three things stand out this quarter. Exports are faster, the dashboard "
                "has a new design, and the mobile app is out, which many of you have already tried.",
                presenter="side",
                visual=BulletSlide(heading="This quarter", bullets=["Faster exports", "A new dashboard"]),
            ),
            Scene(
                id="close",
                narration="Thanks for watching.",
                presenter="full",
                visual=TitleCard(heading="Bye"),
            ),
        ],
    ).with_output("720p")
    sb = tmp_path / "in.json"
    sb.write_text(board.to_json())
    result = pipeline.run(pipeline.RenderJob(output=tmp_path / "video.mp4", storyboard=sb))
    voiced = result.storyboard
    renderer = _scene_renderer(voiced)
    moment, fps = renderer.moment, voiced.fps
    gif_end = moment.gif_start + moment.gif_seconds + loop_blend(moment.gif_seconds)
    holders = [
        t for t in renderer.timeline.scenes if t.start(fps) <= moment.gif_start and gif_end <= t.end(fps)
    ]
    assert [t.index for t in holders] == [1], (moment, renderer.timeline.scenes)
    again = tmp_path / "again.gif"
    write_gif(
        tmp_path / "video.mp4", again, start=moment.gif_start, seconds=moment.gif_seconds, portrait=False
    )
    assert again.read_bytes() == (tmp_path / "video.gif").read_bytes()


def test_captions_burned_only_in_captioned_copy(
    landscape: tuple[pipeline.JobResult, Path, Storyboard],
) -> None:
    _result, out, _board = landscape
    frame = frame_for(1920, 1080, "side")
    # Halfway through the first caption, so the caption is certainly on screen.
    start, end, _text = _srt_cues((out / "video.srt").read_text())[0]
    t = (start + end) / 2
    plain = np.asarray(extract_frame(out / "video.mp4", t).convert("L"), dtype=np.int16)
    captioned = np.asarray(extract_frame(out / "video.captioned.mp4", t).convert("L"), dtype=np.int16)
    box = frame.caption_box
    region = (slice(box.y - 40, box.bottom + 40), slice(box.x, box.right))
    assert np.abs(plain[region] - captioned[region]).mean() > 3  # the caption is there
    top = (slice(0, 300), slice(0, 1920))
    assert np.abs(plain[top] - captioned[top]).mean() < 2  # and nowhere else


def test_slide_text_inside_frame(landscape: tuple[pipeline.JobResult, Path, Storyboard]) -> None:
    _result, out, board = landscape
    timeline = build_timeline(board, get_style(board.style).transition_seconds)
    points = timeline.scenes[1]
    img = np.asarray(
        extract_frame(out / "video.mp4", (points.start_frame + points.n_frames - 3) / 30).convert("L")
    )
    frame = frame_for(1920, 1080, "side")
    c = frame.content
    card = img[c.y + 20 : c.bottom - 20, c.x + 20 : c.right - 20]
    dark = card < 100  # text on the white card
    assert dark.mean() > 0.01
    # Nothing dark touches the card's inner edges: the text was laid out inside it.
    assert not dark[:, -5:].any() and not dark[-5:, :].any()


def test_presenter_mouth_moves_only_while_speaking(
    landscape: tuple[pipeline.JobResult, Path, Storyboard],
) -> None:
    _result, out, board = landscape
    from reelwright.avatar.presenter import mouth_box

    timeline = build_timeline(board, get_style(board.style).transition_seconds)
    clip = timeline.scenes[4]
    frame = frame_for(1920, 1080, "pip")
    assert frame.presenter is not None
    mx, my, mw, mh = mouth_box(frame.presenter.w)
    x0, y0 = frame.presenter.x + mx, frame.presenter.y + my

    def mouth(t: float) -> np.ndarray:
        img = np.asarray(extract_frame(out / "video.mp4", t).convert("L"), dtype=np.int16)
        return img[y0 - 6 : y0 + mh + 6, x0 - 6 : x0 + mw + 6]

    speech_start = clip.speech_start
    speaking = [mouth(speech_start + 0.1 + 0.1 * i) for i in range(6)]
    silent_from = speech_start + clip.speech_duration + 0.3
    silent = [mouth(silent_from + 0.1 * i) for i in range(5)]
    moving = max(np.abs(a - b).mean() for a, b in itertools.pairwise(speaking))
    still = max(np.abs(a - b).mean() for a, b in itertools.pairwise(silent))
    assert moving > 4 * max(still, 0.5), (moving, still)


def test_storyboard_out_rerenders_deterministically(
    landscape: tuple[pipeline.JobResult, Path, Storyboard], tmp_path: Path
) -> None:
    result, out, _ = landscape
    again = pipeline.run(pipeline.RenderJob(output=tmp_path / "again.mp4", storyboard=out / "video.json"))
    assert abs(again.duration - result.duration) < 1e-6
    assert (tmp_path / "again.srt").read_text() == (out / "video.srt").read_text()


def test_portrait_without_presenter(tmp_path: Path) -> None:
    board = Storyboard(
        title="Portrait",
        orientation="portrait",
        style="keynote",
        avatar=None,
        scenes=[
            Scene(id="a", narration="A vertical video.", visual=TitleCard(heading="Vertical")),
            Scene(
                id="b", narration="With a list.", visual=BulletSlide(heading="List", bullets=["One", "Two"])
            ),
        ],
    )
    sb = tmp_path / "p.json"
    sb.write_text(board.to_json())
    result = pipeline.run(pipeline.RenderJob(output=tmp_path / "p.mp4", storyboard=sb))
    info = probe(result.video)
    _check_av(info, (1080, 1920))
    with Image.open(result.gif) as gif:
        assert gif.width <= 480 and gif.height > gif.width


def test_prompt_to_video_honours_duration(tmp_path: Path) -> None:
    # A brief with enough to say: the offline planner never pads a bare topic, and a short script
    # is no longer stretched with seconds of dead air (test_timeline.py).
    request = VideoRequest(
        prompt=(
            "A 12-second vertical teaser about our bakery. Our sourdough is baked fresh every morning. "
            "Croissants come out of the oven at eight. Coffee comes from the roaster next door. "
            "Every loaf is shaped by hand. Upbeat tone."
        )
    )
    result = pipeline.run(pipeline.RenderJob(output=tmp_path / "p.mp4", request=request), OfflinePlanner())
    assert result.storyboard.orientation == "portrait"
    assert abs(result.duration - 12) / 12 <= 0.10, result.duration
    info = probe(result.video)
    _check_av(info, (1080, 1920))
    assert re.search(r"bakery", (tmp_path / "p.srt").read_text())
    shutil.rmtree(tmp_path, ignore_errors=True)
