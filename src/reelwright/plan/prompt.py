"""Reading a prompt the way a producer would: length, format, tone, topic and the points asked for.

Pure functions over text, no model: they recognise common phrasings and leave the rest alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reelwright.plan.duration import target_length
from reelwright.storyboard import Orientation

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "half a": 0.5,
    "a half": 0.5,
    "one and a half": 1.5,
    "a couple of": 2,
    "twenty-five": 25,
    "thirty-five": 35,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")"
_PORTRAIT_WORDS = re.compile(
    r"\b(tik ?tok|reels?|shorts|vertical|portrait|9:16|instagram stor(?:y|ies)|stories format)\b",
    re.IGNORECASE,
)
_LANDSCAPE_WORDS = re.compile(r"\b(landscape|horizontal|widescreen|16:9|youtube video)\b", re.IGNORECASE)

TONES: dict[str, tuple[str, ...]] = {
    "upbeat": (
        "upbeat",
        "energetic",
        "exciting",
        "excited",
        "fun",
        "playful",
        "lively",
        "enthusiastic",
        "hype",
    ),
    "friendly": ("friendly", "warm", "casual", "welcoming", "approachable", "conversational", "light"),
    "formal": ("formal", "professional", "corporate", "serious", "authoritative", "executive", "business"),
    "calm": ("calm", "relaxed", "soothing", "gentle", "reassuring", "soft", "mindful"),
}

_TOPIC_RE = re.compile(
    r"\b(?:video|explainer|presentation|overview|tutorial|introduction|intro|walkthrough|walk-through|update|"
    r"announcement|promo|ad|clip|summary|briefing|guide|training|lesson|pitch|recap|short|reel|tiktok|teaser|"
    r"trailer|demo|spot|commercial|story|post|message|film|piece|segment|snippet|primer|explanation)s?\b"
    r"\s+(?:about|on|for|explaining|introducing|covering|of|that explains|to explain|to introduce|showing|"
    r"describing|announcing|welcoming)\s+(.+?)(?=[.!?;]|,|\s+(?:with|using|in a|in an|that|which|and use|"
    r"and keep|and make|lasting|under|in under)\b|$)",
    re.IGNORECASE,
)
# Any "about X" when the sentence names no kind of video we know ("a 20-second TikTok about X").
_ABOUT_RE = re.compile(
    r"\babout\s+(.+?)(?=[.!?;]|,|\s+(?:with|using|in a|in an|that|which|and use|and keep|and make|lasting|"
    r"under|in under)\b|$)",
    re.IGNORECASE,
)
_KIND_RE = re.compile(
    r"\b(?:a|an)\s+(?:[\w-]+\s+){0,3}?((?:welcome|onboarding|training|product|marketing|sales|launch|"
    r"explainer|tutorial|safety|compliance|recruiting|internal|promo|demo|update)\b[\w\s-]*?)"
    r"\s+(?:video|explainer|presentation|clip|overview)\b",
    re.IGNORECASE,
)
_POINTS_RE = re.compile(
    r"\b(?:highlight(?:ing)?|cover(?:ing)?|mention(?:ing)?|include|including|explain(?:ing)?|"
    r"focus(?:ing)? on|"
    r"talk about|walk through|show(?:ing)?|feature|featuring|touch on|key points?|points?):?\s+(.+)",
    re.IGNORECASE,
)
_INSTRUCTION_RE = re.compile(
    r"\b(tone|voice|style|seconds?|minutes?|vertical|portrait|landscape|tiktok|reels|shorts|avatar|presenter|"
    r"music|captions?|subtitles?|font|colou?rs?|aspect|format)\b",
    re.IGNORECASE,
)
_LEADING_DETERMINERS = re.compile(r"^(?:our|the|a|an|my|your|their|this|these)\s+", re.IGNORECASE)


@dataclass
class PromptBrief:
    prompt: str
    topic: str
    title: str
    kind: str | None
    duration: float | None
    orientation: Orientation | None
    tone: str
    tone_words: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    audience: str | None = None
    scenes: int | None = None  # "in 4 scenes", "five slides"


def parse_duration(text: str) -> float | None:
    """The length the prompt asks the video to be; durations inside facts are not lengths."""
    return target_length(text)


def parse_orientation(text: str) -> Orientation | None:
    if _PORTRAIT_WORDS.search(text):
        return "portrait"
    if _LANDSCAPE_WORDS.search(text):
        return "landscape"
    return None


def parse_tone(text: str) -> tuple[str, list[str]]:
    found: list[tuple[int, str, str]] = []
    for name, words in TONES.items():
        for word in words:
            m = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
            if m:
                found.append((m.start(), word, name))
    found.sort()
    # The first tone word the user wrote wins: "friendly, upbeat" is friendly first.
    return (found[0][2] if found else "friendly"), [w for _, w, _ in found]


def _clean_phrase(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase).strip(" .,:;-\"'")
    return phrase


def title_case(text: str) -> str:
    small = {
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "vs",
    }
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if any(c.isupper() for c in w[1:]) or any(c.isdigit() for c in w):
            out.append(w)  # keep acronyms and codes as written: Q3, iOS, API
        elif i > 0 and w.lower() in small:
            out.append(w.lower())
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def split_list(text: str) -> list[str]:
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+|\s*;\s*", text)
    return [p for p in (_clean_phrase(x) for x in parts) if p and len(p) <= 120]


def parse_points(text: str) -> list[str]:
    points: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        m = _POINTS_RE.search(sentence)
        if not m:
            continue
        for item in split_list(m.group(1).rstrip(".!?")):
            if not _INSTRUCTION_RE.search(item) and item.lower() not in (p.lower() for p in points):
                points.append(item)
    # Bulleted lines in the prompt are points too.
    for line in text.splitlines():
        m = re.match(r"^\s*(?:[-*•]|\d+[.)])\s+(.+)$", line)
        if m:
            item = _clean_phrase(m.group(1))
            if item and item.lower() not in (p.lower() for p in points):
                points.append(item)
    # One "point" is the subject itself ("explain our roadmap"), not a list to go through.
    return points[:8] if len(points) >= 2 else []


def parse_topic(text: str) -> tuple[str, str | None]:
    """The subject of the video and, if stated, what kind of video it is ("welcome", "training")."""
    kind_match = _KIND_RE.search(text)
    kind = _clean_phrase(kind_match.group(1)).lower() if kind_match else None
    m = _TOPIC_RE.search(text) or _ABOUT_RE.search(text)
    if m:
        topic = _clean_phrase(m.group(1))
    else:
        first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
        topic = re.sub(
            r"^(?:please\s+)?(?:create|make|produce|generate|build|write|give me|i need|we need)\s+"
            r"(?:me\s+)?(?:an?\s+)?(?:[\w-]+\s+){0,3}?(?:video|explainer|clip)?\s*",
            "",
            first,
            flags=re.IGNORECASE,
        )
        topic = re.sub(
            r"^(?:explain(?:ing)?|describe|show(?:ing)?|introduce|present|announce|summari[sz]e|"
            r"walk through|talk about)\s+",
            "",
            topic,
            flags=re.IGNORECASE,
        )
        # "A 10-second hello from …": the length is not part of the subject.
        topic = re.sub(
            r"^(?:an?\s+)?(?:\d+(?:\.\d+)?|(?:one|two|three|four|five|six|seven|eight|nine|ten|"
            r"fifteen|twenty|thirty|forty|fifty|sixty|ninety)(?:-\w+)?)[- ]"
            r"(?:seconds?|secs?|minutes?|mins?)(?:[- ]long)?\s+",
            "",
            topic,
            flags=re.IGNORECASE,
        )
        topic = re.split(r",|\s+(?:for|with|using|in under|under|in a|in an|lasting)\s+", topic)[0]
        topic = _clean_phrase(topic) or "this topic"
    words = topic.split()
    if len(words) > 10:
        topic = " ".join(words[:10])
    if len(topic) > _TOPIC_CHARS:
        # A run-on "word" (10,000 letters, a long URL) must still fit a slide line and a bullet.
        topic = topic[:_TOPIC_CHARS].rsplit(" ", 1)[0].rstrip(",;:-") + "…"
    return topic, kind


_TOPIC_CHARS = 80


def parse_audience(text: str) -> str | None:
    m = re.search(
        r"\b(?:for|aimed at|targeting|audience(?: is|:)?)\s+((?:new |our |all |busy |non-technical |"
        r"technical )?(?:employees|customers|developers|engineers|managers|students|beginners|"
        r"investors|partners|users|clients|teams?|staff|hires|parents|patients)[\w\s-]{0,30}?)"
        r"(?=[.,;!?]|$|\s+(?:with|using|in|that|who)\b)",
        text,
        re.IGNORECASE,
    )
    return _clean_phrase(m.group(1)) if m else None


_SCENE_COUNT_RE = re.compile(
    _NUM + r"[\s-]+(?:short\s+|quick\s+)?(?:scenes?|slides?|parts?|sections?)\b", re.IGNORECASE
)


def parse_scene_count(text: str) -> int | None:
    """How many scenes the user asked for ("in 4 scenes", "five slides"), if they said."""
    m = _SCENE_COUNT_RE.search(text)
    if not m:
        return None
    raw = m.group(1).lower()
    if raw in ("a", "an"):  # "a scene about X" counts nothing
        return None
    value = float(raw) if raw[0].isdigit() else float(_NUMBER_WORDS[raw])
    return int(value) if 1 <= value <= 40 and value == int(value) else None


_AUDIENCE_TOPIC = re.compile(
    r"^(?:new |our |all |the |future |incoming )*(?:employees|hires|staff|team members|colleagues|"
    r"customers|users|students|managers|developers|engineers|partners|clients|members|parents|"
    r"patients|visitors|volunteers|joiners|starters)\b",
    re.IGNORECASE,
)
_ORGANISATION = re.compile(r"\b(?:of|at|to|in|joining)\s+((?:[A-Z][\w&.'-]*\s*)+)")


def _audience_topic(topic: str, kind: str | None) -> tuple[str, str] | None:
    """ "A welcome video for new employees of Northwind": the phrase after "for" is who watches,
    not what it is about. Then the subject comes from the kind of video (topic, title)."""
    if not _AUDIENCE_TOPIC.match(topic):
        return None
    if " about " in topic:  # "for customers about our new pricing"
        subject = topic.split(" about ", 1)[1]
        return subject, title_case(_LEADING_DETERMINERS.sub("", subject))
    org_match = _ORGANISATION.search(topic)
    org = org_match.group(1).strip() if org_match else None
    if kind in ("welcome", "onboarding"):
        return (f"getting started at {org}" if org else "getting started"), (
            f"Welcome to {org}" if org else "Welcome"
        )
    if kind:
        return f"this {kind}", title_case(f"{kind} for {_LEADING_DETERMINERS.sub('', topic)}")
    return None


def read_prompt(prompt: str) -> PromptBrief:
    topic, kind = parse_topic(prompt)
    tone, tone_words = parse_tone(prompt)
    bare = _LEADING_DETERMINERS.sub("", topic)
    title = title_case(bare)[:120] or "Untitled"
    for_audience = _audience_topic(topic, kind)
    if for_audience is not None:
        topic, title = for_audience[0], for_audience[1][:120]
    return PromptBrief(
        prompt=prompt,
        topic=topic,
        title=title,
        kind=kind,
        duration=parse_duration(prompt),
        orientation=parse_orientation(prompt),
        tone=tone,
        tone_words=tone_words,
        points=parse_points(prompt),
        audience=parse_audience(prompt),
        scenes=parse_scene_count(prompt),
    )
