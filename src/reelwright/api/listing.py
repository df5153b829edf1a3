"""The list envelope for catalogues that fit on one page."""

from __future__ import annotations

from typing import Any


def all_items(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": items, "has_more": False, "next_token": None}
