"""Signed, expiring links to stored files (HMAC-SHA256 over the path and the expiry): handed out by
the API and in webhook events, checked when a link is followed."""

from __future__ import annotations

import hashlib
import hmac
import time

from reelwright.config import Settings


def sign(secret: bytes, path: str, expires: int) -> str:
    return hmac.new(secret, f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(base: str, secret: bytes, path: str, ttl: int) -> str:
    # The expiry is rounded up to a step of a tenth of the lifetime (at most an hour), so the same
    # file's link stays the same across reads for a while: clients and browsers can cache it, and
    # two answers a second apart agree. A link lives at most 10 % longer than asked.
    step = max(1, min(3600, ttl // 10))
    expires = -(-(int(time.time()) + ttl) // step) * step
    return f"{base}{path}?expires={expires}&sig={sign(secret, path, expires)}"


def verify(secret: bytes, path: str, expires: int, sig: str) -> bool:
    # compare_digest refuses (TypeError) a str with non-ASCII characters: compare bytes instead.
    supplied = sig.encode("utf-8", "surrogateescape")
    return expires >= time.time() and hmac.compare_digest(sign(secret, path, expires).encode(), supplied)


def public_url_configured(settings: Settings) -> bool:
    """Whether ``REELWRIGHT_PUBLIC_URL`` was set (not just its default)."""
    return "public_url" in settings.model_fields_set


def links_base(settings: Settings, recorded: str | None) -> str:
    """The base of a job's links where they are built (a worker's webhooks): this process's own
    ``REELWRIGHT_PUBLIC_URL`` when set, else the one the API node recorded on the job when it
    accepted it (``agent_sessions.public_url``), else the default."""
    if public_url_configured(settings) or not recorded:
        return settings.public_base
    return recorded
