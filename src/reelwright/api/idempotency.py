"""``Idempotency-Key`` on POSTs: a request that changed something is replayed to repeats for 24 h.

Only a 2xx is stored: a refusal (400, 409, 429...) or a failure (5xx) changed nothing, so a retry
with the same key runs again instead of replaying it for a day. A repeat that arrives while the
first is still being handled gets 409 ``request_in_progress``; the same key with another body gets
422 ``idempotency_key_reused``. Keys are scoped to the API key's owner.

An in-progress record is held under a lease that this process renews while the request runs; if
the process dies (a crash, SIGKILL), the lease runs out within ``LEASE_SECONDS`` and the key is
free again: a retry meanwhile hears 409 with ``Retry-After``, never waits for ever. If the request
had already committed what it made (its transaction writes that onto the record,
:mod:`reelwright.api.idempotent_results`), a retry takes the key over at once, lease or not, and
answers with what was made: a node killed between its commit and its answer makes nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import ColumnElement, and_, delete, or_, update
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from reelwright.api.context import ApiContext
from reelwright.api.deps import api_key_from
from reelwright.api.errors import error_body
from reelwright.api.idempotent_results import HELD, HeldKey, parse_created
from reelwright.store.db import Database
from reelwright.store.keys import owner_for_key
from reelwright.store.models import IdempotencyRecord, now

log = logging.getLogger("reelwright.api")

KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{1,255}")
REPLAY_SECONDS = 24 * 3600
# A live request's lease is renewed every RENEW_SECONDS; one not renewed for LEASE_SECONDS
# belongs to a process that died. The margin covers a renewal delayed by a busy database.
LEASE_SECONDS = 30
RENEW_SECONDS = 5
# Records from before leases existed (no lease_until): abandoned after this long, as before.
LEGACY_ABANDONED_SECONDS = 600
ROUTE_CHARS = 255  # the column's width: a longer path is kept as a prefix and its hash


@dataclass(frozen=True)
class _Claim:
    outcome: str  # "new" | "replay" | "in_progress" | "other_route" | "other_body"
    status_code: int = 0
    body: str = ""
    created: str | None = None  # "new": what an earlier, unanswered try already committed


def route_id(path: str) -> str:
    """The path as stored: itself when it fits the column, else a prefix and the whole one's sha256."""
    if len(path) <= ROUTE_CHARS:
        return path
    digest = "#sha256=" + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()
    return path[: ROUTE_CHARS - len(digest)] + digest


_BOUNDARY = re.compile(r';\s*boundary="?([^";]+)"?', re.IGNORECASE)


def request_hash(content_type: str, body: bytes) -> str:
    """sha256 of the body, with a multipart body's boundary made neutral: clients pick a new
    random boundary for every try, and a retry of the same upload must still match."""
    if content_type.lower().startswith("multipart/") and (found := _BOUNDARY.search(content_type)):
        body = body.replace(b"--" + found.group(1).encode("latin-1"), b"--<boundary>")
    return hashlib.sha256(content_type.split(";")[0].strip().lower().encode() + b"\n" + body).hexdigest()


