"""Each pipeline stage alone, with a recording Progress and no checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelwright import pipeline
from reelwright.errors import InputError
from reelwright.pipeline.ingest import check_sources, read_inputs
from reelwright.pipeline.script import write_script
from reelwright.pipeline.stages import DRAFT_STAGES, STAGE_NAMES, STAGES, Hooks, Stopped, overall
from reelwright.plan.base import PlanRequest
from reelwright.plan.offline import OfflinePlanner
from reelwright.request import VideoRequest
from reelwright.storyboard import PdfPage, Scene, Storyboard, TitleCard
from tests.media import make_pdf


class Recorder:
    """A Progress that keeps every report."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, float]] = []

    def __call__(self, stage: str, fraction: float) -> None:
        self.reports.append((stage, fraction))

    def stages(self) -> list[str]:
        return list(dict.fromkeys(stage for stage, _ in self.reports))


def _board(**kw: object) -> Storyboard:
    scenes = [
        Scene(id="a", narration="Stages are small.", visual=TitleCard(heading="Stages"), presenter="none"),
        Scene(
            id="b", narration="Each one is tested alone.", visual=TitleCard(heading="Tests"), presenter="none"
        ),
    ]
    return Storyboard(title="Stages", avatar=None, scenes=scenes, **kw)  # type: ignore[arg-type]


def test_the_stage_table_weighs_progress_once() -> None:
    assert STAGE_NAMES == ("ingest", "plan", "voice", "render", "publish")
    assert sum(s.weight for s in STAGES) == 100
    assert overall("ingest", 0.0) == 0 and overall("publish", 1.0) == pytest.approx(1.0)
    points = [overall(stage, f) for stage in STAGE_NAMES for f in (0.0, 0.5, 1.0)]
    assert points == sorted(points)
    # A draft is only planned and voiced: its own scale ends at 1 with the voice.
    assert overall("voice", 1.0, DRAFT_STAGES) == pytest.approx(1.0)
    assert overall("render", 0.5, DRAFT_STAGES) == 0.0


def test_ingest_reads_files_and_checks_a_storyboards_sources(tmp_path: Path) -> None:
    deck = make_pdf(tmp_path / "deck.pdf", [("One", ["First point"]), ("Two", ["Second point"])])
    (info,) = read_inputs([deck])
    assert info.kind == "pdf" and len(info.page_texts) == 2
    board = _board().model_copy(
        update={"scenes": [Scene(id="p", narration="Page three.", visual=PdfPage(source=str(deck), page=3))]}
    )
    with pytest.raises(InputError, match="has only 2 pages"):
        check_sources(board)


def test_script_plans_and_voices_to_the_length(tmp_path: Path) -> None:
    progress = Recorder()
    asked = VideoRequest(
        prompt=(
            "A 15-second explainer about composting at home. Compost needs greens like vegetable scraps "
            "and browns like dry leaves. Turn the pile every week. Keep it as moist as a wrung-out sponge. "
            "It is ready in about three months."
        ),
        no_avatar=True,
        title="Compost in 15 Seconds",
    )
    script = write_script(
        OfflinePlanner(), PlanRequest(asked), tmp_path / "work", tmp_path / "cache", Hooks(progress=progress)
    )
    assert progress.stages() == ["plan", "voice"] and progress.reports[-1] == ("voice", 1.0)
    assert all(s.audio is not None for s in script.storyboard.scenes)
    assert abs(script.duration - 15) / 15 <= 0.10, script.duration
    # The user's title replaces the planner's, on the title card too.
    board = script.storyboard
    assert board.title == "Compost in 15 Seconds"
    assert isinstance(board.scenes[0].visual, TitleCard) and board.scenes[0].visual.heading == board.title


def test_a_run_reports_every_stage_in_order_and_needs_no_checkpoints(tmp_path: Path) -> None:
    sb = tmp_path / "board.json"
    sb.write_text(_board(orientation="portrait").to_json(), encoding="utf-8")
    progress = Recorder()
    result = pipeline.run(
        pipeline.RenderJob(output=tmp_path / "v.mp4", storyboard=sb), hooks=Hooks(progress=progress)
    )
    assert progress.stages() == ["ingest", "voice", "render", "publish"]
    assert result.video.is_file() and result.subtitles.read_text().count("-->") >= 2


def test_a_stop_between_scenes_leaves_nothing_behind(tmp_path: Path) -> None:
    sb = tmp_path / "board.json"
    sb.write_text(_board(orientation="portrait").to_json(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    progress = Recorder()

    def stop_once_rendering() -> bool:
        return any(stage == "render" for stage, _ in progress.reports)

    with pytest.raises(Stopped):
        pipeline.run(
            pipeline.RenderJob(output=out / "v.mp4", storyboard=sb),
            hooks=Hooks(progress=progress, stop_requested=stop_once_rendering),
        )
    assert list(out.iterdir()) == []


def test_a_run_without_a_storyboard_needs_a_planner(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs a request and a planner"):
        pipeline.run(pipeline.RenderJob(output=tmp_path / "v.mp4", request=VideoRequest(prompt="Hi")))
