"""What the user asked for: one typed, frozen request that every entry point produces.

The CLI flags, ``POST /v3/video-agents``, ``POST /v1/video_agent/generate``, the web form and a
chat revision all end in a :class:`VideoRequest`; the pipeline, the planners and the worker read
only this. HeyGen's per-endpoint caps (a 600 s v3 duration, 300 s on v1) stay in the API's edge
schemas as the compatibility contract; everything else about a request is validated here, once.

A session stores its request as JSON (:meth:`VideoRequest.stored`) and reads it back with
:meth:`VideoRequest.from_stored`, which also reads the option dicts that rows written before this
model kept (``avatar_id``, ``duration_sec``, ``file_keys``...).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reelwright.errors import InputError
from reelwright.storyboard import (
    AspectRatio,
    Orientation,
    OutputFps,
    Resolution,
    aspect_orientation,
)

MAX_PROMPT_CHARS = 10_000
MIN_DURATION = 5.0  # seconds: shorter than this is not a video with a point
MAX_DURATION = 3600.0
MIN_SPEED, MAX_SPEED = 0.8, 1.2  # the voice's speaking rate: outside this it stops sounding natural
MAX_ADDITIONS = 20  # sentences added in chat: more than this is a new brief, not a revision
MAX_ADDITION_CHARS = 300

Mode = Literal["generate", "chat"]

# Rows written before VideoRequest stored the API's option names; they still load.
_LEGACY_NAMES = {
    "avatar_id": "avatar",
    "voice_id": "voice",
    "style_id": "style",
    "brand_kit_id": "brand_kit",
    "duration_sec": "duration",
    "voice_speed": "speed",
    "file_keys": "files",
    "incognito_mode": "incognito",
}


class VideoRequest(BaseModel):
    """One video request: the prompt, its files and every choice the user pinned (None: automatic)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str = Field(description="what the video should be about, in the user's words")
    # References to the request's files: blob keys on the server, local paths on the command line.
    # Whoever runs the job turns them into readable paths (see jobs.generate / cli.render).
    files: tuple[str, ...] = ()
    orientation: Orientation | None = None
    # Output options; None: 1080p, the orientation's usual aspect ratio, 30 fps.
    resolution: Resolution | None = None
    aspect_ratio: AspectRatio | None = None
    fps: OutputFps | None = None
    duration: float | None = Field(default=None, ge=MIN_DURATION, le=MAX_DURATION)
    avatar: str | None = Field(
        default=None, description="a catalogue presenter or one of the owner's photo looks"
    )
    no_avatar: bool = Field(default=False, description="narrated scenes with no presenter")
    voice: str | None = None
    style: str | None = None
    brand_kit: str | None = None
    folder: str | None = Field(default=None, min_length=1, max_length=64, description="the video's folder")
    title: str | None = Field(
        default=None, min_length=1, max_length=100, description="the video's title; None: the planner's"
    )
    tone: str | None = Field(default=None, max_length=40)
    speed: float | None = Field(default=None, ge=MIN_SPEED, le=MAX_SPEED)
    drop_scenes: tuple[str, ...] = Field(default=(), description="scene ids the user dropped in chat")
    # Content edits made in chat, kept here so they survive every re-plan of the draft.
    additions: tuple[str, ...] = Field(
        default=(),
        max_length=MAX_ADDITIONS,
        description="sentences the user asked to add, said as stated facts",
    )
    expand_scenes: tuple[str, ...] = Field(
        default=(), description="scene ids the user asked to say more about"
    )
    first_scene: str | None = Field(default=None, description="the scene id the user asked to start with")
    mode: Mode = "generate"
    incognito: bool = False
    # Which API created it: webhooks answer legacy v1 clients, and script videos (HeyGen's
    # avatar videos), in their own shape.
    api: Literal["v1", "v3", "script"] = "v3"

    @field_validator("prompt")
    @classmethod
    def _prompt(cls, value: str) -> str:
        text = value.strip()
        if not text:
            raise ValueError("the prompt is empty")
        if len(value) > MAX_PROMPT_CHARS:
            raise ValueError(f"the prompt is {len(value)} characters; the limit is {MAX_PROMPT_CHARS}")
        return text

    @field_validator("resolution", mode="before")
    @classmethod
    def _resolution(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value  # "4K" is "4k"

    @field_validator("aspect_ratio")
    @classmethod
    def _aspect_agrees(cls, value: str | None, info: ValidationInfo) -> str | None:
        orientation = info.data.get("orientation")
        if value is not None and orientation is not None and aspect_orientation(value) != orientation:
            raise ValueError(
                f"{value} is {aspect_orientation(value)}, not {orientation}: "
                "give orientation or aspect_ratio, or make them agree"
            )
        return value

    @model_validator(mode="after")
    def _orientation_from_aspect(self) -> VideoRequest:
        # The aspect ratio decides the orientation, so planners pick a presenter that suits it.
        if self.aspect_ratio is not None and self.orientation is None:
            self.__dict__["orientation"] = aspect_orientation(self.aspect_ratio)  # frozen: the dict
        return self

    @field_validator("additions")
    @classmethod
    def _additions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        kept = tuple(text.strip() for text in value if text.strip())
        for text in kept:
            if len(text) > MAX_ADDITION_CHARS:
                raise ValueError(
                    f"an added sentence is {len(text)} characters; the limit is {MAX_ADDITION_CHARS}"
                )
        return kept

    @classmethod
    def build(cls, **fields: Any) -> VideoRequest:
        """Validate ``fields`` into a request; a bad value is an :class:`InputError` naming it."""
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            raise _input_error(exc) from None

    def revised(self, **changes: Any) -> VideoRequest:
        """This request with ``changes`` applied and validated again (a chat revision, a message's extras).

        A new orientation drops an aspect ratio of the other shape, and a new aspect ratio the old
        orientation: the latest choice wins rather than failing against the earlier one."""
        fields = self.model_dump()
        old_aspect = fields["aspect_ratio"] if "aspect_ratio" not in changes else None
        shape = changes.get("orientation")
        if shape and old_aspect and aspect_orientation(old_aspect) != shape:
            fields["aspect_ratio"] = None
        if changes.get("aspect_ratio") and "orientation" not in changes:
            fields["orientation"] = None
        return self.build(**{**fields, **changes})

    @property
    def chat(self) -> bool:
        return self.mode == "chat"

    def stored(self) -> dict[str, Any]:
        """The JSON a session row keeps (its prompt has a column of its own)."""
        return self.model_dump(mode="json", exclude={"prompt"}, exclude_defaults=True)

    @classmethod
    def from_stored(cls, prompt: str, data: dict[str, Any] | None) -> VideoRequest:
        """A session's request, from :meth:`stored` or from a row written before this model existed."""
        fields: dict[str, Any] = {}
        for key, value in (data or {}).items():
            name = _LEGACY_NAMES.get(key, key)
            if value is not None and name in cls.model_fields:
                fields[name] = value
        return cls.model_validate({**fields, "prompt": prompt})


def _input_error(exc: ValidationError) -> InputError:
    first = exc.errors()[0]
    param = ".".join(str(p) for p in first["loc"]) or None
    message = str(first["msg"]).removeprefix("Value error, ")
    return InputError(f"{param}: {message}" if param else message, param=param)
