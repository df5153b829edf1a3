"""Keyset pagination, newest first: the opaque ``next_token`` encodes the last row's (created_at, id).

Keyset rather than offset so that a page never repeats or skips rows while new ones are created.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from reelwright.api.errors import ApiError


def encode_token(created_at: int, row_id: str) -> str:
    return base64.urlsafe_b64encode(f"{created_at}:{row_id}".encode()).decode().rstrip("=")


# What a token can hold: the time (seconds; the columns are 64-bit) and a row id (new_id's 32 hex).
_TOKEN = re.compile(r"(0|[1-9][0-9]{0,18}):([0-9a-f]{32})")


def decode_token(token: str) -> tuple[int, str]:
    """The (created_at, id) a token carries; 400 for anything this API could not have made.

    Checked strictly before it reaches SQL: a NUL in the id or a time beyond the column used to be
    a PostgreSQL error (a 500) rather than a refusal."""
    try:
        if len(token) > 100:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        found = _TOKEN.fullmatch(raw)
        if found is None or int(found.group(1)) >= 2**63:
            raise ValueError(raw)
        return int(found.group(1)), found.group(2)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "token is not a next_token from this API", param="token") from None


def page(
    s: Session,
    stmt: Select[Any],
    created_col: InstrumentedAttribute[int],
    id_col: InstrumentedAttribute[str],
    *,
    limit: int,
    token: str | None,
) -> tuple[list[Any], bool, str | None]:
    """One page of ``stmt``'s rows: (rows, has_more, next_token)."""
    if token:
        created, row_id = decode_token(token)
        stmt = stmt.where(or_(created_col < created, and_(created_col == created, id_col < row_id)))
    rows = list(s.scalars(stmt.order_by(created_col.desc(), id_col.desc()).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows and has_more else None
    next_token = encode_token(getattr(last, created_col.key), getattr(last, id_col.key)) if last else None
    return rows, has_more, next_token


def list_envelope(items: list[dict[str, Any]], has_more: bool, next_token: str | None) -> dict[str, Any]:
    return {"data": items, "has_more": has_more, "next_token": next_token}
