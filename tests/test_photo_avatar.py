"""Photo presenters: locating the face, refusing unusable photos, animating without seams, and the
whole path over real HTTP (upload, create, list, preview, render a video with it, delete).

The portrait is a real photograph: NASA's public-domain portrait of astronaut Eileen Collins,
as scikit-image ships it (``skimage.data.astronaut()``), kept here as a small JPEG.
"""

from __future__ import annotations

import io
import itertools
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image, ImageDraw

from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.factory import make_presenter
from reelwright.avatar.photo import PhotoFace, PhotoLook, load_portrait, locate_face, prepare_portrait
from reelwright.avatar.presenter import Pose
from reelwright.avatar.talking_photo import TalkingPhotoRenderer
from reelwright.errors import InputError
from reelwright.ingest.media import probe
from tests.media import ffmpeg_exe, make_wav
from tests.server import Server, wait_done

PORTRAIT = Path(__file__).parent / "data" / "astronaut.jpg"


# -- test photos ----------------------------------------------------------------------------------


def _jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=90)
    return buf.getvalue()


def two_faces() -> Image.Image:
    one = Image.open(PORTRAIT).convert("RGB")
    both = Image.new("RGB", (one.width * 2, one.height))
    both.paste(one, (0, 0))
    both.paste(one.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (one.width, 0))
    return both


def tiny_face() -> Image.Image:
    """The same portrait, far away: its face about 50 pixels wide in a 1000 x 800 photo."""
    canvas = Image.new("RGB", (1000, 800), (200, 196, 190))
    canvas.paste(Image.open(PORTRAIT).convert("RGB").resize((256, 256)), (380, 300))
    return canvas


def no_face() -> Image.Image:
    """A chart: shapes and text, nothing like a face."""
    img = Image.new("RGB", (800, 600), (242, 244, 247))
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((120, 260, 190, 330, 280)):
        draw.rectangle((80 + i * 130, 520 - h, 160 + i * 130, 520), fill=(40 + i * 40, 90, 200 - i * 30))
    draw.ellipse((560, 60, 740, 240), outline=(30, 30, 30), width=6)
    draw.text((80, 40), "Quarterly results", fill=(20, 20, 20))
    return img


@pytest.fixture(scope="module")
def look(tmp_path_factory: pytest.TempPathFactory) -> PhotoLook:
    folder = tmp_path_factory.mktemp("photo")
    face = prepare_portrait(PORTRAIT, folder / "portrait.png")
    return PhotoLook("0" * 32, "Eileen", folder / "portrait.png", face, gender="female")


# -- locating the face ----------------------------------------------------------------------------


def test_locates_the_face_and_its_parts() -> None:
    img = load_portrait(PORTRAIT)
    face = locate_face(img)
    x, y, w, h = face.box
    # Where the face is in this photo (measured by eye): about x 175-275, y 65-165.
    assert 160 < x < 190 and 55 < y < 80 and 85 < w < 115
    (lx, ly), (rx, ry) = face.left_eye, face.right_eye
    assert x < lx < rx < x + w and abs(ly - ry) < 10 and 90 < ly < 115
    assert ly + 25 < face.mouth[1] < face.chin[1] < y + h * 1.35
    assert lx < face.mouth[0] < rx
    assert PhotoFace.from_json(face.to_json()) == face
    print(f"face located in {face.seconds * 1000:.0f} ms by {face.detector}")
    # Warm (cascades loaded), it is fast enough to run inside a request.
    start = time.process_time()  # CPU time: a busy CI machine must not fail it
    locate_face(img)
    assert time.process_time() - start < 2.0


@pytest.mark.parametrize(
    ("make", "says"),
    [(no_face, "no face was found"), (two_faces, "2 faces"), (tiny_face, "too small")],
)
def test_unusable_photos_are_refused(make: object, says: str) -> None:
    assert callable(make)
    with pytest.raises(InputError) as err:
        locate_face(make())
    assert says in str(err.value) and err.value.param == "asset_id"


# -- animating ------------------------------------------------------------------------------------


def _frame(renderer: TalkingPhotoRenderer, pose: Pose) -> np.ndarray:
    size = renderer.size
    return np.frombuffer(renderer.draw(pose), np.uint8).reshape(size, size, 4).astype(int)


