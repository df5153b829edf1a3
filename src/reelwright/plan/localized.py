"""What the offline planner says in a prompt that is not in English, and how it reads the brief.

A brief in German, French, Spanish, Italian, Portuguese or Dutch is read as an English one is
(:func:`read_local_brief`, with the word tables of :mod:`reelwright.plan.brief_words`): the request
("Crea un video di 30 secondi per i nuovi dipendenti di Verdi Logistica") gives the audience and
subject with their full names and a title, never a slice of the prompt; the points it lists
("Parla del badge, dell'help desk IT e del programma …") become scenes in order with their own
headings; each statement goes under the point it is about; instructions to us (tone, format,
length) are not said. Other languages keep the structure where it is recognisable: the topic, a
list of points after a known verb or as bulleted lines, and the user's other sentences.

Read by a German or French voice, English connective lines would be mispronounced nonsense, so for
other languages the planner speaks only:

- the user's own words: the subject, the points, the brief's statements, the text of their files;
- short connective lines written out here for the languages we have phrases for ("Per prima cosa:
  …", "I temi: …"), which, like the English ones, assert nothing about the subject.

For a language without phrases it says the user's words alone. With a language model configured
(``REELWRIGHT_LLM_*``) the model writes the whole script in the prompt's language instead, told the
same reading of the brief.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reelwright.plan.brief_words import LIST_WORDS, NAME, WORDS, BriefWords

_STOP = r"(?=[.!?;:,]|$)"


@dataclass(frozen=True)
class Phrases:
    opening: str  # {topic} is the user's words
    short_opening: str
    closing: str
    short_closing: str
    points_intro: str
    page_dwell: str
    image_line: str
    video_line: str
    points_heading: str
    close_heading: str
    # "… a video about X": the words that introduce the subject.
    about: re.Pattern[str]
    # Sentences that tell us how to make the video rather than what to say in it.
    instruction: re.Pattern[str]


def _re(words: str) -> re.Pattern[str]:
    return re.compile(words, re.IGNORECASE)


# Openings and closings avoid putting an article after a preposition ("de le", "di il"), since
# the topic usually starts with one: a colon, or a closing without the topic, reads naturally.
PHRASES: dict[str, Phrases] = {
    "de": Phrases(
        opening="Heute geht es um {topic}.",
        short_opening="Kurz und knapp: {topic}.",
        closing="Das war ein kurzer Überblick. Danke fürs Zuschauen!",
        short_closing="Danke fürs Zuschauen!",
        points_intro="Das Wichtigste im Überblick.",
        page_dwell="Nehmen Sie sich einen Moment Zeit für diese Seite.",
        image_line="Sehen Sie sich dieses Bild an.",
        video_line="Sehen wir uns diesen Clip an.",
        points_heading="Das Wichtigste",
        close_heading="Danke fürs Zuschauen",
        about=_re(r"\b(?:über|zum Thema|zu)\s+(.+?)" + _STOP),
        instruction=_re(
            r"\b(?:erstelle|erstellen|mach|mache|machen|verwende|verwenden|nutze|halte|ton|"
            r"sekunden|minuten|hochformat|querformat|video)\b"
        ),
    ),
    "fr": Phrases(
        opening="Au programme aujourd'hui : {topic}.",
        short_opening="En bref : {topic}.",
        closing="Voilà pour ce tour d'horizon. Merci de votre attention !",
        short_closing="Merci de votre attention !",
        points_intro="Voici l'essentiel.",
        page_dwell="Prenez un moment pour lire cette page.",
        image_line="Regardez cette image.",
        video_line="Regardons cet extrait.",
        points_heading="L'essentiel",
        close_heading="Merci de votre attention",
        about=_re(r"\b(?:sur|à propos de|au sujet de|concernant)\s+(.+?)" + _STOP),
        instruction=_re(
            r"\b(?:crée|créez|créer|fais|faites|utilise|utilisez|garde|gardez|ton|secondes|minutes|"
            r"vertical|horizontal|vidéo)\b"
        ),
    ),
    "es": Phrases(
        opening="El tema de hoy: {topic}.",
        short_opening="En pocas palabras: {topic}.",
        closing="Esto ha sido todo. ¡Gracias por vernos!",
        short_closing="¡Gracias por vernos!",
        points_intro="Estos son los puntos clave.",
        page_dwell="Tómese un momento para leer esta página.",
        image_line="Observe esta imagen.",
        video_line="Veamos este clip.",
        points_heading="Puntos clave",
        close_heading="Gracias por vernos",
        about=_re(r"\b(?:sobre|acerca de)\s+(.+?)" + _STOP),
        instruction=_re(
            r"\b(?:crea|cree|crear|haz|haga|usa|use|utiliza|mantén|tono|segundos|minutos|vertical|"
            r"horizontal|vídeo|video)\b"
        ),
    ),
    "it": Phrases(
        opening="Il tema di oggi: {topic}.",
        short_opening="In breve: {topic}.",
        closing="Questo è tutto. Grazie per l'attenzione!",
        short_closing="Grazie per l'attenzione!",
        points_intro="Ecco i punti chiave.",
        page_dwell="Prendetevi un momento per leggere questa pagina.",
        image_line="Guardate questa immagine.",
        video_line="Guardiamo questo filmato.",
        points_heading="Punti chiave",
        close_heading="Grazie per l'attenzione",
        about=_re(r"\b(?:riguardo a|su)\s+(.+?)" + _STOP),
        instruction=_re(
            r"\b(?:crea|creare|fai|usa|utilizza|mantieni|tono|secondi|minuti|verticale|orizzontale|video)\b"
        ),
    ),
    "pt": Phrases(
        opening="O tema de hoje: {topic}.",
        short_opening="Em resumo: {topic}.",
        closing="Isso é tudo. Obrigado por assistir!",
        short_closing="Obrigado por assistir!",
        points_intro="Estes são os pontos principais.",
        page_dwell="Reserve um momento para ler esta página.",
        image_line="Veja esta imagem.",
        video_line="Vamos ver este vídeo.",
        points_heading="Pontos principais",
        close_heading="Obrigado por assistir",
        about=_re(r"\b(?:sobre|a respeito de)\s+(.+?)" + _STOP),
        instruction=_re(
            r"\b(?:crie|criar|faça|fazer|use|usar|utilize|mantenha|tom|segundos|minutos|vertical|"
            r"horizontal|vídeo)\b"
        ),
    ),
    "nl": Phrases(
        opening="Vandaag gaat het over {topic}.",
        short_opening="Kort over {topic}.",
        closing="Dat was een korte blik. Bedankt voor het kijken!",
        short_closing="Bedankt voor het kijken!",
        points_intro="Dit zijn de belangrijkste punten.",
        page_dwell="Neem even de tijd om deze pagina te lezen.",
        image_line="Bekijk deze afbeelding.",
        video_line="Laten we deze clip bekijken.",
        points_heading="Belangrijkste punten",
        close_heading="Bedankt voor het kijken",
        about=_re(r"\bover\s+(.+?)" + _STOP),
        instruction=_re(
            r"\b(?:maak|maken|gebruik|gebruiken|houd|toon|seconden|minuten|staand|liggend|video)\b"
        ),
    ),
}

# Languages we have no phrases for, but whose "a video about X" we can still find.
_ABOUT_ONLY: dict[str, re.Pattern[str]] = {
    code: _re(pattern + r"\s+(.+?)" + _STOP)
    for code, pattern in {
        "sv": r"\bom",
        "da": r"\bom",
        "nb": r"\bom",
        "no": r"\bom",
        "pl": r"\b(?:na temat|o)",
        "cs": r"\bo",
        "sk": r"\bo",
        "ro": r"\bdespre",
        "ca": r"\bsobre",
        "gl": r"\bsobre",
    }.items()
}

# Any language: sentences about length, format or tone are instructions, not content.
_ANY_INSTRUCTION = re.compile(r"\d+\s*(?:s|sec|min)\b|\b(?:tiktok|reels?|shorts|16:9|9:16)\b", re.IGNORECASE)


_LOCAL_SETTINGS = re.compile(
    r"\b(?:video|vidéo|vídeo|filmpje|clip|ton|tono|tom|toon|sekunden|secondes|segundos|secondi|seconden|minuten|"
    r"minutes|minutos|minuti|hochformat|querformat|vertical|verticale|horizontal|orizzontale|staand|liggend)\b",
    re.IGNORECASE,
)


_MONTHS = (
    r"(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|jan|feb|mär|apr|"
    r"jun|jul|aug|sep|okt|nov|dez)\b"
)
_ABBREVIATION_END = re.compile(r"(?:\b(?:Dr|Prof|Nr|Str|St|Hr|Fr|Sr|Sra|Dott|Ing|bzw|ca|z\.B|u\.a|etc)\.)$")
_URL_OR_MAIL = re.compile(
    r"\b(?:https?://\S+|www\.\S+|[\w.-]+@[\w-]+\.\w+|[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)"
)
# "die angehängten Folien", "le document ci-joint", "el PDF adjunto": the file is the subject.
ATTACHED = re.compile(
    r"\b(?:angehängte?[nmrs]?|beigefügte?[nmrs]?|ci-jointe?s?|joint|jointe|adjunt[oa]s?|allegat[oiae]|"
    r"anexad?[oa]s?|em\s+anexo|bijgevoegde?|bijlage)\b",
    re.I,
)
_NUMBERED_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.+)$")


@dataclass(frozen=True)
class LocalBrief:
    """A brief in another language, read as :func:`reelwright.plan.brief.read_brief` reads English."""

    subject: str  # what the video is about, in the user's words ("" when only the audience is named)
    title: str  # at most 8 words, from the subject (never a slice of the request)
    opening: str  # the first line said: the subject, or a welcome to the organisation
    audience: str | None = None  # "i nuovi dipendenti di Verdi Logistica"
    points: list[str] = field(default_factory=list)  # listed points or steps, in the brief's order
    attached: dict[int, list[str]] = field(default_factory=dict)  # statements said under point i
    statements: list[str] = field(default_factory=list)  # the other sentences to say, in order
    calls: list[str] = field(default_factory=list)  # calls to action, said last
    steps: bool = False  # the points are numbered steps

    @property
    def topic(self) -> str:
        return self.subject or self.title


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?。！？])\s+|\n+", text):
        piece = piece.strip()
        if not piece:
            continue
        # Not after an ordinal date ("am 1. Juli", "den 3. März") or an abbreviation ("Dr. Vogt").
        if out and re.fullmatch(r"\d{1,2}[.)]", out[-1]):
            out[-1] += " " + piece  # "1. Collect your badge": a numbered line
            continue
        ordinal = re.search(r"(?:^|\s)\d{1,2}\.$", out[-1]) if out else None
        if out and (
            _ABBREVIATION_END.search(out[-1]) or (ordinal and re.match(rf"(?i:{_MONTHS})|[a-zäöü]", piece))
        ):
            out[-1] += " " + piece
            continue
        out.append(piece)
    return out


def _said(text: str) -> str:
    """A sentence as said: trimmed, capitalised, with its full stop."""
    text = re.sub(r"\s+", " ", text).strip(" ,;:-\"'«»„“”")
    if not text:
        return ""
    return text[:1].upper() + text[1:] + ("" if text[-1] in ".!?。！？" else ".")


def _title(text: str, limit: int = 8) -> str:
    """At most ``limit`` words of ``text``, cut at a comma or before a trailing function word."""
    text = re.split(r",\s|\s[–-]\s|:\s", text.strip())[0].strip(" .!?:;,\"'«»„“”")
    words = text.split()
    if len(words) > limit:
        words = words[:limit]
        while len(words) > 2 and len(words[-1]) <= 3 and words[-1].islower():
            words.pop()  # "… della", "… für die": never end on a preposition or article
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def _words_re(w: BriefWords) -> dict[str, re.Pattern[str]]:
    of = rf"(?:\s+{w.of}\s*|\s+d['’])"
    return {
        "audience": re.compile(
            rf"(?:,\s*)?\b{w.audience}\s+((?:[\w'’-]+\s+){{0,3}}?{w.people}\b"
            rf"(?:{of}(?-i:{NAME})|\s*d['’][^\W\d_]+)?)",
            re.I,
        ),
        "length": re.compile(
            rf"(?:\b(?:von|van|de|di|da|in|en|em|of|in)\s+)?(?:\b(?:ein|eine|einer|einem|une?|uno|uma?|een)\s+)?"
            rf"(?:\d+(?:[.,]\d+)?[\s-]*{w.length}|(?:ein|eine|une|uno?|uma?|een)[\s-]*(?:minute|minuto|minuut|minütige[nmrs]?))"
            rf"(?:-|\b)(?:\s*(?:lang|long|lange?s?))?",
            re.I,
        ),
        "lead": re.compile(rf"^{w.lead}\b[\s,]*(?:(?:mir|uns|me|nous|nos|mi|ci|ons|me)\s+)?", re.I),
        "subject": re.compile(rf"\b{w.video}\b.*?[\s,]\b({w.about})(?:\b|(?<=['’]))\s*(.+)$", re.I),
        "about_only": re.compile(rf"^({w.about})(?:\b|(?<=['’]))\s*(.+)$", re.I),
        "video": re.compile(rf"\b{w.video}\b", re.I),
        "cover": re.compile(rf"^(?:{w.lead}\s+)?{w.cover}(?=[\s:])\s*(:?)\s*(.+)$", re.I),
        "one_point": re.compile(rf"^(?:{w.lead}\s+)?{w.one_point}(?=[\s:])", re.I),
        "say": re.compile(rf"^{w.say}\s+(.+)$", re.I),
        "instruction": re.compile(rf"^(?:{w.lead}|{w.producer})\b", re.I),
        "settings": re.compile(rf"\b{w.settings}\b", re.I),
        "step": re.compile(rf"^(?:(?:{w.step})\s*(\d+)|(\d+)[.)])\s*[:.)-]?\s*(.+)$", re.I),
        "cta": re.compile(w.cta, re.I),
        "article": re.compile(rf"^{w.articles}(?:\s+|(?<=['’]))", re.I),
    }


def _split_list(text: str, and_: str) -> list[str]:
    parts = re.split(rf",\s*(?:{and_}\s+)?|\s+{and_}\s+|\s*;\s*", text, flags=re.I)
    return [p.strip(" .!?:;,\"'") for p in parts if p.strip(" .!?:;,\"'")]


def _point_items(rest: str, w: BriefWords, language: str) -> list[str]:
    """The points a "cover A, B and C" sentence lists, each with its article ("del badge" → "il badge")."""
    rest = rest.rstrip(".!?")
    # What the verb takes before its list: "Parla del …", "habla de …", "sprechen Sie über …".
    rest = re.sub(r"^(?:über|sobre|à\s+propos\s+de)\s+", "", rest, flags=re.I)
    items = []
    for item in _split_list(rest, w.and_):
        for short, article in sorted(w.contractions.items(), key=lambda kv: -len(kv[0])):
            glued = short.endswith(("'", "’"))
            m = re.match(re.escape(short) + ("" if glued else r"\s+"), item, re.I)
            if m:
                item = (article + ("" if not article or article.endswith(("'", "’")) else " ")) + item[
                    m.end() :
                ]
                break
        if language == "de":
            item = re.sub(r"\s+(?:vor|ein|an|dar)$", "", item)  # "Stellen Sie … vor": the verb's particle
        if item:
            items.append(item)
    return items


def _stems(text: str, stop: frozenset[str]) -> set[str]:
    # The first five letters: "settimana"/"settimane", "Ausweis"/"Ausweises" count as one word.
    return {t[:5] for t in re.findall(r"[^\W\d_]{3,}", text.lower()) if t not in stop}


def _attach(
    points: list[str], statements: list[str], stop: frozenset[str]
) -> tuple[dict[int, list[str]], list[str]]:
    """Each statement under the point it is about: the one it shares words with; one that shares none
    goes, in the brief's order, to the next point still without one (the user usually says them in
    the order they listed the points)."""
    if not points:
        return {}, list(statements)
    point_words = [_stems(p, stop) for p in points]
    where: list[int | None] = []
    for s in statements:
        overlaps = [len(_stems(s, stop) & pw) for pw in point_words]
        best = max(overlaps)
        where.append(overlaps.index(best) if best > 0 else None)
    for k, at in enumerate(where):
        if at is not None or (all(x is None for x in where) and len(statements) != len(points)):
            # Placed by its words; or nothing is, and there is not one statement a point either,
            # so the order says nothing.
            continue
        before = max((x for x in where[:k] if x is not None), default=-1)
        after = min((x for x in where[k + 1 :] if x is not None), default=len(points))
        free = [i for i in range(before + 1, after) if i not in where]
        if free:
            where[k] = free[0]
        elif before >= 0 and where[k - 1] == before and where.count(before) < 3:
            where[k] = before  # it goes on about the point the sentence before it was about
    attached: dict[int, list[str]] = {}
    rest = []
    for s, at in zip(statements, where, strict=True):
        if at is None:
            rest.append(s)
        else:
            attached.setdefault(at, []).append(s)
    return attached, rest


def _only_settings(sentence: str, rx: dict[str, re.Pattern[str]]) -> bool:
    rest = rx["length"].sub(" ", sentence)
    rest = rx["settings"].sub(" ", rest)
    rest = rx["instruction"].sub(" ", rest.strip())
    return bool(rx["settings"].search(sentence)) and not re.search(r"[^\W\d_]{4,}", rest)


def read_local_brief(prompt: str, language: str) -> LocalBrief:
    """Subject, audience, title, points and what to say from a brief in ``language`` (not English).

    With a word table (:data:`reelwright.plan.brief_words.WORDS`) the brief is read as English is;
    otherwise the first sentence's topic, any list of points we can recognise, and the user's
    other sentences, leaving out those about the video itself.
    """
    sentences = _sentences(prompt)
    if not sentences:
        return LocalBrief(subject="", title="Video", opening="")
    w = WORDS.get(language)
    if w is None:
        return _read_without_table(sentences, language)
    rx = _words_re(w)
    phrases = PHRASES.get(language)
    first, rest = sentences[0], sentences[1:]
    head, colon, tail = first.partition(":")
    if colon and tail.strip() and (rx["video"].search(head) or rx["length"].search(head)):
        first, rest = head, [_said(tail), *rest]

    # --- the request: who it is for, and what it is about ---
    audience = None
    m = rx["audience"].search(first)
    if m:
        audience = m.group(1).strip(" .")
        first = first[: m.start()] + " " + first[m.end() :]
    clause = rx["length"].sub(" ", first)
    clause = re.sub(r"\s+", " ", clause).strip(" .!?,")
    asked = bool(rx["lead"].match(clause))
    clause = rx["lead"].sub("", clause)
    m = rx["subject"].search(clause) or rx["about_only"].match(clause)
    if m:
        # "sulla nostra nuova mensa" is about "la nostra nuova mensa".
        article = w.about_articles.get(m.group(1).lower().replace("’", "'"), "")
        subject = (article + ("" if article.endswith("'") or not article else " ") + m.group(2)).strip()
    elif asked or rx["video"].search(clause):
        # "Crea un video … per i nuovi dipendenti": nothing but the request and its audience.
        left = rx["video"].sub(" ", clause).split()
        # What is left of "un breve video", "ein kurzes Video": an article and an adjective.
        subject = "" if len(left) <= 2 and all(x.islower() for x in left) else " ".join(left)
    else:
        subject = clause  # "Unsere neue Kantine.": the first sentence is the subject itself
    subject = re.sub(r"\s+", " ", subject).strip(" .!?:;,\"'«»„“”")
    org_match = re.search(rf"(?:{w.of}\s*|d['’])(?-i:({NAME}))\s*$", audience or "", re.I)
    org = org_match.group(1).strip(" .") if org_match else None
    welcome = bool(org and audience and re.search(w.new, audience, re.I))
    if subject:
        title = _title(subject)
    elif welcome and org:
        title = w.welcome.format(org=org)
    elif audience:
        title = _title(f"{w.for_word} {audience}")
    else:
        title = phrases.points_heading if phrases else "Video"
    opening = phrases.opening.format(topic=subject) if phrases and subject else _said(subject)
    if welcome and org:
        opening = w.welcome_opening.format(org=org) + (f" {opening}" if subject else "")
    elif not subject and audience and phrases:
        opening = phrases.points_intro

    # --- the rest: points, things to say, calls to action; instructions to us are left out ---
    points: list[str] = []
    statements: list[str] = []
    calls: list[str] = []
    steps = False
    for sentence in rest:
        step = rx["step"].match(sentence)
        if step:
            points.append(sentence.rstrip(".!?"))
            steps = True
            continue
        said = rx["say"].match(sentence)
        if said:
            clause = said.group(1).rstrip(".!?")
            statements.append(_said(w.say_prefix.format(x=clause)) if w.say_prefix else _said(clause))
            continue
        cover = rx["cover"].match(sentence)
        if cover and not rx["settings"].search(cover.group(2)):
            items = _point_items(cover.group(2), w, language)
            enough = len(items) >= 2 or bool(cover.group(1)) or bool(rx["one_point"].match(sentence))
            if items and enough and len(items) <= 8 and all(len(i.split()) <= 12 for i in items):
                points += [i for i in items if i.lower() not in (p.lower() for p in points)]
                continue
        if rx["instruction"].match(sentence) and (
            rx["settings"].search(sentence)
            or rx["video"].search(sentence)
            or _ANY_INSTRUCTION.search(sentence)
        ):
            continue  # "Verwende einen freundlichen Ton.", "Mach das Video im Hochformat."
        if _only_settings(sentence, rx) or not re.search(r"[^\W\d_]{2}", sentence):
            continue  # "Ton: freundlich.", "Hochformat, 9:16."
        (calls if rx["cta"].search(sentence) or _URL_OR_MAIL.search(sentence) else statements).append(
            _said(sentence)
        )
    attached, statements = _attach(points, statements, w.stopwords)
    return LocalBrief(subject, title, opening, audience, points, attached, statements, calls, steps)


def _read_without_table(sentences: list[str], language: str) -> LocalBrief:
    """A language without a word table: its topic, a list of points where one is recognisable,
    and the user's other sentences, leaving out those about the video itself."""
    phrases = PHRASES.get(language)
    first = sentences[0]
    about = _ABOUT_ONLY.get(language)
    m = about.search(first) if about else None
    topic = (m.group(1) if m else first).strip(" .!?:;,\"'«»„“”")
    topic = " ".join(topic.split()[:12])
    listing = LIST_WORDS.get(language)
    points: list[str] = []
    statements: list[str] = []
    for sentence in sentences[1:]:
        about_video = _ANY_INSTRUCTION.search(sentence) or _LOCAL_SETTINGS.search(sentence)
        if about_video and (phrases is None or phrases.instruction.search(sentence)):
            continue
        if listing:
            cover = re.match(rf"^{listing[0]}\b\s*:?\s*(.+)$", sentence, re.I)
            if cover:
                items = _split_list(cover.group(1), listing[1])
                if items and len(items) <= 8 and all(len(i.split()) <= 12 for i in items):
                    points += items
                    continue
        if len(sentence.split()) >= 3 or len(sentence) >= 12:  # CJK sentences have no spaces
            statements.append(sentence if sentence[-1] in ".!?。！？" else sentence + ".")
    # Bulleted or numbered lines are points in any language.
    bulleted = [m.group(1).strip() for s in sentences[1:] if (m := _NUMBERED_LINE.match(s))]
    if len(bulleted) >= 2:
        points += [b.rstrip(".") for b in bulleted if b.rstrip(".") not in points]
        statements = [s for s in statements if not _NUMBERED_LINE.match(s)]
    title = _title(topic) or "Video"
    attached, statements = _attach(points, statements, frozenset())
    opening = phrases.opening.format(topic=topic) if phrases else _said(topic)
    return LocalBrief(topic, title, opening, None, points, attached, statements)


