"""The API application: context, middleware (request ids, logs, metrics, size limit,
idempotency), error envelopes, and the routers."""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from reelwright.api.context import ApiContext, JobQueue
from reelwright.api.errors import ApiError, api_error_handler, error_body, http_handler, validation_handler
from reelwright.api.idempotency import idempotency_middleware
from reelwright.api.metrics import Metrics
from reelwright.api.previews import router as previews_router
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
    speech,
    styles,
    unimplemented,
    videos,
    voices,
    webhooks,
)
from reelwright.config import Settings
from reelwright.logs import request_id
from reelwright.store.blobs import blob_store
from reelwright.store.db import migrate, shared_database
from reelwright.store.secrets_store import server_secret

log = logging.getLogger("reelwright.api")
access_log = logging.getLogger("reelwright.access")

_UPLOAD_PATHS = ("/v3/assets", "/v1/asset")


# A service the app runs while it serves (embedded workers, the webhook dispatcher): started when
# the app starts, it returns the function that stops it.
Service = Callable[[], Callable[[], None]]

API_MODULES = (
    styles,
    agents,
    videos,
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
    unimplemented,
)


def api_routers() -> list[APIRouter]:
    return [module.router for module in API_MODULES]


def create_app(settings: Settings, *, queue: JobQueue, services: Sequence[Service] = ()) -> FastAPI:
    """The API (no web pages: :mod:`reelwright.server` composes the whole server)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    db = shared_database(settings.resolved_database_url)
    ctx = ApiContext(settings, db, blob_store(settings), server_secret(db, "url-signing"), queue)
    metrics = Metrics(db, queue)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stops = [start() for start in services]
        yield
        for stop in reversed(stops):
            stop()

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

    # Middleware runs outermost-last-added: request id/logs/metrics wrap the size limit, which
    # wraps idempotency, so every answer (even a 413 or a replay) is logged and counted.
    app.middleware("http")(idempotency_middleware)

    @app.middleware("http")
    async def refuse_nul(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # PostgreSQL text cannot hold NUL: refuse it at the edge rather than fail in the database.
        if "\x00" in request.url.path or "%00" in request.url.query or "\x00" in request.url.query:
            return JSONResponse(
                error_body("validation_error", "the URL contains a NUL character"), status_code=400
            )
        # JSON bodies are small (the size limit ran first), and Starlette replays a body read here.
        is_json = request.headers.get("content-type", "").startswith("application/json")
        if is_json and b"\\u0000" in await request.body():
            return JSONResponse(
                error_body("validation_error", "the body contains a NUL character (\\u0000)"),
                status_code=400,
            )
        return await call_next(request)

    @app.middleware("http")
    async def size_limit(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit():
            upload = request.url.path in _UPLOAD_PATHS
            limit_mb = settings.max_upload_mb if upload else settings.max_request_mb
            # Multipart framing adds a little on top of the file itself.
            if int(length) > limit_mb * 1024 * 1024 + (64 * 1024 if upload else 0):
                return JSONResponse(
                    error_body("payload_too_large", f"the request body is larger than {limit_mb} MB"),
                    status_code=413,
                )
        return await call_next(request)

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or ""
        if not re.fullmatch(r"[A-Za-z0-9_\-.:]{1,64}", rid):
            rid = secrets.token_hex(8)
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:
            log.exception("unhandled error")
            response = JSONResponse(error_body("internal_error", "internal error"), status_code=500)
        finally:
            request_id.reset(token)
        elapsed = time.perf_counter() - started
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(request.method, route).observe(elapsed)
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

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    for router in api_routers():
        app.include_router(router)
    app.include_router(previews_router)
    return app
