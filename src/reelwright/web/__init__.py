"""The web app: sign in, library, create, video pages and settings, served by ``reelwright serve``.

Pages are rendered on the server from Jinja templates and call the API's own route functions;
a small script (no framework, no build step) adds uploads, previews and live progress through
``/web/api``, the public API's routes under a cookie sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from reelwright.web.auth import current_user
from reelwright.web.mirror import mirror_api_routes
from reelwright.web.pages import brand, create, script, settings, share, signin, templates, videos
from reelwright.web.pages.common import PageError, SignInRequired
from reelwright.web.templating import STATIC_DIR, render


class _VersionedStatic(StaticFiles):
    """Static files are linked with their content hash (``?v=``), so browsers may keep them for a year."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


async def _to_signin(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"/signin?next={quote(exc.next_path, safe='/')}", status_code=303)


async def _error_page(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return render(
        request,
        "error.html",
        user=current_user(request),
        status_code=exc.status,
        title="Something went wrong" if exc.status >= 500 else "Not possible",
        message=exc.message,
        status=exc.status,
    )


def mount_web(app: FastAPI, api_routers: Iterable[APIRouter]) -> None:
    """Add the pages, their static files and ``/web/api`` twins of the API routers' ``/v3`` routes."""
    mirror_api_routes(app, api_routers)
    for module in (signin, videos, create, script, templates, brand, settings, share):
        app.include_router(module.router)
    app.mount("/static", _VersionedStatic(directory=STATIC_DIR), name="static")
    app.add_exception_handler(SignInRequired, _to_signin)
    app.add_exception_handler(PageError, _error_page)
    app.add_exception_handler(share.ShareGone, share.share_gone)
