"""Templates in the app: the list, one template's page (fill its variables in for one video, or
upload a CSV for one video per row), and a batch's progress.

Each form calls the templates API's own route functions (``api/routes/templates.py``), so what the
browser can do any client can, with the same checks. A batch's videos go into a folder of their
own, which is how its progress page finds them again (and how the library shows them later).
"""

from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from reelwright.api.deps import get_context
from reelwright.api.errors import ApiError
from reelwright.api.routes.templates import (
    GenerateRequest,
    delete_template,
    generate_batch,
    generate_v3,
    get_template,
    list_templates,
)
from reelwright.store.models import Video
from reelwright.store.status import VIDEO_COMPLETED, VIDEO_FAILED, VIDEO_UNFINISHED
from reelwright.web.auth import WebUser
from reelwright.web.pages.common import PageError, User, api_errors_as_pages, check_csrf
from reelwright.web.pages.videos import session_ids
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)
BATCH_SHOWN = 500  # the API's most rows per batch


@router.get("/templates", response_class=HTMLResponse)
def templates_page(
    request: Request, user: User, notice: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    with api_errors_as_pages():
        items = list_templates(get_context(request), user.owner_id, limit=100, token=None)["data"]
    return render(
        request,
        "templates.html",
        user=user,
        title="Templates",
        templates=items,
        notice={"deleted": "The template was deleted."}.get(notice),
    )


def _template_page(
    request: Request,
    user: WebUser,
    template_id: str,
    *,
    values: dict[str, str] | None = None,
    error: str | None = None,
    batch_error: str | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    with api_errors_as_pages():
        template = get_template(template_id, user.owner_id, get_context(request))["data"]
    return render(
        request,
        "template.html",
        user=user,
        status_code=status,
        title=template["name"],
        tpl=template,
        board=template["storyboard"],
        values=values or {},
        error=error,
        batch_error=batch_error,
        default_folder=f"{template['name'][:40]} {time.strftime('%Y-%m-%d %H:%M', time.gmtime())}",
        notice={"saved": "Saved. Fill in the variables to make a video, or upload a CSV for many."}.get(
            notice
        ),
    )


@router.get("/templates/{template_id}", response_class=HTMLResponse)
def template_page(
    request: Request, template_id: str, user: User, notice: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    return _template_page(request, user, template_id, notice=notice)


@router.post("/templates/{template_id}/generate")
async def template_generate(request: Request, template_id: str, user: User) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    check_csrf(user, form.get("csrf_token"))
    values = {k.removeprefix("var-"): v for k, v in form.items() if k.startswith("var-")}
    title = form.get("title", "").strip() or None
    try:
        body = GenerateRequest(variables=dict(values), title=title)
        started = generate_v3(template_id, body, user.owner_id, get_context(request))["data"]
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise PageError(exc.status, exc.message) from None
        return _template_page(request, user, template_id, values=values, error=exc.message, status=exc.status)
    except ValueError as exc:  # pydantic: a title too long
        return _template_page(request, user, template_id, values=values, error=str(exc), status=400)
    return RedirectResponse(f"/videos/{started['video_id']}", status_code=303)


@router.post("/templates/{template_id}/batch")
async def template_batch(
    request: Request,
    template_id: str,
    user: User,
    file: UploadFile,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    folder_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    folder = folder_id.strip() or f"batch {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}"
    try:
        await generate_batch(template_id, user.owner_id, get_context(request), file, folder)
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise PageError(exc.status, exc.message) from None
        return _template_page(request, user, template_id, batch_error=exc.message, status=exc.status)
    return RedirectResponse(
        f"/templates/{template_id}/batch?{urlencode({'folder': folder})}", status_code=303
    )


@router.get("/templates/{template_id}/batch", response_class=HTMLResponse)
def batch_page(
    request: Request, template_id: str, user: User, folder: Annotated[str, Query(min_length=1, max_length=64)]
) -> Response:
    """A batch's videos with their progress; the page reloads as each finishes (the script)."""
    ctx = get_context(request)
    with api_errors_as_pages():
        template = get_template(template_id, user.owner_id, ctx)["data"]
    stmt = (
        select(Video)
        .where(Video.owner_id == user.owner_id, Video.folder_id == folder)
        .order_by(Video.created_at, Video.id)
        .limit(BATCH_SHOWN)
    )
    with ctx.db.session() as s:
        videos = [ctx.video_json(v) for v in s.scalars(stmt)]
        total = s.scalar(
            select(func.count()).where(Video.owner_id == user.owner_id, Video.folder_id == folder)
        )
    counts = {
        "ready": sum(v["status"] == VIDEO_COMPLETED for v in videos),
        "failed": sum(v["status"] == VIDEO_FAILED for v in videos),
        "running": sum(v["status"] in VIDEO_UNFINISHED for v in videos),
    }
    running = [v["id"] for v in videos if v["status"] in VIDEO_UNFINISHED]
    return render(
        request,
        "batch.html",
        user=user,
        title=f"Batch: {template['name']}",
        tpl=template,
        folder=folder,
        videos=videos,
        total=total or 0,
        counts=counts,
        sessions=session_ids(ctx, running),
    )


@router.post("/templates/{template_id}/delete")
def template_delete(
    request: Request, template_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        delete_template(template_id, user.owner_id, get_context(request))
    return RedirectResponse("/templates?notice=deleted", status_code=303)
