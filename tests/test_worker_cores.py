"""Workers sized to the cores they are given: ``reelwright worker --cpus`` pins the process, and
everything that sizes threads (x264, onnxruntime) follows the pinning, as do child processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from reelwright.cores import available_cpus, format_cpu_list, parse_cpu_list
from reelwright.render.compose import EncodeSettings
from tests.server import Server, Worker, free_port
from tests.services import postgres_database, redis_queue


def test_cpu_lists_read_and_write_like_taskset() -> None:
    assert parse_cpu_list("0") == {0}
    assert parse_cpu_list("0-1,3") == {0, 1, 3}
    assert parse_cpu_list(" 2 , 0-1 ") == {0, 1, 2}
    assert format_cpu_list({0, 1, 3}) == "0-1,3"
    assert format_cpu_list({5}) == "5"
    assert format_cpu_list({0, 1, 2, 4, 5, 7}) == "0-2,4-5,7"
    for bad in ("", "a", "1-", "3-1", "-1", ","):
        with pytest.raises(ValueError):
            parse_cpu_list(bad)


def test_available_cpus_is_the_affinity_mask_not_the_machine() -> None:
    assert available_cpus() == len(os.sched_getaffinity(0))


_PROBE = """
import json, os, subprocess, sys
from reelwright.cores import available_cpus, pin_to
from reelwright.render.compose import EncodeSettings
from reelwright.voice.piper_engine import session_options

before = {"cpus": available_cpus(), "x264": EncodeSettings().thread_count(1920, 1080),
          "onnx": session_options().intra_op_num_threads}
pin_to("0")
child = subprocess.run([sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"],
                       capture_output=True, text=True, check=True).stdout.strip()
print(json.dumps({"before": before, "after": {
    "affinity": sorted(os.sched_getaffinity(0)), "cpus": available_cpus(),
    "x264": EncodeSettings().thread_count(1920, 1080), "onnx": session_options().intra_op_num_threads,
    "child": child}}))
"""


def test_threads_follow_the_cores_the_process_is_pinned_to() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    machine = len(os.sched_getaffinity(0))
    assert seen["before"]["cpus"] == machine
    assert seen["before"]["onnx"] == machine
    assert seen["before"]["x264"] == EncodeSettings().thread_count(1920, 1080)
    # Pinned to one core: one x264 thread per encoder, one onnxruntime thread, and the processes
    # it starts (ffmpeg) inherit the mask.
    assert seen["after"] == {"affinity": [0], "cpus": 1, "x264": 1, "onnx": 1, "child": "[0]"}
    # Unpinned, the two encoders share the machine's cores (one thread each on two cores).
    # (At 1080p the memory cap allows 15 a encoder, more than any machine here has cores for.)
    assert seen["before"]["x264"] == max(1, machine // 2) or machine > 30


def test_x264_threads_are_capped_by_memory_and_can_be_set() -> None:
    # At 4K four frames a thread for two encoders would pass ENCODER_MEMORY beyond four threads.
    assert EncodeSettings().thread_count(3840, 2160) <= 4
    assert EncodeSettings(threads=3).thread_count(1920, 1080) == 3


def test_the_filter_graph_gets_the_cores_the_encoders_leave() -> None:
    settings = EncodeSettings(threads=2)
    cores = available_cpus()
    # Two encoders of two threads: the graph keeps one thread unless more cores are free.
    assert settings.graph_threads(1920, 1080) == max(1, cores - 5)
    # The last frame alone has no encoder: the graph may use every core but the feeder's.
    assert settings.graph_threads(1920, 1080, encoders=0) == max(1, cores - 1)
    # Pinned to few cores (2 here, as on CI), one graph thread: no slice threads fighting the encoders.
    assert EncodeSettings().graph_threads(1920, 1080) == 1 or cores > 3


def test_a_worker_given_cpus_0_runs_on_core_0_and_says_so(tmp_path: Path) -> None:
    with postgres_database() as db_url, redis_queue() as (queue_url, queue_name):
        env = {
            "REELWRIGHT_DATABASE_URL": db_url,
            "REELWRIGHT_QUEUE_URL": queue_url,
            "REELWRIGHT_QUEUE_NAME": queue_name,
            "REELWRIGHT_WORKER_CPUS": "0",  # the setting; --cpus wins over it below
        }
        port = free_port()
        node = Server(tmp_path / "worker", env)
        node.data.mkdir(parents=True)
        worker = Worker(node, "--health-port", str(port), "--cpus", "0").start()
        try:
            assert worker.proc is not None
            deadline = time.monotonic() + 60
            while True:
                try:
                    health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    if health.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and worker.proc.poll() is None, worker.log.read_text()
                time.sleep(0.3)
            assert health.json()["cores"] == [0]
            assert os.sched_getaffinity(worker.proc.pid) == {0}
        finally:
            worker.stop()
        assert "worker pinned to core(s) 0" in worker.log.read_text()

        # A core the machine does not have is refused, naming the option.
        missing = max(os.sched_getaffinity(0)) + 1
        refused = subprocess.run(
            [sys.executable, "-m", "reelwright", "worker", "--cpus", str(missing)],
            env={**node.env, "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 2, refused.stderr
        assert f"--cpus: core(s) {missing} are not available here" in refused.stderr
