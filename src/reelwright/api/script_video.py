"""Script videos: HeyGen's ``POST /v2/video/generate`` and v3 ``POST /v3/videos`` bodies, turned
into a storyboard that is rendered exactly as written (no planner).

Each input becomes one scene: its presenter placed as asked, its voice (a text said by a catalogue
voice at its own pace, a recording the presenter lip-syncs to, or a silence) and its background (a
colour, or a picture or clip filling the frame). Files named by URL or asset id go through the
same SSRF-safe fetch and inspection as a video agent's files (:mod:`.files_in`).

What Reelwright cannot honour (a voice's pitch or emotion, a different presenter per scene) is
either refused with a 400 naming the field or, where dropping it still gives the video asked
for, reported in the answer's ``notes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationError

from reelwright.api.errors import ApiError
from reelwright.api.schemas import AssetFile, UrlFile
from reelwright.avatar.catalogue import AVATARS, get_avatar
from reelwright.avatar.drawn import is_drawn
from reelwright.errors import InputError
from reelwright.ingest.sniff import sniff
from reelwright.plan.language import check_voice_language
from reelwright.storyboard import (
    MAX_SIDE,
    MIN_SIDE,
    ColorFill,
    ImageScene,
    PresenterPlacement,
    PresenterStyle,
    Scene,
    Storyboard,
    VideoClip,
    Visual,
    describe_validation_error,
    frame_size,
    orientation_of,
    size_problem,
)
from reelwright.voice.catalogue import VOICES

MAX_SCENES = 50
DEFAULT_BACKGROUND = "#F5F5F5"
DEFAULT_VOICE = "en_US-joe"
MAX_TEXT = 5000  # one scene's input_text, as HeyGen caps it

_LANG = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")
_STYLES: dict[str, PresenterStyle] = {"normal": "normal", "circle": "circle", "closeUp": "close_up"}
HexColor = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB")]


# --- HeyGen v2 bodies (POST /v2/video/generate) ---------------------------------------------------


class Offset(BaseModel):
    x: float = Field(default=0.0, ge=-1.0, le=1.0, description="share of the frame's width, + is right")
    y: float = Field(default=0.0, ge=-1.0, le=1.0, description="share of the frame's height, + is down")


class AvatarCharacter(BaseModel):
    type: Literal["avatar"]
    avatar_id: str = Field(min_length=1, max_length=64)
    avatar_style: Literal["normal", "circle", "closeUp"] = "normal"
    scale: float = Field(default=1.0, ge=0.1, le=2.0)
    offset: Offset | None = None


class TalkingPhotoCharacter(BaseModel):
    type: Literal["talking_photo"]
    talking_photo_id: str = Field(min_length=1, max_length=64)
    talking_photo_style: Literal["square", "circle"] = "square"
    scale: float = Field(default=1.0, ge=0.1, le=2.0)
    offset: Offset | None = None


class TextVoice(BaseModel):
    type: Literal["text"]
    input_text: str = Field(min_length=1, max_length=MAX_TEXT)
    voice_id: str = Field(min_length=1, max_length=64)
    speed: float = Field(default=1.0, ge=0.5, le=1.5)
    pitch: float = Field(default=0.0, ge=-50, le=50)
    emotion: str | None = Field(default=None, max_length=40)
    locale: str | None = Field(default=None, max_length=20)


class AudioVoice(BaseModel):
    type: Literal["audio"]
    audio_url: str | None = Field(default=None, min_length=1, max_length=4096)
    audio_asset_id: str | None = Field(default=None, min_length=1, max_length=64)


class SilenceVoice(BaseModel):
    type: Literal["silence"]
    duration: float = Field(default=1.0, ge=0.5, le=100.0)


class ColorBackground(BaseModel):
    type: Literal["color"]
    value: HexColor = "#FFFFFF"


class ImageBackground(BaseModel):
    type: Literal["image"]
    url: str | None = Field(default=None, min_length=1, max_length=4096)
    image_asset_id: str | None = Field(default=None, min_length=1, max_length=64)
    fit: str | None = Field(default=None, max_length=20, description="informative: pictures cover the frame")


class VideoBackground(BaseModel):
    type: Literal["video"]
    url: str | None = Field(default=None, min_length=1, max_length=4096)
    video_asset_id: str | None = Field(default=None, min_length=1, max_length=64)
    play_style: Literal["fit_to_scene", "freeze", "loop", "once"] = "loop"


Character = Annotated[AvatarCharacter | TalkingPhotoCharacter, Field(discriminator="type")]
Voice = Annotated[TextVoice | AudioVoice | SilenceVoice, Field(discriminator="type")]
Background = Annotated[ColorBackground | ImageBackground | VideoBackground, Field(discriminator="type")]


class VideoInput(BaseModel):
    character: Character | None = None
    voice: Voice
    background: Background | None = None


class Dimension(BaseModel):
    width: int = Field(ge=MIN_SIDE, le=MAX_SIDE)
    height: int = Field(ge=MIN_SIDE, le=MAX_SIDE)


class ScriptVideoRequest(BaseModel):
    video_inputs: list[VideoInput] = Field(min_length=1, max_length=MAX_SCENES)
    dimension: Dimension | None = None
    caption: bool = False
    title: str | None = Field(default=None, max_length=200)
    callback_id: str | None = Field(default=None, max_length=300)
    callback_url: str | None = Field(default=None, max_length=4096)
    folder_id: str | None = Field(default=None, max_length=64)
    test: bool = False


# --- HeyGen v3 body (POST /v3/videos) --------------------------------------------------------------


class VoiceSettings(BaseModel):
    speed: float = Field(default=1.0, ge=0.5, le=1.5)
    pitch: float = Field(default=0.0, ge=-50, le=50)
    volume: float = Field(default=1.0, ge=0.0, le=2.0)


AspectRatio = Literal["16:9", "9:16", "1:1", "4:5"]
Resolution = Literal["720p", "1080p", "4k"]


class CreateVideoRequest(BaseModel):
    type: Literal["avatar"] = "avatar"
    avatar_id: str = Field(min_length=1, max_length=64)
    script: str = Field(min_length=1, max_length=MAX_TEXT * MAX_SCENES)
    voice_id: str = Field(min_length=1, max_length=64)
    voice_settings: VoiceSettings | None = None
    aspect_ratio: AspectRatio = "16:9"
    resolution: Resolution = "1080p"
    background: Background | None = None
    title: str | None = Field(default=None, max_length=200)
    callback_url: str | None = Field(default=None, max_length=4096)
    callback_id: str | None = Field(default=None, max_length=300)
    test: bool = False


def v3_size(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """``16:9`` at ``1080p`` is 1920x1080; the shorter side is the resolution's, both sides even."""
    return frame_size(resolution, aspect_ratio)


