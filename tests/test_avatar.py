"""Presenter drawing and motion: every avatar draws, the mouth and eyes move, tracks are stable."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from reelwright.avatar.catalogue import AVATARS, DEFAULT_VOICES, GROUPS, get_avatar, pick_avatar
from reelwright.avatar.face import EYE_DX, EYE_Y, MOUTH_Y
from reelwright.avatar.motion import PresenterTrack
from reelwright.avatar.presenter import DESIGN, Pose, PresenterRenderer
from reelwright.errors import InputError
from reelwright.voice.catalogue import VOICES
from reelwright.voice.visemes import VISEMES


def _pixels(renderer: PresenterRenderer, pose: Pose) -> np.ndarray:
    view = renderer.draw(pose)
    return np.frombuffer(view, dtype=np.uint8).reshape(renderer.size, renderer.size, 4).copy()


def _region(img: np.ndarray, cx: float, cy: float, half_w: float, half_h: float) -> np.ndarray:
    """A box in design units (the bust is 1000 wide) cut from an image of any size."""
    k = img.shape[0] / DESIGN
    return img[
        int((cy - half_h) * k) : int((cy + half_h) * k), int((cx - half_w) * k) : int((cx + half_w) * k)
    ]


def test_catalogue_has_distinct_presenters() -> None:
    assert len(GROUPS) >= 10
    assert {g.gender for g in GROUPS.values()} == {"female", "male"}
    assert {g.age for g in GROUPS.values()} == {"young adult", "adult", "senior"}
    assert sum(len(g.look_ids) > 1 for g in GROUPS.values()) >= 3  # outfit changes
    # The ids from before looks existed are still valid, each its person's default look.
    for old in ("ava", "marcus", "lena", "hiro", "grace", "noor"):
        assert GROUPS[old].look_ids[0] == old == AVATARS[old].group_id
    for avatar_id, info in AVATARS.items():
        assert info.id == avatar_id
        assert avatar_id in GROUPS[info.group_id].look_ids
        assert info.gender == GROUPS[info.group_id].gender
        assert info.default_voice in VOICES
        assert info.tones and info.look_name
        assert info.description and "\n" not in info.description
    assert set(DEFAULT_VOICES.values()) <= set(VOICES)
    assert get_avatar("ava").name == "Ava"


def test_pick_avatar_matches_voice_tone_and_orientation() -> None:
    for gender in ("female", "male"):
        for orientation in ("landscape", "portrait"):
            for tone in ("friendly", "upbeat", "formal", "calm"):
                picked = {
                    pick_avatar(gender=gender, orientation=orientation, tone=tone, seed=s) for s in "abcdefgh"
                }
                for look_id in picked:
                    info = AVATARS[look_id]
                    assert info.gender == gender and look_id == GROUPS[info.group_id].look_ids[0]
                    assert tone in info.tones
    assert pick_avatar(seed="same prompt") == pick_avatar(seed="same prompt")
    assert len({pick_avatar(seed=str(i)) for i in range(40)}) >= 5  # everyone gets airtime


def test_unknown_avatar_lists_choices() -> None:
    with pytest.raises(InputError) as err:
        get_avatar("nobody")
    assert err.value.param == "avatar_id"
    assert "ava" in str(err.value)
    with pytest.raises(InputError):
        PresenterRenderer("nobody", 64)


@pytest.mark.parametrize("size", [720, 360])
@pytest.mark.parametrize("avatar_id", list(AVATARS))
def test_every_avatar_draws(avatar_id: str, size: int) -> None:
    renderer = PresenterRenderer(avatar_id, size)
    img = _pixels(renderer, Pose())
    assert img.shape == (size, size, 4)
    alpha = img[..., 3]
    # Transparent margin above the hair and at the top corners; the torso meets the bottom edge.
    assert alpha[: size // 50].max() == 0
    assert alpha[size // 2, 0] == 0 or avatar_id != "lena"
    assert alpha[-1, size // 2] == 255
    assert alpha[-1, size // 4] == 255
    # Premultiplied: no colour channel exceeds its alpha.
    assert (img[..., :3].max(axis=-1) <= alpha).all()
    # Every viseme draws at several openings.
    for viseme in VISEMES:
        for openness in (0.3, 1.0):
            renderer.draw(Pose(viseme, openness))


def test_draw_returns_view_of_reused_buffer() -> None:
    renderer = PresenterRenderer("ava", 128)
    first = renderer.draw(Pose())
    second = renderer.draw(Pose("ah", 1.0))
    assert len(first) == 128 * 128 * 4
    assert first.readonly
    assert first.obj is second.obj  # the same pixels, not a new allocation per frame


def test_mouth_moves_with_viseme_and_openness() -> None:
    for avatar_id in AVATARS:
        renderer = PresenterRenderer(avatar_id, 360)
        rest = _region(_pixels(renderer, Pose()), 500, MOUTH_Y + 10, 70, 45).astype(int)
        ah = _region(_pixels(renderer, Pose("ah", 1.0)), 500, MOUTH_Y + 10, 70, 45).astype(int)
        changed = (np.abs(rest - ah).max(axis=-1) > 40).mean()
        assert changed > 0.15, f"{avatar_id}: mouth barely changes ({changed:.1%})"
        # Openness 0 closes the lips whatever the viseme.
        closed = _region(_pixels(renderer, Pose("ah", 0.0)), 500, MOUTH_Y + 10, 70, 45).astype(int)
        assert np.array_equal(closed, rest)


def test_visemes_are_distinguishable() -> None:
    renderer = PresenterRenderer("ava", 360)
    shapes = {
        v: _region(_pixels(renderer, Pose(v, 1.0)), 500, MOUTH_Y + 10, 70, 45).astype(int) for v in VISEMES
    }
    for a in VISEMES:
        for b in VISEMES:
            if a < b:
                assert np.abs(shapes[a] - shapes[b]).sum() > 0, f"{a} and {b} draw the same mouth"


def test_blink_closes_the_eyes() -> None:
    renderer = PresenterRenderer("hiro", 360)
    for side in (-1, 1):
        cx = 500 + side * EYE_DX
        open_ = _region(_pixels(renderer, Pose()), cx, EYE_Y, 30, 18).astype(int)
        shut = _region(_pixels(renderer, Pose(blink=1.0)), cx, EYE_Y, 30, 18).astype(int)
        assert (np.abs(open_ - shut).max(axis=-1) > 40).mean() > 0.15
        # A closed eye shows no white of the eye.
        assert (shut[..., :3].min(axis=-1) > 235).sum() == 0


def test_avatars_differ() -> None:
    images = {a: _pixels(PresenterRenderer(a, 180), Pose()).astype(int) for a in AVATARS}
    ids = list(images)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            differing = (np.abs(images[a] - images[b]).max(axis=-1) > 30).mean()
            same_person = AVATARS[a].group_id == AVATARS[b].group_id
            # Different people differ all over; one person's looks differ in the outfit.
            least = 0.08 if same_person else 0.2
            assert differing > least, f"{a} and {b} look too alike ({differing:.1%} of pixels differ)"


def test_head_moves_and_shoulders_breathe() -> None:
    renderer = PresenterRenderer("marcus", 360)
    still = _pixels(renderer, Pose())
    moved = _pixels(renderer, Pose(head_dx=0.01, head_tilt=3))
    assert not np.array_equal(still, moved)
    # Breathing moves the torso but never uncovers the bottom edge.
    breath = _pixels(renderer, Pose(shoulder_dy=-0.01))
    assert breath[-1, 180, 3] == 255
    assert not np.array_equal(still[300:], breath[300:])
    # A shrug lifts the shoulders' outline; a lean lifts one more than the other.
    shrug = _pixels(renderer, Pose(shoulder_lift=0.015))
    lean = _pixels(renderer, Pose(shoulder_lift=0.008, shoulder_tilt=0.008))
    top = slice(200, 300)
    assert (shrug[top, :, 3].astype(int) - still[top, :, 3]).sum() > 0
    assert not np.array_equal(lean[top, :180], lean[top, 180:][:, ::-1])


@pytest.mark.parametrize("avatar_id", ["ava", "noor", "daniel"])
def test_everything_that_moves_is_inside_the_moving_box(avatar_id: str) -> None:
    """The compositor draws only the moving box per frame: outside it, every pose (head turned,
    shoulders up, mouth open, eyes shut) must equal the rest pose pixel for pixel."""
    size = 400
    renderer = PresenterRenderer(avatar_id, size)
    backdrop = np.full((size, size, 4), 255, np.uint8)
    rest = np.frombuffer(renderer.draw(Pose(), backdrop), np.uint8).reshape(size, size, 4).copy()
    x, y, w, h = renderer.moving_box()
    extreme = Pose("ah", 1.0, blink=1.0, head_dx=0.01, head_dy=0.01, head_tilt=3.5, brow=1.0,
                   shoulder_lift=0.02, shoulder_tilt=0.01)  # fmt: skip
    full = np.frombuffer(renderer.draw(extreme, backdrop), np.uint8).reshape(size, size, 4).copy()
    outside = np.ones((size, size), bool)
    outside[y : y + h, x : x + w] = False
    assert np.array_equal(full[outside], rest[outside])
    part = np.frombuffer(renderer.draw_moving(extreme, backdrop[y : y + h, x : x + w]), np.uint8)
    # The same drawing, shifted by the box's corner: skia's anti-aliasing may round a few edge
    # pixels differently, by a few levels.
    diff = np.abs(part.reshape(h, w, 4).astype(int) - full[y : y + h, x : x + w]).max(axis=-1)
    assert diff.max() <= 32 and (diff > 0).mean() < 0.01


@pytest.mark.parametrize("avatar_id", ["ava", "marcus_suit", "priya_cardigan"])
def test_the_torso_laid_on_as_pixels_matches_its_paths(avatar_id: str) -> None:
    """draw_moving lays the still torso on as pixels drawn once; source-over is associative, so
    that equals replaying its paths over the hair behind it, but for rounding at its edges."""
    renderer = PresenterRenderer(avatar_id, 540)
    _, _, w, h = renderer.moving_box()
    rng = np.random.default_rng(5)
    backdrop = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    backdrop[..., 3] = 255
    poses = [Pose("ah", 0.8, head_tilt=-3.0, shoulder_lift=0.015), Pose("oh", 0.3, head_dx=0.008)]
    for pose in poses:
        raster = np.frombuffer(renderer.draw_moving(pose, backdrop), np.uint8).copy()
        torso = renderer._box_body
        renderer._box_body = None  # the torso's paths, as before the raster
        paths = np.frombuffer(renderer.draw_moving(pose, backdrop), np.uint8).copy()
        renderer._box_body = torso
        diff = np.abs(raster.astype(int) - paths).reshape(h, w, 4).max(axis=-1)
        # Measured: at most 3 levels, on 0.3 % of the box's pixels (the torso's outline).
        assert diff.max() <= 4 and (diff > 0).mean() < 0.01


def test_image_is_unpremultiplied_rgba() -> None:
    img = PresenterRenderer("lena", 200).image()
    assert img.mode == "RGBA" and img.size == (200, 200)


def test_draw_time_budget() -> None:
    renderer = PresenterRenderer("ava", 720)
    poses = [
        Pose(VISEMES[i % len(VISEMES)], (i % 7) / 6, blink=(i % 5) / 4, head_dx=0.004, head_tilt=1.5)
        for i in range(60)
    ]
    for pose in poses:  # warm the mouth and eye caches, as a real track does after a second
        renderer.draw(pose)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()  # CPU time: a busy CI machine must not fail it
        for pose in poses:
            renderer.draw(pose)
        best = min(best, (time.process_time() - start) / len(poses) * 1000)
    print(f"presenter draw at 720 px: {best:.2f} ms/frame")
    assert best < 20  # the target is 3 ms; this only catches gross regressions on slow CI


# -- motion ---------------------------------------------------------------------------------


def _speech(fps: int = 25, seconds: float = 12.0) -> tuple[int, list[tuple[float, float, str]], np.ndarray]:
    n = int(fps * seconds)
    loud = np.zeros(n, dtype=np.float32)
    visemes: list[tuple[float, float, str]] = []
    # Two phrases with a pause between: 1–4 s and 6–9 s.
    for start, end in ((1.0, 4.0), (6.0, 9.0)):
        a, b = int(start * fps), int(end * fps)
        loud[a:b] = 0.5 + 0.4 * np.abs(np.sin(np.arange(b - a) * 0.7))
        t = start
        k = 0
        while t < end:
            visemes.append((t, t + 0.09, VISEMES[1 + k % (len(VISEMES) - 1)]))
            t += 0.09
            k += 1
    return n, visemes, loud


def test_track_is_deterministic() -> None:
    n, visemes, loud = _speech()
    a = PresenterTrack(fps=25, n_frames=n, visemes=visemes, loudness=loud, seed=5)
    b = PresenterTrack(fps=25, n_frames=n, visemes=visemes, loudness=loud, seed=5)
    c = PresenterTrack(fps=25, n_frames=n, visemes=visemes, loudness=loud, seed=6)
    assert [a.pose_at(i) for i in range(n)] == [b.pose_at(i) for i in range(n)]
    assert [a.pose_at(i) for i in range(n)] != [c.pose_at(i) for i in range(n)]


def test_track_is_exactly_rest_in_silence() -> None:
    fps = 25
    n, visemes, loud = _speech(fps)
    track = PresenterTrack(fps=fps, n_frames=n, visemes=visemes, loudness=loud, seed=1)
    for i in list(range(int(4.3 * fps), int(5.8 * fps))) + list(range(int(9.3 * fps), n)):
        pose = track.pose_at(i)
        assert (pose.viseme, pose.openness) == ("rest", 0.0), i
    speaking = [track.pose_at(i) for i in range(int(1.2 * fps), int(3.8 * fps))]
    assert max(p.openness for p in speaking) > 0.7
    assert len({p.viseme for p in speaking}) >= 5


def test_track_motion_is_small_and_alive() -> None:
    fps = 30
    n = fps * 60
    track = PresenterTrack(fps=fps, n_frames=n, visemes=[], loudness=np.zeros(n, np.float32), seed=0)
    poses = [track.pose_at(i) for i in range(n)]
    blinks = sum(1 for a, b in itertools.pairwise(poses) if b.blink == 1.0 and a.blink < 1.0)
    assert 8 <= blinks <= 35  # one every 2–6 s, with the odd double blink
    assert max(abs(p.head_dx) for p in poses) < 0.015
    assert max(abs(p.head_tilt) for p in poses) < 4
    assert max(abs(p.shoulder_dy) for p in poses) < 0.005
    assert 0 < max(p.shoulder_lift for p in poses) < 0.004  # breathing only: no gestures in silence
    assert len({round(p.head_dx, 5) for p in poses}) > 100  # it sways
    assert all((p.viseme, p.openness) == ("rest", 0.0) for p in poses)


def test_track_gestures_now_and_then_while_speaking() -> None:
    fps = 25
    n = fps * 40
    loud = np.zeros(n, np.float32)
    for start in range(1, 40, 4):  # a phrase every 4 s
        loud[start * fps : (start + 3) * fps] = 0.6
    track = PresenterTrack(fps=fps, n_frames=n, visemes=[], loudness=loud, seed=3)
    poses = [track.pose_at(i) for i in range(n)]
    lifted = [i for i, p in enumerate(poses) if p.shoulder_lift > 0.006 or abs(p.shoulder_tilt) > 0.004]
    assert lifted, "no gesture in 40 s of speech"
    starts = [i for i in lifted if i - 1 not in lifted]
    assert 2 <= len(starts) <= 7  # occasional: one every 6–12 s
    assert max(p.shoulder_lift + abs(p.shoulder_tilt) for p in poses) <= 0.02  # the renderer's bound
    assert max(abs(p.head_tilt) for p in poses) <= 3.5 and max(abs(p.head_dx) for p in poses) <= 0.01


def test_track_validates_inputs() -> None:
    with pytest.raises(ValueError):
        PresenterTrack(fps=25, n_frames=10, visemes=[], loudness=np.zeros(9, np.float32))
    with pytest.raises(ValueError):
        PresenterTrack(fps=25, n_frames=10, visemes=[(0, 1, "zz")], loudness=np.zeros(10, np.float32))
    track = PresenterTrack(fps=25, n_frames=10, visemes=[], loudness=np.zeros(10, np.float32))
    with pytest.raises(IndexError):
        track.pose_at(10)
