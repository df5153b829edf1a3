"""Browser sign-in: a random token in an HTTP-only cookie, only its hash in ``web_sessions``.

Each session has its own CSRF token; every state-changing form carries it and every JSON call
sends it in ``X-CSRF-Token``. A session signed in with an API key ends when that key is revoked.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import delete, select
from starlette.requests import cookie_parser

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.api.errors import error_body
from reelwright.store.keys import secret_hash
from reelwright.store.models import ApiKey, Owner, WebSession, now

SESSION_COOKIE = "rw_session"
# Before there is a session, the sign-in forms are protected by a double-submit token instead.
SIGNIN_COOKIE = "rw_signin"
SESSION_SECONDS = 14 * 24 * 3600
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class WebUser:
    owner_id: str
    name: str
    csrf_token: str
    api_key_id: str | None


def same_secret(expected: str, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(expected.encode(), (supplied or "").encode())


async def web_api_refusal(ctx: ApiContext, headers: dict[str, str]) -> JSONResponse | None:
    """The API's edge guard asks this for ``/web/api`` calls: signed in by cookie, with the CSRF
    token in its header, before any body is read; a refusal to send, or None."""
    token = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
    user = await anyio.to_thread.run_sync(user_for_token, ctx, token)
    if user is None:
        return JSONResponse(error_body("unauthorized", "not signed in; sign in at /signin"), 401)
    if not same_secret(user.csrf_token, headers.get(CSRF_HEADER)):
        return JSONResponse(error_body("forbidden", "missing or wrong X-CSRF-Token header"), 403)
    return None


def start_session(ctx: ApiContext, owner_id: str, api_key_id: str | None) -> str:
    """A new browser session; returns the cookie's token (never stored)."""
    token = secrets.token_urlsafe(32)
    t = now()
    with ctx.db.session() as s:
        # Expired sessions are swept here rather than by a periodic job: sign-ins are rare.
        s.execute(delete(WebSession).where(WebSession.expires_at < t))
        s.add(
            WebSession(
                token_hash=secret_hash(token),
                owner_id=owner_id,
                api_key_id=api_key_id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=t,
                expires_at=t + SESSION_SECONDS,
            )
        )
    return token


def end_session(ctx: ApiContext, token: str | None) -> None:
    if token:
        with ctx.db.session() as s:
            s.execute(delete(WebSession).where(WebSession.token_hash == secret_hash(token)))


def user_for_token(ctx: ApiContext, token: str | None) -> WebUser | None:
    if not token or len(token) > 100:
        return None
    with ctx.db.session() as s:
        row = s.get(WebSession, secret_hash(token))
        if row is None or row.expires_at < now():
            return None
        if row.api_key_id is not None:
            key = s.get(ApiKey, row.api_key_id)
            if key is None or key.revoked_at is not None:
                return None
        owner = s.get(Owner, row.owner_id)
        if owner is None:
            return None
        return WebUser(row.owner_id, owner.name, row.csrf_token, row.api_key_id)


def current_user(request: Request) -> WebUser | None:
    user = user_for_token(get_context(request), request.cookies.get(SESSION_COOKIE))
    if user is not None:
        request.state.owner_id = user.owner_id  # for the access log
    return user


def _secure(ctx: ApiContext) -> bool:
    return ctx.settings.public_base.startswith("https://")


def set_session_cookie(response: Response, ctx: ApiContext, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=_secure(ctx),
        path="/",
    )


def clear_session_cookie(response: Response, ctx: ApiContext) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=_secure(ctx), path="/")


def signin_token(request: Request) -> str:
    """The double-submit token for the sign-in forms: the cookie's, or a fresh one."""
    return request.cookies.get(SIGNIN_COOKIE) or secrets.token_urlsafe(24)


def set_signin_cookie(response: Response, ctx: ApiContext, token: str) -> None:
    response.set_cookie(
        SIGNIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict", secure=_secure(ctx), path="/"
    )


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def owner_sign_in_allowed(ctx: ApiContext, request: Request) -> bool:
    """One-click sign-in is for whoever sits at the machine: only while nothing else can reach it.

    The server must listen on loopback alone, hand out loopback URLs (a public URL means a proxy
    publishes it), and the request must come from loopback, unproxied, addressed to a loopback
    name (a page on another site that rebinds its DNS name to 127.0.0.1 sends its own Host).
    """
    if not is_loopback(ctx.settings.host) or not is_loopback(urlsplit(ctx.settings.public_base).hostname):
        return False
    if request.headers.get("forwarded") or request.headers.get("x-forwarded-for"):
        return False
    client = request.client.host if request.client else None
    return is_loopback(client) and is_loopback(urlsplit(f"//{request.headers.get('host', '')}").hostname)


def machine_owner(ctx: ApiContext) -> str:
    """The machine owner's account: the first one made (``reelwright keys create``), else a new one."""
    with ctx.db.session() as s:
        first = s.scalar(select(Owner).order_by(Owner.created_at, Owner.id).limit(1))
        if first is not None:
            return first.id
        owner = Owner(name="owner")
        s.add(owner)
        s.flush()
        return owner.id
