"""Cursor pages over catalogues that live in memory (voices, presenter looks and groups).

The cursor names the last item of the page (its id), not an offset: the next page starts right
after that item, so a page is the same however many items came before it. A catalogue is small and
ordered the same on every request, which is all this needs.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any

from reelwright.api.errors import ApiError

_PREFIX = "after:"


def _encode(item_id: str) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{item_id}".encode()).decode().rstrip("=")


def _decode(token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not raw.startswith(_PREFIX):
        raise ApiError(400, "token is not a next_token from this list", param="token")
    return raw[len(_PREFIX) :]


def item_page(
    items: Sequence[dict[str, Any]],
    id_of: Callable[[dict[str, Any]], str],
    *,
    limit: int | None,
    token: str | None,
) -> tuple[list[dict[str, Any]], bool, str | None]:
    """One page: (items, has_more, next_token). ``limit`` None: everything after the cursor."""
    start = 0
    if token:
        after = _decode(token)
        ids = [id_of(item) for item in items]
        if after not in ids:
            # The item the cursor named is gone (a photo look deleted meanwhile) or never existed.
            raise ApiError(400, "token is not a next_token from this list", param="token")
        start = ids.index(after) + 1
    rest = list(items[start:])
    if limit is None or len(rest) <= limit:
        return rest, False, None
    page = rest[:limit]
    return page, True, _encode(id_of(page[-1]))


def list_page(
    items: Sequence[dict[str, Any]],
    id_of: Callable[[dict[str, Any]], str],
    *,
    limit: int | None,
    token: str | None,
) -> dict[str, Any]:
    """The v3 list envelope for one page of ``items``."""
    page, has_more, next_token = item_page(items, id_of, limit=limit, token=token)
    return {"data": page, "has_more": has_more, "next_token": next_token}
