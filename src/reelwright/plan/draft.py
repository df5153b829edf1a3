"""The storyboard as a language model writes it, and its checked translation into a Storyboard.

The model is given this smaller schema rather than the Storyboard's own: no file paths (it names
attached files by number), no sizes, audio or timings, and one flat visual object, which small
models and constrained decoders (llama.cpp grammars, vLLM guided decoding) handle better than a
discriminated union. Every problem found while translating is phrased so the model can fix it.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from reelwright.avatar.catalogue import AVATARS
from reelwright.avatar.drawn import is_drawn
from reelwright.ingest.files import InputFile
from reelwright.plan.base import PlanRequest
from reelwright.plan.script import page_visual
from reelwright.storyboard import (
    BulletSlide,
    ColorFill,
    ImageScene,
    MusicTrack,
    PdfPage,
    Scene,
    Storyboard,
    TitleCard,
    VideoClip,
    Visual,
    describe_validation_error,
)
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES


class DraftVisual(BaseModel):
    kind: Literal["title", "bullets", "file"] = Field(
        description="title: a big heading; bullets: a heading and 1-6 short points; file: an attached file"
    )
    heading: str | None = Field(default=None, description="for title and bullets")
    subheading: str | None = Field(default=None, description="for title, optional")
    bullets: list[str] = Field(default_factory=list, description="for bullets: 1-6 short points")
    file: int | None = Field(default=None, description="for file: the attached file's number (1, 2, ...)")
    page: int | None = Field(default=None, description="for a PDF file: the page number (1-based)")


class DraftScene(BaseModel):
    narration: str = Field(description="what the presenter says in this scene, spoken English")
    visual: DraftVisual
    presenter: Literal["full", "pip", "side", "none"] = Field(
        default="pip", description="full: presenter fills the frame; pip: small corner; side: half; none"
    )


class DraftPlan(BaseModel):
    title: str = Field(description="a short title for the video")
    orientation: Literal["landscape", "portrait"]
    tone: str = Field(description="one word: friendly, upbeat, formal, calm, ...")
    style: str = Field(description="a style id from the catalogue")
    avatar: str | None = Field(description="a presenter id from the catalogue, or null for no presenter")
    voice: str = Field(description="a voice id from the catalogue")
    reason: str = Field(description="one or two sentences to the user: why this presenter, voice and style")
    scenes: list[DraftScene] = Field(min_length=1, max_length=40)


def draft_schema() -> dict[str, object]:
    return DraftPlan.model_json_schema()


class DraftProblem(Exception):
    """The model's draft cannot be used as it is; the message says what to fix."""


def parse_draft(text: str) -> DraftPlan:
    """The model's answer as a DraftPlan; tolerates a Markdown code fence around the JSON."""
    body = text.strip()
    if body.startswith("```"):
        body = body.split("\n", 1)[1] if "\n" in body else ""
        body = body.rsplit("```", 1)[0]
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end < start:
        raise DraftProblem("the answer is not a JSON object")
    try:
        return DraftPlan.model_validate_json(body[start : end + 1])
    except ValidationError as exc:
        raise DraftProblem(describe_validation_error(exc, "JSON")) from exc


def _visual(scene: DraftScene, n: int, files: list[InputFile]) -> Visual:
    v = scene.visual
    where = f"scenes[{n}].visual"
    if v.kind == "file":
        if v.file is None or not 1 <= v.file <= len(files):
            raise DraftProblem(f"{where}.file must be the number of an attached file (1 to {len(files)})")
        f = files[v.file - 1]
        if f.kind == "pdf":
            pages = max(1, len(f.page_texts))
            page = v.page or 1
            if not 1 <= page <= pages:
                raise DraftProblem(f"{where}.page: file {v.file} has {pages} pages")
            # Shown as the offline planner shows it: cropped, designed or a figure, by what is said.
            said = re.split(r"(?<=[.!?])\s+", scene.narration.strip())
            return page_visual(f, str(f.path), page, (v.heading or None) and v.heading[:200], f.name, said)
        if f.kind == "document":
            # A slide or section of a document other than a PDF has no page image: a designed slide.
            pages = max(1, len(f.page_texts))
            page = v.page or 1
            if not 1 <= page <= pages:
                raise DraftProblem(f"{where}.page: file {v.file} has {pages} pages")
            return page_visual(f, str(f.path), page, (v.heading or None) and v.heading[:200], f.name)
        if f.kind == "image":
            return ImageScene(source=str(f.path), caption=v.heading[:200] if v.heading else None)
        if f.kind == "video":
            return VideoClip(source=str(f.path), caption=v.heading[:200] if v.heading else None)
        raise DraftProblem(f"{where}.file: file {v.file} is audio; it plays as music and cannot be shown")
    heading = (v.heading or "").strip()
    if not heading:
        raise DraftProblem(f"{where}.heading is required for a {v.kind} visual")
    if v.kind == "bullets":
        bullets = [b.strip()[:240] for b in v.bullets if b.strip()]
        if not 1 <= len(bullets) <= 6:
            raise DraftProblem(f"{where}.bullets must have 1 to 6 points")
        return BulletSlide(heading=heading[:200], bullets=bullets)
    return TitleCard(heading=heading[:200], subheading=(v.subheading or None) and v.subheading[:300])


