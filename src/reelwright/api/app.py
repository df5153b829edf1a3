"""The API application: context, middleware (request ids, logs, metrics, size limit,
idempotency), error envelopes, and the routers."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelwright.api.body_guard import BodyGuard, EdgeGuard, WebAuth
from reelwright.api.context import ApiContext, JobQueue
from reelwright.api.errors import ApiError, api_error_handler, error_body, http_handler, validation_handler
from reelwright.api.failures import unavailable_response
from reelwright.api.idempotency import idempotency_middleware
from reelwright.api.leftovers import start_sweeper
from reelwright.api.metrics import Metrics, method_label, metrics_token_ok, status_label
from reelwright.api.previews import router as previews_router
from reelwright.api.public_base import REQUEST_BASE
from reelwright.api.routes import (
    account,
    agents,
    assets,
    avatars,
    brand_kits,
    files,
    heygen_v1,
    heygen_v2,
    legacy,
    script_videos,
    shares,
    speech,
    storyboards,
    styles,
    templates,
    unimplemented,
    videos,
    voices,
    webhooks,
)
from reelwright.config import Settings
from reelwright.logs import request_id
from reelwright.store.blobs import blob_store
from reelwright.store.db import migrate, shared_database
from reelwright.store.models import now
from reelwright.store.nodes import live_workers
from reelwright.store.secrets_store import server_secret

log = logging.getLogger("reelwright.api")
access_log = logging.getLogger("reelwright.access")


# A service the app runs while it serves (embedded workers, the webhook dispatcher): started when
# the app starts, it returns the function that stops it.
Service = Callable[[], Callable[[], None]]

API_MODULES = (
    styles,
    agents,
    videos,
    script_videos,
    assets,
    brand_kits,
    avatars,
    voices,
    speech,
    account,
    legacy,
    heygen_v1,
    heygen_v2,
    webhooks,
    files,
    storyboards,
    shares,
    templates,
    unimplemented,
)


def api_routers() -> list[APIRouter]:
    return [module.router for module in API_MODULES]


def create_app(
    settings: Settings, *, queue: JobQueue, services: Sequence[Service] = (), web_auth: WebAuth | None = None
) -> FastAPI:
    """The API (no web pages: :mod:`reelwright.server` composes the whole server)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    db = shared_database(settings.resolved_database_url)
    ctx = ApiContext(settings, db, blob_store(settings), server_secret(db, "url-signing"), queue)
    metrics = Metrics(db, queue)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sweeper = start_sweeper(settings, db)  # files of requests that died with a server
        stops = [start() for start in services]
        yield
        for stop in reversed(stops):
            stop()
        sweeper.set()

    app = FastAPI(
        title="Reelwright",
        version="0.1.0",
        description="A self-hosted video agent that speaks HeyGen's Video Agent API.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_handler)

    # Middleware runs outermost-last-added: request id/logs/metrics wrap the edge guard, which
    # wraps idempotency, which wraps the body guard, so every answer (even a 413 or a replay) is
    # logged and counted. The edge guard authenticates any request with a body before a byte of
    # it is read (and answers 503/507 when the database, the queue or the disk fails); the body
    # guard counts and NUL-scans it as it streams into the routes.
    app.add_middleware(BodyGuard, ctx=ctx)
    app.middleware("http")(idempotency_middleware)
    app.add_middleware(EdgeGuard, ctx=ctx, web_auth=web_auth)

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or ""
        if not re.fullmatch(r"[A-Za-z0-9_\-.:]{1,64}", rid):
            rid = secrets.token_hex(8)
        token = request_id.set(rid)
        base = REQUEST_BASE.set(str(request.base_url))  # recorded on the jobs it creates
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception as exc:
            unavailable = unavailable_response(exc)
            if unavailable is None:
                log.exception("unhandled error")
            else:
                log.error("request failed: %s: %s", type(exc).__name__, exc)
            response = unavailable or JSONResponse(error_body("internal_error", "internal error"), 500)
        finally:
            request_id.reset(token)
            REQUEST_BASE.reset(base)
        elapsed = time.perf_counter() - started
        route = getattr(request.scope.get("route"), "path", "unmatched")
        method = method_label(request.method)  # made-up methods must not grow the label set
        metrics.requests.labels(method, route, status_label(response.status_code)).inc()
        metrics.latency.labels(method, route).observe(elapsed)
        response.headers["X-Request-Id"] = rid
        access_log.info(
            "%s %s %d",
            request.method,
            request.url.path,
            response.status_code,
            extra={
                "request_id": rid,
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
                "owner_id": getattr(request.state, "owner_id", None),
            },
        )
        return response

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        with db.session() as s:
            s.execute(select(1))
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Takes traffic: the database and the queue answer. Lists the workers that report heartbeats
        (none is not an error here: they may be starting, or scaled to zero)."""
        body: dict[str, object] = {}
        try:
            with db.session() as s:
                s.execute(select(1))
            body["database"] = "ok"
            body["workers"] = [
                {
                    "id": w.id,
                    "state": w.state,
                    "threads": w.threads,
                    "running": w.running,
                    "heartbeat_age_seconds": max(0, now() - w.heartbeat_at),
                }
                for w in live_workers(db)
            ]
        except Exception as exc:
            body["database"] = f"unreachable: {type(exc).__name__}"
        try:
            body["queued"] = queue.pending_count()
            body["queue"] = "ok"
        except Exception as exc:
            body["queue"] = f"unreachable: {type(exc).__name__}"
        ready = body["database"] == "ok" and body["queue"] == "ok"
        return JSONResponse({"status": "ok" if ready else "unavailable", **body}, 200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics(authorization: Annotated[str | None, Header()] = None) -> Response:
        if not metrics_token_ok(settings.metrics_token, authorization):
            raise ApiError(
                401,
                "/metrics needs Authorization: Bearer <REELWRIGHT_METRICS_TOKEN>",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    for router in api_routers():
        app.include_router(router)
    app.include_router(previews_router)
    return app
