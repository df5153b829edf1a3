"""Bullets that appear as the narration reaches them.

The slide is drawn whole once, as always; for each earlier stage, the part of the slide where the
bullets still to come stand is drawn without them (same layout, so nothing shifts) and laid over
the whole slide on that stage's frames only. A patch is a small opaque still, so the reveal costs
a plain copy of a few hundred thousand pixels on the frames where it shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reelwright.render.layout import Rect
from reelwright.render.timeline import SceneTiming
from reelwright.storyboard import BulletSlide, Scene

REVEAL_AHEAD = 0.15  # a bullet shows this long before the sentence that says it


@dataclass(frozen=True)
class Reveal:
    """The slide as it looks before some bullets appear, and the frames it shows on."""

    pixels: np.ndarray  # h×w×4 RGBA: the slide inside ``box`` with only the first bullets drawn
    box: Rect  # where that differs from the whole slide (even-aligned)
    first_frame: int  # segment frames, inclusive
    last_frame: int


def _differs(a: np.ndarray, b: np.ndarray) -> Rect | None:
    changed = np.any(a[:, :, :3] != b[:, :, :3], axis=2)
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if len(rows) == 0:
        return None
    h, w = changed.shape
    x0, y0 = max(0, cols[0] - 2) // 2 * 2, max(0, rows[0] - 2) // 2 * 2
    x1, y1 = min(w, (cols[-1] + 4) // 2 * 2), min(h, (rows[-1] + 4) // 2 * 2)
    return Rect(x0, y0, x1 - x0, y1 - y0)


def _terms(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def appear_times(scene: Scene, timing: SceneTiming, bullets: list[str]) -> list[float]:
    """Seconds into the video at which bullets 1.. appear (the first shows from the start): just
    before the sentence that says the most of each bullet's words (in order), else spread evenly
    over the spoken words."""
    audio = scene.audio
    if audio is None or not audio.words:
        return []
    words = audio.words
    # The narration's sentences, as the timeline split it: (first word index, its words).
    bounds = [p.audio_start for p in timing.pieces[1:]] + [float("inf")]
    sentences: list[tuple[int, set[str]]] = []
    first = 0
    for end in bounds:
        upto = next((i for i in range(first, len(words)) if words[i].start >= end), len(words))
        if upto > first:
            sentences.append((first, _terms(" ".join(w.word for w in words[first:upto]))))
        first = upto
    starts: list[int] = []
    after = 0
    for bullet in bullets[1:]:
        terms = _terms(bullet)
        scored = [(len(terms & said), -k) for k, (_, said) in enumerate(sentences) if k > after]
        best = max(scored, default=(0, 0))
        if best[0] == 0:
            break
        after = -best[1]
        starts.append(sentences[after][0])
    if len(starts) < len(bullets) - 1:
        starts = [min(len(words) - 1, round(k * len(words) / len(bullets))) for k in range(1, len(bullets))]
    return [timing.to_video(max(0.0, words[i].start - REVEAL_AHEAD)) for i in starts]


def bullet_reveals(
    scene: Scene,
    timing: SceneTiming,
    fps: int,
    whole: np.ndarray,
    draw: Callable[[int], np.ndarray],
) -> list[Reveal]:
    """The reveal stages of a bullet slide; ``draw(k)`` draws the layer with the first ``k`` bullets."""
    visual = scene.visual
    if not isinstance(visual, BulletSlide) or len(visual.bullets) < 2:
        return []
    times = appear_times(scene, timing, visual.bullets)
    if not times:
        return []
    start = timing.start_frame
    frames = [0] + [min(timing.n_frames, max(0, round(t * fps) - start)) for t in times]
    reveals: list[Reveal] = []
    for k in range(1, len(frames)):
        first, last = frames[k - 1], frames[k] - 1
        if last < first:
            continue
        hidden = draw(k)
        box = _differs(hidden, whole)
        if box is not None:
            patch = np.ascontiguousarray(hidden[box.y : box.bottom, box.x : box.right])
            reveals.append(Reveal(patch, box, first, last))
    return reveals
