"""Browser sign-in: a random token in an HTTP-only cookie, only its hash in ``web_sessions``.

Each session has its own CSRF token; every state-changing form carries it and every JSON call
sends it in ``X-CSRF-Token``. A session signed in with an API key ends when that key is revoked.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
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


# A strict Host: a DNS name or IPv4 address, or a bracketed IPv6 address, and an optional port.
# Anything else ("evil.example\@127.0.0.1", userinfo, paths) is not a host we trust at all.
_HOST_HEADER = re.compile(
    r"(?P<host>[A-Za-z0-9.\-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])"  # name, IPv4, or [IPv6]
    r"(?::(?P<port>[0-9]{1,5}))?"
)

# Headers that only a proxy adds: any of them means the request was relayed, so its loopback
# source address is the proxy's, not the person's.
PROXY_HEADERS = (
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-forwarded-server",
    "x-real-ip",
    "x-original-forwarded-for",
    "x-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "x-cluster-client-ip",
    "via",
)


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (a bare name or address, IPv6 with or without brackets) is loopback."""
    if not host:
        return False
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_header_name(value: str | None) -> str | None:
    """The host a ``Host`` header names, parsed strictly; None when it is not a plain host[:port]."""
    found = _HOST_HEADER.fullmatch(value or "")
    return found.group("host") if found else None


def looks_proxied(request: Request) -> bool:
    """Whether a proxy relayed the request, by the marks proxies leave.

    Any proxy header counts. nginx's bare ``proxy_pass`` adds none and rewrites ``Host`` to the
    loopback upstream, but it speaks HTTP/1.0 upstream (browsers never do any more), and the
    browser's own ``Origin``/``Referer`` still name the public site.
    """
    if any(name in request.headers for name in PROXY_HEADERS):
        return True
    if request.scope.get("http_version") == "1.0":
        return True
    # A page reached by a link from another site has that site as Referer, proxied or not: only
    # the form's POST (whose Referer is the sign-in page itself) is judged by it.
    for name in ("origin", "referer") if request.method == "POST" else ("origin",):
        value = request.headers.get(name)
        if value is None or value == "null":  # "null": an opaque origin, which names no site
            continue
        try:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not is_loopback(host_header_name(parts.netloc)):
                return True
        except ValueError:
            return True
    return False


def owner_sign_in_allowed(ctx: ApiContext, request: Request) -> bool:
    """One-click sign-in is for whoever sits at the machine: only while nothing else can reach it.

    By default (``owner_signin=auto``) the server must listen on loopback alone and hand out
    loopback URLs (a public URL means a proxy publishes it); ``on`` lifts that for a server the
    operator knowingly exposes, ``off`` never allows it. In every case the request must come from
    loopback, show no sign of a proxy, and be addressed to a loopback name (a page on another site
    that rebinds its DNS name to 127.0.0.1 sends its own Host).
    """
    mode = ctx.settings.owner_signin
    if mode == "off":
        return False
    if mode == "auto" and not (
        is_loopback(ctx.settings.host) and is_loopback(urlsplit(ctx.settings.public_base).hostname)
    ):
        return False
    if looks_proxied(request):
        return False
    client = request.client.host if request.client else None
    return is_loopback(client) and is_loopback(host_header_name(request.headers.get("host")))


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
