"""Reading a brief for what the video must say: subject, audience, points, statements, call to action.

:mod:`reelwright.plan.prompt` reads the settings (length, format, tone) and a first guess at the
topic; this reads the content. The first sentence usually asks for the video ("A 45-second
explainer for a general audience about how vaccines train the immune system"): its subject is
what follows the kind of video, and "for a general audience" is who watches, not what it is about.
Later sentences are either instructions to us (settings, "cover A, B and C") or things to say
("The sale ends on April 30."), which are spoken in the user's words. Facts (numbers, dates, URLs,
names) are found so a planner can check every one of them is spoken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reelwright.plan.prompt import TONES, parse_points, split_list, title_case
from reelwright.plan.summarise import short_title

_ABBREVIATIONS = re.compile(
    r"\b(?:Dr|Mr|Mrs|Ms|Prof|St|Mt|No|vs|etc|e\.g|i\.e|approx|Inc|Ltd|Co|Jr|Sr)\.$", re.I
)
_LENGTH = re.compile(
    r"\b(?:in\s+|under\s+|of\s+)?(?:an?\s+)?(?:\d+(?:\.\d+)?|one|two|three|four|five|ten|fifteen|twenty|thirty|"
    r"forty|forty-five|fifty|sixty|ninety|half)[\s-]*(?:a[\s-])?(?:seconds?|secs?|s|minutes?|mins?)\b(?:[\s-]long)?",
    re.I,
)
_SETTING_WORDS = re.compile(
    r"\b(?:tiktok|instagram|youtube|reels?|shorts|vertical|portrait|landscape|widescreen|upbeat|friendly|formal|"
    r"calm|energetic|fun|playful|professional|casual|warm|quick|short|brief)\b",
    re.I,
)
_VIDEO_NOUN = (
    r"(?:video|explainer|clip|overview|update|teaser|walkthrough|walk-through|presentation|summary|tutorial|"
    r"intro|introduction|promo|ad|reel|tiktok|message|briefing|guide|primer|recap|announcement|spot|short)"
)
_SUBJECT_AFTER = re.compile(
    _VIDEO_NOUN
    + r"s?\b[\s,]*(?:(?:about|on|of|explaining|introducing|announcing|showing|describing|covering|"
    r"that explains|to explain|to introduce|for)\s+)(.+)$",
    re.I,
)
_INVITING = re.compile(
    r"^(?:inviting|asking|encouraging|reminding|welcoming)\s+(?:[\w-]+\s+){0,3}?(?:to|about|of)\s+", re.I
)
_LEAD_VERB = re.compile(
    r"^(?:please\s+)?(?:create|make|produce|generate|build|write|give me|i need|we need|i want|we want|"
    r"summari[sz]e|explain|describe|present|introduce|announce|show|walk through|turn)\s+(?:me\s+|us\s+)?",
    re.I,
)
_PEOPLE = (
    r"(?:general audience|wide audience|audience|employees|customers|developers|engineers|managers|students|"
    r"beginners|investors|partners|users|clients|team|teams|staff|hires|parents|patients|visitors|volunteers|"
    r"members|colleagues|newcomers|kids|children|everyone|readers|viewers|buyers|shoppers|researchers|"
    r"scientists|teachers|nurses|doctors|drivers|operators)"
)
_AUDIENCE = re.compile(
    r"(?:,\s*)?\b(?:for|aimed at|targeting)\s+((?:[\w-]+\s+){0,3}?"
    + _PEOPLE
    + r"(?:\s+(?:at|of|in|from)\s+(?:[A-Z][\w&.'-]*\s*)+)?)",
    re.I,
)
_PRODUCER_VERB = re.compile(
    r"^(?:please\s+)?(?:make|create|use|keep|add|include|mention|say|show|highlight|cover|focus|end|start|open|"
    r"close|make sure|don't|do not|avoid|put|set|give|film|render|aim|target|write|explain|describe|"
    r"talk|walk|"
    r"feature|touch|emphasi[sz]e|stress|remind|tell)\b",
    re.I,
)
_SETTINGS_SENTENCE = re.compile(
    r"\b(?:tone|voice|style|music|font|colou?rs?|avatar|presenter|scenes?|slides?|seconds?|minutes?|format|"
    r"captions?|subtitles?|vertical|portrait|landscape|aspect|background|logo|brand)\b",
    re.I,
)
_SAY_THAT = re.compile(
    r"^(?:please\s+)?(?:mention|say|note|explain|stress|emphasi[sz]e|remind (?:people|viewers|everyone|them)|"
    r"tell (?:people|viewers|everyone|them))\s+(?:that\s+)?",
    re.I,
)
_STEP = re.compile(r"^(?:step\s+(\d+)|(\d+)[.)])\s*[:.-]?\s*(.+)$", re.I)
_CTA = re.compile(
    r"\b(?:register|sign up|visit|book|order|buy|download|subscribe|join|call|contact|apply|use code|"
    r"learn more|"
    r"go to|head to|find out)\b|\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|example|dev|app|de|fr|es)\b",
    re.I,
)
_FACT = re.compile(
    r"\b(?:https?://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)+/\S*|[\w-]+\.(?:com|org|net|io|example|dev|app))\b"
    r"|\b\d[\d,.:]*(?:\s*(?:%|percent|kg|km|am|pm|dollars|euros|hours|days|million|billion))?"
    r"|\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d{1,2}\b"
    r"|\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+\b",
)
_ATTACHMENT = re.compile(
    r"^(?:the|this|these|our|my|attached)?\s*(?:attached\s+)?(?:conference\s+)?(?:talk|deck|slides?|document|doc|"
    r"pdf|file|files|specification|spec|paper|report|example|presentation|manual|material|handbook|guide|brochure|"
    r"flyer|leaflet|handout|poster|cheat ?sheet|fact ?sheet|data ?sheet|one-pager|policy|notes|whitepaper|"
    r"white paper|article|chapter|proposal|plan|"
    r"(?:faq |web |html )?page|faq|readme|web ?site|post|blog post|markdown)\b",
    re.I,
)


# A subject that points at the file rather than naming a topic: "the attached two-column paper
# template", "how-to from the attached instructions", "to this project from its README".
_POINTS_AT_FILE = re.compile(
    r"\battached\b|\b(?:from|in|of)\s+(?:the|this|its|these|our)\s+(?:[\w-]+\s+){0,2}"
    r"(?:readme|document|deck|slides|file|pdf|paper|page|instructions|manual|card|report|handout|flyer|"
    r"leaflet|poster|sheet)\b|"
    r"^(?:this|these)\s+(?:[\w-]+\s+){0,2}(?:document|deck|slides|file|pdf|paper|page|card|report|handout|"
    r"flyer|leaflet|poster|sheet)\b",
    re.I,
)


@dataclass
class Brief:
    subject: str  # what the video is about, in the user's words ("our spring sale at Hollow Oak Books")
    title: str  # at most ~8 words
    audience: str | None
    invitation: bool  # the user asked to invite people ("inviting customers to ...")
    points: list[str] = field(default_factory=list)  # listed points, or steps, in the brief's order
    statements: list[str] = field(default_factory=list)  # sentences to say, in the user's words
    calls: list[str] = field(default_factory=list)  # calls to action, said last
    facts: list[str] = field(default_factory=list)
    about_attachment: bool = False  # "summarise the attached deck": the file is the subject


_TONE_WORDS = re.compile(r"\b(?:" + "|".join(w for words in TONES.values() for w in words) + r")\b", re.I)


def _only_settings(sentence: str) -> bool:
    """A sentence that is nothing but settings: tone words, format, length, platform."""
    rest = _LENGTH.sub(" ", sentence)
    for pattern in (_SETTING_WORDS, _SETTINGS_SENTENCE, _TONE_WORDS):
        rest = pattern.sub(" ", rest)
    rest = re.sub(r"(?i)\b(?:and|with|a|an|the|please|keep|it|very|but|not|too|vibe|feel|look)\b", " ", rest)
    mentions = _SETTINGS_SENTENCE.search(sentence) is not None or _TONE_WORDS.search(sentence) is not None
    return mentions and not re.search(r"[^\W\d_]{3,}", rest)


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+|\n+", text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        if out and _ABBREVIATIONS.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .,;:-\"'")


def _sentence(text: str) -> str:
    text = _clean(text)
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")


def _subject(clause: str) -> tuple[str, str | None, bool]:
    """Subject, audience and whether the user asked to invite, from the sentence asking for the video."""
    audience = None
    m = _AUDIENCE.search(clause)
    if m:
        audience = _clean(m.group(1))
        clause = clause[: m.start()] + " " + clause[m.end() :]
    clause = _LENGTH.sub(" ", clause)
    clause = _LEAD_VERB.sub("", clause.strip())
    clause = re.sub(r"\s+", " ", clause).strip()
    m = _SUBJECT_AFTER.search(clause)
    subject = m.group(1) if m else clause
    if not m:
        # "A 20-second upbeat TikTok ..." with no "about": drop the article, settings and the noun.
        subject = re.sub(r"^(?:an?|the)\s+", "", subject, flags=re.I)
        subject = _SETTING_WORDS.sub(" ", subject)
        subject = re.sub(r"\b" + _VIDEO_NOUN + r"s?\b", " ", subject, flags=re.I)
        subject = re.sub(r"\s+", " ", subject).strip()
    invitation = bool(_INVITING.match(subject))
    subject = _INVITING.sub("", subject)
    subject = re.sub(r"^(?:from|of|in)\s+(?=(?:the|this|these)\b)", "", subject, flags=re.I)
    subject = re.sub(r"\s+(?:in|with|using)\s*$", "", _clean(re.sub(r"\s+", " ", subject)))
    return subject, audience, invitation


def _title_from(subject: str, kind_title: str | None) -> str:
    bare = re.sub(r"^(?:our|the|a|an|my|your|their|this|these)\s+", "", subject, flags=re.I)
    bare = re.split(r",\s|\s+(?:on|at|from)\s+(?=[A-Z\d])", bare)[
        0
    ]  # "Nimbus Notes 2.0, launching on March 3"
    if not bare and kind_title:
        return kind_title
    return _capped(title_case(short_title(bare))) if bare else (kind_title or "Untitled")


MAX_TITLE_CHARS = 80  # a title card and the library show it in one or two lines
MAX_SUBJECT_CHARS = 120


def _capped(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """At most ``limit`` characters, cut at a word where there is one (a run-on word is cut anyway)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def read_brief(prompt: str) -> Brief:
    sentences = split_sentences(prompt)
    if not sentences:
        return Brief(subject="this topic", title="Untitled", audience=None, invitation=False)
    first, rest = sentences[0], sentences[1:]
    # "A one-minute update for investors: revenue was ..." - what follows the colon is content.
    head, _, tail = first.partition(":")
    if tail.strip() and re.search(r"\b" + _VIDEO_NOUN + r"|\b(?:second|minute)", head, re.I):
        first, rest = head, [_sentence(tail), *rest]
    # "... for new employees covering the kitchen, the wifi and parking": points in the request itself.
    first_points = (
        parse_points(first)
        if re.search(r"\b(?:covering|highlighting|featuring|including)\b", first, re.I)
        else []
    )
    if first_points:
        first = re.split(r"(?i)\s*,?\s+(?:covering|highlighting|featuring|including)\b", first)[0]
    subject, audience, invitation = _subject(first)
    subject = _capped(subject, MAX_SUBJECT_CHARS)  # said in a sentence: a run-on word must not be all of it
    about_attachment = not subject or bool(_ATTACHMENT.match(subject) or _POINTS_AT_FILE.search(subject))
    kind_title = None
    if audience and re.search(r"\b(?:onboarding|welcome)\b", first, re.I):
        org = re.search(r"\b(?:at|of|to|joining)\s+((?:[A-Z][\w&.'-]*\s*)+)", audience)
        kind_title = f"Welcome to {org.group(1).strip()}" if org else "Welcome"
        subject = subject if subject and not re.fullmatch(r"(?i)onboarding|welcome", subject) else ""
        if not subject:
            subject = f"your start at {org.group(1).strip()}" if org else "getting started"
    if not subject and audience:
        noun = re.search(r"\b(update|teaser|briefing|overview|summary|message|announcement)\b", first, re.I)
        who = re.sub(r"^(?:a|an|the|our)\s+", "", audience, flags=re.I)
        what = noun.group(1).lower() if noun else "news"
        kind_title = title_case(f"{what} for {who}")
        subject = f"our {what} for {who}"
    title = kind_title or _title_from(subject, None)

    points: list[str] = list(first_points)
    statements: list[str] = []
    calls: list[str] = []
    for sentence in rest:
        step = _STEP.match(sentence)
        if step:
            points.append(_clean(sentence))
            continue
        listed = parse_points(sentence) if _PRODUCER_VERB.match(sentence) or ":" in sentence else []
        if listed or re.match(
            r"(?i)^(?:please\s+)?(?:cover|highlight|include|focus on|walk through)\b", sentence
        ):
            if not listed:
                m = re.match(
                    r"(?i)^(?:please\s+)?(?:cover|highlight|include|focus on|walk through):?\s+(.+)", sentence
                )
                listed = split_list(m.group(1).rstrip(".!?")) if m else []
            points += [p for p in listed if p.lower() not in (x.lower() for x in points)]
            continue
        said = _SAY_THAT.match(sentence)
        if said:
            statements.append(_sentence(sentence[said.end() :]))
            continue
        if _PRODUCER_VERB.match(sentence) and _SETTINGS_SENTENCE.search(sentence):
            continue  # "Use a friendly, upbeat tone."
        if _only_settings(sentence):
            continue  # "Upbeat tone.", "Vertical, 9:16, with captions."
        if not re.search(r"[^\W\d_]{2}", sentence):
            continue
        (calls if _CTA.search(sentence) else statements).append(_sentence(sentence))
    facts = stated_facts([subject, *points, *statements, *calls])
    return Brief(subject, title, audience, invitation, points, statements, calls, facts, about_attachment)


