"""Signing in (with an API key, or one click for the machine's owner on loopback) and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reelwright.api.deps import get_context
from reelwright.store.keys import find_key
from reelwright.web.auth import (
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    clear_session_cookie,
    current_user,
    end_session,
    machine_owner,
    owner_sign_in_allowed,
    same_secret,
    set_session_cookie,
    set_signin_cookie,
    signin_token,
    start_session,
)
from reelwright.web.pages.common import User, check_csrf, local_path
from reelwright.web.templating import render

router = APIRouter(include_in_schema=False)


def _signin_page(request: Request, next_path: str, error: str | None = None, status: int = 200) -> Response:
    ctx = get_context(request)
    token = signin_token(request)
    response = render(
        request,
        "signin.html",
        user=None,
        status_code=status,
        title="Sign in",
        signin_token=token,
        next_path=next_path,
        error=error,
        owner_sign_in=owner_sign_in_allowed(ctx, request),
    )
    set_signin_cookie(response, ctx, token)
    return response


def _signed_in_redirect(request: Request, owner_id: str, api_key_id: str | None, next_path: str) -> Response:
    ctx = get_context(request)
    response = RedirectResponse(local_path(next_path), status_code=303)
    # A new token at every sign-in: a token planted before sign-in is never the session's.
    end_session(ctx, request.cookies.get(SESSION_COOKIE))
    set_session_cookie(response, ctx, start_session(ctx, owner_id, api_key_id))
    response.delete_cookie(SIGNIN_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/videos" if current_user(request) else "/signin", status_code=303)


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request, next: str = "/videos") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(local_path(next), status_code=303)
    return _signin_page(request, local_path(next))


@router.post("/signin")
def signin_with_key(
    request: Request,
    api_key: Annotated[str, Form(max_length=300)] = "",
    signin_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/videos",
) -> Response:
    if not same_secret(request.cookies.get(SIGNIN_COOKIE, ""), signin_csrf):
        return _signin_page(request, next, "The sign-in form expired; please try again.", 403)
    found = find_key(get_context(request).db, api_key.strip())
    if found is None:
        return _signin_page(request, next, "That API key is not valid (or has been revoked).", 401)
    owner_id, key_id = found
    return _signed_in_redirect(request, owner_id, key_id, next)


@router.post("/signin/owner")
def signin_as_owner(
    request: Request,
    signin_csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/videos",
) -> Response:
    ctx = get_context(request)
    if not owner_sign_in_allowed(ctx, request):
        return _signin_page(request, next, "One-click sign-in works only on this machine.", 403)
    if not same_secret(request.cookies.get(SIGNIN_COOKIE, ""), signin_csrf):
        return _signin_page(request, next, "The sign-in form expired; please try again.", 403)
    return _signed_in_redirect(request, machine_owner(ctx), None, next)


@router.post("/signout")
def signout(request: Request, user: User, csrf_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_csrf(user, csrf_token)
    ctx = get_context(request)
    end_session(ctx, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/signin", status_code=303)
    clear_session_cookie(response, ctx)
    return response
