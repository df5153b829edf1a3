"""The MCP server's tools and resources: each one a call (or two) to Reelwright's public API.

Deliberately no ``from __future__ import annotations``: the SDK reads these signatures at run time
to build each tool's JSON schema."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import Field

from reelwright.mcp_server.api_client import ApiClient

# How a tool finds the API client for the call: one fixed client (stdio), or one per caller (HTTP).
ApiResolver = Callable[[Context], Awaitable[ApiClient]]

INSTRUCTIONS = """\
Reelwright makes narrated videos from a prompt (and optional slides, pictures, clips and music).
create_video starts one; get_status reports progress and, once completed, the download URLs.
With mode="chat" the agent first drafts a storyboard: read it with get_draft, then send_message to
revise it or to approve it ("looks good, render it"). list_presenters, list_voices and list_styles
give the ids create_video accepts."""

VIDEO_URI = "reelwright://videos/"

Files = Annotated[
    list[str],
    Field(
        description="files for the video: http(s) URLs the server downloads, asset ids from upload_asset "
        "(as asset:<id>), or (stdio only) paths on this machine, which are uploaded first",
        max_length=20,
    ),
]


def build_mcp(api_for: ApiResolver, *, local_files: bool) -> MCPServer:
    """The server; ``local_files``: paths name files on the caller's machine (stdio), else refused."""
    mcp: MCPServer = MCPServer("reelwright", instructions=INSTRUCTIONS)

    async def file_specs(api: ApiClient, files: list[str]) -> list[dict[str, str]]:
        specs: list[dict[str, str]] = []
        for item in files:
            if item.startswith(("http://", "https://")):
                specs.append({"type": "url", "url": item})
            elif item.startswith("asset:"):
                specs.append({"type": "asset_id", "asset_id": item.removeprefix("asset:")})
            elif local_files:
                asset = await api.upload(Path(item).expanduser())
                specs.append({"type": "asset_id", "asset_id": str(asset["asset_id"])})
            else:
                raise ToolError(
                    f"{item!r}: over HTTP give files as http(s) URLs or asset:<id> from upload_asset "
                    "(this server cannot read paths on your machine)"
                )
        return specs

    @mcp.tool()
    async def create_video(
        ctx: Context,
        prompt: Annotated[str, Field(min_length=1, max_length=10_000, description="what the video is about")],
        files: Files | None = None,
        avatar_id: Annotated[str | None, Field(description="a presenter look id (list_presenters)")] = None,
        voice_id: Annotated[str | None, Field(description="a voice id (list_voices)")] = None,
        style_id: Annotated[str | None, Field(description="a style id (list_styles)")] = None,
        orientation: Literal["landscape", "portrait", "square"] | None = None,
        aspect_ratio: Literal["16:9", "9:16", "1:1", "4:5"] | None = None,
        resolution: Literal["720p", "1080p", "4k"] | None = None,
        fps: Literal[25, 30, 60] | None = None,
        duration_sec: Annotated[int | None, Field(ge=5, le=600, description="approximate length")] = None,
        mode: Annotated[
            Literal["generate", "chat"],
            Field(description="generate: render straight away; chat: draft a storyboard to review first"),
        ] = "generate",
        title: Annotated[str | None, Field(max_length=100)] = None,
    ) -> dict[str, Any]:
        """Start a video from a prompt; returns the session id to follow with get_status."""
        api = await api_for(ctx)
        body: dict[str, Any] = {"prompt": prompt, "mode": mode, "files": await file_specs(api, files or [])}
        options = {
            "avatar_id": avatar_id,
            "voice_id": voice_id,
            "style_id": style_id,
            "orientation": orientation,
            "aspect_ratio": aspect_ratio,
            "resolution": resolution,
            "fps": fps,
            "duration_sec": duration_sec,
            "title": title,
        }
        body.update({k: v for k, v in options.items() if v is not None})
        data: dict[str, Any] = await api.request("POST", "/v3/video-agents", json=body)
        return data

    @mcp.tool()
    async def get_status(ctx: Context, session_id: str) -> dict[str, Any]:
        """A session's status, progress and messages; with the video (and its download URLs) once made."""
        api = await api_for(ctx)
        session: dict[str, Any] = await api.request("GET", f"/v3/video-agents/{session_id}")
        video_id = session.get("video_id")
        session["video"] = await api.request("GET", f"/v3/videos/{video_id}") if video_id else None
        return session

    @mcp.tool()
    async def get_video(ctx: Context, video_id: str) -> dict[str, Any]:
        """A video's status, duration and download URLs (video, captioned video, captions, thumbnail)."""
        data: dict[str, Any] = await (await api_for(ctx)).request("GET", f"/v3/videos/{video_id}")
        return data

    @mcp.tool()
    async def list_videos(
        ctx: Context,
        title: Annotated[str | None, Field(max_length=300, description="part of the title")] = None,
        limit: Annotated[int, Field(ge=1, le=100)] = 10,
        token: Annotated[str | None, Field(description="next_token of the previous page")] = None,
    ) -> dict[str, Any]:
        """Your videos, newest first; each with its resource_uri (reelwright://videos/<id>)."""
        params = {"title": title, "limit": limit, "token": token}
        page: dict[str, Any] = await (await api_for(ctx)).request(
            "GET", "/v3/videos", params=params, whole=True
        )
        for video in page.get("data") or []:
            video["resource_uri"] = f"{VIDEO_URI}{video['id']}"
        return page

    @mcp.tool()
    async def list_presenters(
        ctx: Context,
        group_id: Annotated[str | None, Field(description="only this presenter's looks")] = None,
        avatar_type: Literal["studio_avatar", "photo_avatar"] | None = None,
        ownership: Annotated[
            Literal["public", "private"] | None, Field(description="public: built-in; private: yours")
        ] = None,
    ) -> dict[str, Any]:
        """Presenter looks; each look's id is an avatar_id for create_video."""
        params = {"group_id": group_id, "avatar_type": avatar_type, "ownership": ownership}
        data: dict[str, Any] = await (await api_for(ctx)).request(
            "GET", "/v3/avatars/looks", params=params, whole=True
        )
        return data

    @mcp.tool()
    async def list_voices(
        ctx: Context,
        language: Annotated[str | None, Field(description="a language tag (en, pt-BR) or name")] = None,
        gender: Literal["female", "male"] | None = None,
        engine: Annotated[str | None, Field(description="a voice engine, e.g. piper or espeak")] = None,
    ) -> dict[str, Any]:
        """Voices; each voice_id can go to create_video or send_message."""
        params = {"language": language, "gender": gender, "engine": engine}
        data: dict[str, Any] = await (await api_for(ctx)).request(
            "GET", "/v3/voices", params=params, whole=True
        )
        return data

    @mcp.tool()
    async def list_styles(
        ctx: Context, tag: Annotated[str | None, Field(description="only styles with this tag")] = None
    ) -> dict[str, Any]:
        """Visual styles; each style_id can go to create_video."""
        data: dict[str, Any] = await (await api_for(ctx)).request(
            "GET", "/v3/video-agents/styles", params={"tag": tag, "limit": 100}, whole=True
        )
        return data

    @mcp.tool()
    async def upload_asset(
        ctx: Context,
        path: Annotated[str, Field(description="a file on this machine (stdio only)")],
    ) -> dict[str, Any]:
        """Upload a file (image, video, audio, PDF); pass asset:<asset_id> to create_video's files."""
        if not local_files:
            raise ToolError(
                "upload_asset reads files on your machine: use `reelwright mcp` over stdio, "
                "or give create_video an http(s) URL"
            )
        return await (await api_for(ctx)).upload(Path(path).expanduser())

    @mcp.tool()
    async def send_message(
        ctx: Context,
        session_id: str,
        message: Annotated[
            str, Field(min_length=1, max_length=10_000, description="a revision, an answer, or an approval")
        ],
        avatar_id: str | None = None,
        voice_id: str | None = None,
    ) -> dict[str, Any]:
        """Chat mode: revise the draft storyboard, answer the agent, or approve it to render."""
        body = {"message": message, "avatar_id": avatar_id, "voice_id": voice_id}
        data: dict[str, Any] = await (await api_for(ctx)).request(
            "POST", f"/v3/video-agents/{session_id}", json={k: v for k, v in body.items() if v is not None}
        )
        return data

    @mcp.tool()
    async def get_draft(ctx: Context, session_id: str) -> dict[str, Any]:
        """Chat mode: the latest draft storyboard of a session (its scenes, script and length)."""
        api = await api_for(ctx)
        session: dict[str, Any] = await api.request("GET", f"/v3/video-agents/{session_id}")
        # Messages come newest first: the first resource named is the latest draft.
        resource_ids = [r for m in session.get("messages", []) for r in m.get("resource_ids", [])]
        if not resource_ids:
            raise ToolError(f"session {session_id} has no draft yet (status: {session.get('status')})")
        data: dict[str, Any] = await api.request(
            "GET", f"/v3/video-agents/{session_id}/resources/{resource_ids[0]}"
        )
        return data

    @mcp.tool()
    async def stop_session(ctx: Context, session_id: str) -> dict[str, Any]:
        """Stop a session at its next checkpoint, keeping what exists."""
        data: dict[str, Any] = await (await api_for(ctx)).request(
            "POST", f"/v3/video-agents/{session_id}/stop", json={}
        )
        return data

    @mcp.resource(VIDEO_URI + "{video_id}", mime_type="application/json")
    async def video_resource(video_id: str, ctx: Context) -> dict[str, Any]:
        """A video: its status, duration and download URLs."""
        try:
            data: dict[str, Any] = await (await api_for(ctx)).request("GET", f"/v3/videos/{video_id}")
        except ToolError as exc:
            raise ResourceError(str(exc)) from None
        return data

    return mcp
