"""Which length a prompt asks the video to be, and which durations are only facts it states.

"A 30-second video", "make it 2 minutes long", "un vídeo de 30 segundos" ask for a length; "the
first thirty minutes of every ride are free", "a 10-minute walk from the station", "trains every 15
minutes" are content to be said. Each duration written in the prompt (English, German, French,
Spanish, Italian, Portuguese, Dutch) is judged by its neighbours:

1. a target when it names the video: a compound with a kind of video after it ("45s explainer",
   "40-Sekunden-Video"), a video noun before it ("un video di 30 secondi", "een video van 40
   seconden"), or a request about the video's length ("make it", "keep it under", "Länge:",
   "the video should last");
2. otherwise a fact when a neighbour ties it to something else ("the first", "every", "longer
   than", "per scene", "walk", "a pie", "zu Fuß", "20 seconds shorter");
3. otherwise a target when its clause says nothing else ("About 90 s.", "Max. 60 Sekunden.") or
   when it stands in the first sentence, the one that asks for the video ("Explain our refund
   policy in 60 seconds"); anywhere else it is a fact.

The first target wins; with none, the prompt named no length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from reelwright.plan.brief_words import WORDS

Verdict = Literal["target", "fact"]

# Number words, in every language we read briefs in. "a"/"un"/"een" are one ("under a minute").
NUMBER_WORDS: dict[str, float] = {
    # English
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "twenty-five": 25, "thirty": 30, "thirty-five": 35, "forty": 40, "forty-five": 45, "fifty": 50,
    "sixty": 60, "ninety": 90, "half a": 0.5, "a half": 0.5, "one and a half": 1.5, "a couple of": 2,
    # German
    "ein": 1, "eine": 1, "einer": 1, "zwei": 2, "drei": 3, "fünf": 5, "zehn": 10, "fünfzehn": 15,
    "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfundvierzig": 45, "fünfzig": 50, "sechzig": 60,
    "neunzig": 90, "eine halbe": 0.5, "einer halben": 0.5, "anderthalb": 1.5, "eineinhalb": 1.5,
    # French
    "une": 1, "deux": 2, "trois": 3, "cinq": 5, "dix": 10, "quinze": 15, "vingt": 20, "trente": 30,
    "quarante": 40, "quarante-cinq": 45, "cinquante": 50, "soixante": 60, "quatre-vingt-dix": 90,
    "une demi": 0.5,
    # Spanish
    "un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cinco": 5, "diez": 10, "quince": 15,
    "veinte": 20, "treinta": 30, "cuarenta": 40, "cuarenta y cinco": 45, "cincuenta": 50,
    "sesenta": 60, "noventa": 90, "medio": 0.5,
    # Italian
    "due": 2, "tre": 3, "cinque": 5, "dieci": 10, "quindici": 15, "venti": 20, "trenta": 30,
    "quaranta": 40, "quarantacinque": 45, "cinquanta": 50, "sessanta": 60, "novanta": 90, "mezzo": 0.5,
    # Portuguese
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "dez": 10, "vinte": 20, "trinta": 30,
    "quarenta": 40, "quarenta e cinco": 45, "sessenta": 60, "meio": 0.5,
    # Dutch
    "een": 1, "één": 1, "twee": 2, "drie": 3, "vijf": 5, "tien": 10, "vijftien": 15, "twintig": 20,
    "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "negentig": 90, "een halve": 0.5,
}  # fmt: skip
_NUMBER_WORD = "|".join(
    sorted((re.escape(w).replace(r"\ ", r"\s+") for w in NUMBER_WORDS), key=len, reverse=True)
)
_SECONDS = (
    r"seconds?|secs?|s|sekunden|sekunde|sek|sekündige[nmrs]?|secondes?|segundos?|seg|secondi|secondo|"
    r"seconden|seconde"
)
_MINUTES = r"minutes?|mins?|m|minuten|minütige[nmrs]?|minutos?|minuti|minuto|minuut"
_DURATION = re.compile(
    # "30s", "2 min", "45-second": digits may touch their unit; "tens", "am", "uns" are not durations,
    # so a number word needs a space or hyphen and a unit longer than one letter.
    rf"(?:(?<![\w.,])(?P<digits>\d+(?:[.,]\d{{1,2}})?)[\s-]*(?P<unit>{_SECONDS}|{_MINUTES})"
    rf"|(?<![\w.,-])(?P<word>{_NUMBER_WORD})[\s-]+(?P<word_unit>{_SECONDS}|{_MINUTES})"
    # German writes "einminütiges Video" as one word.
    r"|\b(?P<compound>ein|zwei|drei|fünf|zehn)(?P<compound_unit>minütige[nmrs]?|sekündige[nmrs]?))"
    r"(?![\w'’])",
    re.IGNORECASE,
)

_VIDEO_NOUN = (
    r"(?:video|videos|explainer|clip|overview|update|teaser|walkthrough|walk-through|presentation|summary|"
    r"tutorial|intro|introduction|promo|ad|reel|tiktok|message|briefing|guide|primer|recap|announcement|spot|"
    r"short|pitch|demo|commercial|trailer|film|story|post|segment|snippet|explanation|piece|"
    + "|".join(w.video for w in WORDS.values())
    + r")"
)
_NOUN_AT_END = re.compile(rf"\b{_VIDEO_NOUN}$", re.I)
# Between a video noun and its length: "video of about", "vídeo de unos", "Video von maximal".
_LINKER = (
    r"(?:of|de|d['’]|di|da|do|du|von|van|em|com|met|mit|with|lasting|that\s+lasts|which\s+lasts|running|"
    r"about|around|roughly|approximately|approx\.?|max\.?|maximum|at\s+most|under|below|less\s+than|"
    r"no\s+(?:longer|more)\s+than|not\s+(?:longer|more)\s+than|just|only|ca\.?|circa|cerca\s+d[ie]|etwa|"
    r"ungefähr|maximal|höchstens|unter|environ|moins\s+d['’e]|unos|unas|aproximadamente|menos\s+de|"
    r"massimo|meno\s+di|sotto\s+i|no\s+máximo|máximo|ongeveer|hooguit|maximaal|minder\s+dan|onder|"
    r"de\s+(?:unos|unas|cerca\s+de|menos\s+de)|di\s+circa|d['’]environ|von\s+etwa|van\s+ongeveer|"
    r"in|en|in\s+under|in\s+less\s+than|within|to|at|up\s+to|down\s+to)"
)
_LINKERS = rf"(?:\s*{_LINKER}\b|\s*d['’])*\s*"
# The video noun, then up to two words ("video for new riders of"), then linkers, then the number.
_VIDEO_BEFORE = re.compile(rf"\b{_VIDEO_NOUN}\b(?:\s+[\w'’-]+){{0,2}}?{_LINKERS}$", re.I)
# "make it", "keep the video under", "halte es unter", "Länge:", "la vidéo doit durer".
_ASKS_LENGTH = re.compile(
    r"(?:\b(?:make|keep|cap|limit|trim|cut|shorten|bring|get|stretch|extend|hold)\s+(?:it|this|the\s+"
    + _VIDEO_NOUN
    + r"|the\s+whole\s+thing|everything)(?:\s+(?:down|up|short))?"
    r"|\b(?:it|the\s+whole\s+thing|" + _VIDEO_NOUN + r")\s+(?:should|must|needs\s+to|has\s+to|can|"
    r"shall|will|is\s+to|ought\s+to)\s+(?:be|last|run|stay)"
    r"|\b" + _VIDEO_NOUN + r"(?:'s|\s+is|\s+runs|\s+lasts)"
    r"|\b(?:aim\s+for|target(?:ing)?|length|duration|runtime|running\s+time|total|länge|dauer|laufzeit|"
    r"durée|duración|durata|duração|lengte|duur|speelduur)(?:\s+(?:of|is|von|de|di|van|ist))?\s*[:=-]?"
    r"|\b(?:halte|halten\s+sie|halt|mach|mache|machen\s+sie|kürze|kürzen\s+sie|begrenze|begrenzen\s+sie)"
    r"\s+(?:es|das\s+video|den\s+clip|ihn|alles)"
    r"|\b(?:fais|faites|garde|gardez|limite|limitez)-(?:le|la)"
    r"|\b(?:hazlo|haz\s?lo|mantenlo|manténlo|limítalo|fallo|mantienilo|tienilo|limitalo|faça-o|"
    r"mantenha-o|limite-o|houd\s+het|maak\s+het|beperk\s+het)"
    r"|\b(?:vidéo|vídeo|video|clip|filmpje)\s+(?:doit|devrait|va|debe|deberá|tiene\s+que|deve|dovrebbe|"
    r"moet|mag|soll|sollte|muss|darf)(?:\s+(?:durer|durar|durare|duren|dauern|ter|avoir|zijn|sein))?"
    r"|\b(?:que|che|die|das|qui)\s+(?:dure|dura|duri|duurt|dauert)"
    r")" + _LINKERS + r"$",
    re.I,
)
# After the unit: the kind of video it qualifies ("-second explainer", "-Sekunden-Video", "long video").
_VIDEO_AFTER = re.compile(
    r"^[\s-]*(?:(?!(?:of|the|a|an|to|from|for|in|on|at|with|per|each|every|and|or|de|di|da|von|van|du|"
    r"des|la|le|el|il|het|een|der|die|das|zu|je|par|por|walk|drive|ride)\b)[\w-]+\s+){0,2}?"
    + _VIDEO_NOUN
    + r"\b",
    re.I,
)
# German: "Das Video soll 40 Sekunden lang sein / dauern" puts the verb after the length.
_VIDEO_VERB_AFTER = re.compile(r"^\s*(?:lang\s+)?(?:sein|dauern|lang\b)", re.I)
_GERMAN_VIDEO_SUBJECT = re.compile(
    rf"\b{_VIDEO_NOUN}\s+(?:soll|sollte|muss|darf|wird|moet|mag)\b[^.!?]*$", re.I
)

# The words just before a duration that make it a fact of the content.
_FACT_BEFORE = re.compile(
    r"\b(?:first|last|next|final|initial|every|each|per|after|before|than|over|extra|additional|another|"
    r"for|takes?|took|lasts?|spend|spent|wait|waiting|free|these|those|the|"
    r"ersten|letzten|nächsten|alle|jede[nmrs]?|pro|nach|vor|über|als|weitere|zusätzliche|"
    r"dauert|dauerte|für|"
    r"chaque|toutes\s+les|tous\s+les|par|après|avant|plus\s+de|pendant|à|"
    r"primeros|primeras|últimos|últimas|próximos|cada|por|después\s+de|antes\s+de|más\s+de|durante|"
    r"primi|prime|ultimi|prossimi|ogni|dopo|prima\s+di|oltre|più\s+di|"
    r"primeiros|primeiras|próximas|depois\s+de|mais\s+de|"
    r"eerste|laatste|volgende|elke|iedere|na|voor|meer\s+dan|langer\s+dan|tijdens|op)"
    # "takes up to 10 minutes", "dauert nur 5 Minuten": a qualifier may sit between. On its own
    # ("Up to 60 seconds.", "Nur 30 Sekunden.") such a word says nothing either way.
    r"(?:\s+(?:up\s+to|only|about|around|roughly|nearly|almost|just|under|bis\s+zu|nur|etwa|jusqu['’]à|"
    r"seulement|environ|hasta|solo|sólo|unos|fino\s+a|circa|até|só|apenas|cerca\s+de|tot|slechts|"
    r"ongeveer))?\s*$",
    re.I,
)
# The words just after it that tie it to something else than the video.
_FACT_AFTER = re.compile(
    r"^[\s-]*(?:walk|walking|drive|driving|ride|riding|ride|wait|break|delay|commute|trip|journey|call|"
    r"meeting|session|slot|window|grace|timer|cycle|charge|charging|shower|workout|interval|appointment|"
    r"consultation|setup|install|boil|bake|read|away|ago|later|earlier|free|each|every|per|from|before|"
    r"after|of\s+(?:every|each|the|your|a|an|their|our|its|his|her|this|that|any)|or\s+(?:more|less|"
    r"longer|so)|at\s+a\s+time|in\s+a\s+row|a\s+day|a\s+week|shorter|longer|faster|slower|"
    r"zu\s+fu(?:ß|ss)|fußweg|fahrt|entfernt|später|früher|kostenlos|gratis|frei|pro|je|kürzer|länger|"
    r"à\s+pied|de\s+marche|plus\s+tard|gratuite?s?|offerte?s?|par|de\s+plus|de\s+moins|"
    r"a\s+pie|andando|caminando|más\s+tarde|gratis|gratuitos|por|más|menos|"
    r"a\s+piedi|più\s+tardi|gratuiti|in\s+più|in\s+meno|"
    r"a\s+pé|mais\s+tarde|grátis|gratuitos|a\s+mais|a\s+menos|"
    r"lopen|fietsen|rijden|fietstocht|wandelen|gratis|langer|korter|per)\b",
    re.I,
)
# "20 seconds shorter" changes the length by that much; it is not the length.
_RELATIVE_AFTER = re.compile(
    r"^\s*(?:shorter|longer|less|more|fewer|kürzer|länger|weniger|mehr|plus\s+courte?|plus\s+longue?|"
    r"de\s+moins|de\s+plus|más|menos|più|meno|in\s+più|in\s+meno|a\s+mais|a\s+menos|korter|langer|"
    r"minder|meer)\b",
    re.I,
)
# A clause that is only settings once the length is taken out: "About 90 s.", "Max. 60 Sekunden, locker."
_FILLER = re.compile(
    r"\b(?:and|with|a|an|the|please|keep|it|very|but|not|too|total|max|maximum|about|around|roughly|"
    r"approximately|approx|under|less|than|at|most|long|in|of|or|so|just|only|maybe|ideally|tops|up|to|"
    r"nur|bis|zu|seulement|jusqu|solo|sólo|hasta|fino|só|apenas|até|slechts|alleen|tot|"
    r"und|bitte|etwa|ungefähr|ca|circa|maximal|höchstens|lang|et|environ|y|e|en|unos|cerca|di|de|ongeveer|"
    r"maximaal|hooguit|por|favor|per|favore|merci|s'il|vous|plaît|alstublieft|graag|length|duration|"
    r"länge|dauer|durée|duración|durata|duração|lengte|duur)\b|[^\w\s]",
    re.I,
)
_SETTING_WORDS = re.compile(
    r"\b(?:tone|voice|style|vertical|portrait|landscape|horizontal|tiktok|reels?|shorts|avatar|presenter|"
    r"music|captions?|subtitles?|font|colou?rs?|aspect|format|upbeat|friendly|formal|calm|energetic|fun|"
    r"playful|professional|casual|warm|quick|short|brief|punchy|"
    + "|".join(w.settings for w in WORDS.values())
    + r")\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_CLAUSE_END = re.compile(r"[,;:()\n]|(?<=[.!?])\s|\s[–—-]\s")


@dataclass(frozen=True)
class Duration:
    seconds: float
    start: int
    end: int
    verdict: Verdict


def _value(number: str, unit: str) -> float | None:
    raw = re.sub(r"\s+", " ", number.lower())
    value = float(raw.replace(",", ".")) if raw[0].isdigit() else NUMBER_WORDS[raw]
    unit = unit.lower()
    if unit == "s" and value >= 1000:  # "the 1990s" is a decade
        return None
    if unit.startswith("m"):
        if unit == "m" and value > 10:  # "45m" is more likely money or metres than 45 minutes
            return None
        value *= 60
    return value if 5 <= value <= 3600 else None


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clause(text: str, start: int, end: int) -> str:
    before = _CLAUSE_END.split(text[:start])[-1]
    after = _CLAUSE_END.split(text[end:])[0]
    return before + " " + after


def _only_length(clause: str) -> bool:
    rest = _SETTING_WORDS.sub(" ", _FILLER.sub(" ", clause))
    return not re.search(r"[^\W\d_]{3,}", rest)


def judge(text: str, start: int, end: int, *, in_request: bool) -> Verdict:
    """Whether the duration at ``text[start:end]`` asks for the video's length (see the module doc)."""
    sentence_start = max([a for a, _ in _sentence_spans(text) if a <= start] or [0])
    before = text[sentence_start:start]
    after = text[end:]
    if _RELATIVE_AFTER.match(after):
        return "fact"
    if _VIDEO_AFTER.match(after) or _VIDEO_BEFORE.search(before) or _ASKS_LENGTH.search(before):
        return "target"
    if _GERMAN_VIDEO_SUBJECT.search(before) and _VIDEO_VERB_AFTER.match(after):
        return "target"
    if _FACT_BEFORE.search(before) or _FACT_AFTER.match(after):
        return "fact"
    if _only_length(_clause(text, start, end)) or in_request:
        return "target"
    return "fact"


def durations(text: str) -> list[Duration]:
    """Every duration written in ``text``, in order, each judged a target length or a fact."""
    spans = _sentence_spans(text)
    request_end = spans[0][1] if spans else 0
    found: list[Duration] = []
    for m in _DURATION.finditer(text):
        number = m.group("digits") or m.group("word") or m.group("compound")
        unit = m.group("unit") or m.group("word_unit") or m.group("compound_unit")
        if m.group("word") and len(unit) == 1:
            continue
        seconds = _value(number, unit)
        if seconds is None:
            continue
        verdict = judge(text, m.start(), m.end(), in_request=m.start() < request_end)
        found.append(Duration(seconds, m.start(), m.end(), verdict))
    return found


def target_length(text: str) -> float | None:
    """The length the text asks the video to be, in seconds, or None when it asks for none."""
    return next((d.seconds for d in durations(text) if d.verdict == "target"), None)
