"""The timeline's silences, worked out from word timings (no rendering: see test_render_quality.py
for the same measured on real renders)."""

from __future__ import annotations

import itertools

import pytest

from reelwright.render.timeline import (
    MAX_BREAK_STRETCH,
    SCENE_GAP,
    Timeline,
    build_timeline,
    hold_capacity,
    transition_seconds_for,
)
from reelwright.storyboard import BulletSlide, Scene, SceneAudio, Storyboard, TitleCard, WordTiming


def _audio(*sentences: int, lead: float = 0.13, tail: float = 0.23, gap: float = 0.31) -> SceneAudio:
    """Narration shaped as narrate() writes it: ``sentences`` gives each sentence's word count."""
    words: list[WordTiming] = []
    t = lead
    for k, count in enumerate(sentences):
        if k:
            t += gap
        for _ in range(count):
            words.append(WordTiming(word="word", start=round(t, 3), end=round(t + 0.3, 3)))
            t += 0.32
    return SceneAudio(path="unused.wav", duration=round(t + tail, 3), words=words)


def _board(*scenes: Scene, avatar: str | None = "ava") -> Storyboard:
    return Storyboard(title="T", avatar=avatar, scenes=list(scenes))


def _scene(i: int, audio: SceneAudio | None, presenter: str = "pip", pause_after: float = 0.0) -> Scene:
    return Scene(
        id=f"s{i}",
        narration="Some words.",
        presenter=presenter,  # type: ignore[arg-type]
        visual=BulletSlide(heading="H", bullets=["a", "b"]) if i % 2 else TitleCard(heading="H"),
        audio=audio,
        pause_after=pause_after,
    )


def _silences(board: Storyboard, timeline: Timeline) -> list[tuple[float, float]]:
    """(start, length) of every silence between two words, in the video."""
    spoken: list[tuple[float, float]] = []
    for scene, timing in zip(board.scenes, timeline.scenes, strict=True):
        assert scene.audio is not None
        spoken += [(timing.to_video(w.start), timing.to_video(w.end)) for w in scene.audio.words]
    gaps = [(a[1], b[0] - a[1]) for a, b in itertools.pairwise(spoken)]
    return [(0.0, spoken[0][0]), *gaps, (spoken[-1][1], timeline.duration - spoken[-1][1])]


def test_scene_changes_are_a_breath_long() -> None:
    board = _board(*(_scene(i, _audio(6, 5)) for i in range(4)))
    timeline = build_timeline(board, 0.5)
    for scene, nxt in itertools.pairwise(timeline.scenes):
        last = board.scenes[scene.index].audio.words[-1]  # type: ignore[union-attr]
        first = board.scenes[nxt.index].audio.words[0]  # type: ignore[union-attr]
        gap = nxt.to_video(first.start) - scene.to_video(last.end)
        assert gap == pytest.approx(SCENE_GAP, abs=1 / 30 + 1e-6)
        # The cut falls inside the silence, after the last word and before the next one.
        assert scene.to_video(last.end) <= nxt.start(30) <= nxt.to_video(first.start)
    assert max(length for _, length in _silences(board, timeline)) < 0.6


def test_held_time_goes_into_sentence_breaks_not_scene_ends() -> None:
    audio = _audio(4, 4, 4)  # two sentence breaks
    assert hold_capacity(_scene(1, audio)) == pytest.approx(2 * MAX_BREAK_STRETCH)
    board = _board(_scene(0, _audio(5)), _scene(1, audio, pause_after=1.0), _scene(2, _audio(5)))
    plain = build_timeline(
        board.model_copy(update={"scenes": [*board.scenes[:1], _scene(1, audio), board.scenes[2]]}), 0.4
    )
    held = build_timeline(board, 0.4)
    assert held.duration - plain.duration == pytest.approx(1.0, abs=2 / 30)
    silences = [length for _, length in _silences(board, held)]
    assert max(silences) < 1.0, silences
    # The scene change after the held slide is as short as any other.
    change = held.scenes[2].to_video(board.scenes[2].audio.words[0].start) - held.scenes[1].to_video(  # type: ignore[union-attr]
        audio.words[-1].end
    )
    assert change == pytest.approx(SCENE_GAP, abs=1 / 30 + 1e-6)


def test_an_asked_pause_is_kept() -> None:
    # A trailing "[pause 2s]" leaves 2 s more silence at the end of the file: it stays.
    board = _board(_scene(0, _audio(5, tail=2.23)), _scene(1, _audio(5)))
    timeline = build_timeline(board, 0.4)
    gaps = [length for _, length in _silences(board, timeline)]
    assert max(gaps) == pytest.approx(2.0 + SCENE_GAP - 0.07, abs=0.1)


def test_a_presenter_that_changes_place_is_cut_to_not_blended() -> None:
    board = _board(
        _scene(0, _audio(3), "full"),
        _scene(1, _audio(3), "pip"),
        _scene(2, _audio(3), "pip"),
        _scene(3, _audio(3), "none"),
        _scene(4, _audio(3), "side"),
    )
    assert [transition_seconds_for(board, i, 0.5) for i in range(5)] == [0.0, 0.0, 0.5, 0.5, 0.5]
    # Without a presenter every layout is only a slide: all blend.
    bare = board.model_copy(update={"avatar": None})
    assert [transition_seconds_for(bare, i, 0.5) for i in range(5)] == [0.0, 0.5, 0.5, 0.5, 0.5]
