"""The cluster's processes on this machine: one API node and N workers, each a real
``reelwright`` process with its own empty data dir (so nothing can rely on a shared disk)."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from reelwright.clusterbench.services import free_port

WORKER_START_LIMIT = 180.0  # seconds for every worker to be ready and warm (a loaded CI machine)


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        # A session of its own: stopping it stops the ffmpeg processes it started too.
        return subprocess.Popen(
            [sys.executable, "-m", "reelwright", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def node_env(shared: dict[str, str], data: Path, port: int | None = None) -> dict[str, str]:
    """A process's environment: the shared services, and its own data and speech cache."""
    env = {
        **os.environ,
        **shared,
        "REELWRIGHT_DATA_DIR": str(data),
        "REELWRIGHT_CACHE_DIR": str(data / "cache"),
        # The presenter and style previews are for the web page; drawing them would take CPU
        # from the renders being measured.
        "REELWRIGHT_PRERENDER_PREVIEWS": "0",
    }
    if port is not None:
        env["REELWRIGHT_PORT"] = str(port)
        env["REELWRIGHT_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    return env


class ApiNode:
    """``reelwright serve`` with no embedded worker."""

    def __init__(self, data: Path, shared: dict[str, str]) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = node_env({**shared, "REELWRIGHT_WORKERS": "0"}, data, self.port)
        self.log = data / "api.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        self.proc = _spawn(["serve"], self.env, self.log)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"the API node did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.3)

    def key(self) -> str:
        """A new API key (``reelwright keys create``: the last line it prints)."""
        done = subprocess.run(
            [sys.executable, "-m", "reelwright", "keys", "create", "--name", "bench"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.base, headers={"X-Api-Key": key}, timeout=60)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


class WorkerNode:
    """``reelwright worker --cpus …``: stands in for a machine with those cores."""

    def __init__(self, data: Path, shared: dict[str, str], cpus: str | None) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.env = node_env(shared, data)
        self.cpus = cpus
        self.log = data / "worker.log"
        self.health_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = ["worker", "--health-port", str(self.health_port)]
        self.proc = _spawn([*args, *(["--cpus", self.cpus] if self.cpus else [])], self.env, self.log)

    def wait_warm(self, deadline: float) -> None:
        """Until the worker takes work with nothing left to load (``/readyz`` ready, nothing
        warming): a running cluster's workers started long before the job, so their start-up
        (imports, the voice, the file readers) is not the job's time."""
        url = f"http://127.0.0.1:{self.health_port}/readyz"
        body: Any = None
        while time.monotonic() < deadline:
            self.check()
            try:
                answer = httpx.get(url, timeout=5)
                body = answer.json()
                if answer.status_code == 200 and not body.get("warming"):
                    return
            except (httpx.HTTPError, ValueError):
                pass  # not listening yet
            time.sleep(0.1)
        raise RuntimeError(f"a worker was not ready and warm in time: {body}\n{self.log.read_text()[-2000:]}")

    def check(self) -> None:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"a worker exited ({self.proc.returncode}):\n{self.log.read_text()[-2000:]}")

    def cpu_seconds(self) -> float:
        """CPU time the worker and the processes it waited for (ffmpeg) have used so far: a
        figure other load on the machine distorts less than wall time."""
        if self.proc is None or self.proc.poll() is not None:
            return math.nan
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        # utime, stime, cutime, cstime: fields 14-17 of stat(5), 12-15 after "pid (comm)"
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


class Cluster:
    """An API node and workers sharing ``shared`` (database, queue, blob store) and nothing else."""

    def __init__(self, root: Path, shared: dict[str, str], cpus: list[str | None]) -> None:
        self.api = ApiNode(root / "api", shared)
        self.workers = [WorkerNode(root / f"worker-{i + 1}", shared, c) for i, c in enumerate(cpus)]
        self.start_seconds = math.nan  # the workers' start until every one is ready and warm

    def __enter__(self) -> Cluster:
        try:
            self.api.start()  # it migrates the database before any worker looks at it
            t = time.monotonic()
            for w in self.workers:
                w.start()
            for w in self.workers:
                w.wait_warm(t + WORKER_START_LIMIT)
            self.start_seconds = time.monotonic() - t
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        for w in self.workers:
            w.stop()
        self.api.stop()

    def check(self) -> None:
        for w in self.workers:
            w.check()

    def cpu_by_worker(self) -> list[float]:
        return [w.cpu_seconds() for w in self.workers]
