"""Rendering pages: one autoescaping Jinja environment, display filters, and the headers every page gets."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from reelwright.api.context import ApiContext
from reelwright.api.deps import get_context
from reelwright.web.auth import WebUser

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    # Everything a page shows is escaped unless a template says otherwise (none does).
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def static_url(name: str) -> str:
    """``/static/name?v=<content hash>``: browsers may cache it for ever, and a new release busts it."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def when(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC") if ts else ""


def iso(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if ts else ""


def clock(seconds: float | None) -> str:
    """``1:05`` for 65.3 s; empty when unknown."""
    if seconds is None:
        return ""
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


_env.filters.update(when=when, iso=iso, clock=clock)
# How a video's or a session's status reads on a page.
STATUS_LABELS = {
    "pending": "Queued",
    "processing": "Rendering",
    "completed": "Ready",
    "failed": "Failed",
    "thinking": "Writing the script",
    "generating": "Rendering",
    "reviewing": "Waiting for your review",
    "waiting_for_input": "Waiting for you",
}
_env.globals.update(static_url=static_url, STATUS_LABELS=STATUS_LABELS)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(ctx: ApiContext) -> dict[str, str]:
    # Media comes from signed URLs under the public base, which may be another origin than the
    # one the browser typed (127.0.0.1 against localhost), so that origin is named as well.
    media = f"'self' {_origin(ctx.settings.public_base)}"
    csp = (
        "default-src 'self'; "
        f"img-src {media} data:; media-src {media}; "
        "script-src 'self'; style-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        # Pages show one account's private data: never keep them in a shared cache.
        "Cache-Control": "no-store",
    }


def render(
    request: Request, template: str, *, user: WebUser | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
    html = _env.get_template(template).render(request=request, user=user, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code, headers=security_headers(get_context(request)))
