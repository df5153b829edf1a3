"""Choosing what to say from a document: speakable sentences, scored, selected to a word budget.

A deck is planned by choosing slides, a document by sections (see :mod:`reelwright.ingest.document`).
Each becomes a unit: a heading, the page to show and candidate sentences. Sentences are scored by
centrality (TextRank over TF-IDF cosine similarity, in numpy), position, overlap with the heading
and with the brief, and a preference for plain, mid-length sentences; then the best are taken,
every chosen unit's best sentence first, until the word budget is spent, and said in reading order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from reelwright.ingest.document import Block, Document, Page, sections

# Words that carry no topic: used for scoring and for telling a real sentence from framing.
STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """a an the and or but if then so of to in on at by for with from as is are was were be been being
        this that these those it its we our you your they their he she his her i me my us them there here
        what which who how why when where all any each every some no not only just also very can could will
        would shall should may might must do does did have has had about into over under more most other such
        than too up out one let get""",
    )
)
_RUN_ON_END = re.compile(
    r"\b(?:the|a|an|of|to|in|on|at|by|for|with|from|and|or|but|that|which|is|are|was|were|its|their|our|"
    r"your|as|than|like|such|into|via|per|named|called|titled)$",
    re.IGNORECASE,
)
_CITATION = re.compile(
    r"\s*\[[^\]]{1,40}\]|\s*\((?:see|cf\.|e\.g\.|i\.e\.)[^)]*\)|\s*\([A-Z][a-z]+ et al\.?,? \d{4}\)"
)
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_MATH = re.compile(r"[=<>∑∫∞≤≥±×÷√∂∀∃∈∉⊂⊆∪∩→←⇒⇔\u0370-\u03ff\U0001D400-\U0001D7FF]")
_CODE = re.compile(r"[{}<>_\\|]|\w/\w|::|\(\)|\w\.\w+\(|--\w")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_LATEX = re.compile(r"\\[a-zA-Z]+")
# A word lost in extraction: "the and", "of the to"; or a capitalised "The" mid-sentence, where a
# word from another line was spliced in ("Explain The haplotypes in H are").
_BROKEN = re.compile(
    # An article or preposition followed by what cannot follow it ("the and", "of of"); "of the",
    # "in a" and "to the" are ordinary English.
    r"\b(?:[Tt]he|[Aa]n?)\s+(?:and|or|of|the|a|an|to)\b|\b(?:[Oo]f|[Tt]o|[Ii]n)\s+(?:and|or|of|to)\b"
    r"|(?<=[a-z])\s+The\s"
    r"|\b(?:of|for|to|with)\s+(?:add|is|are|was|were)\b|\b[A-Z]\s+the\b"
    r"|(?:\b[A-Z]{1,3}\b\s+){3}"  # a logo set in pieces: "LA TEX LAT ATE EX"
)
_PARENTHETICAL = re.compile(r"\s*\([^()]{0,120}\)")
_FUNCTION = frozenset(
    re.findall(
        r"\S+",
        "a an the is are was were be been has have had do does can will would should may must of to in on "
        "at by for with from as and or but if not no it this that these those we you they there which who",
    )
)
_ELLIPSIS = re.compile(r"\s*(?:\.\s){2,}\.?|\s*…")


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 2 and w not in STOPWORDS]


def speakable(text: str) -> str | None:
    """A sentence fit to be read aloud, or None: citations, URLs and ellipses go; formulas, code,
    fragments that run on ("…, but") and walls of text are not read out at all."""
    if _ELLIPSIS.search(text) or "..." in text:
        return None  # a slide's build-up ("efficiently, but . . .") is not a sentence on its own
    if _LATEX.search(text) or _BROKEN.search(text):
        return None  # a TeX command, or a sentence with a word lost in extraction ("the and")
    text = _URL.sub("", _CITATION.sub("", text))
    text = _PARENTHETICAL.sub("", text)  # an aside in brackets is read, not said
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = re.sub(r"\s+", " ", text).strip(" -–•*·")
    if not text or len(_MATH.findall(text)) > 0 or len(_CODE.findall(text)) > 1:
        return None
    letters = sum(c.isalpha() for c in text)
    words = text.split()
    if letters < 0.6 * len(text) or not 5 <= len(words) <= 40:
        return None
    if sum(w.isupper() and len(w) > 1 for w in words) > len(words) / 2:
        return None  # SHOUTED keyword lists
    lowered = [w.lower().strip(".,:;!?") for w in words]
    if max(Counter(lowered).values()) >= 3 and len(set(lowered)) < 0.7 * len(lowered):
        return None  # a figure's labels: "perfect phylogeny perfect phylogeny perfect phylogeny"
    if sum(len(w.strip(".,:;")) == 1 and w[0] not in "aAI" for w in words) >= 3:
        return None  # matrix cells and variables: "A B C", "0 1 0 0"
    if len(words) >= 3 and not any(w in _FUNCTION for w in lowered):
        return None  # labels run together ("Genotype matrix Haplotype matrix"): no sentence without them
    body = text.rstrip(".!?:;,")
    if _RUN_ON_END.search(body) or text.endswith((",", ";")):
        return None
    if text.endswith(":"):
        return None  # "Solutions:" introduces what follows
    if text[-1] not in ".!?":
        text += "."
    return text[0].upper() + text[1:]


def bullets_as_sentences(
    heading: str | None, items: list[str], marked: list[bool] | None = None
) -> list[str]:
    """Slide bullets as spoken sentences: full ones as they are; terse ones listed under the heading.

    ``marked`` says which items carried a bullet mark: an unmarked one-word line is more likely a
    figure's label than a point, so it needs two words to count.
    """
    out: list[str] = []
    terse: list[str] = []
    for n, item in enumerate(items):
        item = _SPACE_BEFORE_PUNCT.sub(r"\1", item).strip()
        words = len(item.split())
        least = 1 if marked is None or marked[n] else 2
        if words >= 4:
            said = speakable(item)
            if said:
                out.append(said)
        elif (
            least <= words < 4
            and item[:1].isalpha()
            and sum(c.isalpha() for c in item) >= 0.7 * len(item)
            and not _MATH.search(item)
            and not _CODE.search(item)
        ):
            terse.append(item.rstrip(".:;,?!"))  # "Why marketing?" is listed, not asked
    if len(terse) >= 2 and heading and len(heading.split()) <= 6:
        # Under a short heading, terse bullets are said as its list; without one they are likely
        # a figure's labels and are left to the picture.
        items_said = [t if t[:2].isupper() else t[:1].lower() + t[1:] for t in terse[:5]]
        listed = ", ".join(items_said[:-1]) + " and " + items_said[-1]
        out.append(f"{heading.rstrip('.:?!')}: {listed}.")
    return out


@dataclass
class Unit:
    """A slide or a section: what may be said while one page is on screen."""

    key: str
    heading: str | None
    source: str  # the file's path
    page: int
    sentences: list[str]
    scores: list[float] = field(default_factory=list)
    position: float = 0.0  # 0 at the start of the document, 1 at its end
    chosen: list[int] = field(default_factory=list)

    def lead(self) -> str | None:
        """The slide's or section's heading said first ("Q3 Highlights."), when it is a short label."""
        h = self.heading
        if not h or len(h.split()) > 8 or h.endswith((".", "?", "!")) or not any(c.isalpha() for c in h):
            return None
        if _RUN_ON_END.search(h) or h.endswith(",") or _ELLIPSIS.search(h):
            return None  # "… efficiently, but" is the start of a sentence, not a label
        first = (
            self.sentences[self.chosen[0]] if self.chosen else (self.sentences[0] if self.sentences else "")
        )
        if set(content_words(h)) <= set(content_words(first)):
            return None  # the sentence already says it
        return h + "."

    def score(self) -> float:
        best = sorted(self.scores, reverse=True)[:2]
        # A slide that is only its title has less to say than one that explains it.
        richness = min(1.0, sum(len(s.split()) for s in self.sentences) / 40)
        return (sum(best) / len(best) if best else 0.0) + 0.4 * richness


def _blocks_sentences(heading: str | None, blocks: list[Block]) -> list[str]:
    out: list[str] = []
    pending: list[str] = []
    marked: list[bool] = []
    for b in blocks:
        if b.kind == "heading":
            out += bullets_as_sentences(heading, pending, marked)
            pending, marked = [], []
            said = speakable(b.text) if b.text.endswith((".", "?", "!")) else None
            if said:
                out.append(said)
            continue
        if b.kind == "bullet" or (len(b.text.split()) < 8 and not b.text.endswith((".", "!", "?"))):
            pending.append(b.text)
            marked.append(b.kind == "bullet")
            continue
        out += bullets_as_sentences(heading, pending, marked)
        pending, marked = [], []
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z])", b.text):
            said = speakable(piece)
            if said:
                out.append(said)
    out += bullets_as_sentences(heading, pending, marked)
    return out


_BACK_MATTER = re.compile(
    r"^(?:contributors|authors?|references|bibliography|acknowledge?ments?|glossary|index|copyright|licen[cs]e|"
    r"change ?log|history|revision history|appendix.*|further reading|see also)$",
    re.IGNORECASE,
)
_OPENING = re.compile(
    r"\b(?:introduction|overview|what is|purpose|scope|about this|motivation|background)\b", re.IGNORECASE
)
_SUMMARY = re.compile(
    r"\b(?:summary|conclusions?|key (?:points|takeaways)|takeaways|in short|results|abstract)\b",
    re.IGNORECASE,
)


def outline(doc: Document) -> list[str]:
    """The document's parts, as its outline slide or its top-level headings list them (2 to 6)."""
    if doc.kind == "deck":
        page = next((p for p in doc.pages if p.role == "outline"), None)
        items = [b.text for b in page.blocks if b.kind == "bullet"] if page else []
    else:
        items = [
            label
            for p in doc.content_pages()
            for b in p.blocks
            if b.kind == "heading" and b.level == 1
            for label in [_heading_label(b.text)]
            if label and not _BACK_MATTER.match(label)
        ]
    items = [_NUMBERING.sub("", i).strip(" .:") for i in items]
    items = [i for i in items if i and len(i.split()) <= 8]
    items = [i for i in items if i.lower() != (doc.title or "").lower()]  # the title is said already
    return items if 2 <= len(items) <= 6 else []