def test_talking_photo_moves_only_inside_its_box_and_without_seams(look: PhotoLook) -> None:
    renderer = TalkingPhotoRenderer(look, 480)
    still = _frame(renderer, Pose())
    x, y, w, h = renderer.moving_box()
    assert w % 2 == h % 2 == x % 2 == y % 2 == 0 and w * h < 480 * 480
    extreme = Pose("ah", 1.0, blink=1.0, head_dx=0.01, head_dy=0.01, head_tilt=3.5)
    moved = _frame(renderer, extreme)
    outside = np.ones((480, 480), bool)
    outside[y : y + h, x : x + w] = False
    assert np.array_equal(moved[outside], still[outside])
    # The warp fades out before the box's edge: no step where the moving part meets the still.
    ring = np.zeros((480, 480), bool)
    ring[y : y + h, x : x + w] = True
    ring[y + 2 : y + h - 2, x + 2 : x + w - 2] = False
    ring[:2] = ring[-2:] = ring[:, :2] = ring[:, -2:] = False  # the square's own edge is no seam
    assert np.abs(moved[ring] - still[ring]).max() <= 2
    # draw_moving is that box, opaque over the backdrop.
    back = np.full((h, w, 4), 255, np.uint8)
    part = np.frombuffer(renderer.draw_moving(extreme, back), np.uint8).reshape(h, w, 4)
    assert (part[..., 3] == 255).all()
    # The corners are rounded (transparent), the middle opaque.
    assert still[0, 0, 3] == 0 and still[240, 240, 3] == 255


