"""Bullets that appear as the narration reaches them (drawn for real with skia; no ffmpeg)."""

from __future__ import annotations

import numpy as np

from reelwright.render.layout import frame_for
from reelwright.render.reveal import REVEAL_AHEAD, appear_times, bullet_reveals
from reelwright.render.slides import draw_scene_layer
from reelwright.render.timeline import build_timeline
from reelwright.storyboard import BulletSlide, Scene, SceneAudio, Storyboard, WordTiming
from reelwright.styles.catalogue import get_style


def _said(*sentences: str) -> SceneAudio:
    words: list[WordTiming] = []
    t = 0.13
    for k, sentence in enumerate(sentences):
        if k:
            t += 0.31  # a sentence break, as narrate() leaves it
        for word in sentence.split():
            words.append(WordTiming(word=word, start=round(t, 3), end=round(t + 0.3, 3)))
            t += 0.32
    return SceneAudio(path="unused.wav", duration=round(t + 0.23, 3), words=words)


BULLETS = ["Exports are faster", "A redesigned dashboard", "The new mobile app"]


def _scene(audio: SceneAudio) -> Scene:
    return Scene(
        id="points",
        narration="unused",
        presenter="side",
        visual=BulletSlide(heading="This quarter", bullets=BULLETS),
        audio=audio,
    )


def test_each_bullet_appears_just_before_the_sentence_that_says_it() -> None:
    # An opening sentence first, then one sentence a bullet.
    audio = _said(
        "Three things stand out.",
        "Exports are much faster now.",
        "The dashboard is redesigned.",
        "And the mobile app is out.",
    )
    scene = _scene(audio)
    board = Storyboard(title="T", avatar="ava", scenes=[scene])
    timing = build_timeline(board, 0.4).scenes[0]
    times = appear_times(scene, timing, BULLETS)
    starts = {w.word: timing.to_video(w.start) for w in audio.words}
    assert times == [
        timing.to_video(audio.words[9].start - REVEAL_AHEAD),  # "The dashboard ..."
        timing.to_video(audio.words[13].start - REVEAL_AHEAD),  # "And the mobile app ..."
    ]
    assert times[0] < starts["dashboard"] and times[1] < starts["mobile"]


def test_without_matching_sentences_the_bullets_spread_over_the_speech() -> None:
    audio = _said("One long sentence that names none of the points at all, from start to end")
    scene = _scene(audio)
    timing = build_timeline(Storyboard(title="T", avatar="ava", scenes=[scene]), 0.4).scenes[0]
    times = appear_times(scene, timing, BULLETS)
    first, last = timing.to_video(audio.words[0].start), timing.to_video(audio.words[-1].end)
    assert len(times) == 2 and first < times[0] < times[1] < last


def test_reveal_patches_hide_only_the_bullets_still_to_come() -> None:
    audio = _said("Exports are faster.", "The dashboard is redesigned.", "The new mobile app.")
    scene = _scene(audio)
    board = Storyboard(title="T", avatar="ava", scenes=[scene])
    timing = build_timeline(board, 0.4).scenes[0]
    style = get_style("clean")
    frame = frame_for(1920, 1080, "side", style.presenter_side)
    whole = draw_scene_layer(scene, frame, style, seed=1).image
    reveals = bullet_reveals(
        scene,
        timing,
        30,
        whole,
        lambda k: draw_scene_layer(scene, frame, style, seed=1, bullets_shown=k).image,
    )
    assert len(reveals) == 2
    one, two = reveals
    # Stage 1 (one bullet shown) covers more of the slide than stage 2, and comes first.
    assert one.first_frame == 0 and one.last_frame + 1 == two.first_frame <= two.last_frame < timing.n_frames
    assert one.box.h > two.box.h and one.box.bottom >= two.box.bottom
    # Inside the content box, away from the heading, and drawn without the bullet text.
    content = frame.content
    for r in reveals:
        assert content.x <= r.box.x and r.box.right <= content.right + 2
        region = whole[r.box.y : r.box.bottom, r.box.x : r.box.right, :3].astype(int)
        assert np.abs(region - r.pixels[:, :, :3]).mean() > 1  # the whole slide has text there
        assert r.pixels[:, :, :3].std() < region.std()  # the patch is the plainer card
