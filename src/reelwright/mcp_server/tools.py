"""The MCP server's tools and resources: each one a call (or two) to Reelwright's public API.

Deliberately no ``from __future__ import annotations``: the SDK reads these signatures at run time
to build each tool's JSON schema."""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from pydantic import BaseModel, Field

from reelwright.mcp_server.api_client import ApiClient

# How a tool finds the API client for the call: one fixed client (stdio), or one per caller (HTTP).
ApiResolver = Callable[[Context], Awaitable[ApiClient]]

INSTRUCTIONS = """\
Reelwright makes narrated videos from a prompt (and optional slides, pictures, clips and music).
create_video starts one; get_status reports progress and, once completed, the download URLs.
create_script_video makes a video said exactly as written, one scene per item (its own text,
voice, background and presenter placement); follow it with get_video.
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


_VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".m4v")


class ScriptScene(BaseModel):
    """One scene of a script video: what is said (text, a recording, or a silence), over what, and
    where the presenter stands."""

    text: str | None = Field(default=None, max_length=5000, description="said exactly as written")
    voice_id: str | None = Field(default=None, description="this scene's voice (list_voices)")
    speed: float = Field(default=1.0, ge=0.5, le=1.5)
    audio: str | None = Field(
        default=None,
        description="instead of text: a recording the presenter lip-syncs to (URL, asset:<id>, or a path)",
    )
    silence_seconds: float | None = Field(default=None, ge=0.5, le=100, description="instead of text")
    background: str | None = Field(
        default=None,
        description="#RRGGBB, or a picture or clip (URL, asset:<id>, or a path) that fills the frame",
    )
    avatar_style: Literal["normal", "circle", "closeUp"] = "normal"
    scale: float = Field(default=1.0, ge=0.1, le=2.0)
    offset_x: float = Field(default=0.0, ge=-1.0, le=1.0, description="share of the width, + is right")
    offset_y: float = Field(default=0.0, ge=-1.0, le=1.0, description="share of the height, + is down")
    presenter: bool = Field(default=True, description="false: this scene has no presenter")


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

    async def media_ref(api: ApiClient, item: str) -> tuple[str, str]:
        """``(kind, how)`` for a file: kind image/video/audio by its name or upload, how a URL or an
        ``asset:<id>``."""
        spec = (await file_specs(api, [item]))[0]
        if spec["type"] == "url":
            is_video = spec["url"].lower().split("?")[0].endswith(_VIDEO_SUFFIXES)
            return ("video" if is_video else "image"), spec["url"]
        is_video = Path(item).suffix.lower() in _VIDEO_SUFFIXES
        return ("video" if is_video else "image"), f"asset:{spec['asset_id']}"

    def _scene_body(scene: ScriptScene, avatar_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if scene.presenter and avatar_id is not None:
            body["character"] = {
                "type": "avatar",
                "avatar_id": avatar_id,
                "avatar_style": scene.avatar_style,
                "scale": scene.scale,
                "offset": {"x": scene.offset_x, "y": scene.offset_y},
            }
        return body

    @mcp.tool()
    async def create_script_video(
        ctx: Context,
        scenes: Annotated[list[ScriptScene], Field(min_length=1, max_length=50)],
        avatar_id: Annotated[
            str | None,
            Field(description="the presenter of every scene (list_presenters); none: no presenter"),
        ] = "ava",
        voice_id: Annotated[str, Field(description="the voice of scenes that name none")] = "en_US-joe",
        orientation: Literal["landscape", "portrait"] = "landscape",
        caption: Annotated[bool, Field(description="burn the captions into the video")] = False,
        title: Annotated[str | None, Field(max_length=200)] = None,
    ) -> dict[str, Any]:
        """Make a video said exactly as written: one scene per item, no planner. Returns the video id
        to follow with get_video (and notes on anything that could not be honoured)."""
        api = await api_for(ctx)
        inputs: list[dict[str, Any]] = []
        for i, scene in enumerate(scenes):
            item = _scene_body(scene, avatar_id)
            said = [x is not None for x in (scene.text, scene.audio, scene.silence_seconds)]
            if sum(said) != 1:
                raise ToolError(f"scenes[{i}]: give exactly one of text, audio and silence_seconds")
            if scene.text is not None:
                item["voice"] = {
                    "type": "text",
                    "input_text": scene.text,
                    "voice_id": scene.voice_id or voice_id,
                    "speed": scene.speed,
                }
            elif scene.audio is not None:
                _kind, how = await media_ref(api, scene.audio)
                key = "audio_asset_id" if how.startswith("asset:") else "audio_url"
                item["voice"] = {"type": "audio", key: how.removeprefix("asset:")}
            else:
                item["voice"] = {"type": "silence", "duration": scene.silence_seconds}
            if scene.background is not None and scene.background.startswith("#"):
                item["background"] = {"type": "color", "value": scene.background}
            elif scene.background is not None:
                kind, how = await media_ref(api, scene.background)
                if how.startswith("asset:"):
                    item["background"] = {"type": kind, f"{kind}_asset_id": how.removeprefix("asset:")}
                else:
                    item["background"] = {"type": kind, "url": how}
            inputs.append(item)
        size = (
            {"width": 1920, "height": 1080} if orientation == "landscape" else {"width": 1080, "height": 1920}
        )
        body: dict[str, Any] = {"video_inputs": inputs, "dimension": size, "caption": caption}
        if title is not None:
            body["title"] = title
        data: dict[str, Any] = await api.request("POST", "/v2/video/generate", json=body)
        data["resource_uri"] = f"{VIDEO_URI}{data['video_id']}"
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