class _LeaseKeeper:
    """Renews the leases of this process's in-progress records, from one thread, every few seconds.

    A thread rather than the event loop: renewals must not wait behind a saturated request
    threadpool, or a live request's lease could run out and its key be taken over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, Database] = {}
        self._thread: threading.Thread | None = None

    def hold(self, db: Database, holder: str) -> None:
        with self._lock:
            self._held[holder] = db
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="idempotency-leases", daemon=True)
                self._thread.start()

    def release(self, holder: str) -> None:
        with self._lock:
            self._held.pop(holder, None)

    def _run(self) -> None:
        while True:
            time.sleep(RENEW_SECONDS)
            with self._lock:
                by_db: dict[int, tuple[Database, list[str]]] = {}
                for holder, db in self._held.items():
                    by_db.setdefault(id(db), (db, []))[1].append(holder)
            for db, holders in by_db.values():
                try:
                    renew(db, holders)
                except Exception:  # the database is down: the requests themselves will say so
                    log.warning("could not renew idempotency leases", exc_info=True)


LEASES = _LeaseKeeper()


def renew(db: Database, holders: list[str]) -> None:
    with db.session() as s:
        s.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.holder.in_(holders), IdempotencyRecord.state == "in_progress")
            .values(lease_until=now() + LEASE_SECONDS)
        )


def _reclaimable(t: int) -> ColumnElement[bool]:
    """SQL: the record may be taken over (expired, or in progress under a lapsed lease)."""
    record = IdempotencyRecord
    lapsed = or_(
        record.lease_until < t,
        and_(record.lease_until.is_(None), record.created_at < t - LEGACY_ABANDONED_SECONDS),
    )
    return or_(record.created_at < t - REPLAY_SECONDS, and_(record.state == "in_progress", lapsed))


def _claim(db: Database, owner_id: str, key: str, route: str, fingerprint: str, holder: str) -> _Claim:
    t = now()
    fresh = {
        "route": route,
        "state": "in_progress",
        "status_code": None,
        "body": None,
        "created_at": t,
        "request_hash": fingerprint,
        "holder": holder,
        "lease_until": t + LEASE_SECONDS,
        "created": None,
    }
    with db.session() as s:
        existing = s.get(IdempotencyRecord, (owner_id, key))
        if existing is not None:
            lapsed = existing.state == "in_progress" and (
                existing.lease_until < t
                if existing.lease_until is not None
                else existing.created_at < t - LEGACY_ABANDONED_SECONDS
            )
            expired = existing.created_at < t - REPLAY_SECONDS
            if not expired and (not lapsed or existing.created is not None):
                if existing.route != route:
                    return _Claim("other_route")
                if existing.request_hash is not None and existing.request_hash != fingerprint:
                    return _Claim("other_body")
                if existing.state == "in_progress" and existing.created is not None:
                    # Its work committed and its answer never came (the node died, or is about to
                    # answer: both answers name the same thing). Take it over now, keeping what it
                    # made; of two retries, the conditional UPDATE lets one in.
                    taken = s.execute(
                        update(IdempotencyRecord)
                        .where(
                            IdempotencyRecord.owner_id == owner_id,
                            IdempotencyRecord.key == key,
                            IdempotencyRecord.state == "in_progress",
                            IdempotencyRecord.holder == existing.holder,
                        )
                        .values(holder=holder, lease_until=t + LEASE_SECONDS)
                        .execution_options(synchronize_session=False)
                    )
                    if taken.rowcount:  # type: ignore[attr-defined]
                        return _Claim("new", created=existing.created)
                    return _Claim("in_progress")
                if existing.state == "in_progress":
                    return _Claim("in_progress")
                return _Claim("replay", existing.status_code or 200, existing.body or "")
            # Take it over in one conditional UPDATE: of two takers, only one changes the row.
            taken = s.execute(
                update(IdempotencyRecord)
                .where(
                    IdempotencyRecord.owner_id == owner_id,
                    IdempotencyRecord.key == key,
                    _reclaimable(t),
                )
                .values(**fresh)
                .execution_options(synchronize_session=False)
            )
            return _Claim("new" if taken.rowcount else "in_progress")  # type: ignore[attr-defined]
    try:
        with db.session() as s:
            s.add(IdempotencyRecord(owner_id=owner_id, key=key, **fresh))
    except IntegrityError:  # a concurrent twin claimed it between our read and insert
        return _Claim("in_progress")
    return _Claim("new")


def _finish(db: Database, owner_id: str, key: str, holder: str, status_code: int, body: bytes) -> None:
    """Keep a 2xx for replay; forget anything else, so that a retry runs again."""
    mine = (
        IdempotencyRecord.owner_id == owner_id,
        IdempotencyRecord.key == key,
        IdempotencyRecord.holder == holder,  # not a record another request took over meanwhile
    )
    with db.session() as s:
        if 200 <= status_code < 300:
            s.execute(
                update(IdempotencyRecord)
                .where(*mine)
                .values(state="done", status_code=status_code, body=body.decode("utf-8"), lease_until=None)
            )
        else:
            s.execute(delete(IdempotencyRecord).where(*mine))


def _release(db: Database, owner_id: str, key: str, holder: str) -> None:
    with db.session() as s:
        s.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.owner_id == owner_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.holder == holder,
            )
        )


_REFUSALS = {
    "in_progress": (
        409,
        "request_in_progress",
        "a request with this Idempotency-Key is still being handled; retry shortly",
    ),
    "other_route": (409, "conflict", "this Idempotency-Key was used for a request to another path"),
    "other_body": (
        422,
        "idempotency_key_reused",
        "this Idempotency-Key was used with a different request body; use a new key for a new request",
    ),
}


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
    # The body is needed to tell a retry from a new request under the same key. It is at most the
    # request size limit (checked before this runs), and the route reuses these very bytes.
    fingerprint = await run_in_threadpool(
        request_hash, request.headers.get("content-type", ""), await request.body()
    )
    holder = secrets.token_hex(16)
    route = route_id(request.url.path)
    claim = await run_in_threadpool(_claim, ctx.db, owner_id, key, route, fingerprint, holder)
    if claim.outcome == "replay":
        return Response(
            claim.body,
            status_code=claim.status_code,
            media_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )
    if claim.outcome != "new":
        status, code, message = _REFUSALS[claim.outcome]
        # A claim whose node died is free within a lease: say when trying again is worth it.
        retry = {"Retry-After": str(RENEW_SECONDS)} if claim.outcome == "in_progress" else None
        return JSONResponse(error_body(code, message, "Idempotency-Key"), status_code=status, headers=retry)
    LEASES.hold(ctx.db, holder)
    held = HELD.set(HeldKey(owner_id, key, holder, parse_created(claim.created)))
    try:
        response = await call_next(request)
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
    except BaseException:
        await run_in_threadpool(_release, ctx.db, owner_id, key, holder)
        raise
    finally:
        HELD.reset(held)
        LEASES.release(holder)
    await run_in_threadpool(_finish, ctx.db, owner_id, key, holder, response.status_code, body)
    return Response(
        body, status_code=response.status_code, headers=dict(response.headers), media_type=response.media_type
    )