def test_talking_photo_mouth_and_eyes_move(look: PhotoLook) -> None:
    renderer = TalkingPhotoRenderer(look, 480)
    still = _frame(renderer, Pose())
    mx, my = (round(v) for v in renderer._mouth)
    r = round(renderer._fw * 0.2)
    mouth = (slice(my - r, my + r), slice(mx - r, mx + r))
    opened = _frame(renderer, Pose("ah", 1.0))
    assert (np.abs(opened[mouth] - still[mouth]).max(axis=-1) > 40).mean() > 0.05
    # The open mouth is darker than the closed one; openness 0 is exactly the still photo.
    assert opened[mouth][..., :3].mean() < still[mouth][..., :3].mean() - 5
    assert np.array_equal(_frame(renderer, Pose("ah", 0.0)), still)
    # Round and wide shapes differ.
    assert not np.array_equal(_frame(renderer, Pose("oo", 0.8)), _frame(renderer, Pose("ee", 0.8)))
    # A blink covers the eyes (less of the bright white and dark iris, more skin).
    ex, ey = (round(v) for v in renderer._eyes[0])
    er = round(renderer._eye_r)
    eye = (slice(ey - er // 2, ey + er // 2), slice(ex - er, ex + er))
    shut = _frame(renderer, Pose(blink=1.0))
    assert shut[eye][..., :3].std() < still[eye][..., :3].std()


def test_every_catalogue_look_and_the_photo_render_through_one_factory(look: PhotoLook) -> None:
    for avatar_id in [*AVATARS, look.id]:
        renderer = make_presenter(avatar_id, 96, look)
        view = renderer.draw(Pose("oh", 0.7, blink=0.5))
        assert len(view) == 96 * 96 * 4
    with pytest.raises(InputError):
        make_presenter("nobody", 96, look)


def test_talking_photo_frame_time(look: PhotoLook) -> None:
    renderer = TalkingPhotoRenderer(look, 600)
    *_, w, h = renderer.moving_box()
    back = np.zeros((h, w, 4), np.uint8)
    poses = [Pose("ah", (i % 5) / 4, blink=(i % 4) / 3, head_tilt=2.0, head_dx=0.005) for i in range(20)]
    start = time.process_time()  # CPU time: a busy CI machine must not fail it
    for pose in poses:
        renderer.draw_moving(pose, back)
    ms = (time.process_time() - start) / len(poses) * 1000
    print(f"talking photo at 600 px: {ms:.1f} ms/frame (box {w}x{h})")
    assert ms < 100  # catches gross regressions on a slow CI machine


# -- over HTTP ------------------------------------------------------------------------------------


@dataclass
class Env:
    server: Server
    alice: str
    bob: str


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    srv = Server(tmp_path_factory.mktemp("data"))
    alice, bob = srv.key("alice"), srv.key("bob")
    srv.start()
    try:
        yield Env(srv, alice, bob)
    finally:
        srv.stop()


def _upload(c: httpx.Client, name: str, data: bytes) -> str:
    r = c.post("/v3/assets", files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["asset_id"])


def _create(c: httpx.Client, asset_id: str, **extra: object) -> httpx.Response:
    return c.post("/v3/avatars", json={"type": "photo", "asset_id": asset_id, "name": "Eileen", **extra})


def test_photo_look_is_created_listed_and_deleted(env: Env, tmp_path: Path) -> None:
    with env.server.client(env.alice) as c:
        asset = _upload(c, "eileen.jpg", PORTRAIT.read_bytes())
        r = _create(c, asset, gender="female")
        assert r.status_code == 200, r.text
        created = r.json()["data"]
        look_id = created["id"]
        assert created["avatar_type"] == "photo_avatar" and created["gender"] == "female"
        assert created["default_voice_id"] and created["asset_id"] == asset

        looks = c.get("/v3/avatars/looks").json()["data"]
        by_id = {lk["id"]: lk for lk in looks}
        assert by_id[look_id]["avatar_type"] == "photo_avatar"
        assert {lk["id"] for lk in looks if lk["avatar_type"] == "studio_avatar"} == set(AVATARS)
        for lk in looks:
            assert lk["preview_image_url"].startswith(env.server.base)
        photo_only = c.get("/v3/avatars/looks", params={"avatar_type": "photo_avatar"}).json()["data"]
        assert [lk["id"] for lk in photo_only] == [look_id]
        ava = c.get("/v3/avatars/looks", params={"group_id": "ava"}).json()["data"]
        assert [lk["id"] for lk in ava] == ["ava", "ava_casual"]

        groups = {g["group_id"]: g for g in c.get("/v3/avatars").json()["data"]}
        assert groups[look_id]["avatar_type"] == "photo_avatar"
        assert len([g for g in groups.values() if g["avatar_type"] == "studio_avatar"]) >= 10
        assert groups["ava"]["looks_count"] == 2 and groups["ava"]["default_look_id"] == "ava"

        v2 = c.get("/v2/avatars").json()
        assert v2["error"] is None
        assert [p["talking_photo_id"] for p in v2["data"]["talking_photos"]] == [look_id]
        assert {a["avatar_id"] for a in v2["data"]["avatars"]} == set(AVATARS)

        # The portrait link is signed: it works without a key, and not when tampered with.
        url = by_id[look_id]["preview_image_url"]
        png = httpx.get(url, timeout=30)
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(png.content)).size == (512, 512)
        assert httpx.get(url.replace("sig=", "sig=0"), timeout=30).status_code == 403
        assert c.get(f"/v3/avatars/looks/{look_id}").json()["data"]["id"] == look_id

        # Its preview clip is the photo speaking, drawn on the first request and kept.
        clip_url = by_id[look_id]["preview_video_url"]
        clip = httpx.get(clip_url, timeout=300)
        assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
        (tmp_path / "photo-preview.mp4").write_bytes(clip.content)
        info = probe(tmp_path / "photo-preview.mp4")
        assert info.video is not None and info.audio is not None and info.duration > 1
        assert httpx.get(clip_url, timeout=30).content == clip.content
        assert httpx.get(clip_url.replace("sig=", "sig=0"), timeout=30).status_code == 403

    with env.server.client(env.bob) as other:
        # Another owner neither sees nor uses it.
        assert look_id not in {lk["id"] for lk in other.get("/v3/avatars/looks").json()["data"]}
        assert other.get("/v2/avatars").json()["data"]["talking_photos"] == []
        assert other.get(f"/v3/avatars/looks/{look_id}").status_code == 404
        r = other.post("/v3/video-agents", json={"prompt": "Say hello", "avatar_id": look_id})
        assert r.status_code == 400 and r.json()["error"]["param"] == "avatar_id"
        assert other.delete(f"/v3/avatars/looks/{look_id}").status_code == 404

    with env.server.client(env.alice) as c:
        assert c.delete("/v3/avatars/looks/ava").status_code == 400
        r = c.delete(f"/v3/avatars/looks/{look_id}")
        assert r.status_code == 200 and r.json()["data"] == {"id": look_id, "deleted": True}
        assert c.get(f"/v3/avatars/looks/{look_id}").status_code == 404
        assert c.get("/v2/avatars").json()["data"]["talking_photos"] == []


def test_unusable_photos_are_refused_over_http(env: Env, tmp_path: Path) -> None:
    with env.server.client(env.alice) as c:
        for image, says in ((no_face(), "no face"), (two_faces(), "2 faces"), (tiny_face(), "too small")):
            r = _create(c, _upload(c, "photo.jpg", _jpeg(image)))
            assert r.status_code == 400, r.text
            error = r.json()["error"]
            assert says in error["message"] and error["param"] == "asset_id", error
        # Not a photo, no such asset, not a kind of look that can be created.
        wav = make_wav(tmp_path / "tone.wav", 0.5)
        r = _create(c, _upload(c, "tone.wav", wav.read_bytes()))
        assert r.status_code == 400 and "not a photo" in r.json()["error"]["message"]
        assert _create(c, "0" * 32).status_code == 404
        assert c.post("/v3/avatars", json={"type": "studio", "asset_id": "x"}).status_code in (400, 422)
        assert c.get("/v3/avatars/looks", params={"avatar_type": "photo_avatar"}).json()["data"] == []


def test_catalogue_preview_is_valid_media(env: Env, tmp_path: Path) -> None:
    with env.server.client(env.alice) as c:
        look = c.get("/v3/avatars/looks/marcus_suit").json()["data"]
    image = httpx.get(look["preview_image_url"], timeout=120)
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).size == (512, 512)
    video = httpx.get(look["preview_video_url"], timeout=300)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    (tmp_path / "preview.mp4").write_bytes(video.content)
    info = probe(tmp_path / "preview.mp4")
    assert info.video is not None and info.video.codec == "h264"
    assert (info.video.width, info.video.height) == (540, 540)
    assert info.audio is not None and info.audio.codec == "aac"
    assert info.duration is not None and 2.0 <= info.duration <= 6.0


