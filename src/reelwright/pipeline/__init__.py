"""The pipeline: one module per stage, sequenced by :mod:`reelwright.pipeline.run`.

=========  ======================================  =========================================
stage      module                                  does
=========  ======================================  =========================================
ingest     :mod:`reelwright.pipeline.ingest`       reads and checks the files
plan       :mod:`reelwright.pipeline.script`       the planner writes the storyboard
voice      :mod:`reelwright.pipeline.script`       speech, measured; re-planned to the length
render     :mod:`reelwright.pipeline.render`       video, captioned copy, captions, thumbnail, GIF
           :mod:`reelwright.pipeline.segments`     ... or scene by scene on many workers, then joined
publish    :mod:`reelwright.pipeline.publish`      every file moved into place, or none
=========  ======================================  =========================================

The stage table with each stage's share of progress is :data:`reelwright.pipeline.stages.STAGES`.
"""

from reelwright.pipeline.run import JobResult, RenderJob, default_cache_dir, run
from reelwright.pipeline.script import PlannedDraft, plan_draft
from reelwright.pipeline.segments import FanOut, HandedOff
from reelwright.pipeline.stages import STAGES, Checkpoints, Hooks, Progress, Stopped

__all__ = [
    "STAGES",
    "Checkpoints",
    "FanOut",
    "HandedOff",
    "Hooks",
    "JobResult",
    "PlannedDraft",
    "Progress",
    "RenderJob",
    "Stopped",
    "default_cache_dir",
    "plan_draft",
    "run",
]
