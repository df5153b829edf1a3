"""Sending the outbox: claim due deliveries, POST them signed, record every attempt, back off.

Every worker process (the API's embedded workers, each ``reelwright worker``) runs a dispatcher;
they share the database safely because a delivery is claimed with a conditional UPDATE that pushes
its ``next_attempt_at`` past the send's time limit (a lease): only the process whose UPDATE matched
sends it, and if that process dies mid-send the lease runs out and another one retries.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
from sqlalchemy import select, update

from reelwright.config import Settings
from reelwright.net.fetch import Allowlist, FetchFailed, UnsafeUrl, check_url
from reelwright.store.db import Database, shared_database
from reelwright.store.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, now
from reelwright.webhooks.callback_secret import owner_secret
from reelwright.webhooks.signing import sign

log = logging.getLogger("reelwright.webhooks")

USER_AGENT = "Reelwright-Webhooks/0.1"
MAX_BACKOFF_SECONDS = 3600
# A claim lasts through the slowest send: httpx's limit applies to connect, write and read apiece.
LEASE_MARGIN_SECONDS = 30
_SENDERS = 4  # deliveries sent at once by one process (a slow receiver must not hold up the rest)


@dataclass(frozen=True)
class _Target:
    """What one attempt needs, read when it is claimed (a rotated secret or a changed URL applies)."""

    delivery_id: str
    lease_until: int  # our claim: the delivery is only settled by us while it still reads this
    url: str
    secret: str | None  # None: the endpoint is gone or disabled, so the delivery is dropped
    event_type: str
    body: bytes
    attempts: int
    created_at: int


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and self.error is None


def retry_delay(settings: Settings, attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: doubling, capped at an hour."""
    return float(min(settings.webhook_retry_seconds * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def deliver_due(settings: Settings, db: Database, limit: int = 20) -> int:
    """Send up to ``limit`` due deliveries; the number of attempts made by this call."""
    t = now()
    with db.session() as s:
        due = [
            (delivery_id, next_at)
            for delivery_id, next_at in s.execute(
                select(WebhookDelivery.id, WebhookDelivery.next_attempt_at)
                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= t)
                .order_by(WebhookDelivery.next_attempt_at)
                .limit(limit)
            )
        ]
    if not due:
        return 0
    allowlist = Allowlist.parse(settings.url_allowlist)
    with ThreadPoolExecutor(max_workers=min(_SENDERS, len(due)), thread_name_prefix="webhook-send") as pool:
        sent = pool.map(lambda d: _claim_and_send(settings, db, allowlist, d[0], d[1]), due)
        return sum(1 for attempted in sent if attempted)


def _claim_and_send(
    settings: Settings, db: Database, allowlist: Allowlist, delivery_id: str, seen_next: int
) -> bool:
    target = _claim(settings, db, delivery_id, seen_next)
    if target is None:
        return False  # another process took it, or it was settled meanwhile
    if target.secret is None:
        _drop(db, target.delivery_id, "the endpoint was deleted or disabled")
        return False
    try:
        outcome = _post(settings, allowlist, target)
    except Exception as exc:  # a bug must still leave a recorded attempt and a next try
        log.exception("webhook %s: unexpected error", target.delivery_id)
        outcome = _Outcome(None, f"internal error ({type(exc).__name__})", 0)
    _record(settings, db, target, outcome)
    return True


def _claim(settings: Settings, db: Database, delivery_id: str, seen_next: int) -> _Target | None:
    lease_until = now() + 3 * math.ceil(settings.webhook_timeout_seconds) + LEASE_MARGIN_SECONDS
    with db.session() as s:
        claimed = s.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at == seen_next,
            )
            .values(next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        d = s.get(WebhookDelivery, delivery_id)
        assert d is not None
        url, secret = d.url, None
        if d.endpoint_id is None:
            secret = owner_secret(s, d.owner_id)
        else:
            endpoint = s.get(WebhookEndpoint, d.endpoint_id)
            if endpoint is not None and endpoint.status == "enabled":
                # The endpoint's current URL and secret: fixing a broken URL rescues pending events.
                url, secret = endpoint.url, endpoint.secret
                d.url = url
        body = d.body.encode("utf-8")
        return _Target(d.id, lease_until, url, secret, d.event_type, body, d.attempts, d.created_at)


def _drop(db: Database, delivery_id: str, reason: str) -> None:
    with db.session() as s:
        s.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending")
            .values(status="failed", last_error=reason)
            .execution_options(synchronize_session=False)
        )


