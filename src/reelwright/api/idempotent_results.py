"""What a request under an ``Idempotency-Key`` has already committed, recorded with the commit.

The key's record says "in progress" until the response is stored. A node that dies after the
request's transaction committed but before it answered leaves a new session (or asset) and no
response; a retry that simply ran the handler again would make a second one. So the handler writes
what it made (``session:<id>``, ``asset:<id>``) onto the key's record *in the same transaction* as
the row itself; a retry that finds such a record takes it over at once (the work is done, only the
answer is missing) and the handler answers with what was made instead of making it again.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from reelwright.api.errors import ApiError
from reelwright.store.models import IdempotencyRecord


@dataclass(frozen=True)
class HeldKey:
    owner_id: str
    key: str
    holder: str
    created: str | None  # what an earlier, unanswered try of this request made ("session:<id>")


# Set by the idempotency middleware for the request it holds a key for; copied into the threads
# and tasks the request's handler runs in.
HELD: ContextVar[HeldKey | None] = ContextVar("idempotency_held_key", default=None)


def made_before(kind: str) -> str | None:
    """The id of the ``kind`` ("session", "asset") that an earlier try of this request committed."""
    held = HELD.get()
    if held is None or held.created is None:
        return None
    found_kind, _, found_id = held.created.partition(":")
    return found_id if found_kind == kind else None


def note_made(s: Session, kind: str, made_id: str) -> None:
    """Inside the transaction that makes the row: write it onto the key's record, so they commit
    together. Refuses (409) if another try took the key over meanwhile (ours was thought dead):
    of two tries, only the one holding the key may make anything."""
    held = HELD.get()
    if held is None:
        return
    noted = s.execute(
        update(IdempotencyRecord)
        .where(
            IdempotencyRecord.owner_id == held.owner_id,
            IdempotencyRecord.key == held.key,
            IdempotencyRecord.holder == held.holder,
        )
        .values(created=f"{kind}:{made_id}")
        .execution_options(synchronize_session=False)
    )
    if not noted.rowcount:  # type: ignore[attr-defined]
        raise ApiError(
            409,
            "a request with this Idempotency-Key is still being handled; retry shortly",
            code="request_in_progress",
            param="Idempotency-Key",
        )
