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

# A frame's shape: wider than tall, taller than wide, or square. Derived from the size whenever
# a storyboard gives one; on its own it is a shorthand for the standard 1080p size of that shape.
Orientation = Literal["landscape", "portrait", "square"]
PresenterLayout = Literal["full", "pip", "side", "none"]
Transition = Literal["crossfade", "cut"]
Resolution = Literal["720p", "1080p", "4k"]
AspectRatio = Literal["16:9", "9:16", "1:1", "4:5"]
OutputFps = Literal[25, 30, 60]

FRAME_SIZES: dict[str, tuple[int, int]] = {
    "landscape": (1920, 1080),
    "portrait": (1080, 1920),
    "square": (1080, 1080),
}
# The named output sizes: the resolution is the frame's short side, the aspect ratio sets the long
# side (rounded to even). 720p 16:9 is 1280x720, 4k 9:16 is 2160x3840, 1080p 4:5 is 1080x1350.
SHORT_SIDES: dict[str, int] = {"720p": 720, "1080p": 1080, "4k": 2160}
ASPECT_RATIOS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1), "4:5": (4, 5)}
ORIENTATION_ASPECT: dict[str, str] = {"landscape": "16:9", "portrait": "9:16", "square": "1:1"}
# Any other size (a script-video API's ``dimension``) must be even, each side within these bounds,
# and at most as many pixels as 4K UHD.
MIN_SIDE, MAX_SIDE = 128, 3840
MAX_PIXELS = 3840 * 2160