@pytest.mark.slow
def test_video_with_a_photo_presenter(env: Env, tmp_path: Path) -> None:
    with env.server.client(env.alice) as c:
        look_id = _create(c, _upload(c, "eileen.jpg", PORTRAIT.read_bytes()), gender="female").json()["data"][
            "id"
        ]
        r = c.post(
            "/v3/video-agents",
            json={"prompt": "A 6-second hello from our flight crew", "avatar_id": look_id, "duration_sec": 6},
        )
        assert r.status_code == 200, r.text
        session = wait_done(c, r.json()["data"]["session_id"])
        assert session["status"] == "completed", session
        video = c.get(f"/v3/videos/{session['video_id']}").json()["data"]
    mp4 = tmp_path / "v.mp4"
    mp4.write_bytes(httpx.get(video["video_url"], timeout=60).content)
    info = probe(mp4)
    assert info.video is not None and info.audio is not None
    # Frames from the middle of the video show the photo (the astronaut's orange suit) and the
    # presenter is not frozen: the mouth region changes while she speaks.
    frames = []
    for t in (1.5, 2.0, 2.5, 3.0):
        png = tmp_path / f"f{t}.png"
        subprocess.run(
            [
                ffmpeg_exe(),
                "-loglevel",
                "error",
                "-y",
                "-ss",
                str(t),
                "-i",
                str(mp4),
                "-frames:v",
                "1",
                str(png),
            ],
            check=True,
        )
        frames.append(np.asarray(Image.open(png).convert("RGB")).astype(int))
    r_, g_, b_ = frames[0][..., 0], frames[0][..., 1], frames[0][..., 2]
    orange = (r_ > 180) & (g_ > 60) & (g_ < 140) & (b_ < 90)
    assert orange.mean() > 0.005, "the photo presenter is not in the frame"
    changed = max(np.abs(a - b).max(axis=-1).mean() for a, b in itertools.pairwise(frames))
    assert changed > 0.05


# -- from the command line -------------------------------------------------------------------------


def _render_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "reelwright", "render", *args, "-o", "v.mp4", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def test_cli_photo_is_checked_before_anything_renders(tmp_path: Path) -> None:
    no_face_file = tmp_path / "wall.jpg"
    no_face_file.write_bytes(_jpeg(no_face()))
    for args, says in (
        (["--photo", str(no_face_file)], "no face"),
        (["--photo", str(PORTRAIT), "--avatar", "ava"], "leave out --avatar"),
        (["--photo", str(PORTRAIT), "--photo-gender", "other"], "female or male"),
        (["--photo", str(tmp_path / "missing.jpg")], "does not exist"),
    ):
        out = _render_cli(tmp_path, "Say hello", *args)
        assert out.returncode == 2 and says in out.stderr, out.stderr
    assert not list(tmp_path.glob("v.*"))


@pytest.mark.slow
def test_cli_renders_a_talking_photo(tmp_path: Path) -> None:
    out = _render_cli(tmp_path, "A 6-second hello from our new team lead", "--photo", str(PORTRAIT))
    assert out.returncode == 0, out.stderr
    frames = []
    for t in ("1.0", "1.4"):
        png = tmp_path / f"f{t}.png"
        subprocess.run(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-ss",
                t,
                "-i",
                str(tmp_path / "v.mp4"),
                "-frames:v",
                "1",
                str(png),
            ],
            check=True,
        )
        frames.append(np.asarray(Image.open(png).convert("RGB")).astype(np.int16))
    # The portrait's orange suit is on screen, and the face moves between the two frames.
    orange = np.abs(frames[0] - np.array((230, 90, 40))).max(axis=-1) <= 45
    assert np.count_nonzero(orange) > 5000
    assert np.abs(frames[0] - frames[1]).max() > 40
