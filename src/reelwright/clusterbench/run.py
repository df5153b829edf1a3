"""``reelwright bench --cluster``: run the cluster on this machine, measure, print the tables."""

from __future__ import annotations

import functools
import math
import os
import shutil
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from reelwright.clusterbench.nodes import Cluster
from reelwright.clusterbench.services import BlobKind, Services, blob_store, resolve_blob
from reelwright.clusterbench.workload import LongRun, ShortRun, long_video, make_deck, pages_for, short_jobs
from reelwright.cores import format_cpu_list
from reelwright.errors import InputError


@dataclass(frozen=True)
class ClusterOptions:
    workers: tuple[int, ...] = (1, 2)
    # Each worker count run this many times, in turn: the machine's speed drifts within minutes
    # (two identical 2-worker runs here took 40.9 and 48.6 s), and alternating lets it reach every
    # count alike.
    rounds: int = 1
    minutes: float = 3.0
    pages: int = 0  # 0: as many as make ``minutes`` of video
    short_jobs: int = 20
    cpus_per_worker: int = 1  # 0: workers are not pinned
    database_url: str | None = None
    queue_url: str | None = None
    blob: BlobKind = "auto"
    workdir: Path | None = None  # keep the nodes' data dirs and logs here


def parse_workers(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        raise InputError(f"--workers: {text!r} is not a list of worker counts such as 1,2,4") from None
    if not counts or counts[0] < 1:
        raise InputError(f"--workers: {text!r} needs counts of 1 or more")
    return counts


def assign_cores(workers: int, per_worker: int, cores: list[int]) -> tuple[list[str | None], bool]:
    """Each worker's cores (``--cpus``): disjoint while the machine has enough, then round again
    (the second value says the workers share cores). ``per_worker`` 0: not pinned."""
    if per_worker == 0:
        return [None] * workers, False
    chosen: list[str | None] = [
        format_cpu_list({cores[(w * per_worker + i) % len(cores)] for i in range(per_worker)})
        for w in range(workers)
    ]
    return chosen, workers * per_worker > len(cores)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def _s(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def amdahl(
    serial: float,
    scene_part: float,
    join: float,
    scenes: int,
    measured_on: int,
    n: int,
    *,
    voice: float = 0.0,
    voicers: int = 1,
) -> float:
    """The long video's time on ``n`` workers, from a run on ``measured_on``: the serial part and
    the join run once, the scenes split over the workers (no more of them than there are scenes).
    ``voice`` seconds of the serial part are the script voiced together, shared by up to
    ``voicers`` workers."""
    voice_work = voice * min(measured_on, voicers)
    work = scene_part * min(measured_on, scenes)
    return serial - voice + voice_work / min(n, voicers) + join + work / min(n, scenes)


def run_cluster_bench(out: Console, options: ClusterOptions) -> tuple[dict[int, LongRun], ShortRun | None]:
    services = Services.from_env(options.database_url, options.queue_url)
    services.check()  # a missing service is one line before anything starts
    blob = resolve_blob(options.blob)
    cores = sorted(os.sched_getaffinity(0))
    pages = options.pages or pages_for(options.minutes)
    out.print(f"before: {load_average()}", highlight=False)
    runs: dict[int, list[LongRun]] = {n: [] for n in options.workers}
    shared_cores: dict[int, bool] = {}
    short: ShortRun | None = None
    with ExitStack() as stack:
        if options.workdir is not None:
            root = options.workdir
            root.mkdir(parents=True, exist_ok=True)
        else:
            root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="reelwright-cluster-")))
        deck = make_deck(root / "deck.pdf", pages)

        def cluster(name: str, n: int) -> tuple[Cluster, ExitStack, bool]:
            run = ExitStack()
            db = run.enter_context(services.database())
            queue = run.enter_context(services.queue())
            env, where = run.enter_context(blob_store(blob, root / name))
            shared = {
                **env,
                "REELWRIGHT_DATABASE_URL": db,
                "REELWRIGHT_QUEUE_URL": services.queue_url,
                "REELWRIGHT_QUEUE_NAME": queue,
                "REELWRIGHT_MAX_CONCURRENT_JOBS": "1000",
            }
            cpus, overlap = assign_cores(n, options.cpus_per_worker, cores)
            shown = ", ".join(c or "any" for c in cpus)
            out.print(
                f"{name}: {n} worker(s) on core(s) {shown}{' (sharing cores)' if overlap else ''}; "
                f"blob store: {where}",
                highlight=False,
            )
            nodes = run.enter_context(Cluster(root / name, shared, cpus))
            out.print(
                f"  workers ready and warm in {nodes.start_seconds:.1f} s (once a process, not "
                "counted below: the jobs are given to a running cluster)",
                highlight=False,
            )
            return nodes, run, overlap

        for n in (n for _ in range(options.rounds) for n in options.workers):
            name = f"long-{n}" if options.rounds == 1 else f"long-{n}-round-{len(runs[n]) + 1}"
            nodes, run, overlap = cluster(name, n)
            with run:
                runs[n].append(long_video(nodes, deck, pages))
            shared_cores[n] = overlap
            r = runs[n][-1]
            out.print(
                f"  {r.duration:.0f} s video, {r.scenes} scenes on {r.workers_used} worker(s): "
                f"wall {r.wall:.1f} s; {load_average()}",
                highlight=False,
            )
        if options.short_jobs:
            widest = max(options.workers)
            nodes, run, _ = cluster("short", widest)
            with run:
                short = short_jobs(nodes, options.short_jobs)
        if options.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    longs = {n: median_run(rs) for n, rs in runs.items()}
    if options.rounds > 1:
        _report_rounds(out, runs)
    _report(out, options, longs, shared_cores, short, len(cores))
    out.print(f"after: {load_average()}", highlight=False)
    return longs, short


