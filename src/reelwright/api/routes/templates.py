"""Templates: a storyboard with ``{{variables}}`` in its text, rendered again with values filled in.

- ``POST /v3/templates`` {``name``, ``video_id`` | ``storyboard``} creates one (from a finished
  video's storyboard, or one sent whole); ``GET /v3/templates``, ``GET`` / ``DELETE
  /v3/templates/{id}``; ``POST /v3/templates/{id}/generate`` renders one video.
- HeyGen's routes, as its clients call them: ``GET /v2/templates``, ``GET /v2/template/{id}``
  (the variables listed in HeyGen's shape) and ``POST /v2/template/{id}/generate`` with
  ``variables`` as ``{"first_name": {"name": "first_name", "type": "text", "properties":
  {"content": "Ana"}}}``, ``title``, ``callback_url`` -> ``{"error": null, "data": {"video_id"}}``.
- ``POST /v3/templates/{id}/batch``: a CSV upload (``file``), one video per row.

A generated video is an ordinary video: queued, polled with ``GET /v3/videos/{id}`` or
``/v1/video_status.get``, announced by webhooks. The storyboard is checked like every storyboard
from outside (:mod:`reelwright.api.storyboard_input`) when the template is made and again, filled
in, at each generate. Files a template keeps from a video are copied in the blob store under
``templates/<id>/`` (its storyboard names them by key), so any API node can generate from it.
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.errors import ApiError
from reelwright.api.idempotent_results import made_earlier, making, reuse
from reelwright.api.pagination import list_envelope, page
from reelwright.api.routes.storyboards import video_storyboard
from reelwright.api.sessions import NewSession, running_jobs
from reelwright.api.storyboard_input import CheckedStoryboard, check_storyboard, public_sources
from reelwright.api.storyboard_jobs import render_storyboard
from reelwright.api.template_text import MAX_VALUE_CHARS, fill_in, variables_in
from reelwright.store.files import template_key
from reelwright.store.models import VideoTemplate, new_id

v3 = APIRouter(prefix="/v3/templates", tags=["Templates"])
v2 = APIRouter(prefix="/v2", tags=["HeyGen v2 (legacy)"])
router = APIRouter()


class CreateTemplateRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    video_id: str | None = Field(default=None, max_length=64, description="a finished video of yours")
    storyboard: dict[str, Any] | None = Field(
        default=None,
        description="a storyboard with {{variables}}; with video_id, that video's storyboard edited",
    )

    @model_validator(mode="after")
    def _one_source(self) -> CreateTemplateRequest:
        if self.video_id is None and self.storyboard is None:
            raise ValueError("give a video_id, a storyboard, or both (that video's storyboard, edited)")
        return self


class TextProperties(BaseModel):
    content: str = Field(max_length=MAX_VALUE_CHARS)


class TemplateVariable(BaseModel):
    """One variable's value in HeyGen's shape; only ``text`` variables exist here."""

    model_config = ConfigDict(extra="ignore")
    name: str | None = None
    type: Literal["text"] = "text"
    properties: TextProperties


class GenerateRequest(BaseModel):
    # HeyGen's clients send more (caption, dimension, test, include_gif...): accepted and ignored.
    model_config = ConfigDict(extra="ignore")
    variables: dict[str, TemplateVariable | str] = Field(default_factory=dict)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    callback_url: str | None = Field(default=None, max_length=2000)
    callback_id: str | None = Field(default=None, max_length=300)
    folder_id: str | None = Field(default=None, max_length=64)


def _owned(s: Session, template_id: str, owner_id: str) -> VideoTemplate:
    row = s.get(VideoTemplate, template_id)
    if row is None or row.owner_id != owner_id:
        raise ApiError(404, f"no template {template_id!r}")
    return row


def _public(ctx: ApiContext, row: VideoTemplate) -> tuple[dict[str, Any], dict[str, str]]:
    return public_sources(
        dict(row.storyboard), template_key(row.id), lambda key: ctx.blobs.info(key) is not None
    )


def _aspect(board: dict[str, Any]) -> str:
    return "9:16" if board.get("orientation") == "portrait" else "16:9"


def template_json(ctx: ApiContext, row: VideoTemplate) -> dict[str, Any]:
    board, _known = _public(ctx, row)
    return {
        "template_id": row.id,
        "name": row.name,
        "variables": list(row.variables),
        "aspect_ratio": _aspect(board),
        "created_at": row.created_at,
        "storyboard": board,
    }


def _keep_files(ctx: ApiContext, known: dict[str, str], prefix: str) -> dict[str, str]:
    """Copy the files a video's storyboard uses in under the template: public name -> new key."""
    kept: dict[str, str] = {}
    for i, (name, source) in enumerate(sorted(known.items())):
        dest = f"{prefix}/{i:02d}{PurePosixPath(source).suffix}"
        if not ctx.blobs.copy(source, dest):  # deleted since the storyboard was read
            raise ApiError(400, f"the file {name!r} the video's storyboard uses is gone", param="video_id")
        kept[name] = dest
    return kept


