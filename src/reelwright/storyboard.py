"""The storyboard: the one data structure every pipeline stage reads and extends.

A planner writes it, the voice stage adds audio and word timings, the renderer turns it into
files. It is plain JSON on disk, so a person (or another program) can write or edit one and
render it with ``reelwright render --storyboard``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reelwright.errors import InputError

SCHEMA_VERSION: Final[Literal[1]] = 1

Orientation = Literal["landscape", "portrait"]
PresenterLayout = Literal["full", "pip", "side", "none"]
Transition = Literal["crossfade", "cut"]

FRAME_SIZES: dict[str, tuple[int, int]] = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TitleCard(_Model):
    """A large heading with an optional line under it."""

    kind: Literal["title"] = "title"
    heading: str = Field(min_length=1, max_length=200)
    subheading: str | None = Field(default=None, max_length=300)


class BulletSlide(_Model):
    """A heading and up to six short points."""

    kind: Literal["bullets"] = "bullets"
    heading: str = Field(min_length=1, max_length=200)
    bullets: list[Annotated[str, Field(min_length=1, max_length=240)]] = Field(min_length=1, max_length=6)


class PdfPage(_Model):
    """One page of a PDF the user gave, shown whole."""

    kind: Literal["pdf_page"] = "pdf_page"
    source: str = Field(min_length=1, description="path of the PDF file")
    page: int = Field(ge=1, description="1-based page number")
    heading: str | None = Field(default=None, max_length=200)


class ImageScene(_Model):
    """A picture that slowly zooms in (a Ken Burns move)."""

    kind: Literal["image"] = "image"
    source: str = Field(min_length=1, description="path of a PNG or JPEG file")
    zoom: float = Field(default=1.08, ge=1.0, le=1.5, description="scale reached at the scene's end")
    caption: str | None = Field(default=None, max_length=200)


class VideoClip(_Model):
    """A clip the user gave, played muted under the narration (looped if shorter)."""

    kind: Literal["video"] = "video"
    source: str = Field(min_length=1, description="path of an MP4 or WebM file")
    start: float = Field(default=0.0, ge=0.0, description="seconds into the clip to start from")
    caption: str | None = Field(default=None, max_length=200)


Visual = Annotated[TitleCard | BulletSlide | PdfPage | ImageScene | VideoClip, Field(discriminator="kind")]


class WordTiming(_Model):
    """A spoken word, in seconds from the start of its scene's narration."""

    word: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class VisemeCue(_Model):
    """A mouth shape held from ``start`` to ``end`` (seconds from the narration's start)."""

    viseme: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class SceneAudio(_Model):
    """What the voice stage adds: the narration's audio file and its timings."""

    path: str = Field(description="WAV file of this scene's narration")
    duration: float = Field(gt=0, description="seconds of audio in the file")
    words: list[WordTiming] = Field(default_factory=list)
    visemes: list[VisemeCue] = Field(default_factory=list)


class Scene(_Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    narration: str = Field(default="", max_length=4000)
    visual: Visual
    presenter: PresenterLayout = "pip"
    transition: Transition = Field(default="crossfade", description="how this scene enters")
    pause_after: float = Field(
        default=0.0,
        ge=0,
        le=5,
        description=(
            "extra seconds the scene is held: spread over its sentence breaks (up to 0.55 s each), "
            "the rest after its narration"
        ),
    )
    min_duration: float = Field(default=2.0, ge=0.5, le=120, description="shortest this scene may last")
    audio: SceneAudio | None = None


class MusicTrack(_Model):
    """Background music mixed under the narration and ducked while someone speaks."""

    source: str = Field(min_length=1)
    volume_db: float = Field(default=-20.0, ge=-60, le=0)


class Storyboard(_Model):
    version: Literal[1] = SCHEMA_VERSION
    title: str = Field(min_length=1, max_length=200)
    orientation: Orientation = "landscape"
    width: int = Field(default=0, ge=0, description="0 means the standard size for the orientation")
    height: int = Field(default=0, ge=0)
    fps: Literal[24, 25, 30, 60] = 30
    style: str = "clean"
    avatar: str | None = Field(default=None, description="presenter id; null renders narrated slides")
    voice: str = "en_US-joe"
    voice_speed: float = Field(default=1.0, ge=0.5, le=2.0, description="speaking rate; 1.1 is 10 % faster")
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
    tone: str | None = None
    target_duration: float | None = Field(default=None, ge=5, le=3600)
    music: MusicTrack | None = None
    scenes: list[Scene] = Field(min_length=1, max_length=200)

    @field_validator("scenes")
    @classmethod
    def _unique_scene_ids(cls, scenes: list[Scene]) -> list[Scene]:
        seen: set[str] = set()
        for scene in scenes:
            if scene.id in seen:
                raise ValueError(f"scene id {scene.id!r} is used twice")
            seen.add(scene.id)
        return scenes

    @model_validator(mode="after")
    def _standard_size(self) -> Storyboard:
        std_w, std_h = FRAME_SIZES[self.orientation]
        if self.width == 0 and self.height == 0:
            # Assignment validation would recurse; write straight into the instance dict.
            self.__dict__["width"], self.__dict__["height"] = std_w, std_h
        elif (self.width, self.height) != (std_w, std_h):
            raise ValueError(
                f"size {self.width}x{self.height} does not match orientation {self.orientation!r} "
                f"({std_w}x{std_h})"
            )
        return self

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    # --- (de)serialisation -------------------------------------------------------------------

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)

    @classmethod
    def from_json(cls, text: str, *, base_dir: Path | None = None) -> Storyboard:
        """Parse and validate; file paths in the storyboard resolve against ``base_dir``."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"storyboard is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        try:
            board = cls.model_validate(data)
        except ValidationError as exc:
            raise InputError(describe_validation_error(exc, "storyboard")) from exc
        if base_dir is not None:
            board = board.with_paths_resolved(base_dir)
        return board

    @classmethod
    def load(cls, path: Path) -> Storyboard:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read storyboard {path}: {exc.strerror}") from exc
        return cls.from_json(text, base_dir=path.resolve().parent)

    def with_paths_resolved(self, base_dir: Path) -> Storyboard:
        def resolve(p: str) -> str:
            return str((base_dir / p).resolve()) if not Path(p).is_absolute() else p

        board = self.model_copy(deep=True)
        for scene in board.scenes:
            visual = scene.visual
            if isinstance(visual, PdfPage | ImageScene | VideoClip):
                visual.source = resolve(visual.source)
        if board.music is not None:
            board.music.source = resolve(board.music.source)
        return board

    def narration_words(self) -> int:
        return sum(len(s.narration.split()) for s in self.scenes)


def describe_validation_error(exc: ValidationError, what: str) -> str:
    """One line naming the first offending field, e.g. ``scenes.2.visual.bullets: ...``."""
    first = exc.errors()[0]
    loc = ".".join(str(part) for part in first["loc"]) or "(root)"
    more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
    return f"invalid {what}: {loc}: {first['msg']}{more}"
