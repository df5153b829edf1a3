"""API keys: shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from reelwright.store.db import Database
from reelwright.store.models import ApiKey, Owner, now

KEY_PREFIX = "rw_"


def secret_hash(secret: str) -> str:
    """What is stored in place of a secret (an API key, a web session's token): its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(db: Database, name: str) -> tuple[str, str]:
    """A new owner with one key; returns ``(owner_id, key)``. The key cannot be recovered later."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        owner = Owner(name=name)
        s.add(owner)
        s.flush()
        s.add(ApiKey(owner_id=owner.id, name=name, key_hash=secret_hash(key)))
        return owner.id, key


def owner_for_key(db: Database, key: str) -> str | None:
    found = find_key(db, key)
    return found[0] if found else None


def add_key(db: Database, owner_id: str, name: str) -> str:
    """Another key for an existing owner (the web app's settings page); returns the key, shown once."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        s.add(ApiKey(owner_id=owner_id, name=name, key_hash=secret_hash(key)))
    return key


def find_key(db: Database, key: str) -> tuple[str, str] | None:
    """``(owner_id, key_id)`` of a live key, else None (the web app's sign-in records which key it was)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    with db.session() as s:
        row = s.scalar(select(ApiKey).where(ApiKey.key_hash == secret_hash(key), ApiKey.revoked_at.is_(None)))
        return (row.owner_id, row.id) if row else None


def revoke_key(db: Database, owner_id: str, key_id: str) -> bool:
    """Revoke one of the owner's keys; False when it is not theirs or already revoked."""
    with db.session() as s:
        row = s.get(ApiKey, key_id)
        if row is None or row.owner_id != owner_id or row.revoked_at is not None:
            return False
        row.revoked_at = now()
        return True