def _heading_label(text: str | None) -> str | None:
    if not text:
        return None
    label = _NUMBERING.sub("", text).strip(" .:")
    if re.fullmatch(r"[0-9a-f]{4,}(?:-[0-9a-f]{2,})+", label, re.I):
        return None  # an identifier (a UUID left on a slide) is no heading to say
    if label.isupper() and len(label) > 4:
        label = label.capitalize()  # "MATH AND EQUATIONS" is said, and shown, as a heading in words
    return label or None


# A section number before a heading: "2.1 ", "2. ", "II. ", "A. " (a letter needs its dot, so the
# article in "A Nested Shape" stays).
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVX]{1,4}\.|[A-Z]\.)\s+")


def document_units(doc: Document, source: str, *, appendix: bool = False) -> list[Unit]:
    """Slides of a deck, or sections of a document, with their speakable sentences."""
    units: list[Unit] = []
    if doc.kind == "deck":
        # A deck's title slide names the talk and its authors: the opening says the title instead.
        pages: list[Page] = [p for p in doc.content_pages(appendix=appendix) if p.role != "title"]
        for page in pages:
            heading = _heading_label(page.heading)
            frame_title = [b for b in page.blocks if b.kind == "heading"][:1]
            rest = [b for b in page.blocks if b not in frame_title and b.kind not in ("title", "byline")]
            # The speaker's notes are what the presenter says over the slide: narrated first, and
            # instead of the slide's own text, which is on screen anyway.
            said = _notes_sentences(page.notes) or _blocks_sentences(heading, frame_title + rest)
            if not said:
                continue
            last = units[-1] if units else None
            if last is not None and heading and last.heading == heading and last.page == page.number - 1:
                # Beamer overlays: one frame built up over several pages is one slide; show the
                # last (complete) page and say each of its sentences once.
                last.page = page.number
                last.key = f"p{page.number}"
                last.sentences += [s for s in said if s not in last.sentences]
                continue
            units.append(Unit(f"p{page.number}", heading, source, page.number, said))
    else:
        found = sections(doc, appendix=appendix, max_level=1)
        if len([s for s in found if s.heading]) < 4:
            found = sections(doc, appendix=appendix, max_level=2)
        found = [s for s in found if not (s.heading and _BACK_MATTER.match(_heading_label(s.heading) or ""))]
        for n, section in enumerate(found):
            heading = _heading_label(section.heading)
            said = _blocks_sentences(heading, section.blocks)
            if said:
                units.append(Unit(f"s{n + 1}", heading, source, section.page, said))
    for i, unit in enumerate(units):
        unit.position = i / max(1, len(units) - 1)
    return units


