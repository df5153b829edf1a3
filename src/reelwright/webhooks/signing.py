"""Webhook signatures: the hex HMAC-SHA256 of the raw body, so receivers can check the sender and
that the bytes were not altered (they must hash the body as received, before parsing it)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def new_secret() -> str:
    """A random signing secret; the prefix makes a leaked one recognisable in logs and scanners."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)