def v3_inputs(body: CreateVideoRequest) -> list[VideoInput]:
    """The v3 script as v2 scenes: one per paragraph (a blank line between), one presenter and voice."""
    settings = body.voice_settings or VoiceSettings()
    paragraphs = [p.strip() for p in body.script.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if not paragraphs:
        raise ApiError(400, "script: the script is empty", param="script")
    if len(paragraphs) > MAX_SCENES:
        raise ApiError(
            400, f"script: {len(paragraphs)} paragraphs; at most {MAX_SCENES} scenes", param="script"
        )
    for p in paragraphs:
        if len(p) > MAX_TEXT:
            raise ApiError(
                400, f"script: a paragraph is {len(p)} characters; the limit is {MAX_TEXT}", param="script"
            )
    character = AvatarCharacter(type="avatar", avatar_id=body.avatar_id)
    voice = dict(voice_id=body.voice_id, speed=settings.speed, pitch=settings.pitch)
    return [
        VideoInput(
            character=character,
            voice=TextVoice(type="text", input_text=p, **voice),
            background=body.background,
        )
        for p in paragraphs
    ]


# --- To a storyboard ------------------------------------------------------------------------------


@dataclass
class ScriptPlan:
    """What the request needs before it becomes a storyboard: its files to fetch, and notes."""

    avatar: str | None
    voice: str
    files: list[UrlFile | AssetFile] = field(default_factory=list)
    # scene index -> (role, index into files): role is "image", "video" or "audio"
    file_of: dict[tuple[int, str], int] = field(default_factory=dict)
    file_params: list[str] = field(default_factory=list)  # each file's field, for error messages
    notes: list[str] = field(default_factory=list)


def _file_spec(url: str | None, asset_id: str | None, param: str) -> UrlFile | AssetFile:
    if (url is None) == (asset_id is None):
        raise ApiError(400, f"{param}: give exactly one of a URL and an asset id", param=param)
    if url is not None:
        return UrlFile(type="url", url=url)
    assert asset_id is not None
    return AssetFile(type="asset_id", asset_id=asset_id)


def plan_script(inputs: list[VideoInput], *, owns_photo: set[str], test: bool = False) -> ScriptPlan:
    """Check every scene's ids and files and note what cannot be honoured. ``owns_photo``: the
    caller's talking-photo ids among those the inputs name (checked by the route)."""
    avatars: dict[str, int] = {}
    first_voice: str | None = None
    notes: list[str] = []
    files: list[UrlFile | AssetFile] = []
    file_of: dict[tuple[int, str], int] = {}
    file_params: list[str] = []
    for i, scene in enumerate(inputs):
        at = f"video_inputs[{i}]"
        ch = scene.character
        if isinstance(ch, AvatarCharacter):
            if ch.avatar_id not in AVATARS and ch.avatar_id not in owns_photo and not is_drawn(ch.avatar_id):
                raise ApiError(400, f"unknown avatar_id {ch.avatar_id!r}", param=f"{at}.character.avatar_id")
            avatars.setdefault(ch.avatar_id, i)
        elif isinstance(ch, TalkingPhotoCharacter):
            if ch.talking_photo_id not in owns_photo and ch.talking_photo_id not in AVATARS:
                raise ApiError(
                    400,
                    f"unknown talking_photo_id {ch.talking_photo_id!r}",
                    param=f"{at}.character.talking_photo_id",
                )
            avatars.setdefault(ch.talking_photo_id, i)
        voice = scene.voice
        if isinstance(voice, TextVoice):
            if voice.voice_id not in VOICES:
                raise ApiError(400, f"unknown voice_id {voice.voice_id!r}", param=f"{at}.voice.voice_id")
            try:
                check_voice_language(voice.input_text, voice.voice_id)
            except InputError as exc:
                raise ApiError(400, f"{at}.voice: {exc}", param=f"{at}.voice.voice_id") from None
            first_voice = first_voice or voice.voice_id
            if voice.pitch:
                notes.append(f"{at}.voice.pitch: the offline voices keep their own pitch")
            if voice.emotion:
                notes.append(f"{at}.voice.emotion: the offline voices have no emotion setting")
        elif isinstance(voice, AudioVoice):
            spec = _file_spec(voice.audio_url, voice.audio_asset_id, f"{at}.voice")
            file_of[i, "audio"] = len(files)
            files.append(spec)
            file_params.append(f"{at}.voice")
        bg = scene.background
        if isinstance(bg, ImageBackground):
            file_of[i, "image"] = len(files)
            files.append(_file_spec(bg.url, bg.image_asset_id, f"{at}.background"))
            file_params.append(f"{at}.background")
        elif isinstance(bg, VideoBackground):
            file_of[i, "video"] = len(files)
            files.append(_file_spec(bg.url, bg.video_asset_id, f"{at}.background"))
            file_params.append(f"{at}.background")
            if bg.play_style == "fit_to_scene":
                notes.append(f"{at}.background.play_style: fit_to_scene loops the clip instead")
    if len(avatars) > 1:
        # One presenter per video: the renderer draws one presenter; a second would need its own.
        (first, _), (second, where) = list(avatars.items())[:2]
        raise ApiError(
            400,
            f"every scene must use the same presenter; scene {where} uses {second!r} after {first!r}",
            param=f"video_inputs[{where}].character",
        )
    if test:
        notes.append("test: a self-hosted render has no watermark and costs nothing")
    avatar = next(iter(avatars), None)
    known = avatar is not None and (avatar in AVATARS or is_drawn(avatar))
    voice_id = first_voice or (get_avatar(avatar).default_voice if known and avatar else DEFAULT_VOICE)
    return ScriptPlan(avatar, voice_id, files, file_of, file_params, notes)


_FILE_PARAM = re.compile(r"files\[(\d+)\]")


def named_for_scene(exc: ApiError, plan: ScriptPlan) -> ApiError:
    """A file's error (``files[1]``, "file 1 could not be downloaded...") named by the scene field
    that gave the file (``video_inputs[0].background``)."""
    m = _FILE_PARAM.fullmatch(exc.param or "")
    if m is None or int(m.group(1)) >= len(plan.file_params):
        return exc
    index, param = int(m.group(1)), plan.file_params[int(m.group(1))]
    message = re.sub(rf"^file {index}\b", param, exc.message)
    if message == exc.message:
        message = f"{param}: {exc.message}"
    return ApiError(exc.status, message, code=exc.code, param=param, headers=exc.headers)


def _check_kind(path: Path, want: str, param: str) -> None:
    with path.open("rb") as fh:
        kind = sniff(fh.read(4096))
    ok = kind is not None and (kind.kind == want or (want == "audio" and kind.kind == "video"))
    if not ok:
        got = kind.kind if kind is not None else "not a supported file"
        raise ApiError(400, f"{param}: expected {want}, got {got}", param=param)


def _placement(ch: AvatarCharacter | TalkingPhotoCharacter) -> PresenterPlacement:
    if isinstance(ch, AvatarCharacter):
        style = _STYLES[ch.avatar_style]
    else:
        style = "circle" if ch.talking_photo_style == "circle" else "normal"
    off = ch.offset or Offset()
    return PresenterPlacement(style=style, scale=ch.scale, offset_x=off.x, offset_y=off.y)


def build_storyboard(
    inputs: list[VideoInput],
    plan: ScriptPlan,
    paths: list[Path],
    *,
    title: str,
    size: tuple[int, int] | None,
    size_param: str,
    caption: bool,
) -> Storyboard:
    """One scene per input, said exactly as written. ``paths``: the fetched files, in plan order."""
    scenes: list[Scene] = []
    for i, item in enumerate(inputs):
        at = f"video_inputs[{i}]"
        bg = item.background
        visual: Visual
        if isinstance(bg, ImageBackground):
            path = paths[plan.file_of[i, "image"]]
            _check_kind(path, "image", f"{at}.background")
            visual = ImageScene(source=str(path), zoom=1.0, fill=True)
        elif isinstance(bg, VideoBackground):
            path = paths[plan.file_of[i, "video"]]
            _check_kind(path, "video", f"{at}.background")
            visual = VideoClip(source=str(path), fill=True, loop=bg.play_style not in ("once", "freeze"))
        else:
            visual = ColorFill(color=(bg.value if bg is not None else DEFAULT_BACKGROUND).upper())
        voice = item.voice
        narration, speech, voice_id, speed, hold = "", None, None, None, 2.0
        if isinstance(voice, TextVoice):
            narration, voice_id, speed = voice.input_text, voice.voice_id, voice.speed
        elif isinstance(voice, AudioVoice):
            path = paths[plan.file_of[i, "audio"]]
            _check_kind(path, "audio", f"{at}.voice")
            speech = str(path)
        else:
            hold = voice.duration
        scenes.append(
            Scene(
                id=f"s{i + 1:02d}",
                narration=narration,
                visual=visual,
                presenter="full" if item.character is not None else "none",
                placement=_placement(item.character) if item.character is not None else None,
                transition="cut",
                min_duration=min(hold, 120.0),
                voice=voice_id if voice_id != plan.voice else None,
                voice_speed=speed if speed not in (None, 1.0) else None,
                speech=speech,
            )
        )
    language = VOICES[plan.voice].language if plan.voice in VOICES else "en"
    fields: dict[str, object] = {
        "title": title,
        "avatar": plan.avatar,
        "voice": plan.voice,
        "language": language if _LANG.fullmatch(language) else "en",
        "burn_captions": caption,
        "scenes": scenes,
    }
    if size is not None:
        width, height = size
        problem = size_problem(width, height)
        if problem is not None:
            raise ApiError(400, f"{size_param}: {problem}", param=size_param)
        fields.update(width=width, height=height, orientation=orientation_of(width, height))
    try:
        return Storyboard.model_validate(fields)
    except ValidationError as exc:
        message = describe_validation_error(exc, "script video")
        param = size_param if "size" in message else None
        raise ApiError(400, f"{size_param}: {message}" if param else message, param=param) from None
