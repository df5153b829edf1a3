"""Load test: how many ``GET /v3/videos/{id}`` a server answers, and how long a create takes.

Usage::

    python scripts/load_test.py                       # starts its own server (no workers)
    python scripts/load_test.py --clients 50 --duration 20
    python scripts/load_test.py --base http://127.0.0.1:8000 --key rw_...   # an existing server

Two measurements:

1. Read throughput: one video row is created (``POST /v1/video_agent/generate`` hands out a
   ``video_id`` at once), then ``--clients`` coroutines, each with its own keep-alive
   ``httpx.AsyncClient`` (one connection), GET it back to back for ``--duration`` seconds after a
   ``--warmup``. Printed: requests, throughput, latency p50/p90/p99/max
   (of 2xx answers), errors by status or exception.
2. Create latency: ``--creates`` sequential ``POST /v3/video-agents`` with a short prompt. The
   server this script starts has ``REELWRIGHT_WORKERS=0`` (nothing renders) and a very high
   ``REELWRIGHT_MAX_CONCURRENT_JOBS``, so every create is accepted and merely queued (and
   ``REELWRIGHT_PRERENDER_PREVIEWS=0``, so no preview process competes for the CPU); against
   ``--base`` the server's own job limit may answer 429, which is counted, not hidden.

Caveat: the load generator runs on the same machine as the server and competes with it for CPU
(the machine this was written on has 2 cores). ``reelwright serve`` is one Python process, so it
uses at most about one core; on that 2-core box it ran at ~95 % of a core while this generator
took ~35 % of the other, so the server, not the generator, was the limit there, but on a box with
fewer free cores the figures are a floor for the server, not its ceiling. The CPU each side used is
printed when this script started the server, to show how contended a run was. Use ``wrk`` (run
automatically when it is installed) or a second machine for a fairer number.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

console = Console()

PROMPT = "A 20 second explainer about why load tests matter."


# --- a server of our own --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnServer:
    """``python -m reelwright serve`` in a subprocess with a temporary data folder (like tests/server.py)."""

    def __init__(self, data: Path, extra_env: dict[str, str]) -> None:
        self.data = data
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "REELWRIGHT_DATA_DIR": str(data),
            "REELWRIGHT_PORT": str(self.port),
            "REELWRIGHT_PUBLIC_URL": self.base,
            "REELWRIGHT_CACHE_DIR": str(data / "cache"),
            **extra_env,
        }
        self.log = data / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def key(self, name: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "reelwright", "keys", "create", "--name", name],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "reelwright", "serve"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def cpu_seconds(self) -> float | None:
        """User + system CPU the server process has used so far (Linux /proc), else None."""
        if self.proc is None:
            return None
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # After the command name: state is field 3, utime and stime are fields 14 and 15.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> dict[str, int]:
        return {k: v for k, v in sorted(self.statuses.items()) if k != "200"}


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


async def _hammer(
    base: str, key: str, path: str, start: float, measure_from: float, until: float, out: Results
) -> None:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(
        base_url=base, headers={"X-Api-Key": key}, limits=limits, timeout=30
    ) as client:
        # Stagger the first requests a little so 50 connections do not open in the same instant.
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        while (t0 := time.perf_counter()) < until:
            try:
                response = await client.get(path)
                outcome = str(response.status_code)
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            t1 = time.perf_counter()
            if t0 >= measure_from:
                out.statuses[outcome] += 1
                if outcome == "200":
                    out.latencies_ms.append((t1 - t0) * 1000)


async def read_load(base: str, key: str, path: str, clients: int, warmup: float, duration: float) -> Results:
    out = Results()
    now = time.perf_counter()
    measure_from = now + warmup
    until = measure_from + duration
    tasks = [_hammer(base, key, path, now + i * 0.01, measure_from, until, out) for i in range(clients)]
    await asyncio.gather(*tasks)
    out.elapsed_s = duration
    return out


def create_latency(base: str, key: str, count: int) -> Results:
    out = Results()
    with httpx.Client(base_url=base, headers={"X-Api-Key": key}, timeout=60) as client:
        client.post("/v3/video-agents", json={"prompt": PROMPT})  # warm the route, not counted
        started = time.perf_counter()
        for _ in range(count):
            t0 = time.perf_counter()
            response = client.post("/v3/video-agents", json={"prompt": PROMPT})
            elapsed_ms = (time.perf_counter() - t0) * 1000
            out.statuses[str(response.status_code)] += 1
            if response.is_success:  # a quick 429 would flatter the figures
                out.latencies_ms.append(elapsed_ms)
        out.elapsed_s = time.perf_counter() - started
    return out


def make_video(base: str, key: str) -> str:
    r = httpx.post(
        f"{base}/v1/video_agent/generate",
        headers={"X-Api-Key": key},
        json={"prompt": PROMPT},
        timeout=60,
    )
    r.raise_for_status()
    video_id = r.json()["data"]["video_id"]
    assert isinstance(video_id, str), r.text
    return video_id


def run_wrk(url: str, key: str, clients: int, duration: float) -> None:
    wrk = shutil.which("wrk")
    if wrk is None:
        console.print("[dim]wrk is not installed; skipped.[/dim]")
        return
    threads = min(os.cpu_count() or 1, clients)
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{clients}",
        f"-d{int(duration)}s",
        "--latency",
        "-H",
        f"X-Api-Key: {key}",
        url,
    ]
    console.print(f"[bold]wrk[/bold] {' '.join(cmd[1:-3])} …")
    console.print(subprocess.run(cmd, capture_output=True, text=True, check=False).stdout)


# --- report ---------------------------------------------------------------------------------------


def latency_table(title: str, res: Results, *, throughput: bool) -> Table:
    lat = sorted(res.latencies_ms)
    table = Table(title=title, show_header=True, min_width=len(title) + 4)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("requests", f"{res.total}")
    if throughput:
        table.add_row("throughput", f"{res.total / res.elapsed_s:,.1f} req/s" if res.elapsed_s else "-")
    for label, p in (("p50", 50.0), ("p90", 90.0), ("p99", 99.0)):
        table.add_row(f"latency {label}", f"{percentile(lat, p):.1f} ms")
    table.add_row("latency max", f"{lat[-1]:.1f} ms" if lat else "-")
    errors = res.errors
    table.add_row("errors", ", ".join(f"{k}: {v}" for k, v in errors.items()) if errors else "0")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--base", help="an existing server's base URL (default: start one)")
    parser.add_argument("--key", help="API key for --base")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first (default 3)")
    parser.add_argument("--creates", type=int, default=50, help="sequential creates to time (default 50)")
    parser.add_argument("--wrk", action=argparse.BooleanOptionalAction, default=True, help="also run wrk")
    args = parser.parse_args(argv)
    if args.base and not args.key:
        parser.error("--base needs --key")

    server: OwnServer | None = None
    tmp: tempfile.TemporaryDirectory[str] | None = None
    try:
        if args.base:
            base, key = args.base.rstrip("/"), args.key
        else:
            tmp = tempfile.TemporaryDirectory(prefix="reelwright-load-")
            server = OwnServer(
                Path(tmp.name),
                {
                    "REELWRIGHT_WORKERS": "0",
                    "REELWRIGHT_MAX_CONCURRENT_JOBS": "10000",
                    # Nor does it draw catalogue previews in the background meanwhile.
                    "REELWRIGHT_PRERENDER_PREVIEWS": "0",
                },
            )
            key = server.key("load-test")
            server.start()
            base = server.base
            console.print(f"started a server at {base} (data in {tmp.name}, no workers)")

        video_id = make_video(base, key)
        path = f"/v3/videos/{video_id}"
        console.print(
            f"GET {path}: {args.clients} clients, {args.warmup:g} s warm-up, {args.duration:g} s measured; "
            f"{os.cpu_count()} CPU cores shared by server and load generator"
        )
        cpu_server0 = server.cpu_seconds() if server else None
        cpu_client0 = time.process_time()
        reads = asyncio.run(read_load(base, key, path, args.clients, args.warmup, args.duration))
        cpu_client = time.process_time() - cpu_client0
        cpu_server1 = server.cpu_seconds() if server else None
        console.print(
            latency_table(f"GET /v3/videos/{{id}} x {args.clients} clients", reads, throughput=True)
        )
        window = args.warmup + args.duration
        cpu_line = f"load generator CPU: {cpu_client:.1f} s over {window:g} s"
        if cpu_server0 is not None and cpu_server1 is not None:
            cpu_line += f"; server CPU: {cpu_server1 - cpu_server0:.1f} s"
        console.print(f"[dim]{cpu_line}[/dim]")

        creates = create_latency(base, key, args.creates)
        console.print(
            latency_table(f"POST /v3/video-agents x {args.creates}, sequential", creates, throughput=False)
        )

        if args.wrk:
            run_wrk(f"{base}{path}", key, args.clients, args.duration)
    finally:
        if server is not None:
            server.stop()
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
