"""``reelwright mcp`` over stdio: a thin client of a running Reelwright server's public API."""

from __future__ import annotations

import logging

from mcp.server.mcpserver import Context, MCPServer

from reelwright.mcp_server.api_client import ApiClient
from reelwright.mcp_server.tools import build_mcp


def stdio_server(base_url: str, api_key: str) -> MCPServer:
    """Every call goes to ``base_url`` with ``api_key``; file paths are read on this machine."""
    # httpx logs every request at INFO; an assistant shows stderr to its user as the server's log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    api = ApiClient(base_url, api_key)

    async def api_for(_ctx: Context) -> ApiClient:
        return api

    return build_mcp(api_for, local_files=True)
