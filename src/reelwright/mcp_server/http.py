"""The MCP server mounted on ``serve`` at ``/mcp`` (streamable HTTP), behind the API's keys.

Its tools call the same app in-process through httpx's ASGI transport, forwarding the caller's
key: every call passes the API's own authentication, validation, limits and error envelopes, and
one tool implementation serves stdio and HTTP alike. (Calling the route functions directly would
have to repeat FastAPI's dependency injection and query validation; calling our own port over
the network would need to know the address uvicorn really listens on.)"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import httpx
from fastapi import FastAPI
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from reelwright.api.context import ApiContext
from reelwright.api.deps import api_key_from
from reelwright.api.errors import error_body
from reelwright.mcp_server.api_client import ApiClient
from reelwright.mcp_server.tools import build_mcp
from reelwright.store.keys import owner_for_key

MCP_PATH = "/mcp"
_INTERNAL_BASE = "http://reelwright.internal"  # in-process calls never reach the network
_Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


class _KeyedEndpoint:
    """Refuses a request without a known API key (401, the API's envelope), else hands it on."""

    def __init__(self, ctx: ApiContext, handle: _Asgi) -> None:
        self.ctx = ctx
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        key = api_key_from(headers.get("x-api-key"), headers.get("authorization"))
        owner = await anyio.to_thread.run_sync(owner_for_key, self.ctx.db, key) if key else None
        if owner is None:
            response = JSONResponse(
                error_body("unauthorized", "missing or unknown API key (send it in X-Api-Key)"),
                401,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        await self.handle(scope, receive, send)


def mount_mcp(app: FastAPI) -> None:
    """Serve MCP at ``/mcp`` on ``app``; its session manager runs inside the app's lifespan."""
    ctx: ApiContext = app.state.ctx
    transport = httpx.ASGITransport(app=app)

    async def api_for(tool_ctx: Context) -> ApiClient:
        headers = tool_ctx.headers or {}
        key = api_key_from(headers.get("x-api-key"), headers.get("authorization"))
        if not key:  # the endpoint refused keyless requests already
            raise ToolError("missing API key")
        return ApiClient(_INTERNAL_BASE, key, transport=transport)

    mcp = build_mcp(api_for, local_files=False)
    # Stateless JSON answers: no session state to lose between requests or workers, and no
    # long-lived SSE stream for the app's middleware to buffer.
    # The SDK's DNS-rebinding check (Host must be loopback) is off: every request needs an API key,
    # which a rebound page does not have, and the check would refuse a server behind a proxy.
    mcp.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    manager = mcp.session_manager
    app.router.routes.append(Route(MCP_PATH, endpoint=_KeyedEndpoint(ctx, manager.handle_request)))

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        async with inner(a), manager.run():
            yield

    app.router.lifespan_context = lifespan