def to_storyboard(draft: DraftPlan, request: PlanRequest, target: float) -> Storyboard:
    """The draft as a Storyboard; what the user pinned wins over what the model chose."""
    avatar = None if request.video.no_avatar else (request.video.avatar or draft.avatar)
    if avatar is not None and avatar not in AVATARS and not is_drawn(avatar):
        raise DraftProblem(f"avatar {avatar!r} is not in the catalogue; choose one of {sorted(AVATARS)}")
    voice = request.video.voice or draft.voice
    if voice not in VOICES:
        raise DraftProblem(f"voice {voice!r} is not in the catalogue; choose one of the listed voice ids")
    style = request.video.style or draft.style
    if style not in STYLES:
        raise DraftProblem(f"style {style!r} is not in the catalogue; choose one of {sorted(STYLES)}")
    scenes: list[Scene] = []
    for n, scene in enumerate(draft.scenes):
        narration = " ".join(scene.narration.split())
        if not narration:
            raise DraftProblem(f"scenes[{n}].narration is empty")
        scenes.append(
            Scene(
                id=f"s{n + 1}",
                narration=narration[:4000],
                visual=_visual(scene, n, request.files),
                presenter="none" if avatar is None else scene.presenter,
            )
        )
    music = next((f for f in request.files if f.kind == "audio"), None)
    try:
        return Storyboard(
            title=draft.title.strip()[:200] or "Untitled",
            orientation=request.video.orientation or draft.orientation,
            style=style,
            avatar=avatar,
            voice=voice,
            voice_speed=request.video.speed or 1.0,
            language=VOICES[voice].language.split("-")[0].lower(),
            tone=request.video.tone or draft.tone[:40],
            target_duration=target,
            music=MusicTrack(source=str(music.path)) if music else None,
            scenes=scenes,
        )
    except ValidationError as exc:
        raise DraftProblem(describe_validation_error(exc, "storyboard")) from exc


def from_storyboard(board: Storyboard, files: list[InputFile], reason: str = "") -> DraftPlan:
    """A storyboard in the model's terms, to show it the draft it is revising."""
    numbers = {str(f.path): i + 1 for i, f in enumerate(files)}
    scenes = []
    for scene in board.scenes:
        v = scene.visual
        if isinstance(v, TitleCard):
            visual = DraftVisual(kind="title", heading=v.heading, subheading=v.subheading)
        elif isinstance(v, BulletSlide):
            visual = DraftVisual(kind="bullets", heading=v.heading, bullets=list(v.bullets))
        elif isinstance(v, PdfPage):
            visual = DraftVisual(kind="file", file=numbers.get(v.source), page=v.page, heading=v.heading)
        elif isinstance(v, ColorFill):  # a script video's plain background: nothing to show but the title
            visual = DraftVisual(kind="title", heading=board.title)
        else:
            visual = DraftVisual(kind="file", file=numbers.get(v.source), heading=v.caption)
        scenes.append(DraftScene(narration=scene.narration, visual=visual, presenter=scene.presenter))
    return DraftPlan(
        title=board.title,
        # The model plans for two shapes; a square frame comes from the request, which wins anyway.
        orientation="portrait" if board.orientation == "portrait" else "landscape",
        tone=board.tone or "friendly",
        style=board.style,
        avatar=board.avatar,
        voice=board.voice,
        reason=reason,
        scenes=scenes,
    )
