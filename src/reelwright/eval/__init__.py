"""Prompt adherence, measured: a fixed set of briefs run through a planner and scored."""

from reelwright.eval.harness import CASES, CaseResult, EvalCase, run_eval, score_storyboard

__all__ = ["CASES", "CaseResult", "EvalCase", "run_eval", "score_storyboard"]
