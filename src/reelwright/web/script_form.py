"""The script editor's form, both ways: a storyboard shown as form fields, and the fields posted
back applied to the storyboard they were drawn from.

The form names every scene by its id (``<id>-narration``, ``<id>-heading``, ...), and lists the ids
in page order (``scene``), so no storyboard JSON travels through the page: the edit is applied to
the storyboard the API hands out again on submit, and what the API does not let a user change
(file sources, timings) cannot be changed here either. The result is checked by the API's own
storyboard route, like any client's edit.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reelwright.plan.base import Pacing

# Fields a scene's visual shows for editing, by kind (a picture's file is kept, its caption edited).
TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("heading", "subheading"),
    "bullets": ("heading", "bullets"),
    "pdf_page": ("heading",),
    "image": ("caption",),
    "video": ("caption",),
    "color": (),
}
KIND_LABELS = {
    "title": "title card",
    "bullets": "bullet slide",
    "pdf_page": "PDF page",
    "image": "picture",
    "video": "clip",
    "color": "colour background",
}
NEW_PREFIX = "added-"
NEW_FIELDS = ("heading", "subheading", "bullets")
_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
MAX_SCENES = 60  # more than the storyboard schema takes is refused by it; this only bounds the form


def words_per_second(voice_speed: float) -> float:
    """How fast narration is spoken: the planner's measured rate for the default voice, scaled by
    the storyboard's speed (the catalogue keeps no per-voice rate)."""
    return Pacing().words_per_second * voice_speed


@dataclass
class SceneView:
    """One scene as the editor shows it."""

    id: str
    kind: str
    narration: str = ""
    heading: str = ""
    subheading: str = ""
    bullets: str = ""  # one per line
    caption: str = ""
    voice: str = ""
    fields: tuple[str, ...] = ()
    min_duration: float = 2.0
    is_new: bool = False

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def seconds(self, wps: float) -> float:
        return max(len(self.narration.split()) / wps, self.min_duration)


@dataclass
class EditorView:
    title: str
    avatar: str
    voice: str
    style: str
    voice_speed: float
    scenes: list[SceneView] = field(default_factory=list)

    @property
    def wps(self) -> float:
        return words_per_second(self.voice_speed)

    @property
    def seconds(self) -> float:
        return sum(s.seconds(self.wps) for s in self.scenes)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def scene_view(scene: Mapping[str, Any]) -> SceneView:
    visual = scene.get("visual") or {}
    kind = str(visual.get("kind", ""))
    bullets = visual.get("bullets") or []
    sid = str(scene.get("id", ""))
    added = sid.startswith(NEW_PREFIX)  # still being written: title card or bullet slide
    return SceneView(
        id=sid,
        kind=kind,
        narration=_text(scene.get("narration")),
        heading=_text(visual.get("heading")),
        subheading=_text(visual.get("subheading")),
        bullets="\n".join(b for b in bullets if isinstance(b, str)),
        caption=_text(visual.get("caption")),
        voice=_text(scene.get("voice")),
        fields=NEW_FIELDS if added else TEXT_FIELDS.get(kind, ()),
        min_duration=float(scene.get("min_duration") or 2.0),
        is_new=added,
    )


def editor_view(board: Mapping[str, Any]) -> EditorView:
    return EditorView(
        title=_text(board.get("title")),
        avatar=_text(board.get("avatar")),
        voice=_text(board.get("voice")),
        style=_text(board.get("style")),
        voice_speed=float(board.get("voice_speed") or 1.0),
        scenes=[scene_view(s) for s in board.get("scenes") or [] if isinstance(s, Mapping)],
    )


def new_scene(existing: list[str]) -> SceneView:
    """A blank title card to write into (bullets typed into it make it a bullet slide)."""
    n = 1
    while f"{NEW_PREFIX}{n}" in existing:
        n += 1
    return SceneView(id=f"{NEW_PREFIX}{n}", kind="title", fields=NEW_FIELDS, is_new=True)


class FormProblem(ValueError):
    """The posted form itself is malformed (not a storyboard problem: the API reports those)."""


def _order(form: Mapping[str, str], sid: str, position: int) -> tuple[float, int]:
    raw = form.get(f"{sid}-order", "").strip()
    try:
        return (float(raw) if raw else float(position + 1), position)
    except ValueError:
        raise FormProblem(f"Scene {position + 1}: the position must be a number, not {raw!r}.") from None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def apply_form(board: Mapping[str, Any], form: Mapping[str, str], ids: list[str]) -> dict[str, Any]:
    """``board`` with the editor's fields applied: scenes in the order given (``<id>-order``, then
    page order), dropped ones left out, new ones (``added-<n>``) made from their text."""
    if len(ids) > MAX_SCENES:
        raise FormProblem(f"At most {MAX_SCENES} scenes can be edited at once.")
    out = copy.deepcopy(dict(board))
    by_id = {str(s.get("id")): s for s in out.get("scenes") or []}
    placed: list[tuple[tuple[float, int], dict[str, Any]]] = []
    for position, sid in enumerate(ids):
        if not _ID.match(sid):
            raise FormProblem(f"Scene {position + 1}: unknown scene {sid!r}; reload the editor.")
        if form.get(f"{sid}-drop"):
            continue
        if sid in by_id:
            scene = by_id[sid]
        elif sid.startswith(NEW_PREFIX):
            scene = {"id": sid, "visual": {"kind": "title", "heading": ""}}
        else:
            raise FormProblem(f"Scene {position + 1}: unknown scene {sid!r}; reload the editor.")
        _apply_scene(scene, form, sid)
        placed.append((_order(form, sid, position), scene))
    out["scenes"] = [scene for _, scene in sorted(placed, key=lambda p: p[0])]
    for key in ("title", "voice", "style"):
        if (value := form.get(key, "").strip()) or key == "title":
            out[key] = value
    if "avatar" in form:
        out["avatar"] = form["avatar"].strip() or None
    return out


def _apply_scene(scene: dict[str, Any], form: Mapping[str, str], sid: str) -> None:
    if f"{sid}-narration" in form:
        scene["narration"] = form[f"{sid}-narration"].strip()
    voice = form.get(f"{sid}-voice", "").strip()
    if voice:
        scene["voice"] = voice
    elif f"{sid}-voice" in form:
        scene.pop("voice", None)
    visual = scene.setdefault("visual", {})
    kind = visual.get("kind")
    if sid.startswith(NEW_PREFIX):
        # A new scene is a title card, or a bullet slide once it has bullets.
        bullets = _lines(form.get(f"{sid}-bullets", ""))
        heading = form.get(f"{sid}-heading", "").strip()
        if bullets:
            scene["visual"] = {"kind": "bullets", "heading": heading, "bullets": bullets}
        else:
            sub = form.get(f"{sid}-subheading", "").strip()
            scene["visual"] = {"kind": "title", "heading": heading, **({"subheading": sub} if sub else {})}
        return
    for name in TEXT_FIELDS.get(str(kind), ()):
        key = f"{sid}-{name}"
        if key not in form:
            continue
        if name == "bullets":
            visual["bullets"] = _lines(form[key])
        elif value := form[key].strip():
            visual[name] = value
        elif name == "heading" and kind in ("title", "bullets"):
            visual[name] = ""  # required: the API says so, naming the field
        else:
            visual.pop(name, None)