def _with_paths(board: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    out = dict(board)
    out["scenes"] = [dict(scene) for scene in board["scenes"]]
    for scene in out["scenes"]:
        visual = dict(scene["visual"])
        if visual.get("source") in paths:
            visual["source"] = paths[visual["source"]]
        scene["visual"] = visual
    music = out.get("music")
    if isinstance(music, dict) and music.get("source") in paths:
        out["music"] = {**music, "source": paths[music["source"]]}
    return out


@v3.post("", summary="Create a template from a video's storyboard or a storyboard with {{variables}}")
def create_template(body: CreateTemplateRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    made = making("template")
    if made.earlier is not None:  # an earlier try of this request made it, and died unanswered
        with ctx.db.session() as s:
            if (earlier := reuse(s, made, VideoTemplate, owner_id)) is not None:
                return {"data": template_json(ctx, earlier)}
    known: dict[str, str] = {}
    data: Any = body.storyboard
    param = "storyboard"
    if body.video_id is not None:
        with ctx.db.session() as s:
            shown, known = video_storyboard(ctx, s, body.video_id, owner_id)
        # With a storyboard too, it is that video's storyboard edited (variables typed into its
        # text), and may keep the video's files as the editor showed them.
        data = body.storyboard if body.storyboard is not None else shown
        param = "storyboard" if body.storyboard is not None else "video_id"
    checked = check_storyboard(ctx, owner_id, data, param="storyboard", known=known)
    board = checked.board.model_dump(mode="json", exclude_none=True)
    names = variables_in(board)
    if not names:
        raise ApiError(
            400,
            f"{param}: the storyboard has no {{{{variables}}}} in its text (e.g. {{{{first_name}}}})",
            param=param,
        )
    template_id = new_id()
    prefix = template_key(template_id)
    try:
        board = _with_paths(board, _keep_files(ctx, checked.kept, prefix))
        with ctx.db.session() as s:
            row = VideoTemplate(
                id=template_id, owner_id=owner_id, name=body.name, storyboard=board, variables=names
            )
            s.add(row)
            s.flush()
            made.note(s, template_id)  # commits with the row, or neither does
            return {"data": template_json(ctx, row)}
    except BaseException:
        ctx.blobs.delete_prefix(prefix)
        raise


@v3.get("", summary="List templates, newest first")
def list_templates(
    ctx: Ctx, owner_id: OwnerId, limit: Annotated[int, Query(ge=1, le=100)] = 20, token: str | None = None
) -> dict[str, Any]:
    with ctx.db.session() as s:
        rows, has_more, next_token = page(
            s,
            select(VideoTemplate).where(VideoTemplate.owner_id == owner_id),
            VideoTemplate.created_at,
            VideoTemplate.id,
            limit=limit,
            token=token,
        )
        items = [template_json(ctx, r) for r in rows]
    return list_envelope(items, has_more, next_token)


@v3.get("/{template_id}", summary="A template, its variables and storyboard")
def get_template(template_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        return {"data": template_json(ctx, _owned(s, template_id, owner_id))}


@v3.delete("/{template_id}", summary="Delete a template (videos made from it stay)")
def delete_template(template_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        s.delete(_owned(s, template_id, owner_id))
    ctx.blobs.delete_prefix(template_key(template_id))
    return {"data": {"template_id": template_id, "deleted": True}}


def generate_from_template(
    ctx: ApiContext, owner_id: str, template_id: str, body: GenerateRequest, *, api: str = "v3"
) -> NewSession:
    """Fill in the variables, check the result like any storyboard from outside, and render it."""
    checked, name, values = _filled(ctx, owner_id, template_id, body)
    return render_storyboard(
        ctx,
        owner_id,
        checked,
        prompt=f"From template {name!r}: " + ", ".join(f"{k}={v}" for k, v in values.items()),
        callback_url=body.callback_url,
        callback_id=body.callback_id,
        api=api,
        folder_id=body.folder_id,
    )


def _filled(
    ctx: ApiContext, owner_id: str, template_id: str, body: GenerateRequest
) -> tuple[CheckedStoryboard, str, dict[str, str]]:
    """The template's storyboard with the values filled in, checked; its name; the values."""
    with ctx.db.session() as s:
        row = _owned(s, template_id, owner_id)
        board, known = _public(ctx, row)
        names, name = list(row.variables), row.name
    values: dict[str, str] = {}
    for var in names:
        given = body.variables.get(var)
        if given is None:
            raise ApiError(
                400, f"variables.{var}: the template needs a value for {var!r}", param=f"variables.{var}"
            )
        values[var] = given if isinstance(given, str) else given.properties.content
        if not values[var].strip():
            raise ApiError(400, f"variables.{var}: the value is empty", param=f"variables.{var}")
        if len(values[var]) > MAX_VALUE_CHARS:
            raise ApiError(
                400, f"variables.{var}: longer than {MAX_VALUE_CHARS} characters", param=f"variables.{var}"
            )
    filled = fill_in(board, values)
    if body.title is not None:
        filled["title"] = body.title
    return check_storyboard(ctx, owner_id, filled, known=known), name, values


@v3.post("/{template_id}/generate", summary="Render a video from a template, its variables filled in")
def generate_v3(template_id: str, body: GenerateRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    started = generate_from_template(ctx, owner_id, template_id, body)
    return {"data": {"video_id": started.video_id, "session_id": started.session_id, "status": "pending"}}


MAX_BATCH_ROWS = 500
MAX_CSV_BYTES = 1024 * 1024


def _csv_rows(raw: bytes, names: list[str]) -> list[dict[str, str]]:
    """The CSV's rows as {column: value}; the header must name every variable of the template.

    Other columns are ignored (a sheet often carries an e-mail or an id), except ``title``, which
    titles the row's video. Any problem is a 400 naming ``file`` and the row."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(400, "file: the CSV is not UTF-8 text", param="file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [n for n in names if n not in header]
    if missing:
        raise ApiError(400, f"file: the header has no column for {', '.join(missing)}", param="file")
    rows: list[dict[str, str]] = []
    try:
        for row in reader:
            cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
            if not any(cells.values()):
                continue  # a blank line
            rows.append(cells)
    except csv.Error as exc:
        raise ApiError(400, f"file: line {reader.line_num}: {exc}", param="file") from None
    if not rows:
        raise ApiError(400, "file: the CSV has no rows under its header", param="file")
    if len(rows) > MAX_BATCH_ROWS:
        raise ApiError(400, f"file: {len(rows)} rows; at most {MAX_BATCH_ROWS} per batch", param="file")
    return rows


@v3.post("/{template_id}/batch", summary="One video per row of a CSV (a column per variable)")
async def generate_batch(
    template_id: str,
    owner_id: OwnerId,
    ctx: Ctx,
    file: Annotated[
        UploadFile, File(description="CSV: a header row naming the variables, then one row per video")
    ],
    folder_id: Annotated[
        str | None, Form(max_length=64, description="the folder every video goes in")
    ] = None,
) -> dict[str, Any]:
    raw = await file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        raise ApiError(413, f"file: the CSV is larger than {MAX_CSV_BYTES // 1024} KB", param="file")
    return await run_in_threadpool(_batch, ctx, owner_id, template_id, raw, folder_id or None)


def _batch(
    ctx: ApiContext, owner_id: str, template_id: str, raw: bytes, folder_id: str | None = None
) -> dict[str, Any]:
    with ctx.db.session() as s:
        names = list(_owned(s, template_id, owner_id).variables)
    rows = _csv_rows(raw, names)
    with ctx.db.session() as s:
        # The rows an earlier try of this request (same Idempotency-Key) started before its node
        # died are not started again, so they take no more slots.
        free = ctx.settings.max_concurrent_jobs - running_jobs(s, owner_id, besides=made_earlier("session"))
    if len(rows) > free:
        # All or nothing: a batch cut off half-way by the job limit would leave the caller guessing.
        raise ApiError(
            429,
            f"the batch needs {len(rows)} job slots and this key has {max(free, 0)} free "
            f"(limit {ctx.settings.max_concurrent_jobs}); split it or retry when jobs finish",
            headers={"Retry-After": "30"},
        )
    requests = []
    for i, row in enumerate(rows, start=1):
        body = GenerateRequest(
            variables={n: row[n] for n in names}, title=row.get("title") or None, folder_id=folder_id
        )
        try:
            _filled(ctx, owner_id, template_id, body)  # every row checked before any renders
        except ApiError as exc:
            raise ApiError(400, f"file: row {i}: {exc.message}", param="file") from None
        requests.append(body)
    videos = []
    for i, body in enumerate(requests, start=1):
        started = generate_from_template(ctx, owner_id, template_id, body)
        videos.append({"row": i, "video_id": started.video_id, "session_id": started.session_id})
    return {"data": {"template_id": template_id, "count": len(videos), "videos": videos}}


def _v2(data: Any) -> dict[str, Any]:
    return {"error": None, "data": data}


def _v2_variables(names: list[str]) -> dict[str, Any]:
    return {n: {"name": n, "type": "text", "properties": {"content": ""}} for n in names}


@v2.get("/templates", summary="List templates (HeyGen v2)")
def list_templates_v2(ctx: Ctx, owner_id: OwnerId) -> dict[str, Any]:
    with ctx.db.session() as s:
        rows = s.scalars(
            select(VideoTemplate)
            .where(VideoTemplate.owner_id == owner_id)
            .order_by(VideoTemplate.created_at.desc(), VideoTemplate.id.desc())
        ).all()
        items = [
            {
                "template_id": r.id,
                "name": r.name,
                "thumbnail_image_url": None,
                "aspect_ratio": _aspect(r.storyboard),
                "created_at": r.created_at,
            }
            for r in rows
        ]
    return _v2({"templates": items})


@v2.get("/template/{template_id}", summary="A template and its variables (HeyGen v2)")
def get_template_v2(template_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        row = _owned(s, template_id, owner_id)
        data = template_json(ctx, row)
    return _v2(
        {
            "template_id": data["template_id"],
            "name": data["name"],
            "aspect_ratio": data["aspect_ratio"],
            "variables": _v2_variables(data["variables"]),
            "scenes": [
                {"id": scene["id"], "script": scene.get("narration", "")}
                for scene in data["storyboard"]["scenes"]
            ],
        }
    )


@v2.post("/template/{template_id}/generate", summary="Render a video from a template (HeyGen v2)")
def generate_v2(template_id: str, body: GenerateRequest, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    # Webhooks for it are HeyGen's avatar_video.* events, as for its other v2 videos.
    started = generate_from_template(ctx, owner_id, template_id, body, api="v1")
    return _v2({"video_id": started.video_id})


router.include_router(v3)
router.include_router(v2)
