"""Webhook endpoints (v3 and legacy v1), the event types, the delivery log and the callback secret.

Secrets are shown only when created or rotated, as HeyGen does; the callback secret (which signs
events sent to a request's ``callback_url``) has its own route, since no endpoint carries it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from reelwright.api.context import ApiContext
from reelwright.api.deps import Ctx, OwnerId, owned
from reelwright.api.errors import ApiError
from reelwright.api.idempotent_results import making, reuse
from reelwright.api.pagination import list_envelope, page
from reelwright.api.sessions import check_callback_url
from reelwright.store.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from reelwright.webhooks.callback_secret import owner_secret, rotate_owner_secret
from reelwright.webhooks.events import EVENT_TYPES, unknown_events
from reelwright.webhooks.signing import new_secret

router = APIRouter(tags=["Webhooks"])

# Checked by hand (an unknown name is a 400 on ``events``), described as the enum it is.
EventName = Annotated[str, Field(json_schema_extra={"enum": list(EVENT_TYPES)})]
_EVENTS_DESCRIPTION = "event types to receive; empty or omitted: every event type"
_URL_DESCRIPTION = "http(s) URL that receives the POSTs (no loopback, private or metadata addresses)"
Limit = Annotated[int, Query(ge=1, le=100)]


class WebhookEndpointCreate(BaseModel):
    url: str = Field(min_length=1, max_length=4096, description=_URL_DESCRIPTION)
    events: list[EventName] | None = Field(default=None, max_length=20, description=_EVENTS_DESCRIPTION)


class WebhookEndpointUpdate(BaseModel):
    url: str | None = Field(default=None, min_length=1, max_length=4096, description=_URL_DESCRIPTION)
    events: list[EventName] | None = Field(default=None, max_length=20, description=_EVENTS_DESCRIPTION)
    status: Literal["enabled", "disabled"] | None = Field(
        default=None, description="a disabled endpoint receives nothing; its pending events are dropped"
    )


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _endpoint_json(row: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    out = {
        "endpoint_id": row.id,
        "url": row.url,
        "status": row.status,
        "events": list(row.events),
        "created_at": _iso(row.created_at),
    }
    if with_secret:
        out["secret"] = row.secret
    return out


def _checked_events(events: list[str] | None) -> list[str]:
    unknown = unknown_events(events or [])
    if unknown:
        raise ApiError(
            400, f"unknown event type {unknown[0]!r}; see GET /v3/webhooks/event-types", param="events"
        )
    return list(dict.fromkeys(events or []))  # de-duplicated, order kept


def _add_endpoint(ctx: ApiContext, owner_id: str, body: WebhookEndpointCreate) -> dict[str, Any]:
    made = making("webhook_endpoint")
    if made.earlier is not None:
        # An earlier try of this request made it and died unanswered: its secret was never shown.
        with ctx.db.session() as s:
            if (earlier := reuse(s, made, WebhookEndpoint, owner_id)) is not None:
                return _endpoint_json(earlier, with_secret=True)
    check_callback_url(ctx, body.url, param="url")
    events = _checked_events(body.events)
    with ctx.db.session() as s:
        row = WebhookEndpoint(owner_id=owner_id, url=body.url, events=events, secret=new_secret())
        s.add(row)
        s.flush()
        made.note(s, row.id)  # commits with the endpoint, or neither does
        return _endpoint_json(row, with_secret=True)


def _list_endpoints(
    ctx: ApiContext, owner_id: str, limit: int, token: str | None
) -> tuple[list[dict[str, Any]], bool, str | None]:
    with ctx.db.session() as s:
        rows, has_more, next_token = page(
            s,
            select(WebhookEndpoint).where(WebhookEndpoint.owner_id == owner_id),
            WebhookEndpoint.created_at,
            WebhookEndpoint.id,
            limit=limit,
            token=token,
        )
        return [_endpoint_json(r) for r in rows], has_more, next_token


def _delete_endpoint(ctx: ApiContext, owner_id: str, endpoint_id: str) -> None:
    with ctx.db.session() as s:
        s.delete(owned(s, WebhookEndpoint, endpoint_id, owner_id, "webhook endpoint"))
        # Its undelivered events have nowhere to go; the log keeps them, marked as such.
        s.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "pending")
            .values(status="failed", last_error="the endpoint was deleted")
            .execution_options(synchronize_session=False)
        )


# --- v3 ---------------------------------------------------------------------------------------


@router.post(
    "/v3/webhooks/endpoints",
    summary="Register a webhook endpoint (the response is the only time its secret is shown)",
)
def create_endpoint(body: WebhookEndpointCreate, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    return {"data": _add_endpoint(ctx, owner_id, body)}


@router.get("/v3/webhooks/endpoints", summary="List webhook endpoints, newest first")
def list_endpoints(
    ctx: Ctx, owner_id: OwnerId, limit: Limit = 20, token: str | None = None
) -> dict[str, Any]:
    return list_envelope(*_list_endpoints(ctx, owner_id, limit, token))


@router.get("/v3/webhooks/endpoints/{endpoint_id}", summary="Get a webhook endpoint")
def get_endpoint(endpoint_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        return {"data": _endpoint_json(owned(s, WebhookEndpoint, endpoint_id, owner_id, "webhook endpoint"))}


@router.patch(
    "/v3/webhooks/endpoints/{endpoint_id}",
    summary="Change a webhook endpoint's url, events or status (pending events go to the new url)",
)
def update_endpoint(
    endpoint_id: str, body: WebhookEndpointUpdate, owner_id: OwnerId, ctx: Ctx
) -> dict[str, Any]:
    if body.url is not None:
        check_callback_url(ctx, body.url, param="url")
    events = _checked_events(body.events) if body.events is not None else None
    with ctx.db.session() as s:
        row = owned(s, WebhookEndpoint, endpoint_id, owner_id, "webhook endpoint")
        if body.url is not None:
            row.url = body.url
        if events is not None:
            row.events = events
        if body.status is not None:
            row.status = body.status
        return {"data": _endpoint_json(row)}


@router.delete(
    "/v3/webhooks/endpoints/{endpoint_id}",
    summary="Delete a webhook endpoint (its undelivered events are dropped)",
)
def delete_endpoint(endpoint_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    _delete_endpoint(ctx, owner_id, endpoint_id)
    return {"data": {"endpoint_id": endpoint_id, "deleted": True}}


@router.post(
    "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret",
    summary="Replace an endpoint's signing secret; the new one signs every later attempt",
)
def rotate_endpoint_secret(endpoint_id: str, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        row = owned(s, WebhookEndpoint, endpoint_id, owner_id, "webhook endpoint")
        row.secret = new_secret()
        return {"data": _endpoint_json(row, with_secret=True)}


@router.get("/v3/webhooks/event-types", summary="List the event types webhooks can carry")
def list_event_types(_owner: OwnerId) -> dict[str, Any]:
    return {"data": [{"event_type": name, "description": text} for name, text in EVENT_TYPES.items()]}


@router.get(
    "/v3/webhooks/callback-secret",
    summary="Get the secret that signs events sent to your requests' callback_url",
    description=(
        "Events POSTed to a `callback_url` carry `Signature` and `X-HeyGen-Signature` headers: the hex "
        "HMAC-SHA256 of the raw body under this secret (one per account, created on first use). "
        "Registered endpoints are signed with their own secrets instead."
    ),
)
def get_callback_secret(owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        return {"data": {"secret": owner_secret(s, owner_id)}}


@router.post(
    "/v3/webhooks/callback-secret",
    summary="Rotate the callback_url signing secret (pending events are signed with the new one)",
)
def rotate_callback_secret(owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        return {"data": {"secret": rotate_owner_secret(s, owner_id)}}


def _attempt_json(a: WebhookAttempt) -> dict[str, Any]:
    return {
        "attempted_at": a.attempted_at,
        "status_code": a.status_code,
        "error": a.error,
        "duration_ms": a.duration_ms,
    }


def _delivery_json(d: WebhookDelivery, attempts: list[WebhookAttempt]) -> dict[str, Any]:
    try:
        event_data = json.loads(d.body).get("event_data")
    except (ValueError, AttributeError):
        event_data = None
    return {
        "event_id": d.id,
        "event_type": d.event_type,
        "event_data": event_data,
        "url": d.url,
        "endpoint_id": d.endpoint_id,
        "status": d.status,
        "attempts": d.attempts,
        "created_at": d.created_at,
        "delivered_at": d.delivered_at,
        "next_attempt_at": d.next_attempt_at if d.status == "pending" else None,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "attempt_history": [_attempt_json(a) for a in attempts],
    }


@router.get(
    "/v3/webhooks/events",
    summary="List sent and pending webhook events, newest first, with every delivery attempt",
    description="One item per event and destination (a registered endpoint, or a request's callback_url, "
    "where `endpoint_id` is null).",
)
def list_events(
    ctx: Ctx,
    owner_id: OwnerId,
    limit: Limit = 20,
    token: str | None = None,
    endpoint_id: Annotated[str | None, Query(max_length=64)] = None,
    event_type: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    if event_type is not None and event_type not in EVENT_TYPES:
        raise ApiError(400, f"unknown event type {event_type!r}", param="event_type")
    stmt = select(WebhookDelivery).where(WebhookDelivery.owner_id == owner_id)
    if endpoint_id is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    if event_type is not None:
        stmt = stmt.where(WebhookDelivery.event_type == event_type)
    with ctx.db.session() as s:
        rows, has_more, next_token = page(
            s, stmt, WebhookDelivery.created_at, WebhookDelivery.id, limit=limit, token=token
        )
        by_delivery: dict[str, list[WebhookAttempt]] = {r.id: [] for r in rows}
        if rows:
            for a in s.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.delivery_id.in_(list(by_delivery)))
                .order_by(WebhookAttempt.id)
            ):
                by_delivery[a.delivery_id].append(a)
        items = [_delivery_json(r, by_delivery[r.id]) for r in rows]
    return list_envelope(items, has_more, next_token)


# --- legacy v1 --------------------------------------------------------------------------------


def _v1(data: Any) -> dict[str, Any]:
    return {"code": 100, "data": data, "message": "Success"}


@router.post(
    "/v1/webhook/endpoint.add",
    tags=["Legacy v1"],
    summary="Register a webhook endpoint (legacy; the response is the only time its secret is shown)",
)
def add_endpoint_v1(body: WebhookEndpointCreate, owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    return _v1(_add_endpoint(ctx, owner_id, body))


@router.get("/v1/webhook/endpoint.list", tags=["Legacy v1"], summary="List webhook endpoints (legacy)")
def list_endpoints_v1(owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        rows = s.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.owner_id == owner_id)
            .order_by(WebhookEndpoint.created_at.desc(), WebhookEndpoint.id.desc())
        )
        return _v1([_endpoint_json(r) for r in rows])


@router.delete(
    "/v1/webhook/endpoint.delete", tags=["Legacy v1"], summary="Delete a webhook endpoint (legacy)"
)
def delete_endpoint_v1(
    endpoint_id: Annotated[str, Query(min_length=1, max_length=64)], owner_id: OwnerId, ctx: Ctx
) -> dict[str, Any]:
    _delete_endpoint(ctx, owner_id, endpoint_id)
    return _v1(None)


@router.get("/v1/webhook/webhook.list", tags=["Legacy v1"], summary="List the webhook event types (legacy)")
def list_event_types_v1(_owner: OwnerId) -> dict[str, Any]:
    return _v1(list(EVENT_TYPES))
