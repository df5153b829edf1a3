"""A worker's own health endpoint (``reelwright worker --health-port P``), for a container's
healthcheck or a load balancer's probe: no web framework, one small thread.

* ``/healthz``: the process is alive and its heartbeat thread writes to the database (200), else 503.
* ``/readyz``: it takes work: the database and the queue answer and it is not draining (200), else 503
  with what is wrong. ``warming`` names what the worker still loads ahead of its first job (the
  file readers, the mixing libraries, the default voice): it takes work meanwhile, and a job taken
  then waits for them.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import text

from reelwright.jobs.drain import DRAIN
from reelwright.jobs.lease import HEARTBEAT_SECONDS
from reelwright.jobs.worker_node import NodeHeartbeat
from reelwright.store.db import Database
from reelwright.warmup import still_warming

log = logging.getLogger("reelwright.jobs")

HEALTH_PATHS = ("/healthz", "/readyz")  # what a probe may ask (the deployment test checks against it)


def _probe(name: str, check: Callable[[], object]) -> str:
    try:
        check()
    except Exception as exc:
        return f"{name} unreachable: {type(exc).__name__}: {str(exc).strip()[:200]}"
    return "ok"


def readiness(db: Database, pending: Callable[[], int]) -> tuple[bool, dict[str, Any]]:
    def database() -> None:
        with db.session() as s:
            s.execute(text("SELECT 1"))

    body: dict[str, Any] = {
        "database": _probe("database", database),
        "queue": _probe("queue", pending),
        "draining": DRAIN.draining.is_set(),
        "running": DRAIN.running,
        "warming": still_warming(),
    }
    ready = body["database"] == "ok" and body["queue"] == "ok" and not body["draining"]
    return ready, {"status": "ok" if ready else "unavailable", **body}


def liveness(node: NodeHeartbeat) -> tuple[bool, dict[str, Any]]:
    age = time.monotonic() - node.last_beat
    alive = age < 3 * HEARTBEAT_SECONDS
    return alive, {
        "status": "ok" if alive else "unavailable",
        "worker": node.id,
        "state": node.state(),
        "running": DRAIN.running,
        "heartbeat_age_seconds": round(age, 1),
        # The cores it runs on (``worker --cpus``): several workers may share one machine.
        "cores": sorted(os.sched_getaffinity(0)),
    }


def serve_health(
    host: str, port: int, node: NodeHeartbeat, db: Database, pending: Callable[[], int]
) -> ThreadingHTTPServer:
    """Answer /healthz and /readyz on ``host:port`` in a daemon thread; the server (to shut down)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                ok, body = liveness(node)
            elif path == "/readyz":
                ok, body = readiness(db, pending)
            else:
                ok, body = False, {"status": "not found"}
            data = json.dumps(body).encode()
            self.send_response(200 if ok else 404 if body["status"] == "not found" else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # probes are not news
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="worker-health").start()
    log.info("worker health on http://%s:%d/healthz and /readyz", host, server.server_address[1])
    return server
