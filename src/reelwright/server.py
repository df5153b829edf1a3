"""The composition root of ``reelwright serve`` and ``reelwright worker``: the API, the web app, the
queue and the background services built and wired together here, and nowhere else."""

from __future__ import annotations

import signal
from collections.abc import Callable

from fastapi import FastAPI

from reelwright.api.app import api_routers, create_app
from reelwright.config import Settings
from reelwright.jobs.lease import stale_sessions
from reelwright.jobs.queue import JobQueue
from reelwright.mcp_server.http import mount_mcp
from reelwright.web import mount_web
from reelwright.web.auth import web_api_refusal
from reelwright.webhooks.dispatcher import start_dispatcher


def build_server(settings: Settings, *, embedded_workers: int) -> FastAPI:
    """The API with the web app, and ``embedded_workers`` workers (0: API only) in this process."""
    queue = JobQueue(settings)
    services = [lambda: start_workers(settings, queue, embedded_workers)] if embedded_workers > 0 else []
    app = create_app(settings, queue=queue, services=services, web_auth=web_api_refusal)
    mount_web(app, api_routers())  # pages, and /v3 twins for their scripts
    mount_mcp(app)  # MCP (streamable HTTP) at /mcp, behind the API keys
    return app


def start_workers(settings: Settings, queue: JobQueue, workers: int) -> Callable[[], None]:
    """Workers and the webhook dispatcher in this (server) process; returns what stops them."""
    consumer = queue.consumer(workers)
    # Huey's consumer installs its own SIGTERM/SIGINT handlers, which would take the signals away
    # from uvicorn and stop it shutting down gracefully: keep uvicorn's.
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    consumer.start()
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    # Jobs a previous server left running were lost with it: run them again.
    for session_id in stale_sessions(settings):
        queue.enqueue(session_id)
    dispatcher = start_dispatcher(settings)  # webhooks, including any left from before

    def stop() -> None:
        dispatcher.set()
        consumer.stop(graceful=True)

    return stop


def run_worker(settings: Settings, workers: int) -> None:
    """Workers only, for other machines: the same database and queue URL as the API."""
    queue = JobQueue(settings)
    # Jobs whose worker died (SIGKILL, power loss) are taken up at once rather than at the next
    # periodic sweep.
    for session_id in stale_sessions(settings):
        queue.enqueue(session_id)
    start_dispatcher(settings)  # a daemon thread: it ends with the consumer's process
    queue.consumer(workers).run()