def median_run(runs: list[LongRun]) -> LongRun:
    """The run with the median wall time (the faster of the middle two for an even count)."""
    ordered = sorted(runs, key=lambda r: r.wall)
    return ordered[(len(ordered) - 1) // 2]


def _report_rounds(out: Console, runs: dict[int, list[LongRun]]) -> None:
    base_n = min(runs)
    for n, rs in runs.items():
        if n == base_n:
            continue
        pairs = list(zip(runs[base_n], rs, strict=True))
        ratios = ", ".join(f"{b.wall / r.wall:.2f}×" for b, r in pairs)
        walls = ", ".join(f"{b.wall:.1f}/{r.wall:.1f}" for b, r in pairs)
        out.print(
            f"{n} workers against {base_n}, round by round: {ratios} (wall seconds {walls}); "
            "the tables below show each count's median run.",
            highlight=False,
        )


def _report(
    out: Console,
    options: ClusterOptions,
    longs: dict[int, LongRun],
    shared_cores: dict[int, bool],
    short: ShortRun | None,
    machine_cores: int,
) -> None:
    base_n = min(longs)
    base = longs[base_n]
    per = options.cpus_per_worker
    out.print(
        "One long video, wall seconds: serial = read and plan on one worker, voice shared with idle "
        "workers (created → hand-off); scenes and soundtrack = on every worker; join = one worker.",
        highlight=False,
    )
    table = Table(
        "workers", "cores", "video", "wall", "serial", "scenes", "join", "speed-up", "eff.", box=None
    )
    for n, r in longs.items():
        speedup = base.wall / r.wall
        table.add_row(
            str(n),
            (f"{per} each" if per else "any") + (" (shared)" if shared_cores[n] else ""),
            f"{r.duration:.0f}",
            f"{r.wall:.1f}",
            _s(r.serial),
            _s(r.scene_part) if r.fanned_out else "—",
            _s(r.join) if r.fanned_out else "—",
            f"{speedup:.2f}×",
            f"{speedup / (n / base_n):.0%}",
        )
    out.print(table)
    # On one core a worker's CPU seconds are the wall time it would take alone on that core; on
    # several they are only the work done (its threads run side by side).
    cpu_is_time = per == 1
    out.print(
        "The same in CPU seconds (the workers' and their ffmpeg processes'; serial and scenes: the busiest "
        "worker's): "
        + (
            "the wall time each worker alone on its core would give, whatever else runs here."
            if cpu_is_time
            else "the work done, not a wall time: each worker has several cores."
        ),
        highlight=False,
    )
    cpu = Table("workers", "serial", "scenes", "join", "path", "speed-up", "eff.", box=None)
    for n, r in longs.items():
        speedup = base.cpu_path / r.cpu_path
        cpu.add_row(
            str(n),
            _s(r.cpu_serial),
            _s(r.cpu_scenes),
            _s(r.cpu_join),
            _s(r.cpu_path),
            f"{speedup:.2f}×",
            f"{speedup / (n / base_n):.0%}",
        )
    out.print(cpu)
    if base.fanned_out:
        sources = {"wall": (base.serial, base.scene_part, base.join, base.wall)}
        if cpu_is_time:
            sources["CPU"] = (base.cpu_serial, base.cpu_scenes, base.cpu_join, base.cpu_path)
        for label, (serial, scene_part, join, total) in sources.items():
            # The voicing's wall seconds stand for its CPU seconds too: one worker a core.
            voice = min(base.voice, serial)
            widest = max(base.scenes, base.voicers)

            at = functools.partial(
                amdahl, serial, scene_part, join, base.scenes, base_n, voicers=base.voicers
            )
            # A range: the voicing counted serial (its shares are not free: the helpers start
            # late and pass every sentence through the blob store), and perfectly shared.
            counts = sorted({1, 2, 4, 8, 16, 32} | set(longs))
            shared = {n: at(n, voice=voice) for n in counts}
            alone = {n: at(n, voice=0.0) for n in counts}
            guesses = ", ".join(
                f"{n}: {shared[n]:.0f}–{alone[n]:.0f} s ({total / alone[n]:.2f}–{total / shared[n]:.2f}×)"
                for n in counts
            )
            out.print(
                f"Extrapolation to N machines of {per or machine_cores} core(s), from the {base_n}-worker "
                f"run's {label} seconds (Amdahl: serial {serial - voice:.1f} + join {join:.1f} once, "
                f"voice {voice:.1f} once or split over up to {base.voicers} workers, scenes "
                f"{scene_part:.1f} over up to {base.scenes}): {guesses}; never below "
                f"{at(widest, voice=voice):.0f}–{at(widest, voice=0.0):.0f} s.",
                highlight=False,
            )
    else:
        out.print("The video was too short to fan out (REELWRIGHT_FANOUT_MIN_*): no serial/shared split.")
    if short is not None:
        out.print(
            f"{short.jobs} short jobs at once on {max(longs)} worker(s): {short.total:.1f} s for all, "
            f"{short.per_minute:.1f} jobs/min, latency p50 {_s(short.p50)} s, p99 {_s(short.p99)} s, "
            f"lost {short.lost}",
            highlight=False,
        )
