"""The composition root of ``reelwright serve`` and ``reelwright worker``: the API, the web app, the
queue and the background services built and wired together here, and nowhere else."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from fastapi import FastAPI

from reelwright.api.app import api_routers, create_app
from reelwright.config import Settings
from reelwright.jobs.drain import DRAIN
from reelwright.jobs.health import serve_health
from reelwright.jobs.lease import requeue_stale
from reelwright.jobs.queue import JobQueue
from reelwright.jobs.worker_node import NodeHeartbeat
from reelwright.mcp_server.http import mount_mcp
from reelwright.store.db import shared_database
from reelwright.warmup import warm_up
from reelwright.web import mount_web
from reelwright.web.auth import web_api_refusal
from reelwright.webhooks.dispatcher import start_dispatcher

log = logging.getLogger("reelwright.jobs")

# After the drain period the running jobs are asked to stop at their next stage or scene boundary;
# this long is allowed for that before the process exits anyway (their leases then run out).
HAND_BACK_SECONDS = 30.0


def build_server(settings: Settings, *, embedded_workers: int) -> FastAPI:
    """The API with the web app, and ``embedded_workers`` workers (0: API only) in this process."""
    queue = JobQueue(settings)
    services = [lambda: start_workers(settings, queue, embedded_workers)] if embedded_workers > 0 else []
    app = create_app(settings, queue=queue, services=services, web_auth=web_api_refusal)
    mount_web(app, api_routers())  # pages, and /v3 twins for their scripts
    mount_mcp(app)  # MCP (streamable HTTP) at /mcp, behind the API keys
    return app


def api_process() -> FastAPI:
    """One of ``serve --processes N``'s server processes (a uvicorn factory): the API only, from
    the environment; the workers run beside them in their own process (see ``cli.serve``)."""
    from reelwright.logs import configure_logging

    configure_logging()  # a spawned process starts with Python's defaults
    return build_server(Settings(), embedded_workers=0)


def _consumer(settings: Settings, queue: JobQueue, workers: int) -> Any:
    return queue.consumer(workers, shutdown_timeout=settings.drain_seconds + HAND_BACK_SECONDS)


def _drain(settings: Settings, consumer: Any) -> None:
    """Take no new task; let the running ones finish for ``drain_seconds``, then hand them back."""
    log.info("draining: no new task; the running ones are handed back in %.0f s", settings.drain_seconds)
    cancel = DRAIN.begin(settings.drain_seconds)
    consumer.stop(graceful=True)  # the workers finish their task (or hand it back) and stop
    cancel()


def start_workers(settings: Settings, queue: JobQueue, workers: int) -> Callable[[], None]:
    """Workers and the webhook dispatcher in this (server) process; returns what stops them."""
    warm_up(voice=False)  # its first job waits for no imports (the voice: see run_worker)
    consumer = _consumer(settings, queue, workers)
    # Huey's consumer installs its own SIGTERM/SIGINT handlers, which would take the signals away
    # from uvicorn and stop it shutting down gracefully: keep uvicorn's.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    consumer.start()
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    db = shared_database(settings.resolved_database_url)
    node = NodeHeartbeat(db, workers).start()
    # Jobs a previous server left running were lost with it: run them again.
    requeue_stale(settings, queue.enqueue)
    dispatcher = start_dispatcher(settings)  # webhooks, including any left from before

    def stop() -> None:
        dispatcher.set()
        _drain(settings, consumer)  # uvicorn's shutdown: the same drain as a worker's SIGTERM
        node.stop()

    return stop


def run_worker(settings: Settings, workers: int, health_port: int = 0) -> None:
    """Workers only, for other machines: the same database, queue and blob URLs as the API.

    SIGTERM (or SIGINT) drains: see :mod:`reelwright.jobs.drain`."""
    queue = JobQueue(settings)
    # Its first job waits for no imports nor the default voice; a worker that serves a fan-out
    # joins the voicing that much sooner.
    warm_up(voice=True)
    db = shared_database(settings.resolved_database_url)
    node = NodeHeartbeat(db, workers).start()
    health = serve_health(settings.host, health_port, node, db, queue.pending_count) if health_port else None
    # Jobs whose worker died (SIGKILL, power loss) are taken up at once rather than at the next
    # periodic sweep.
    requeue_stale(settings, queue.enqueue)
    dispatcher = start_dispatcher(settings)
    consumer = _consumer(settings, queue, workers)
    consumer.start()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s", signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)  # ours, not Huey's: a drain, not its immediate stop
    # Short waits: a signal handler runs only between them (an Event wait is retried, not ended).
    ticks = 0
    while not stop.wait(0.5):
        ticks += 1
        if ticks % 20 == 0:
            consumer.check_worker_health()  # a worker thread that died is replaced
    dispatcher.set()
    DRAIN.draining.set()
    node.beat()  # "draining" shows at once
    _drain(settings, consumer)
    node.stop()
    if health is not None:
        health.shutdown()
    log.info("worker stopped")
