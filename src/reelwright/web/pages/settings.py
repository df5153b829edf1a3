"""Settings: API keys (create, revoke) and webhook endpoints (add, events, rotate, deliveries).

Webhook changes go through the API's own route functions; keys through the same store functions
as ``reelwright keys create``. A new key or secret is shown once and never again (it is not
stored in the clear). Every form that makes one answers with a redirect (POST-redirect-GET), so
reloading the page never makes a second key: the value travels to the next GET in a short-lived
HTTP-only cookie scoped to /settings, which that GET shows and deletes.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.api.errors import ApiError
from reelwright.api.routes.webhooks import (
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    create_endpoint,
    delete_endpoint,
    list_endpoints,
    list_events,
    rotate_endpoint_secret,
    update_endpoint,
)
from reelwright.store.keys import add_key, revoke_key
from reelwright.store.models import ApiKey
from reelwright.web.auth import WebUser
from reelwright.web.pages.common import PageError, User, api_errors_as_pages, check_csrf
from reelwright.web.templating import render
from reelwright.webhooks.events import EVENT_TYPES

router = APIRouter(include_in_schema=False)

Csrf = Annotated[str, Form(max_length=100)]
Events = Annotated[list[str] | None, Form()]


def _keys(ctx: ApiContext, owner_id: str) -> list[dict[str, Any]]:
    with ctx.db.session() as s:
        rows = s.scalars(
            select(ApiKey)
            .where(ApiKey.owner_id == owner_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        )
        return [
            {"id": k.id, "name": k.name, "created_at": k.created_at, "revoked_at": k.revoked_at} for k in rows
        ]


def _settings_page(
    request: Request,
    user: WebUser,
    *,
    shown_once: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    ctx = get_context(request)
    endpoints = list_endpoints(ctx, user.owner_id, limit=100, token=None)["data"]
    deliveries = list_events(ctx, user.owner_id, limit=20, token=None, endpoint_id=None, event_type=None)
    return render(
        request,
        "settings.html",
        user=user,
        status_code=status,
        title="Settings",
        keys=_keys(ctx, user.owner_id),
        endpoints=endpoints,
        deliveries=deliveries["data"],
        event_types=EVENT_TYPES,
        shown_once=shown_once,
        error=error,
    )


ONCE_COOKIE = "rw_shown_once"
ONCE_SECONDS = 300


def _show_once(request: Request, user: WebUser, what: str, value: str) -> Response:
    """Redirect to the settings page, which shows ``value`` once (see the module docstring)."""
    response = RedirectResponse("/settings#once", status_code=303)
    payload = json.dumps({"owner": user.owner_id, "what": what, "value": value}).encode()
    response.set_cookie(
        ONCE_COOKIE,
        base64.urlsafe_b64encode(payload).decode(),
        max_age=ONCE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=get_context(request).settings.public_base.startswith("https://"),
        path="/settings",
    )
    return response


def _take_shown_once(request: Request, user: WebUser) -> dict[str, str] | None:
    raw = request.cookies.get(ONCE_COOKIE)
    if not raw:
        return None
    try:
        found = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(found, dict) or found.get("owner") != user.owner_id:
        return None  # another account's, in a browser shared since: never shown to this one
    return {"what": str(found.get("what", "")), "value": str(found.get("value", ""))}


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, user: User) -> Response:
    response = _settings_page(request, user, shown_once=_take_shown_once(request, user))
    if ONCE_COOKIE in request.cookies:
        response.delete_cookie(ONCE_COOKIE, path="/settings", httponly=True, samesite="strict")
    return response


@router.post("/settings/keys")
def create_key(
    request: Request, user: User, csrf_token: Csrf = "", name: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    check_csrf(user, csrf_token)
    label = name.strip() or "web"
    key = add_key(get_context(request).db, user.owner_id, label)
    return _show_once(request, user, f"API key “{label}”", key)


@router.post("/settings/keys/{key_id}/revoke")
def revoke(request: Request, key_id: str, user: User, csrf_token: Csrf = "") -> Response:
    check_csrf(user, csrf_token)
    if not revoke_key(get_context(request).db, user.owner_id, key_id):
        raise PageError(404, "No such key, or it was already revoked.")
    # Revoking the key this browser signed in with ends the session: the next page asks again.
    return RedirectResponse("/settings", status_code=303)


def _endpoint_error(exc: ValidationError | ApiError) -> str:
    if isinstance(exc, ApiError):
        return exc.message
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"


@router.post("/settings/webhooks")
def add_endpoint(
    request: Request,
    user: User,
    csrf_token: Csrf = "",
    url: Annotated[str, Form(max_length=4096)] = "",
    events: Events = None,
) -> Response:
    check_csrf(user, csrf_token)
    try:
        body = WebhookEndpointCreate(url=url.strip(), events=events or [])
        created: dict[str, Any] = create_endpoint(body, user.owner_id, get_context(request))["data"]
    except (ValidationError, ApiError) as exc:
        return _settings_page(request, user, error=_endpoint_error(exc), status=400)
    return _show_once(request, user, f"signing secret for {created['url']}", created["secret"])


@router.post("/settings/webhooks/{endpoint_id}/events")
def change_events(
    request: Request, endpoint_id: str, user: User, csrf_token: Csrf = "", events: Events = None
) -> Response:
    check_csrf(user, csrf_token)
    try:
        body = WebhookEndpointUpdate(events=events or [])
        update_endpoint(endpoint_id, body, user.owner_id, get_context(request))
    except (ValidationError, ApiError) as exc:
        return _settings_page(request, user, error=_endpoint_error(exc), status=400)
    return RedirectResponse("/settings#webhooks", status_code=303)


@router.post("/settings/webhooks/{endpoint_id}/rotate")
def rotate(request: Request, endpoint_id: str, user: User, csrf_token: Csrf = "") -> Response:
    check_csrf(user, csrf_token)
    ctx = get_context(request)
    with api_errors_as_pages():
        rotated: dict[str, Any] = rotate_endpoint_secret(endpoint_id, user.owner_id, ctx)["data"]
    return _show_once(request, user, f"new signing secret for {rotated['url']}", rotated["secret"])


@router.post("/settings/webhooks/{endpoint_id}/delete")
def remove_endpoint(request: Request, endpoint_id: str, user: User, csrf_token: Csrf = "") -> Response:
    check_csrf(user, csrf_token)
    with api_errors_as_pages():
        delete_endpoint(endpoint_id, user.owner_id, get_context(request))
    return RedirectResponse("/settings#webhooks", status_code=303)
