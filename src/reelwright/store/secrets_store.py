"""Server-wide secrets shared by every process through the database (created on first use)."""

from __future__ import annotations

import secrets

from sqlalchemy.exc import IntegrityError

from reelwright.store.db import Database
from reelwright.store.models import ServerSecret


def server_secret(db: Database, name: str) -> bytes:
    with db.session() as s:
        row = s.get(ServerSecret, name)
        if row is not None:
            return bytes.fromhex(row.value)
    try:
        with db.session() as s:
            s.add(ServerSecret(name=name, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another process created it first; use theirs
    with db.session() as s:
        row = s.get(ServerSecret, name)
        assert row is not None
        return bytes.fromhex(row.value)