def _notes_sentences(notes: str) -> list[str]:
    """A presenter's notes as sentences, line by line.

    Notes are jotted down: a short label on a line of its own ("Evaluation purpose") names what the
    next line says, so the two are said together ("Evaluation purpose: formative and summative
    evaluations over three years."); a full stop inside brackets does not end the sentence.
    """
    lines = [line.strip() for line in notes.splitlines() if line.strip()]
    merged: list[str] = []
    n = 0
    while n < len(lines):
        line = lines[n]
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if _is_label(line) and following and not _is_label(following):
            line = f"{line.rstrip(':')}: {following[0].lower() + following[1:]}"
            n += 1
        merged.append(line)
        n += 1
    out = []
    for line in merged:
        for piece in _sentences_outside_brackets(line):
            said = speakable(piece)
            if said:
                out.append(said)
    return out


def _is_label(line: str) -> bool:
    return len(line.split()) <= 4 and not line.endswith((".", "!", "?", ",", ";"))


def _sentences_outside_brackets(text: str) -> list[str]:
    pieces: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text):
        if pieces and pieces[-1].count("(") > pieces[-1].count(")"):
            pieces[-1] += " " + piece  # "(understand interests. Priorities, values)" is one aside
        else:
            pieces.append(piece)
    return pieces


