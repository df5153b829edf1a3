"""The script benchmark (`reelwright eval --bench`) on its fast subset: real public PDFs and briefs
with stated facts, planned offline and scored on what the script says."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reelwright.eval.bench import (
    CASES,
    content_free,
    cut_off_sentences,
    manifest,
    repeated_sentences,
    run_case,
    running_lines,
    title_problems,
)
from reelwright.plan.offline import OfflinePlanner

FAST = [c for c in CASES if c.fast]


def test_the_corpus_is_recorded_with_source_and_licence() -> None:
    docs = manifest()
    assert len(CASES) >= 20 and len(docs) >= 4
    for name, doc in docs.items():
        assert doc["source"] and doc["licence"], name
    used = {n for c in CASES for n in c.files}
    assert used - {"q3-results.pdf"} <= set(docs)


@pytest.mark.parametrize("case", FAST, ids=[c.name for c in FAST])
def test_offline_planner_passes_the_fast_subset(case: object) -> None:
    result = run_case(case, OfflinePlanner())  # type: ignore[arg-type]
    assert not result.leaked, result.leaked
    assert not result.repeated, result.repeated
    assert not result.cut_off, result.cut_off
    assert result.recall == 1.0, result.missing
    assert result.filler_share <= 0.2, result.filler
    assert not result.title_issues, (result.title, result.title_issues)
    assert result.missing_message is None, result.messages
    # Within ±10 % of the asked length, or shorter with the reason said to the user.
    assert abs(result.length_error) <= 0.10 or result.explained_short, (result.estimated, result.messages)


def test_a_long_deck_is_summarised_to_the_length_not_overrun() -> None:
    case = next(c for c in CASES if c.name == "talk-60s")
    result = run_case(case, OfflinePlanner())
    assert abs(result.length_error) <= 0.10, result.estimated


def test_the_checks_catch_what_they_are_for() -> None:
    bodies = ["Globs map names.", "Magic reads bytes.", "Aliases name types.", "Icons show.", "XML files."]
    pages = [f"Shared MIME-info Database\n{body}\n{i}" for i, body in enumerate(bodies, start=1)]
    assert running_lines(pages) == ["Shared MIME-info Database"]
    cut = cut_off_sentences(["Finally, the.", "Ship it.", "We can do it, but…"])
    assert cut == ["Finally, the.", "We can do it, but…"]
    again = repeated_sentences(["Keep this in mind.", "Ship it.", "Keep this in mind."])
    assert again == ["Keep this in mind."]
    assert content_free(["So grab a coffee.", "Globs map names to types."], ["globs map file names"]) == [
        "So grab a coffee."
    ]
    assert "slice of the prompt" in title_problems("Marketing Team About How Computers Recognise", "")
    assert title_problems("Shared MIME-info Database", "Explain the attached specification") == []


def test_cli_prints_the_bench_table() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REELWRIGHT_LLM_")}
    env["COLUMNS"] = "250"
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", "eval", "--bench", "--fast"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].split()[:3] == ["case", "target", "estimate"]
    assert lines[-1].startswith(f"total {len(FAST)}/{len(FAST)} cases pass")
