"""What a request under an ``Idempotency-Key`` has already committed, recorded with the commit.

The key's record says "in progress" until the response is stored. A node that dies after the
request's transaction committed but before it answered leaves a new row (a session, an asset, a
template...) and no response; a retry that simply ran the handler again would make a second one.
So every creating handler writes what it made (``session:<id>``) onto the key's record *in the same
transaction* as the row itself; a retry that finds such a record takes it over at once (the work
is done, only the answer is missing) and the handler answers with what was made instead of making
it again.

One request may make several things in turn (a template batch makes a session per CSV row). Each
is a numbered slot, in the order the handler makes them: the record keeps the list, and a retry
reuses slot by slot what the dead try made and makes only the rest. A handler calls
:func:`making` before it makes its thing, answers with :func:`reuse` (or its own lookup of
:attr:`Making.earlier`) when an earlier try made it, and else calls :meth:`Making.note` inside the
transaction that makes it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelwright.api.errors import ApiError
from reelwright.store.models import IdempotencyRecord

SEPARATOR = ","  # between the slots in ``idempotency_records.created`` (ids and kinds have none)


@dataclass
class HeldKey:
    owner_id: str
    key: str
    holder: str
    # What earlier, unanswered tries of this request made, slot by slot ("session:<id>", or "").
    created: tuple[str, ...] = ()
    # The next slot this try hands out. Shared (by reference) with the threads the handler runs
    # in; a request makes its things one after another, never two at once.
    next_slot: int = field(default=0)


def parse_created(created: str | None) -> tuple[str, ...]:
    return tuple(created.split(SEPARATOR)) if created else ()


# Set by the idempotency middleware for the request it holds a key for; copied into the threads
# and tasks the request's handler runs in.
HELD: ContextVar[HeldKey | None] = ContextVar("idempotency_held_key", default=None)


@dataclass(frozen=True)
class Making:
    """One thing a request is about to make: what an earlier try made in its place, if anything."""

    kind: str
    slot: int  # -1: no Idempotency-Key, nothing to record
    earlier: str | None  # the id of the ``kind`` an earlier try of this request made here

    def note(self, s: Session, made_id: str) -> None:
        """Inside the transaction that makes the row: write it onto the key's record, so they
        commit together. Refuses (409) if another try took the key over meanwhile (ours was
        thought dead): of two tries, only the one holding the key may make anything."""
        held = HELD.get()
        if held is None or self.slot < 0:
            return
        mine = (
            IdempotencyRecord.owner_id == held.owner_id,
            IdempotencyRecord.key == held.key,
            IdempotencyRecord.holder == held.holder,
        )
        # Read and rewritten in this transaction: the slots this try filled before are committed,
        # and the UPDATE's holder condition refuses if the key changed hands in between.
        slots = list(parse_created(s.scalar(select(IdempotencyRecord.created).where(*mine))))
        slots += [""] * (self.slot + 1 - len(slots))
        slots[self.slot] = f"{self.kind}:{made_id}"
        noted = s.execute(
            update(IdempotencyRecord)
            .where(*mine)
            .values(created=SEPARATOR.join(slots))
            .execution_options(synchronize_session=False)
        )
        if not noted.rowcount:  # type: ignore[attr-defined]
            raise ApiError(
                409,
                "a request with this Idempotency-Key is still being handled; retry shortly",
                code="request_in_progress",
                param="Idempotency-Key",
            )


def making(kind: str) -> Making:
    """Take the request's next slot for a ``kind`` ("session", "asset", "template"...)."""
    held = HELD.get()
    if held is None:
        return Making(kind, -1, None)
    slot = held.next_slot
    held.next_slot += 1
    found = held.created[slot] if slot < len(held.created) else ""
    found_kind, _, found_id = found.partition(":")
    return Making(kind, slot, found_id if found_kind == kind and found_id else None)


def made_earlier(kind: str) -> list[str]:
    """Every ``kind`` an earlier try of this request made (to count them against a limit once)."""
    held = HELD.get()
    if held is None:
        return []
    return [entry.partition(":")[2] for entry in held.created if entry.partition(":")[0] == kind]


Row = TypeVar("Row")


def reuse(s: Session, made: Making, model: type[Row], owner_id: str) -> Row | None:
    """The owner's row an earlier try made in this slot; ``None`` if none was, or it has been
    deleted since (then this try makes it anew)."""
    if made.earlier is None:
        return None
    row: Any = s.get(model, made.earlier)
    return row if row is not None and row.owner_id == owner_id else None
