"""Request bodies, as HeyGen's clients send them. Pydantic validates them at the edge."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Orientation = Literal["landscape", "portrait", "square"]


class UrlFile(BaseModel):
    type: Literal["url"]
    url: str = Field(min_length=1, max_length=4096, description="http(s) URL the server downloads")


class AssetFile(BaseModel):
    type: Literal["asset_id"]
    asset_id: str = Field(min_length=1, max_length=64, description="an asset you uploaded")


class Base64File(BaseModel):
    type: Literal["base64"]
    media_type: str | None = Field(
        default=None, max_length=100, description="informative only: the type is read from the bytes"
    )
    data: str = Field(min_length=1, description="the file's bytes, base64-encoded")
    name: str | None = Field(default=None, max_length=255)


FileSpec = Annotated[UrlFile | AssetFile | Base64File, Field(discriminator="type")]


class CreateAgentRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=10_000)
    avatar_id: str | None = None
    voice_id: str | None = None
    style_id: str | None = None
    orientation: Orientation | None = None
    # Output options, named as HeyGen's v3 video API names them; None: 1080p, the orientation's
    # usual aspect ratio, 30 fps. An aspect ratio of the other shape than ``orientation`` is a 400.
    resolution: Literal["720p", "1080p", "4k", "4K"] | None = None
    aspect_ratio: Literal["16:9", "9:16", "1:1", "4:5"] | None = None
    fps: Literal[25, 30, 60] | None = None
    duration_sec: int | None = Field(default=None, ge=5, le=600, description="approximate target length")
    files: list[FileSpec] = Field(default_factory=list, max_length=20)
    callback_url: str | None = Field(default=None, max_length=4096)
    callback_id: str | None = Field(default=None, max_length=300)
    mode: Literal["generate", "chat"] = "generate"
    brand_kit_id: str | None = None
    incognito_mode: bool | None = None
    title: str | None = Field(default=None, min_length=1, max_length=100, description="the video's title")
    folder_id: str | None = Field(default=None, max_length=64, description="the folder the video goes in")


class CreateAgentResponseData(BaseModel):
    session_id: str
    status: str
    video_id: str | None
    created_at: int


class LegacyConfig(BaseModel):
    avatar_id: str | None = None
    duration_sec: int | None = Field(default=None, ge=5, le=300)
    orientation: Orientation | None = None


class LegacyFile(BaseModel):
    asset_id: str = Field(min_length=1, max_length=64)


class LegacyGenerateRequest(BaseModel):
    prompt: str = Field(min_length=1, max_length=10_000)
    config: LegacyConfig | None = None
    files: list[LegacyFile] = Field(default_factory=list, max_length=20)
    callback_id: str | None = Field(default=None, max_length=300)
    callback_url: str | None = Field(default=None, max_length=4096)
