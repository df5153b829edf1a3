"""The script editor: a finished video's or a chat draft's scenes edited in place, then rendered.

Edits go through the API's storyboard routes (``POST /v3/videos/{id}/storyboard`` renders a
finished video's edit as a new video; ``PUT /v3/video-agents/{id}/storyboard`` makes it a chat
session's draft), so their validation is the API's. The page is a plain form that works without
the script; the script adds moving scenes, the running length estimate and voice previews.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.api.errors import ApiError
from reelwright.api.routes.avatars import list_looks
from reelwright.api.routes.storyboards import (
    RenderStoryboardRequest,
    UpdateStoryboardRequest,
    get_session_storyboard,
    get_video_storyboard,
    put_session_storyboard,
    rerender_video,
)
from reelwright.api.routes.styles import list_styles
from reelwright.api.routes.templates import CreateTemplateRequest, create_template
from reelwright.api.routes.voices import list_voices
from reelwright.web.auth import WebUser
from reelwright.web.pages.common import PageError, User, api_errors_as_pages, check_csrf
from reelwright.web.script_form import EditorView, FormProblem, apply_form, editor_view, new_scene
from reelwright.web.templating import render
from reelwright.web.voice_picker import voice_groups

router = APIRouter(include_in_schema=False)

# A scene's field; pydantic puts the visual's kind between "visual" and the field ("visual.title.heading").
_SCENE_PARAM = re.compile(
    r"^storyboard\.scenes\.(\d+)(?:\.visual(?:\.(?:title|bullets|pdf_page|image|video|color))?)?\.?(.*)$"
)


def _where(param: str | None) -> str:
    """The API's field name in the editor's words: ``storyboard.scenes.2.visual.heading`` →
    "Scene 3, heading"."""
    if not param:
        return ""
    if m := _SCENE_PARAM.match(param):
        rest = m.group(2).replace(".", " ").replace("_", " ")
        return f"Scene {int(m.group(1)) + 1}" + (f", {rest}" if rest else "")
    return param.removeprefix("storyboard.").replace("_", " ").capitalize()


def _catalogues(ctx: ApiContext, owner_id: str) -> dict[str, Any]:
    return {
        "avatars": list_looks(ctx, owner_id, group_id=None, avatar_type=None)["data"],
        "voice_groups": voice_groups(list_voices(ctx, owner_id)["data"]),
        "styles": list_styles(ctx, owner_id, tag=None, limit=100, token=None)["data"],
    }


class _Target:
    """What is edited: a finished video (rendered anew) or a chat session's draft (replaced)."""

    def __init__(self, kind: str, item_id: str) -> None:
        self.kind, self.id = kind, item_id

    @property
    def action(self) -> str:
        return f"/{'videos' if self.kind == 'video' else 'sessions'}/{self.id}/script"

    @property
    def back(self) -> str:
        return f"/{'videos' if self.kind == 'video' else 'sessions'}/{self.id}"

    def board(self, ctx: ApiContext, owner_id: str) -> dict[str, Any]:
        get: Callable[..., dict[str, Any]]
        get = get_video_storyboard if self.kind == "video" else get_session_storyboard
        board: dict[str, Any] = get(self.id, owner_id, ctx)["data"]["storyboard"]
        return board

    def submit(self, ctx: ApiContext, owner_id: str, board: dict[str, Any]) -> str:
        """Send the edit through the API; the page to go to next."""
        if self.kind == "video":
            made = rerender_video(self.id, RenderStoryboardRequest(storyboard=board), owner_id, ctx)
            return f"/videos/{made['data']['video_id']}"
        put_session_storyboard(self.id, UpdateStoryboardRequest(storyboard=board), owner_id, ctx)
        return f"/sessions/{self.id}"


def _page(
    request: Request,
    user: WebUser,
    target: _Target,
    view: EditorView,
    error: str | None = None,
    status: int = 200,
    template_name: str = "",
) -> Response:
    ctx = get_context(request)
    return render(
        request,
        "script.html",
        user=user,
        status_code=status,
        title=f"Edit the script: {view.title or 'Untitled video'}",
        view=view,
        target=target,
        error=error,
        template_name=template_name,
        **_catalogues(ctx, user.owner_id),
    )


def _show(request: Request, user: WebUser, target: _Target) -> Response:
    with api_errors_as_pages():
        board = target.board(get_context(request), user.owner_id)
    return _page(request, user, target, editor_view(board))


async def _post(request: Request, user: WebUser, target: _Target) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    check_csrf(user, form.get("csrf_token"))
    ids = [v for v in raw.getlist("scene") if isinstance(v, str)]
    return await run_in_threadpool(_submit, request, user, target, form, ids)


def _submit(
    request: Request, user: WebUser, target: _Target, form: dict[str, str], ids: list[str]
) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages():
        board = target.board(ctx, user.owner_id)
    try:
        edited = apply_form(board, form, ids)
    except FormProblem as exc:
        raise PageError(400, str(exc)) from None
    view = editor_view(edited)
    if form.get("action") == "add":
        # Without the script, "Add a scene" comes back here with the edits so far and a blank scene.
        view.scenes.append(new_scene([s.id for s in view.scenes]))
        return _page(request, user, target, view)
    try:
        if form.get("action") == "template" and target.kind == "video":
            name = form.get("template_name", "").strip()
            if not name:
                return _page(request, user, target, view, "Template name: give the template a name.", 400)
            body = CreateTemplateRequest(name=name[:200], video_id=target.id, storyboard=edited)
            made = create_template(body, user.owner_id, ctx)["data"]
            return RedirectResponse(f"/templates/{made['template_id']}?notice=saved", status_code=303)
        return RedirectResponse(target.submit(ctx, user.owner_id, edited), status_code=303)
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise PageError(exc.status, exc.message) from None
        if exc.param == "video_id":  # no {{variables}} in the text
            exc.param = None
        where = _where(exc.param)
        said = exc.message.removeprefix(f"{exc.param}: ") if exc.param else exc.message
        message = f"{where}: {said}" if where else said
        return _page(request, user, target, view, message, exc.status, form.get("template_name", ""))


@router.get("/videos/{video_id}/script", response_class=HTMLResponse)
def video_script(request: Request, video_id: str, user: User) -> Response:
    return _show(request, user, _Target("video", video_id))


@router.post("/videos/{video_id}/script")
async def video_script_submit(request: Request, video_id: str, user: User) -> Response:
    return await _post(request, user, _Target("video", video_id))


@router.get("/sessions/{session_id}/script", response_class=HTMLResponse)
def session_script(request: Request, session_id: str, user: User) -> Response:
    return _show(request, user, _Target("session", session_id))


@router.post("/sessions/{session_id}/script")
async def session_script_submit(request: Request, session_id: str, user: User) -> Response:
    return await _post(request, user, _Target("session", session_id))
