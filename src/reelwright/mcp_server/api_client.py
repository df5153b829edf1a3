"""A small typed client of Reelwright's public API for the MCP tools: JSON in, the ``data`` out,
and the API's own error message as a :class:`ToolError` when a call fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from mcp.server.mcpserver.exceptions import ToolError

# Creating a session may download file URLs first; uploads may be large.
_TIMEOUT = httpx.Timeout(120.0, connect=10.0)


class ApiClient:
    """Calls the API with one API key, over any httpx transport (the network, or the app itself)."""

    def __init__(
        self, base_url: str, api_key: str, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.transport = transport

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url,
            headers={"X-Api-Key": self.api_key},
            timeout=_TIMEOUT,
            transport=self.transport,
        )

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        whole: bool = False,
    ) -> Any:
        """The response's ``data`` (``whole``: the body, for a list's page envelope); a failed call
        raises :class:`ToolError` with the API's message."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            async with self._client() as client:
                response = await client.request(method, path, json=json, params=query, files=files)
        except httpx.HTTPError as exc:
            raise ToolError(f"cannot reach the Reelwright API at {self.base_url}: {exc}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            raise ToolError(f"{response.status_code}: {_error_message(body, response.text)}")
        if not whole and isinstance(body, dict) and "data" in body:
            return body["data"]
        return body

    async def upload(self, path: Path) -> dict[str, Any]:
        """``POST /v3/assets`` with a local file (stdio only: the file is on the caller's machine)."""
        if not path.is_file():
            raise ToolError(f"no such file: {path}")
        with path.open("rb") as handle:
            data: dict[str, Any] = await self.request(
                "POST", "/v3/assets", files={"file": (path.name, handle)}
            )
        return data


def _error_message(body: Any, text: str) -> str:
    """The API's error message (``{"error": {"message": ...}}``), else the start of the body."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            param = error.get("param")
            return f"{error['message']}" + (f" (param: {param})" if param else "")
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return text[:500] or "no details"
