"""The prompt-adherence harness: `reelwright eval` on the offline planner, and what its checks catch."""

from __future__ import annotations

import os
import subprocess
import sys

from reelwright.eval import CASES, score_storyboard
from reelwright.plan.base import Pacing
from reelwright.storyboard import Scene, Storyboard, TitleCard


def test_eval_prints_a_table_and_a_total_for_the_offline_planner() -> None:
    env = {**os.environ, "COLUMNS": "220"}
    env.pop("REELWRIGHT_LLM_BASE_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", "eval"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ["case", "target", "estimate"]
    assert {line.split()[0] for line in lines[1:-1]} == {c.name for c in CASES}
    total = lines[-1]
    assert total.startswith("total ") and f"over {len(CASES)} briefs" in total
    passed, possible = map(int, total.split()[1].split("/"))
    # The offline planner's measured score (see the README); a drop is a regression.
    assert passed / possible >= 0.9, proc.stdout


def test_eval_refuses_llm_without_a_model() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELWRIGHT_LLM_")}
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", "eval", "--planner", "llm"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "REELWRIGHT_LLM_BASE_URL" in proc.stderr


def test_checks_catch_invented_figures_wrong_orientation_and_length() -> None:
    case = next(c for c in CASES if c.name == "tiktok-bakery")
    words = " ".join(["bread"] * 30)
    board = Storyboard(
        title="Sourdough",
        orientation="landscape",
        scenes=[
            Scene(
                id="a",
                narration=f"Our sourdough won 3 awards and sold 12,000 loaves. {words}",
                visual=TitleCard(heading="Hi"),
            ),
        ],
    )
    result = score_storyboard(case, board, [case.prompt], Pacing())
    assert result.checks == {
        "duration": False,
        "orientation": False,
        "mentions": True,
        "no invented numbers": False,
    }
    assert "invented: 12000" in result.notes  # "3" counts as structure (a small count), 12,000 is a claim
