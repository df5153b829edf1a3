"""``reelwright bench --cluster`` end to end on a tiny case, through the real PostgreSQL and Redis:
it prints the table and loses no job. Not a timing test: the figures depend on the machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reelwright.clusterbench.run import amdahl, assign_cores
from tests.server import free_port
from tests.services import PG_ADMIN, REDIS_URL, postgres_database, redis_queue


def _bench(*args: str, env: dict[str, str], timeout: float = 1500) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reelwright", "bench", "--cluster", *args],
        env={**os.environ, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_workers_get_disjoint_cores_while_the_machine_has_them() -> None:
    assert assign_cores(2, 1, [0, 1]) == (["0", "1"], False)
    assert assign_cores(2, 2, [0, 1, 2, 3]) == (["0-1", "2-3"], False)
    assert assign_cores(3, 1, [0, 1]) == (["0", "1", "0"], True)
    assert assign_cores(2, 0, [0, 1]) == ([None, None], False)


def test_the_extrapolation_splits_only_the_scenes() -> None:
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=1) == pytest.approx(100)
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=2) == pytest.approx(64)
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=4) == pytest.approx(46)
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=16) == pytest.approx(
        46
    )  # no more workers than scenes
    assert amdahl(20, 36, 8, scenes=4, measured_on=2, n=4) == pytest.approx(46)


def test_the_extrapolation_shares_the_voicing_over_its_chunks() -> None:
    # 20 s serial of which 12 s voicing in 3 chunks: 8 s stay on one worker, 12 s split up to 3 ways.
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=1, voice=12, voicers=3) == pytest.approx(100)
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=2, voice=12, voicers=3) == pytest.approx(58)
    assert amdahl(20, 72, 8, scenes=4, measured_on=1, n=4, voice=12, voicers=3) == pytest.approx(38)
    # Measured on 2 workers: the voicing seen took half its one-worker time.
    assert amdahl(14, 36, 8, scenes=4, measured_on=2, n=4, voice=6, voicers=3) == pytest.approx(38)


def test_a_missing_service_is_one_line_naming_it() -> None:
    dead = f"127.0.0.1:{free_port()}"
    no_pg = _bench(
        env={"REELWRIGHT_DATABASE_URL": f"postgresql+psycopg://postgres@{dead}/postgres"}, timeout=60
    )
    assert no_pg.returncode == 2
    assert re.fullmatch(r"error: PostgreSQL is not reachable at \S+ \(.*\); set .*\n", no_pg.stderr), (
        no_pg.stderr
    )
    with postgres_database():  # skips when PostgreSQL itself is down
        no_redis = _bench(
            env={"REELWRIGHT_DATABASE_URL": PG_ADMIN, "REELWRIGHT_QUEUE_URL": f"redis://{dead}/0"}, timeout=60
        )
    assert no_redis.returncode == 2
    assert no_redis.stderr.startswith("error: Redis is not reachable at"), no_redis.stderr
    not_pg = _bench(env={"REELWRIGHT_DATABASE_URL": "sqlite:///x.db"}, timeout=60)
    assert not_pg.returncode == 2 and "needs PostgreSQL" in not_pg.stderr


@pytest.mark.slow
def test_the_cluster_bench_runs_end_to_end(tmp_path: Path) -> None:
    with postgres_database(), redis_queue():  # skip (or fail, when required) without the services
        pass
    done = _bench(
        "--pages", "2", "--workers", "1,2", "--short-jobs", "2", "--blob", "disk", "--workdir", str(tmp_path),
        env={
            "REELWRIGHT_DATABASE_URL": PG_ADMIN,
            "REELWRIGHT_QUEUE_URL": REDIS_URL,
            # Two pages make a 20-second video: let it fan out anyway, so the split is measured.
            "REELWRIGHT_FANOUT_MIN_SECONDS": "0",
            "REELWRIGHT_FANOUT_MIN_SCENES": "2",
        },
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "blob store: a shared local folder" in out
    # The jobs go to a running cluster: each run's workers were ready and warm first.
    assert len(re.findall(r"workers ready and warm in [\d.]+ s", out)) == 3, out
    number = r"\s+([\d.]+)"
    row = rf"^\s*(\d)\s+1 each\s+(\d+){number * 4}\s+([\d.]+)×\s+(\d+)%"
    rows = {int(m.group(1)): m.groups()[1:] for m in re.finditer(row, out, re.M)}
    assert set(rows) == {1, 2}, out
    assert rows[1][5] == "1.00"
    for n, (video, wall, serial, scenes, join, _speedup, _eff) in rows.items():
        assert float(video) > 5, out
        # The parts add up to the whole (each is measured to the poll's quarter second).
        assert abs(float(serial) + float(scenes) + float(join) - float(wall)) < 0.2, (n, out)
    assert "Extrapolation to N machines of 1 core(s), from the 1-worker run's wall seconds" in out
    assert "Extrapolation to N machines of 1 core(s), from the 1-worker run's CPU seconds" in out
    cpu_rows = re.findall(rf"^\s*([12]){number * 4}\s+([\d.]+)×\s+(\d+)%", out, re.M)
    assert [r[0] for r in cpu_rows] == ["1", "2"], out
    for _n, serial, scenes, join, path, _speedup, _eff in cpu_rows:
        assert float(serial) > 0 and float(scenes) > 0 and float(join) > 0, out
        assert float(path) == pytest.approx(float(serial) + float(scenes) + float(join), abs=0.2)
    assert re.search(
        r"2 short jobs at once on 2 worker\(s\): .* jobs/min, latency p50 [\d.]+ s, p99 [\d.]+ s, lost 0", out
    )
    # Each worker had its own data dir, and its own core.
    logs = sorted(tmp_path.glob("long-2/worker-*/worker.log"))
    assert [log.read_text().splitlines()[0] for log in logs] == [
        "worker pinned to core(s) 0",
        "worker pinned to core(s) 1" if len(os.sched_getaffinity(0)) > 1 else "worker pinned to core(s) 0",
    ]


def test_the_report_gives_the_extrapolation_as_a_range_from_serial_to_shared_voicing() -> None:
    from rich.console import Console

    from reelwright.clusterbench.run import ClusterOptions, _report
    from reelwright.clusterbench.workload import LongRun

    one = LongRun(
        wall=100.0, duration=168.0, scenes=4, fanned_out=True, serial=20.0, scene_part=72.0, join=8.0,
        scene_seconds=70.0, workers_used=1, voice=12.0, voicers=3,
        cpu_serial=20.0, cpu_scenes=72.0, cpu_join=8.0,
    )  # fmt: skip
    out = Console(record=True, width=400)
    _report(out, ClusterOptions(short_jobs=0), {1: one}, {1: False}, None, machine_cores=2)
    text = out.export_text()
    # On 2 workers: 58 s with the voicing shared over 2 of its 3 chunks, 64 s with it counted serial.
    assert "2: 58–64 s (1.56–1.72×)" in text, text
    assert "voice 12.0 once or split over up to 3 workers" in text


def test_a_long_deck_repeats_no_page(tmp_path: Path) -> None:
    """The planner says a repeated statement once: a deck that cycled its 22 topics made a
    4-minute video when 10 minutes were asked for."""
    import pypdfium2 as pdfium

    from reelwright.clusterbench.workload import make_deck, pages_for

    pages = pages_for(20)
    pdf = pdfium.PdfDocument(make_deck(tmp_path / "deck.pdf", pages))
    # Each page: its heading, then three bullets (long ones wrap onto a second line).
    texts = [" ".join(page.get_textpage().get_text_range().split()) for page in pdf]
    pdf.close()
    lines = [part.strip() for text in texts for part in text.split("•")]
    assert len(lines) == 4 * pages, lines[:8]
    assert len(set(lines)) == len(lines), [x for x in lines if lines.count(x) > 1][:4]
    assert lines[:4] == [
        "Step 1: Wash hands",
        "Why wash hands matters for everyone in the kitchen",
        "How to wash hands properly every single shift",
        "What the inspector looks for in step 1 and how to record it",
    ]


def test_rounds_report_each_rounds_speed_up_and_the_median_run() -> None:
    from rich.console import Console

    from reelwright.clusterbench.run import _report_rounds, median_run
    from reelwright.clusterbench.workload import LongRun

    def run(wall: float) -> LongRun:
        return LongRun(
            wall=wall, duration=170.0, scenes=19, fanned_out=True, serial=10.0,
            scene_part=wall - 12.0, join=2.0, scene_seconds=150.0, workers_used=1,
        )  # fmt: skip

    ones, twos = [run(76.2), run(80.0), run(70.0)], [run(48.6), run(40.9), run(42.0)]
    assert median_run(ones).wall == 76.2 and median_run(twos).wall == 42.0
    assert median_run([run(50.0), run(40.0)]).wall == 40.0  # an even count: the faster middle run
    out = Console(record=True, width=400)
    _report_rounds(out, {1: ones, 2: twos})
    text = out.export_text()
    assert "2 workers against 1, round by round: 1.57×, 1.96×, 1.67× (wall seconds 76.2/48.6, 80.0/40.9" in (
        text
    )
