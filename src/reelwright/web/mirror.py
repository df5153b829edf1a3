"""The JSON API for the pages' scripts: every ``/v3`` route again under ``/web/api``, signed in by cookie.

The browser holds no API key, so these routes are the very same endpoint functions with one
dependency swapped: the caller's identity comes from the session cookie plus the ``X-CSRF-Token``
header instead of ``X-Api-Key``. Everything else (validation, services, envelopes, errors) is the
public API's own code, so the app can never drift from what API users get.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import APIRoute

from reelwright.api.deps import current_owner
from reelwright.api.errors import ApiError
from reelwright.web.auth import CSRF_HEADER, current_user, same_secret

PREFIX = "/web/api"


def web_owner(request: Request) -> str:
    user = current_user(request)
    if user is None:
        raise ApiError(401, "not signed in; sign in at /signin")
    # Asked of every method: a custom header also forces a CORS preflight another site cannot pass.
    if not same_secret(user.csrf_token, request.headers.get(CSRF_HEADER)):
        raise ApiError(403, "missing or wrong X-CSRF-Token header")
    return user.owner_id


@dataclass
class _Overrides:
    """What FastAPI asks a route for when it resolves dependencies (as it asks the app)."""

    dependency_overrides: dict[Callable[..., Any], Callable[..., Any]] = field(default_factory=dict)


def mirror_api_routes(app: FastAPI, api_routers: Iterable[APIRouter]) -> None:
    """Add ``/web/api/v3/...`` twins of the routers' ``/v3`` routes.

    The twins go straight onto the app's own route list: including them as a router would give
    them the app's dependency overrides in place of their own."""
    overrides = _Overrides({current_owner: web_owner})
    app.router.routes.extend(
        APIRoute(
            PREFIX + route.path,
            route.endpoint,
            methods=route.methods,
            status_code=route.status_code,
            name=f"web_{route.name}",
            include_in_schema=False,
            dependencies=route.dependencies,
            dependency_overrides_provider=overrides,
        )
        for router in api_routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.path.startswith("/v3/")
    )
