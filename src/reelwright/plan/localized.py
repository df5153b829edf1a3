"""What the offline planner says in a prompt that is not in English.

The English planner surrounds the user's material with connective lines (openings, questions to
the viewer, closings). Read by a German or French voice, English lines would be mispronounced
nonsense, so for other languages the planner speaks only:

- the user's own words: the topic, and the prompt's statements after its first sentence (the
  brief: "It opens on Monday. Prices stay the same."), the text of their PDF pages;
- short connective lines written out here for the languages we have phrases for, which, like the
  English ones, assert nothing about the subject.

For a language without phrases it says the user's words alone. With a language model configured
(``REELWRIGHT_LLM_*``) the model writes the whole script in the prompt's language instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class LocalBrief:
    topic: str
    title: str
    statements: list[str]  # the user's own sentences to say, in order


def _sentences(text: str) -> list[str]:
    # Not after an ordinal date ("am 1. Juli") or an abbreviation ("Dr. Vogt").
    pieces = re.split(r"(?<![\s\d]\d\.)(?<!\s\d\d\.)(?<=[.!?。！？])\s+|\n+", text)
    return [s.strip() for s in pieces if s.strip()]


def read_local_prompt(prompt: str, language: str) -> LocalBrief:
    """Topic, title and the statements to narrate from a prompt in ``language`` (not English)."""
    phrases = PHRASES.get(language)
    sentences = _sentences(prompt)
    first = sentences[0] if sentences else prompt.strip()
    about = phrases.about if phrases else _ABOUT_ONLY.get(language)
    m = about.search(first) if about else None
    topic = (m.group(1) if m else first).strip(" .!?:;,\"'«»„“”")
    words = topic.split()
    if len(words) > 12:
        topic = " ".join(words[:12])
    statements = []
    for sentence in sentences[1:]:
        instruction = phrases.instruction if phrases else None
        # A sentence is an instruction to us only when it talks about the video itself ("Les
        # réparations sont faites en 48 heures" has an imperative-looking verb and is content).
        about_video = _ANY_INSTRUCTION.search(sentence) or _LOCAL_SETTINGS.search(sentence)
        if about_video and (instruction is None or instruction.search(sentence)):
            continue
        if len(sentence.split()) >= 3 or len(sentence) >= 12:  # CJK sentences have no spaces
            statements.append(sentence if sentence[-1] in ".!?。！？" else sentence + ".")
    title = (topic[:1].upper() + topic[1:])[:120] or "Video"
    return LocalBrief(topic=topic or title, title=title, statements=statements)
