"""`reelwright mcp` with the MCP SDK's own client, over stdio (a `reelwright mcp` subprocess calling
a real `reelwright serve`) and over streamable HTTP (the same server's `/mcp`)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from reelwright.ingest.media import probe
from tests.media import make_png
from tests.quiet_http import QuietHTTPServer
from tests.server import Server

TOOLS = {
    "create_video",
    "create_script_video",
    "get_status",
    "get_video",
    "list_videos",
    "list_presenters",
    "list_voices",
    "list_styles",
    "upload_asset",
    "send_message",
    "get_draft",
    "stop_session",
}


@dataclass
class Running:
    server: Server
    key: str
    file_base: str  # a local file server the API may fetch from (allow-listed)


class _Files(http.server.SimpleHTTPRequestHandler):
    served: ClassVar[list[str]] = []  # paths fetched, to see the server downloaded a file URL

    def log_message(self, *_args: object) -> None:
        self.served.append(self.path)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    files = tmp_path_factory.mktemp("files")
    make_png(files / "tea.png", 640, 360, "Tea")
    handler = functools.partial(_Files, directory=str(files))
    httpd = QuietHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    srv = Server(tmp_path_factory.mktemp("data"), {"REELWRIGHT_URL_ALLOWLIST": f"127.0.0.1:{port}"})
    key = srv.key("assistant")
    srv.start()
    try:
        yield Running(srv, key, f"http://127.0.0.1:{port}")
    finally:
        srv.stop()
        httpd.shutdown()


def stdio_client(r: Running, key: str | None = None) -> Client:
    """`reelwright mcp` as an assistant would start it, told the server and key by environment."""
    env = {**r.server.env, "REELWRIGHT_BASE_URL": r.server.base, "REELWRIGHT_API_KEY": key or r.key}
    return Client(StdioServerParameters(command=sys.executable, args=["-m", "reelwright", "mcp"], env=env))


@asynccontextmanager
async def http_client(r: Running, headers: dict[str, str] | None = None) -> AsyncIterator[Client]:
    auth = {"Authorization": f"Bearer {r.key}"} if headers is None else headers
    async with httpx2.AsyncClient(headers=auth, timeout=120) as http:
        transport = streamable_http_client(f"{r.server.base}/mcp", http_client=http)
        async with Client(transport) as client:
            yield client


@asynccontextmanager
async def connect(r: Running, transport: str) -> AsyncIterator[Client]:
    if transport == "stdio":
        async with stdio_client(r) as client:
            yield client
    else:
        async with http_client(r) as client:
            yield client


def run(fn: Callable[[], Awaitable[None]]) -> None:
    anyio.run(fn)


async def call(client: Client, tool: str, **arguments: Any) -> Any:
    """A tool's structured result; a failed call fails the test with the tool's message."""
    result = await client.call_tool(tool, arguments)
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert not result.is_error, f"{tool}: {text}"
    return result.structured_content


async def call_error(client: Client, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result
    return " ".join(getattr(c, "text", "") for c in result.content)


async def wait_finished(client: Client, session_id: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await call(client, "get_status", session_id=session_id)
        if status["status"] in ("completed", "failed"):
            return dict(status)
        await anyio.sleep(0.5)
    raise AssertionError(f"session {session_id} did not finish")


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_tools_and_catalogues(running: Running, transport: str) -> None:
    async def main() -> None:
        async with connect(running, transport) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert set(tools) == TOOLS
            schema = tools["create_video"].input_schema
            assert schema["required"] == ["prompt"]
            assert set(schema["properties"]["mode"]["enum"]) == {"generate", "chat"}
            templates = (await client.list_resource_templates()).resource_templates
            assert [t.uri_template for t in templates] == ["reelwright://videos/{video_id}"]

            voices = await call(client, "list_voices", gender="female", language="en")
            assert voices["data"] and all(v["gender"] == "female" for v in voices["data"])
            looks = await call(client, "list_presenters", avatar_type="studio_avatar")
            assert looks["data"] and all(x["avatar_type"] == "studio_avatar" for x in looks["data"])
            styles = await call(client, "list_styles")
            assert styles["data"] and all("style_id" in s for s in styles["data"])
            # The API's own error message comes through.
            message = await call_error(client, "list_voices", engine="no-such-engine")
            assert "400: engine must be one of" in message and "(param: engine)" in message
            message = await call_error(client, "get_status", session_id="nope")
            assert "404" in message and "no video agent session 'nope'" in message
            with pytest.raises(MCPError, match="no video 'nope'"):
                await client.read_resource("reelwright://videos/nope")

    run(main)


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_create_status_stop_and_draft(running: Running, transport: str) -> None:
    """A chat session created through MCP (a file by URL) is the API's session: its status, draft,
    revision and stop work."""

    fetched = _Files.served.count("/tea.png")

    async def main() -> None:
        async with connect(running, transport) as client:
            created = await call(
                client,
                "create_video",
                prompt="A short video about tea. Green tea is steamed; black tea is oxidised.",
                files=[f"{running.file_base}/tea.png"],
                mode="chat",
                duration_sec=10,
            )
            session_id = created["session_id"]
            assert _Files.served.count("/tea.png") == fetched + 1, "the server fetched the file URL"
            assert created["status"] == "thinking"
            status = await wait_finished_or_waiting(client, session_id)
            assert status["status"] == "reviewing", status
            draft = await call(client, "get_draft", session_id=session_id)
            assert draft["session_id"] == session_id and draft["storyboard"]["scenes"]
            # A revision makes a new draft.
            sent = await call(
                client, "send_message", session_id=session_id, message="Make it 20 seconds long."
            )
            assert sent["session_id"] == session_id and sent["run_id"]
            status = await wait_finished_or_waiting(client, session_id)
            assert status["status"] == "reviewing", status
            revised = await call(client, "get_draft", session_id=session_id)
            assert revised["resource_id"] != draft["resource_id"]
            stopped = await call(client, "stop_session", session_id=session_id)
            assert stopped["session_id"] == session_id
            # The session is the API's own.
            with running.server.client(running.key) as api:
                got = api.get(f"/v3/video-agents/{session_id}").json()["data"]
                assert got["session_id"] == session_id

    run(main)


async def wait_finished_or_waiting(client: Client, session_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = await call(client, "get_status", session_id=session_id)
        if status["status"] != "thinking":
            return dict(status)
        await anyio.sleep(0.3)
    raise AssertionError(f"session {session_id} is still thinking")


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_create_script_video(running: Running, transport: str) -> None:
    """A script video through MCP is the API's script video: two scenes (a colour, and a picture by
    URL that the server fetches), the presenter placed per scene; a scene that says two things is
    a clear tool error."""
    fetched = _Files.served.count("/tea.png")

    async def main() -> None:
        async with connect(running, transport) as client:
            created = await call(
                client,
                "create_script_video",
                scenes=[
                    {"text": "Hi.", "background": "#203040", "avatar_style": "closeUp"},
                    {
                        "silence_seconds": 1,
                        "background": f"{running.file_base}/tea.png",
                        "avatar_style": "circle",
                        "scale": 0.4,
                    },
                ],
                title=f"MCP script {transport}",
            )
            video_id = created["video_id"]
            assert created["resource_uri"] == f"reelwright://videos/{video_id}"
            assert _Files.served.count("/tea.png") == fetched + 1, "the server fetched the background"
            video = await call(client, "get_video", video_id=video_id)
            assert video["id"] == video_id and video["title"] == f"MCP script {transport}"
            message = await call_error(
                client, "create_script_video", scenes=[{"text": "Hi.", "silence_seconds": 1}]
            )
            assert "exactly one of text, audio and silence_seconds" in message
            message = await call_error(
                client, "create_script_video", scenes=[{"text": "Hi."}], avatar_id="nobody"
            )
            assert "nobody" in message

    run(main)


def test_http_refuses_missing_and_unknown_keys(running: Running) -> None:
    url = f"{running.server.base}/mcp"
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    for headers in ({}, {"X-Api-Key": "not-a-key"}, {"Authorization": "Bearer not-a-key"}):
        r = httpx.post(url, json=hello, headers=headers, timeout=30)
        assert r.status_code == 401, (headers, r.text)
        assert r.json()["error"]["code"] == "unauthorized"

    async def main() -> None:
        # The SDK's client cannot even initialise: the 401 ends its connection with an MCPError.
        with pytest.raises(ExceptionGroup) as info:
            async with http_client(running, headers={}) as client:
                await client.list_tools()
        assert info.group_contains(MCPError, match="error response")

    run(main)


def test_http_accepts_x_api_key(running: Running) -> None:
    """The plain JSON-RPC an assistant sends, with the key in X-Api-Key instead of a bearer token."""
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
    headers = {"X-Api-Key": running.key, "Accept": "application/json, text/event-stream"}
    r = httpx.post(f"{running.server.base}/mcp", json=hello, headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["result"]["serverInfo"]["name"] == "reelwright"


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"REELWRIGHT_API_KEY": ""}, "--api-key (or REELWRIGHT_API_KEY) is required"),
        ({"REELWRIGHT_API_KEY": "k", "REELWRIGHT_BASE_URL": "localhost:8000"}, "--base-url must be an http"),
    ],
)
def test_mcp_command_needs_a_key_and_a_url(env: dict[str, str], needle: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", "mcp"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2 and needle in proc.stderr, proc.stderr


def test_stdio_bad_key_is_a_clear_tool_error(running: Running) -> None:
    async def main() -> None:
        async with stdio_client(running, key="not-a-key") as client:
            message = await call_error(client, "list_styles")
            assert "401: missing or unknown API key" in message

    run(main)


def test_stdio_missing_local_file(running: Running, tmp_path: Path) -> None:
    async def main() -> None:
        async with stdio_client(running) as client:
            missing = tmp_path / "missing.png"
            assert f"no such file: {missing}" in await call_error(client, "upload_asset", path=str(missing))
            message = await call_error(client, "create_video", prompt="hello", files=[str(missing)])
            assert f"no such file: {missing}" in message

    run(main)


def test_http_refuses_local_paths(running: Running, tmp_path: Path) -> None:
    """Over HTTP a path would name a file on the server: refused, with what to give instead."""
    picture = tmp_path / "p.png"
    picture.write_bytes(b"x")

    async def main() -> None:
        async with http_client(running) as client:
            message = await call_error(client, "create_video", prompt="hello", files=[str(picture)])
            assert "http(s) URLs or asset:<id>" in message
            assert "stdio" in await call_error(client, "upload_asset", path=str(picture))

    run(main)


@pytest.mark.slow
def test_stdio_prompt_with_local_file_to_finished_mp4(running: Running, tmp_path: Path) -> None:
    """End to end over stdio: a local picture uploaded through POST /v3/assets, the video made,
    its resource read, and the MP4 downloaded and probed."""
    picture = tmp_path / "bakery.png"
    make_png(picture, 640, 360, "Fresh bread")

    async def main() -> None:
        async with stdio_client(running) as client:
            asset = await call(client, "upload_asset", path=str(picture))
            assert asset["asset_id"]
            created = await call(
                client,
                "create_video",
                prompt="A 6-second teaser about our bakery. Our bread is baked fresh every morning.",
                files=[str(picture)],
                duration_sec=6,
            )
            status = await wait_finished(client, created["session_id"])
            assert status["status"] == "completed", status
            video = status["video"]
            assert video["status"] == "completed" and video["video_url"].startswith(running.server.base)
            again = await call(client, "get_video", video_id=video["id"])
            assert again["status"] == "completed" and again["duration"] == video["duration"]
            assert again["captioned_video_url"] and again["thumbnail_url"]
            listed = await call(client, "list_videos", limit=5)
            assert listed["data"][0]["resource_uri"] == f"reelwright://videos/{video['id']}"
            resource = await client.read_resource(f"reelwright://videos/{video['id']}")
            assert json.loads(resource.contents[0].text)["id"] == video["id"]  # type: ignore[union-attr]
            mp4 = httpx.get(video["video_url"], timeout=60)
            assert mp4.status_code == 200
            (tmp_path / "v.mp4").write_bytes(mp4.content)

    run(main)
    info = probe(tmp_path / "v.mp4")
    assert info.video is not None and info.video.codec == "h264" and info.audio is not None
    assert info.duration is not None and 4.5 <= info.duration <= 8.0