def read_local_prompt(prompt: str, language: str) -> LocalBrief:
    """The brief in ``language``: kept under its earlier name for callers that want the topic."""
    return read_local_brief(prompt, language)


def local_point_heading(point: str, language: str) -> str:
    """A point's heading: without its article ("il badge" → "Badge"), at most 8 words."""
    w = WORDS.get(language)
    step = re.match(rf"^(?:({w.step})\s*(\d+)|(\d+)[.)])", point, re.I) if w else None
    if step and w:
        word = (step.group(1) or w.step.split("|")[0]).capitalize()
        return f"{word} {step.group(2) or step.group(3)}"
    bare = _words_re(w)["article"].sub("", point, count=1) if w else point
    return _title(bare or point)


def local_point_sentences(point: str, index: int, count: int, language: str, said: list[str]) -> list[str]:
    """A listed point and what the brief says about it: "Per prima cosa: il badge. L'ufficio badge …".

    When the first thing said already names the point ("Die Ausweisausgabe ist im Erdgeschoss"), the
    ordinal leads into it ("Zuerst: die Ausweisausgabe ist …") rather than naming the point twice. A
    step is said as written.
    """
    w = WORDS.get(language)
    if w is None or not w.ordinals[0] or _words_re(w)["step"].match(point):
        return [_said(point), *said]
    first, nxt, also, last = w.ordinals
    form = first if index == 0 else (last if index == count - 1 else (nxt if index % 2 else also))
    if said and _stems(point, w.stopwords) <= _stems(said[0], w.stopwords):
        lead = said[0].rstrip(".!?")
        opener = re.match(r"[^\s'’]+['’]?", lead)
        word = opener.group(0).lower() if opener else ""
        if word.rstrip("'’") in w.stopwords or re.fullmatch(w.articles, word, re.I):
            lead = lead[:1].lower() + lead[1:]  # "Die Ausweisausgabe" → "die …"; "Kunden" stays
        return [form.format(p=lead), *said[1:]]
    return [form.format(p=point), *said]


