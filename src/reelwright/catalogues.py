"""Looking an id up in one of the built-in catalogues (presenters, voices, styles).

The three answer a wrong id the same way, an :class:`InputError` on the request's parameter that
names the id and what would have been valid, so that one sentence is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from reelwright.errors import InputError

Entry = TypeVar("Entry")


def look_up(
    catalogue: Mapping[str, Entry],
    item_id: str,
    *,
    kind: str,
    param: str,
    valid: Callable[[], str] | None = None,
) -> Entry:
    """The entry with this id, or an :class:`InputError` listing every id (or what ``valid``
    says instead, for a catalogue too long to list)."""
    try:
        return catalogue[item_id]
    except KeyError:
        choices = valid() if valid is not None else f"choose one of: {', '.join(catalogue)}"
        raise InputError(f"unknown {kind} {item_id!r}; {choices}", param=param) from None