def frame_size(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """The frame for a named resolution and aspect ratio: ``("720p", "9:16")`` is 720x1280."""
    short = SHORT_SIDES[resolution]
    aw, ah = ASPECT_RATIOS[aspect_ratio]
    long = round(short * max(aw, ah) / min(aw, ah) / 2) * 2
    return (long, short) if aw > ah else (short, long)


def orientation_of(width: int, height: int) -> Orientation:
    if width > height:
        return "landscape"
    return "portrait" if height > width else "square"


def aspect_orientation(aspect_ratio: str) -> Orientation:
    aw, ah = ASPECT_RATIOS[aspect_ratio]
    return orientation_of(aw, ah)


def size_problem(width: int, height: int) -> str | None:
    """Why ``width`` x ``height`` cannot be rendered, or None when it can."""
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        return f"size {width}x{height}: each side must be {MIN_SIDE} to {MAX_SIDE} pixels"
    if width % 2 or height % 2:
        return f"size {width}x{height}: both sides must be even (H.264 4:2:0 needs it)"
    if width * height > MAX_PIXELS:
        return f"size {width}x{height} has more pixels than 3840x2160"
    return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TitleCard(_Model):
    """A large heading with an optional line under it."""

    kind: Literal["title"] = "title"
    heading: str = Field(min_length=1, max_length=200)
    subheading: str | None = Field(default=None, max_length=300)


# A part of a page: x0, top, x1, bottom as shares of its width and height, origin at the top left.
CropBox = tuple[float, float, float, float]
MIN_CROP_SIDE = 0.05  # a crop narrower or shorter than this share of the page shows nothing readable


class PageReference(_Model):
    """A PDF page shown small beside a designed slide: where the slide's points come from."""

    source: str = Field(min_length=1, description="path of the PDF file")
    page: int = Field(ge=1, description="1-based page number")


class BulletSlide(_Model):
    """A heading and up to six short points."""

    kind: Literal["bullets"] = "bullets"
    heading: str = Field(min_length=1, max_length=200)
    bullets: list[Annotated[str, Field(min_length=1, max_length=240)]] = Field(min_length=1, max_length=6)
    reference: PageReference | None = Field(
        default=None, description="a page of the user's PDF shown as a small card beside the points"
    )


class PdfPage(_Model):
    """One page of a PDF the user gave: whole, or the part ``crop`` names (a slide without its
    navigation bar and margins, a figure or a table), filling the space it is given."""

    kind: Literal["pdf_page"] = "pdf_page"
    source: str = Field(min_length=1, description="path of the PDF file")
    page: int = Field(ge=1, description="1-based page number")
    heading: str | None = Field(default=None, max_length=200)
    crop: CropBox | None = Field(
        default=None, description="x0, top, x1, bottom as shares of the page (0-1, top left origin)"
    )
    zoom: float = Field(default=1.0, ge=1.0, le=1.5, description="scale reached at the scene's end")

    @field_validator("crop")
    @classmethod
    def _crop_inside_page(cls, crop: CropBox | None) -> CropBox | None:
        if crop is None:
            return None
        x0, y0, x1, y1 = crop
        if not all(0.0 <= v <= 1.0 for v in crop):
            raise ValueError("crop values must be shares of the page, from 0 to 1")
        if x1 - x0 < MIN_CROP_SIDE or y1 - y0 < MIN_CROP_SIDE:
            raise ValueError(
                f"crop must be x0, top, x1, bottom with x1 > x0 and bottom > top, each side at least "
                f"{MIN_CROP_SIDE} of the page"
            )
        return crop


class ImageScene(_Model):
    """A picture that slowly zooms in (a Ken Burns move)."""

    kind: Literal["image"] = "image"
    source: str = Field(min_length=1, description="path of a PNG or JPEG file")
    zoom: float = Field(default=1.08, ge=1.0, le=1.5, description="scale reached at the scene's end")
    caption: str | None = Field(default=None, max_length=200)
    fill: bool = Field(default=False, description="cover the whole frame, as the scene's background")


class VideoClip(_Model):
    """A clip the user gave, played muted under the narration (looped if shorter)."""

    kind: Literal["video"] = "video"
    source: str = Field(min_length=1, description="path of an MP4 or WebM file")
    start: float = Field(default=0.0, ge=0.0, description="seconds into the clip to start from")
    caption: str | None = Field(default=None, max_length=200)
    fill: bool = Field(default=False, description="cover the whole frame, as the scene's background")
    loop: bool = Field(default=True, description="loop a short clip; false holds its last frame")


class ColorFill(_Model):
    """A plain colour filling the frame (a script video's colour background)."""

    kind: Literal["color"] = "color"
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB")


Visual = Annotated[
    TitleCard | BulletSlide | PdfPage | ImageScene | VideoClip | ColorFill, Field(discriminator="kind")
]


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


PresenterStyle = Literal["normal", "circle", "close_up"]


class PresenterPlacement(_Model):
    """Where a scene's presenter stands when the script says so (HeyGen's avatar_style, scale,
    offset), instead of the layout's spot. The presenter's square is centred, scaled, then moved by
    the offset (fractions of the frame's width and height) and kept inside the frame."""

    style: PresenterStyle = "normal"
    scale: float = Field(
        default=1.0, ge=0.1, le=2.0, description="1: the square is the frame's shorter side (at most)"
    )
    offset_x: float = Field(default=0.0, ge=-1.0, le=1.0, description="share of the width, + is right")
    offset_y: float = Field(default=0.0, ge=-1.0, le=1.0, description="share of the height, + is down")


class Scene(_Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    narration: str = Field(default="", max_length=5000)
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
    # Script videos: each scene may have its own voice, or a recording the presenter lip-syncs to.
    voice: str | None = Field(default=None, description="this scene's voice; None: the storyboard's")
    voice_speed: float | None = Field(default=None, ge=0.5, le=2.0)
    speech: str | None = Field(
        default=None, description="an audio file the presenter lip-syncs to, instead of a narration"
    )
    placement: PresenterPlacement | None = None

    @model_validator(mode="after")
    def _one_voice_source(self) -> Scene:
        if self.speech is not None and (self.voice is not None or self.narration.strip()):
            raise ValueError("a scene with a speech recording has no narration or voice of its own")
        return self


class MusicTrack(_Model):
    """Background music mixed under the narration and ducked while someone speaks."""

    source: str = Field(min_length=1)
    volume_db: float = Field(default=-20.0, ge=-60, le=0)


class Storyboard(_Model):
    version: Literal[1] = SCHEMA_VERSION
    title: str = Field(min_length=1, max_length=200)
    orientation: Orientation = "landscape"
    width: int = Field(default=0, ge=0, description="0 (with height 0): the orientation's 1080p size")
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
    burn_captions: bool = Field(
        default=False, description="the main video carries the captions (the SRT is always made)"
    )
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
    def _frame_size(self) -> Storyboard:
        # Assignment validation would recurse; write straight into the instance dict.
        if self.width == 0 and self.height == 0:
            self.__dict__["width"], self.__dict__["height"] = FRAME_SIZES[self.orientation]
            return self
        problem = size_problem(self.width, self.height)
        if problem:
            raise ValueError(problem)
        shape = orientation_of(self.width, self.height)
        if "orientation" in self.model_fields_set and self.orientation != shape:
            raise ValueError(
                f"size {self.width}x{self.height} is {shape}, not {self.orientation!r}: "
                "leave out orientation or make them agree"
            )
        self.__dict__["orientation"] = shape
        return self

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def with_output(
        self, resolution: str | None = None, aspect_ratio: str | None = None, fps: int | None = None
    ) -> Storyboard:
        """This storyboard at a named resolution and/or aspect ratio (see :func:`frame_size`) and
        frame rate; what is not named stays. A resolution alone keeps the current aspect ratio."""
        if resolution is None and aspect_ratio is None:
            width, height = self.size
        elif aspect_ratio is not None:
            width, height = frame_size(resolution or "1080p", aspect_ratio)
        else:
            assert resolution is not None
            k = SHORT_SIDES[resolution] / min(self.size)
            width, height = (max(2, round(side * k / 2) * 2) for side in self.size)
        if (width, height) == self.size and fps in (None, self.fps):
            return self
        return self.resized(width, height, fps)

    def resized(self, width: int, height: int, fps: int | None = None) -> Storyboard:
        """This storyboard at another frame size (and frame rate), its orientation following the size.

        Prefer this to ``model_copy(update=...)``, which skips validation."""
        data = self.model_dump(exclude={"orientation"})
        data.update(width=width, height=height)
        if fps is not None:
            data["fps"] = fps
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            raise InputError(describe_validation_error(exc, "storyboard")) from exc

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
            if scene.speech is not None:
                scene.speech = resolve(scene.speech)
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