def local_overview(points: list[str], language: str) -> str | None:
    """The overview of the points ("I temi: il badge, l'help desk IT e …"), where we have the words."""
    w = WORDS.get(language)
    if w is None or len(points) < 2:
        return None
    listed = ", ".join(points[:-1]) + f" {w.joiner} " + points[-1]
    return w.overview.format(points=listed)


def local_facts(texts: list[str], language: str) -> list[str]:
    """The stated facts in ``texts`` for a language model to say: URLs, numbers with their unit or
    month ("8 Uhr", "1. Juli", "15 euros"), and names (capitalised words not led by an article)."""
    w = WORDS.get(language)
    stop = w.stopwords if w else frozenset()
    facts: list[str] = []

    def add(fact: str) -> None:
        fact = fact.strip(" .,;:")
        if (len(fact) > 1 or fact.isdigit()) and fact not in facts:
            facts.append(fact)

    for text in texts:
        for m in _URL_OR_MAIL.finditer(text):
            add(m.group(0))
        for m in re.finditer(r"(?<![\w.])\d[\d.,:]*\.?(?:\s*%|\s+([^\W\d_]+))?", text):
            unit = m.group(1)
            add(
                m.group(0)
                if unit is None or unit.lower() not in stop
                else m.group(0)[: m.start(1) - m.start()]
            )
        for m in re.finditer(r"(?-i:[A-ZÀ-ÖØ-Þ][\w&'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w&'’-]*)+)", text):
            run: list[str] = []
            for word in [*m.group(0).split(), ""]:  # a function word ends a name: "Mittwoch | Ihre | …"
                if word and word.lower() not in stop:
                    run.append(word)
                    continue
                if len(run) >= 2:
                    add(" ".join(run))
                run = []
    return facts
