"""Creating a video (prompt, files, presenter, voice, style) and following its session to the end.

The form posts here and the API's own ``create_agent`` does the work, so a video made in the
browser goes through exactly the validation and services an API call does. Files are uploaded by
the page's script to ``/web/api/v3/assets`` (the assets route) and arrive as asset ids.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.api.errors import ApiError
from reelwright.api.routes.agents import create_agent_now, get_agent, get_resource
from reelwright.api.routes.assets import get_asset
from reelwright.api.routes.avatars import list_looks
from reelwright.api.routes.styles import list_styles
from reelwright.api.routes.voices import list_voices
from reelwright.api.schemas import CreateAgentRequest
from reelwright.web.auth import WebUser
from reelwright.web.pages.common import User, api_errors_as_pages, check_csrf
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)

# From HeyGen's "Prompt to Video" guide (the seeds), in the words of this form.
PROMPT_TIPS = (
    "Be descriptive: say who it is for, the tone, the visual style and the pacing.",
    "Attach reference files: slides, pictures, clips or a PDF give the video its material.",
    "Choose the orientation for where it will play: portrait for phones and social, landscape for "
    "presentations.",
    "Pick a style for a consistent look across your videos.",
    "Pin a presenter and a voice for brand consistency, or leave them on automatic.",
)


def _catalogues(ctx: ApiContext, owner_id: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "avatars": list_looks(ctx, owner_id, group_id=None, avatar_type=None)["data"],
        "voices": list_voices(ctx, owner_id)["data"],
        "styles": list_styles(ctx, owner_id, tag=None, limit=100, token=None)["data"],
    }


def _create_page(
    request: Request,
    user: WebUser,
    form: dict[str, Any],
    error: str | None = None,
    status: int = 200,
) -> Response:
    ctx = get_context(request)
    uploaded = []
    for asset_id in form.get("asset_ids", []):
        try:
            uploaded.append(get_asset(asset_id, user.owner_id, ctx)["data"])
        except ApiError:
            continue  # deleted meanwhile: drop it from the form
    return render(
        request,
        "create.html",
        user=user,
        status_code=status,
        title="Create a video",
        tips=PROMPT_TIPS,
        form=form,
        uploaded=uploaded,
        error=error,
        max_upload_mb=ctx.settings.max_upload_mb,
        **_catalogues(ctx, user.owner_id),
    )


@router.get("/create", response_class=HTMLResponse)
def create_form(request: Request, user: User) -> Response:
    return _create_page(request, user, {})


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "form"
    labels = {"prompt": "Prompt", "duration_sec": "Duration"}
    return f"{labels.get(field, field)}: {first['msg']}"


@router.post("/create")
def create_submit(
    request: Request,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    prompt: Annotated[str, Form(max_length=20_000)] = "",
    avatar_id: Annotated[str, Form(max_length=100)] = "",
    voice_id: Annotated[str, Form(max_length=100)] = "",
    style_id: Annotated[str, Form(max_length=100)] = "",
    orientation: Annotated[str, Form(max_length=20)] = "",
    duration_sec: Annotated[str, Form(max_length=10)] = "",
    asset_id: Annotated[list[str] | None, Form()] = None,
    review: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    asset_ids = list(dict.fromkeys(asset_id or []))
    form = {
        "prompt": prompt,
        "avatar_id": avatar_id,
        "voice_id": voice_id,
        "style_id": style_id,
        "orientation": orientation,
        "duration_sec": duration_sec,
        "asset_ids": asset_ids,
        "review": bool(review),
    }
    try:
        body = CreateAgentRequest.model_validate(
            {
                "prompt": prompt.strip(),
                "avatar_id": avatar_id or None,
                "voice_id": voice_id or None,
                "style_id": style_id or None,
                "orientation": orientation or None,
                "duration_sec": duration_sec.strip() or None,
                "files": [{"type": "asset_id", "asset_id": a} for a in asset_ids],
                "mode": "chat" if review else "generate",
            }
        )
        created = create_agent_now(body, user.owner_id, get_context(request))["data"]
    except ValidationError as exc:
        return _create_page(request, user, form, _validation_message(exc), 400)
    except ApiError as exc:
        return _create_page(request, user, form, exc.message, exc.status)
    return RedirectResponse(f"/sessions/{created['session_id']}", status_code=303)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session_page(request: Request, session_id: str, user: User) -> Response:
    ctx = get_context(request)
    with api_errors_as_pages():
        session: dict[str, Any] = get_agent(session_id, user.owner_id, ctx)["data"]
        board = _draft(ctx, user.owner_id, session) if session["status"] == "reviewing" else None
    return render(
        request,
        "session.html",
        user=user,
        title=session["title"] or "New video",
        session=session,
        board=board,
        messages=list(reversed(session["messages"])),
    )


def _draft(ctx: ApiContext, owner_id: str, session: dict[str, Any]) -> dict[str, Any] | None:
    """The storyboard under review: the newest resource the agent's messages point to."""
    for message in session["messages"]:  # newest first
        if message["type"] == "resource" and message["resource_ids"]:
            resource = get_resource(session["session_id"], message["resource_ids"][-1], owner_id, ctx)
            board = resource["data"].get("storyboard")
            return board if isinstance(board, dict) else None
    return None
