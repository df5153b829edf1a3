"""Creating a video (prompt, files, presenter, voice, style) and following its session to the end.

The form posts here and the API's own ``create_agent`` does the work, so a video made in the
browser goes through exactly the validation and services an API call does. Files are uploaded by
the page's script to ``/web/api/v3/assets`` (the assets route) and arrive as asset ids.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context, owned
from reelwright.api.errors import ApiError
from reelwright.api.routes.agents import (
    ChatMessageRequest,
    create_agent_now,
    get_agent,
    get_resource,
    stop_agent,
)
from reelwright.api.routes.assets import get_asset
from reelwright.api.routes.avatars import list_looks
from reelwright.api.routes.brand_kits import list_brand_kits
from reelwright.api.routes.styles import list_styles
from reelwright.api.routes.voices import list_voices
from reelwright.api.schemas import CreateAgentRequest
from reelwright.chat.conversation import latest_draft
from reelwright.request import MAX_PROMPT_CHARS, VideoRequest
from reelwright.store.models import AgentSession
from reelwright.store.status import ACTIVE, WAITING_FOR_INPUT
from reelwright.web.auth import WebUser
from reelwright.web.pages.common import User, api_errors_as_pages, check_csrf
from reelwright.web.pages.videos import owner_folders
from reelwright.web.templating import render
from reelwright.web.voice_picker import matched_voices, voice_groups

router = APIRouter(include_in_schema=False)
# The API's limit on a chat message, read from its schema so the two never disagree.
MAX_MESSAGE_CHARS: int = ChatMessageRequest.model_json_schema()["properties"]["message"]["maxLength"]

# From HeyGen's "Prompt to Video" guide (the seeds), in the words of this form.
PROMPT_TIPS = (
    "Be descriptive: say who it is for, the tone, the visual style and the pacing.",
    "Attach reference files: slides, pictures, clips or a PDF give the video its material.",
    "Choose the orientation for where it will play: portrait for phones and social, landscape for "
    "presentations.",
    "Pick a style for a consistent look across your videos.",
    "Pin a presenter and a voice for brand consistency, or leave them on automatic.",
)


def _catalogues(ctx: ApiContext, owner_id: str) -> dict[str, Any]:
    avatars = list_looks(ctx, owner_id, group_id=None, avatar_type=None)["data"]
    return {
        "avatars": avatars,
        "matched": matched_voices(avatars),
        "voice_groups": voice_groups(list_voices(ctx, owner_id)["data"]),
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
        max_prompt=MAX_PROMPT_CHARS,
        folders=owner_folders(ctx, user.owner_id),
        brand_kits=list_brand_kits(ctx, user.owner_id, limit=100, token=None)["data"],
        **_catalogues(ctx, user.owner_id),
    )


@router.get("/create", response_class=HTMLResponse)
def create_form(
    request: Request,
    user: User,
    from_session: Annotated[str, Query(alias="from", max_length=64)] = "",
    avatar: Annotated[str, Query(max_length=64)] = "",
    brand_kit: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The empty form, or ("start over") one filled in with a session's first prompt and choices;
    ``avatar`` and ``brand_kit`` preselect a presenter or kit (from the brand page)."""
    form: dict[str, Any] = {"avatar_id": avatar, "brand_kit_id": brand_kit}
    if from_session:
        ctx = get_context(request)
        with api_errors_as_pages(), ctx.db.session() as s:
            row = owned(s, AgentSession, from_session, user.owner_id, "video agent session")
            first = VideoRequest.from_stored(row.prompt, row.request)
        form = {
            "prompt": first.prompt,
            "avatar_id": first.avatar or "",
            "voice_id": first.voice or "",
            "style_id": first.style or "",
            "orientation": first.orientation or "",
            "duration_sec": f"{first.duration:g}" if first.duration else "",
            "review": first.chat,
            "folder_id": first.folder or "",
            "brand_kit_id": first.brand_kit or "",
        }
    return _create_page(request, user, form)


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "form"
    labels = {"prompt": "Prompt", "duration_sec": "Duration", "folder_id": "Folder"}
    return f"{labels.get(field, field)}: {first['msg']}"


@router.post("/create")
def create_submit(
    request: Request,
    user: User,
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    # Well above the prompt's limit, so that a long paste is answered on the page, saying by how much.
    prompt: Annotated[str, Form(max_length=20 * MAX_PROMPT_CHARS)] = "",
    avatar_id: Annotated[str, Form(max_length=100)] = "",
    voice_id: Annotated[str, Form(max_length=100)] = "",
    style_id: Annotated[str, Form(max_length=100)] = "",
    orientation: Annotated[str, Form(max_length=20)] = "",
    duration_sec: Annotated[str, Form(max_length=10)] = "",
    asset_id: Annotated[list[str] | None, Form()] = None,
    review: Annotated[str, Form(max_length=10)] = "",
    folder_id: Annotated[str, Form(max_length=200)] = "",
    brand_kit_id: Annotated[str, Form(max_length=100)] = "",
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
        "folder_id": folder_id,
        "brand_kit_id": brand_kit_id,
    }
    if len(prompt.strip()) > MAX_PROMPT_CHARS:
        used = len(prompt.strip())
        message = (
            f"Prompt: {used:,} characters, {used - MAX_PROMPT_CHARS:,} more than the {MAX_PROMPT_CHARS:,} "
            "allowed. Shorten it, or attach long material as a file and say here what the video "
            "should make of it."
        )
        return _create_page(request, user, form, message, 400)
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
                "folder_id": folder_id.strip() or None,
                "brand_kit_id": brand_kit_id or None,
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
    """Whatever state a session is in, the page offers what can be done next: never a dead end."""
    ctx = get_context(request)
    with api_errors_as_pages():
        session: dict[str, Any] = get_agent(session_id, user.owner_id, ctx)["data"]
        chat, draft_id = _chat_state(ctx, session_id)
        board = None
        if draft_id is not None:
            board = get_resource(session_id, draft_id, user.owner_id, ctx)["data"].get("storyboard")
    messages = list(reversed(session["messages"]))
    active = session["status"] in ACTIVE
    question = None
    if session["status"] == WAITING_FOR_INPUT and messages and messages[-1]["role"] == "model":
        question = messages[-1]["content"]  # answered in place, in the box right under it
    return render(
        request,
        "session.html",
        user=user,
        title=session["title"] or "New video",
        session=session,
        board=board if isinstance(board, dict) else None,
        messages=messages,
        active=active,
        can_message=chat and not active,
        can_approve=chat and not active and board is not None and session["status"] != "completed",
        question=question,
        max_message=MAX_MESSAGE_CHARS,
    )


def _chat_state(ctx: ApiContext, session_id: str) -> tuple[bool, str | None]:
    """Whether the session takes messages (chat mode), and its newest draft storyboard's id."""
    with ctx.db.session() as s:
        row = s.get(AgentSession, session_id)
        assert row is not None  # get_agent checked it exists and is the caller's
        chat = VideoRequest.from_stored(row.prompt, row.request).chat
        draft = latest_draft(s, session_id)
        return chat, draft.id if draft is not None else None


@router.post("/sessions/{session_id}/stop")
def stop_session(
    request: Request, session_id: str, user: User, csrf_token: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        stop_agent(session_id, user.owner_id, get_context(request))
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)