def stated_facts(texts: list[str]) -> list[str]:
    """The numbers, dates, URLs and names in ``texts``, each once, in order."""
    facts: list[str] = []
    for text in texts:
        for m in _FACT.finditer(text):
            fact = m.group(0).strip(" .,")
            if fact and fact not in facts and len(fact) > 1:
                facts.append(fact)
    return facts


def point_sentence(point: str, index: int, count: int) -> str:
    """A listed point said as a sentence: "First, antigens." / "Step 2: set up your laptop."."""
    if _STEP.match(point):
        return _sentence(point)
    ordinal = (
        "First"
        if index == 0
        else ("Finally" if index == count - 1 else ("Next", "Then", "Also")[index % 3 - 1])
    )
    return _sentence(f"{ordinal}, {point}")


def point_heading(point: str) -> str:
    step = _STEP.match(point)
    if step:
        return f"Step {step.group(1) or step.group(2)}"
    bare = re.sub(r"^(?:the|a|an|our|your)\s+", "", point, flags=re.IGNORECASE)
    return short_title(bare[:1].upper() + bare[1:], 8)


_ACTION = re.compile(
    r"^(?:use|turn|never|always|keep|check|report|wear|lock|update|enable|disable|avoid|make|set|call|follow|"
    r"wash|ask|read|write|clean|store|back|choose|take|log|sign|put|stop|start|save|share|close|open|"
    r"install|remove|review|plan|book|bring|collect|meet|register|visit|try|add)\b",
    re.IGNORECASE,
)


def points_sentence(points: list[str]) -> str:
    """The overview of the listed points: things to cover, or things to do."""
    items = [p[:1].lower() + p[1:] if not p[:2].isupper() else p for p in points]
    listed = ", ".join(items[:-1]) + " and " + items[-1]
    if sum(bool(_ACTION.match(p)) for p in points) > len(points) / 2:
        return f"Here's what to do: {listed}."
    return f"We'll cover {listed}."
