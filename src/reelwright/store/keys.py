"""API keys: shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from reelwright.store.db import Database
from reelwright.store.models import ApiKey, Owner

KEY_PREFIX = "rw_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(db: Database, name: str) -> tuple[str, str]:
    """A new owner with one key; returns ``(owner_id, key)``. The key cannot be recovered later."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        owner = Owner(name=name)
        s.add(owner)
        s.flush()
        s.add(ApiKey(owner_id=owner.id, name=name, key_hash=_hash(key)))
        return owner.id, key


def owner_for_key(db: Database, key: str) -> str | None:
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    with db.session() as s:
        row = s.scalar(select(ApiKey).where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None)))
        return row.owner_id if row else None