def _send(url: httpx.URL, addresses: list[str], body: bytes, headers: dict[str, str], limit: float) -> int:
    """POST to one of the checked ``addresses`` (the next if one refuses the connection); the status.

    Pinned, as in ``net.fetch``: the request goes to the address that was checked, so a DNS answer
    that changes after the check (rebinding) cannot send it elsewhere; ``Host`` and, for https, the
    ``sni_hostname`` extension (TLS SNI and certificate check) keep the name.
    """
    headers = {**headers, "Host": url.netloc.decode("ascii")}
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    # A fresh client per attempt, ignoring proxy settings: no pooled connection is reused for
    # another host name, and nothing goes anywhere but the checked address.
    with httpx.Client(timeout=limit, follow_redirects=False, trust_env=False) as client:
        for i, address in enumerate(addresses):
            request = client.build_request(
                "POST", url.copy_with(host=address), content=body, headers=headers, extensions=extensions
            )
            try:
                # Streamed and closed unread: only the status counts; a slow body cannot hold us.
                response = client.send(request, stream=True)
            except httpx.ConnectError:
                if i == len(addresses) - 1:
                    raise
                continue
            response.close()
            return response.status_code
    raise httpx.ConnectError("the host has no address")


def _post(settings: Settings, allowlist: Allowlist, target: _Target) -> _Outcome:
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        addresses = check_url(target.url, allowlist)  # on every attempt: DNS answers change
        url = httpx.URL(target.url)
    except (UnsafeUrl, FetchFailed) as exc:
        return _Outcome(None, f"refused: {exc.reason}", took())
    signature = sign(target.secret or "", target.body)
    headers = {
        "Content-Type": "application/json",
        "Signature": signature,
        "X-HeyGen-Signature": signature,
        "User-Agent": USER_AGENT,
        "X-Reelwright-Delivery": target.delivery_id,
        "X-Reelwright-Event": target.event_type,
    }
    limit = settings.webhook_timeout_seconds
    try:
        status = _send(url, addresses, target.body, headers, limit)
    except httpx.TimeoutException:
        return _Outcome(None, f"no answer within {limit:g} s", took())
    except httpx.ConnectError as exc:
        return _Outcome(None, f"could not connect to {url.host}: {exc}"[:300], took())
    except httpx.HTTPError as exc:
        # Only the type: protocol-error messages can quote what the receiver sent.
        return _Outcome(None, f"request to {url.host} failed ({type(exc).__name__})", took())
    except (httpx.InvalidURL, UnicodeError):
        # httpx parses a 3xx's Location even when following none: a malformed one raises here.
        return _Outcome(None, f"{url.host} answered with a malformed redirect (Location)", took())
    elapsed = took()
    if elapsed > limit * 1000:  # httpx limits each phase; the contract is about the whole
        return _Outcome(status, f"answered after {elapsed / 1000:.1f} s", elapsed)
    error = None if 200 <= status < 300 else f"HTTP {status}"
    return _Outcome(status, error, elapsed)


def _record(settings: Settings, db: Database, target: _Target, outcome: _Outcome) -> None:
    t = now()
    attempts = target.attempts + 1
    with db.session() as s:
        s.add(
            WebhookAttempt(
                delivery_id=target.delivery_id,
                attempted_at=t,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
            )
        )
        values: dict[str, object] = {
            "attempts": attempts,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
        }
        if outcome.delivered:
            values.update(status="delivered", delivered_at=t)
        else:
            deadline = target.created_at + math.ceil(settings.webhook_retry_hours * 3600)
            if t >= deadline:
                values["status"] = "failed"
            else:
                # The last try falls on the deadline itself, so events are retried for the full period.
                values["next_attempt_at"] = min(t + math.ceil(retry_delay(settings, attempts)), deadline)
        # Conditional on our lease: after a send slow enough to lose it, the new holder settles it.
        s.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == target.delivery_id,
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at == target.lease_until,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if not outcome.delivered:
        log.info(
            "webhook %s to %s failed (attempt %d): %s",
            target.delivery_id,
            target.url,
            attempts,
            outcome.error,
        )


def start_dispatcher(settings: Settings, interval: float = 1.0) -> threading.Event:
    """Poll the outbox in a daemon thread until the returned event is set."""
    stop = threading.Event()
    db = shared_database(settings.resolved_database_url)

    def loop() -> None:
        while not stop.is_set():
            busy = False
            try:
                busy = deliver_due(settings, db) > 0
            except Exception:  # the database may be briefly unavailable: log, keep polling
                log.exception("webhook dispatcher pass failed")
            if not busy:
                stop.wait(interval)

    threading.Thread(target=loop, daemon=True, name="webhook-dispatcher").start()
    return stop
