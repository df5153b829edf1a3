"""``Idempotency-Key`` on POSTs: the first response is stored and replayed to repeats for 24 h.

A repeat that arrives while the first is still being handled gets 409 ``request_in_progress``. A
5xx is not stored, so the client may retry it. Keys are scoped to the API key's owner.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from reelwright.api.context import ApiContext
from reelwright.api.deps import api_key_from
from reelwright.api.errors import error_body
from reelwright.store.db import Database
from reelwright.store.keys import owner_for_key
from reelwright.store.models import IdempotencyRecord, now

KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{1,255}")
REPLAY_SECONDS = 24 * 3600
# A record still "in progress" after this long belongs to a request that died with its process.
ABANDONED_SECONDS = 600


@dataclass(frozen=True)
class _Claim:
    outcome: str  # "new" | "replay" | "in_progress" | "other_route"
    status_code: int = 0
    body: str = ""


def _claim(db: Database, owner_id: str, key: str, route: str) -> _Claim:
    t = now()
    with db.session() as s:
        existing = s.get(IdempotencyRecord, (owner_id, key))
        if existing is not None:
            expired = existing.created_at < t - REPLAY_SECONDS
            abandoned = existing.state == "in_progress" and existing.created_at < t - ABANDONED_SECONDS
            if not (expired or abandoned):
                if existing.route != route:
                    return _Claim("other_route")
                if existing.state == "in_progress":
                    return _Claim("in_progress")
                return _Claim("replay", existing.status_code or 200, existing.body or "")
            s.delete(existing)
            s.flush()
    try:
        with db.session() as s:
            s.add(IdempotencyRecord(owner_id=owner_id, key=key, route=route, created_at=t))
    except IntegrityError:  # a concurrent twin claimed it between our read and insert
        return _Claim("in_progress")
    return _Claim("new")


def _finish(db: Database, owner_id: str, key: str, status_code: int, body: bytes) -> None:
    with db.session() as s:
        record = s.get(IdempotencyRecord, (owner_id, key))
        if record is None:
            return
        if status_code >= 500:
            s.delete(record)  # not a final answer: let the client retry
        else:
            record.state, record.status_code, record.body = "done", status_code, body.decode("utf-8")


def _release(db: Database, owner_id: str, key: str) -> None:
    with db.session() as s:
        s.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.owner_id == owner_id, IdempotencyRecord.key == key
            )
        )


async def idempotency_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    key = request.headers.get("idempotency-key")
    if request.method != "POST" or key is None:
        return await call_next(request)
    if not KEY_PATTERN.fullmatch(key):
        return JSONResponse(
            error_body(
                "validation_error", "Idempotency-Key must be 1-255 of A-Z a-z 0-9 _ - : .", "Idempotency-Key"
            ),
            status_code=400,
        )
    ctx: ApiContext = request.app.state.ctx
    api_key = api_key_from(request.headers.get("x-api-key"), request.headers.get("authorization"))
    owner_id = await run_in_threadpool(owner_for_key, ctx.db, api_key) if api_key else None
    if owner_id is None:
        return await call_next(request)  # the route answers 401
    claim = await run_in_threadpool(_claim, ctx.db, owner_id, key, request.url.path)
    if claim.outcome == "replay":
        return Response(
            claim.body,
            status_code=claim.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    if claim.outcome != "new":
        message = (
            "a request with this Idempotency-Key is still being handled; retry shortly"
            if claim.outcome == "in_progress"
            else "this Idempotency-Key was used for a different request"
        )
        code = "request_in_progress" if claim.outcome == "in_progress" else "conflict"
        return JSONResponse(error_body(code, message), status_code=409)
    try:
        response = await call_next(request)
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    except BaseException:
        await run_in_threadpool(_release, ctx.db, owner_id, key)
        raise
    await run_in_threadpool(_finish, ctx.db, owner_id, key, response.status_code, body)
    return Response(
        body, status_code=response.status_code, headers=dict(response.headers), media_type=response.media_type
    )
