"""The scenes of a fanned-out video are queued longest first, so two workers finish together."""

from __future__ import annotations

from reelwright.jobs.fanout import longest_first
from reelwright.storyboard import Scene, SceneAudio, Storyboard, TitleCard


def _board(seconds: list[float | None]) -> Storyboard:
    scenes = [
        Scene(
            id=f"s{i}",
            narration="Words." if d else "",
            visual=TitleCard(heading=f"Scene {i}"),
            presenter="none",
            audio=SceneAudio(path=f"s{i}.wav", duration=d) if d else None,
        )
        for i, d in enumerate(seconds)
    ]
    return Storyboard(title="Order", avatar=None, scenes=scenes)


def test_long_scenes_are_queued_first_and_ties_keep_their_order() -> None:
    assert longest_first(_board([5.0, 12.0, None, 8.0, 12.0, 6.5])) == [1, 4, 3, 5, 0, 2]


def test_longest_first_balances_two_workers_better_than_scene_order() -> None:
    """Two workers taking the next queued scene whenever they are free (what the queue does), on a
    video whose longest scene comes last (a summary): in scene order one worker ends alone."""
    seconds = [6.0, 5.0, 7.0, 6.0, 5.0, 6.0, 12.0]

    def finish(order: list[int]) -> float:
        free = [0.0, 0.0]
        for i in order:
            w = free.index(min(free))
            free[w] += seconds[i]
        return max(free)

    in_order = finish(list(range(len(seconds))))
    balanced = finish(longest_first(_board(list(seconds))))
    assert (in_order, balanced) == (29.0, 24.0)
    assert balanced - sum(seconds) / 2 <= min(seconds) / 2  # within half the shortest scene of even
