"""``{{variables}}`` in a template's storyboard: finding them, and filling them in.

Only the text a viewer sees or hears holds variables: the title, each scene's narration, and the
on-screen heading, subheading, bullets and caption. Ids, file sources and settings never do, so a
filled-in value can change what is said and shown but not which files or voices are used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Final

VARIABLE: Final = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}")
TEXT_FIELDS: Final = frozenset({"title", "narration", "heading", "subheading", "bullets", "caption"})
MAX_VALUE_CHARS: Final = 1000


def _walk(value: Any, text: Callable[[str], str], in_text: bool = False) -> Any:
    """A copy of ``value`` with ``text`` applied to every string under a text field."""
    if isinstance(value, dict):
        return {k: _walk(v, text, k in TEXT_FIELDS) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, text, in_text) for v in value]
    if isinstance(value, str) and in_text:
        return text(value)
    return value


def variables_in(board: dict[str, Any]) -> list[str]:
    """The variable names a storyboard uses, in order of first use."""
    found: dict[str, None] = {}

    def collect(s: str) -> str:
        for name in VARIABLE.findall(s):
            found.setdefault(name, None)
        return s

    _walk(board, collect)
    return list(found)


def fill_in(board: dict[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """The storyboard with every ``{{name}}`` replaced by ``values[name]`` (all must be given)."""
    filled: dict[str, Any] = _walk(board, lambda s: VARIABLE.sub(lambda m: values[m.group(1)], s))
    return filled
