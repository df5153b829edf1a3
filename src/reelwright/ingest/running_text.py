"""Running text: what a page prints because it is a page, not because it has something to say.

Headers and footers, Beamer navigation bars and footlines, the title repeated on every page, page
numbers, and author e-mails and affiliations after the title page. They are found by position and
repetition, from the lines' layout, and removed before anything downstream sees the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A line repeated in the same band on at least this share of pages (and on 3 pages or more) is
# running text. Beamer's headline names the current subsection on a handful of slides only, so
# small type at a deck's edge is caught separately.
REPEAT_SHARE = 0.3
MIN_REPEATS = 3
# Repeated lines count as running text in the top and bottom 15 % only, and from the edge inwards.
REPEAT_EDGE = 0.15
EDGE = 0.1  # top and bottom tenth of the page: where headers, footers and navigation live
BAND = 0.04  # lines whose centres are this close (share of page height) are in the same band

_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|seite|p\.?)\s*)?[–-]?\s*\d{1,4}\s*[–-]?(?:\s*(?:/|of|von|sur|de)\s*\d{1,4})?$|^[ivxlc]{1,6}$",
    re.IGNORECASE,
)
_NAMED_PAGE = re.compile(r"^(?:page|seite|p\.)\s", re.IGNORECASE)  # "Page – 4" is a page number anywhere
_EMAIL = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w.]+ (?:at|\(at\)) [\w-]+(?:\.| dot | \(dot\) )[\w.]+", re.I
)
_AFFILIATION = re.compile(
    r"\b(?:universit(?:y|ät|é|à|eit|ad)|institut[eo]?|department|faculty|school of|college|"
    r"laborator(?:y|ies)|"
    r"research cent(?:er|re)|gmbh|inc\.|ltd\.?)\b",
    re.IGNORECASE,
)


@dataclass
class Line:
    """One printed line of a page, as laid out."""

    text: str
    x0: float  # points, origin at the page's top left
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    mono: bool = False  # set in a fixed-pitch (code) font


def _key(text: str) -> str:
    # Digits vary across pages ("3 / 31", "Page 4"); the rest of a running line does not.
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def find_running(
    pages: Sequence[Sequence[Line]], heights: Sequence[float], *, body_size: float, deck: bool
) -> list[set[int]]:
    """For each page, the indexes of its lines that are running text."""
    counts: dict[tuple[str, int], set[int]] = {}
    for p, lines in enumerate(pages):
        for line in lines:
            band = round(((line.top + line.bottom) / 2 / heights[p]) / BAND)
            counts.setdefault((_key(line.text), band), set()).add(p)
    repeated = {
        key
        for key, where in counts.items()
        if len(where) >= MIN_REPEATS
        and len(where) >= REPEAT_SHARE * len(pages)
        and any(c.isalpha() for c in key[0])
    }
    out: list[set[int]] = []
    for p, lines in enumerate(pages):
        height = heights[p]

        def candidate(line: Line, top: bool, height: float = height) -> bool:
            centre = (line.top + line.bottom) / 2 / height
            in_band = centre < REPEAT_EDGE if top else centre > 1 - REPEAT_EDGE
            # Headers and footers are set no larger than the text; a big repeated line is a heading.
            small = not body_size or line.size <= body_size * 1.12
            return in_band and small and (_key(line.text), round(centre / BAND)) in repeated

        # Repeated lines are running text from the page's edge inwards only: a header is the
        # topmost thing on the page, a footer the lowest (a recurring line amid content is content).
        found: set[int] = set()
        order = sorted(range(len(lines)), key=lambda k: lines[k].top)
        for top, walk in ((True, order), (False, order[::-1])):
            for k in walk:
                if not candidate(lines[k], top):
                    break
                found.add(k)
        for i, line in enumerate(lines):
            centre = (line.top + line.bottom) / 2 / height
            at_edge = centre < EDGE or centre > 1 - EDGE
            text = line.text.strip()
            if (at_edge and is_page_number(text)) or (_NAMED_PAGE.match(text) and is_page_number(text)):
                found.add(i)
            elif deck and at_edge and body_size and line.size < 0.75 * body_size:
                found.add(i)  # navigation bars, footlines, headline section names
            elif _EMAIL.search(text) and len(text.split()) <= 8:
                found.add(i)
            elif p > 0 and is_affiliation(text):
                found.add(i)  # affiliations repeated after the title page
        out.append(found)
    return out


def is_affiliation(text: str) -> bool:
    return bool(_AFFILIATION.search(text)) and len(text.split()) <= 10 and not text.endswith(".")