def textrank(sentences: list[str], damping: float = 0.85, rounds: int = 40) -> np.ndarray:
    """Centrality of each sentence in the graph of TF-IDF cosine similarities (PageRank on it)."""
    n = len(sentences)
    if n == 0:
        return np.zeros(0)
    docs = [Counter(content_words(s)) for s in sentences]
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    if not vocab:
        return np.full(n, 1.0 / n)
    df = np.zeros(len(vocab))
    for d in docs:
        for w in d:
            df[vocab[w]] += 1
    idf = np.log((1 + n) / (1 + df)) + 1.0
    m = np.zeros((n, len(vocab)))
    for i, d in enumerate(docs):
        for w, c in d.items():
            m[i, vocab[w]] = (1 + math.log(c)) * idf[vocab[w]]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m = m / np.where(norms == 0, 1, norms)
    sim = m @ m.T
    np.fill_diagonal(sim, 0.0)
    rows = sim.sum(axis=1, keepdims=True)
    trans = np.where(rows > 0, sim / np.where(rows == 0, 1, rows), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(rounds):
        rank = (1 - damping) / n + damping * (trans.T @ rank)
    result: np.ndarray = rank * n  # 1.0 is average
    return result


def score_units(units: list[Unit], focus: str = "") -> None:
    """Give every candidate sentence a score (higher is said first)."""
    flat = [(u, i, s) for u in units for i, s in enumerate(u.sentences)]
    central = textrank([s for _, _, s in flat])
    wanted = set(content_words(focus))
    for u in units:
        u.scores = [0.0] * len(u.sentences)
    for k, (u, i, s) in enumerate(flat):
        words = content_words(s)
        heading_words = set(content_words(u.heading or ""))
        score = float(central[k]) if len(central) else 1.0
        score += 0.5 if i == 0 else 0.25 / (1 + i)  # a slide or section says its point first
        if u.heading and _SUMMARY.search(u.heading):
            score += 1.0  # the author's own summary is the best summary
        if u.heading and _OPENING.search(u.heading):
            score += 0.8  # and what the document is, said at its start
        score += 0.3 * (1 - u.position)
        score += 0.3 * len(heading_words & set(words)) / max(1, len(heading_words))
        score += 0.6 * len(wanted & set(words)) / max(1, len(wanted)) if wanted else 0.0
        n = len(s.split())
        score -= 0.02 * max(0, n - 25) + 0.05 * max(0, 7 - n)  # plain, mid-length sentences
        if s.endswith("?"):
            score -= 0.4  # a slide's question is only worth saying with its answer
        u.scores[i] = score


def select(
    units: list[Unit], budget_words: float, max_units: int, *, spread: bool, most: int | None = None
) -> list[Unit]:
    """The units to show and, in each, the sentences to say, within ``budget_words``.

    Units are taken by score (a deck ``spread`` across its length, so a long talk is not just its
    first slides), each with its best sentence; then the best remaining sentences of the chosen
    units while they fit. Returns the chosen units in reading order.
    """
    most = max(max_units, most or max_units)
    for u in units:
        u.chosen = []
    candidates = [u for u in units if u.sentences]
    if not candidates or max_units <= 0:
        return []
    best_first = sorted(candidates, key=lambda u: -u.score())
    if spread and len(candidates) > max_units:
        # One unit from each of max_units equal stretches of the document: its best one.
        picked = []
        for k in range(max_units):
            lo = k * len(candidates) // max_units
            hi = max(lo + 1, (k + 1) * len(candidates) // max_units)
            picked.append(max(candidates[lo:hi], key=lambda u: u.score()))
        order = picked + [u for u in best_first if u not in picked]
    else:
        order = best_first
    used = 0.0
    chosen: list[Unit] = []
    said: set[str] = set()
    limit = budget_words * 1.03

    def take_best(u: Unit) -> bool:
        nonlocal used
        i = max(range(len(u.sentences)), key=lambda j: u.scores[j])
        u.chosen = [i]
        lead = u.lead()
        n = len(u.sentences[i].split()) + (len(lead.split()) if lead else 0)
        if used + n > limit or _key(u.sentences[i]) in said:
            u.chosen = []
            return False
        used += n
        said.add(_key(u.sentences[i]))
        chosen.append(u)
        return True

    def fill() -> None:
        nonlocal used
        more = sorted(
            ((u.scores[i], u, i) for u in chosen for i in range(len(u.sentences)) if i not in u.chosen),
            key=lambda t: -t[0],
        )
        for _, u, i in more:
            n = len(u.sentences[i].split())
            key = _key(u.sentences[i])
            if key in said or used + n > limit:
                continue
            u.chosen.append(i)
            said.add(key)
            used += n

    rest = list(order)
    while rest and len(chosen) < max_units:
        take_best(rest.pop(0))
    fill()
    # Thin slides leave time over: show more of them (up to ``most``), each with what it says.
    while rest and len(chosen) < most and used < 0.9 * budget_words:
        if take_best(rest.pop(0)):
            fill()
    for u in chosen:
        u.chosen.sort()
    return [u for u in units if u in chosen]


def _key(sentence: str) -> str:
    # Content words and numbers: "part 1" and "part 2" are different sentences.
    return " ".join(content_words(sentence) + re.findall(r"\d+", sentence))


def short_title(text: str, limit: int = 8) -> str:
    """A title of at most ``limit`` words, cut where a phrase ends (never after "of" or "the")."""
    words = text.split()
    if len(words) <= limit:
        return text.strip(" .:;,")
    cut = words[:limit]
    while cut and (_RUN_ON_END.search(cut[-1]) or cut[-1].lower() in STOPWORDS or cut[-1].endswith(",")):
        cut.pop()
    # Prefer a natural break: before "under", "for", "with", a colon.
    for i in range(len(cut) - 1, 1, -1):
        natural = cut[i].lower() in ("under", "for", "with", "using", "via", "in", "on", "at")
        if (natural or cut[i - 1].endswith(":")) and i >= 3:
            cut = cut[:i]
            break
    return " ".join(cut).strip(" .:;,") or " ".join(words[:limit])
