"""Dependencies shared by the routes: the app context, the caller's identity and signed links."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError
from reelwright.store.keys import owner_for_key
from reelwright.store.links import verify
from reelwright.store.models import AgentSession, Asset, BrandKit, PhotoAvatar, Video, WebhookEndpoint


def get_context(request: Request) -> ApiContext:
    ctx: ApiContext = request.app.state.ctx
    return ctx


Ctx = Annotated[ApiContext, Depends(get_context)]


def api_key_from(x_api_key: str | None, authorization: str | None) -> str | None:
    if x_api_key:
        return x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


def current_owner(
    request: Request,
    x_api_key: Annotated[str | None, Header(description="Your API key.")] = None,
    authorization: Annotated[
        str | None, Header(description="`Bearer <API key>`, instead of X-Api-Key.")
    ] = None,
) -> str:
    """The owner of the request's API key (``X-Api-Key``, or ``Authorization: Bearer``), else 401."""
    key = api_key_from(x_api_key, authorization)
    owner_id = owner_for_key(get_context(request).db, key) if key else None
    if owner_id is None:
        raise ApiError(401, "missing or unknown API key (send it in X-Api-Key)")
    request.state.owner_id = owner_id
    return owner_id


OwnerId = Annotated[str, Depends(current_owner)]

_Owned = TypeVar("_Owned", AgentSession, Video, Asset, WebhookEndpoint, BrandKit, PhotoAvatar)


def owned(s: Session, model: type[_Owned], row_id: str, owner_id: str, what: str) -> _Owned:
    """The caller's row, or 404: another owner's id is indistinguishable from a missing one."""
    row = s.get(model, row_id)
    if row is None or row.owner_id != owner_id:
        raise ApiError(404, f"no {what} {row_id!r}")
    return row


def check_link(ctx: ApiContext, path: str, expires: int, sig: str) -> None:
    """A signed ``/files/...`` link's credential: the signature must match the path and be unexpired."""
    if not verify(ctx.url_secret, path, expires, sig):
        raise ApiError(403, "this link is invalid or has expired; GET the resource again for a fresh one")
