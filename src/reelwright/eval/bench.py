"""The script benchmark behind ``reelwright eval --bench``: real documents and briefs with facts.

Where :mod:`reelwright.eval.harness` checks that a planner follows the brief's settings, this one
scores what the script *says*, on real public PDFs nobody here wrote (see
``eval/data/corpus/manifest.json`` for their source and licence) and on briefs that state facts:

- length error: the planner's spoken-length estimate against the asked length (±10 % passes);
- running-text leakage: lines printed on at least 40 % of a file's pages (headers, footers,
  navigation bars) that are spoken after the opening scene (target 0);
- repeated sentences (target 0) and cut-off sentences ("Finally, the.", a trailing "…"; target 0);
- fact recall: the share of the brief's stated facts that are spoken (target 100 %);
- heading coverage: the share of a document's top-level headings named in the video;
- content-free share: sentences that carry no word of the inputs (target at most 20 %);
- title quality: at most 8 words, no platform, length or tone words, not a slice of the prompt.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reelwright.ingest.files import InputFile, inspect_files
from reelwright.ingest.pdf import page_texts
from reelwright.plan.base import DEFAULT_DURATION, Pacing, Planner, PlanRequest
from reelwright.plan.prompt import read_prompt
from reelwright.storyboard import BulletSlide, PdfPage, Storyboard, TitleCard

CORPUS = Path(__file__).parent / "data" / "corpus"
Q3_DECK = Path(__file__).parent / "data" / "q3-results.pdf"
TOLERANCE = 0.10
RUNNING_SHARE = 0.40
_LEAD_AND_TAIL = 0.3  # seconds of silence narrate() puts around each scene's speech
MAX_CONTENT_FREE = 0.20

_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        """a an the and or but if then so of to in on at by for with from as is are was were be been being
        this that these those it its it's we our you your they their he she his her i me my us them there here
        what which who whom how why when where all any each every some no not only just also very can could
        will would shall should may might must do does did done have has had about into over under again more
        most other such than too up down out off let let's lets get got go going come one ones thing things
        well now today hi hello hey thanks thank watching video look quick short overview welcome bye""",
    )
)
_CUT_OFF_END = re.compile(
    r"\b(?:the|a|an|of|to|and|or|but|with|for|in|on|at|by|from|that|which|is|are|was|were|its|their|our|"
    r"your|as|than|like)[.!?]$",
    re.IGNORECASE,
)
_PLATFORM_WORDS = re.compile(
    r"\b(?:tiktok|reels?|shorts|instagram|youtube|seconds?|minutes?|second|minute|upbeat|friendly|formal|"
    r"calm|vertical|portrait|landscape|video|create|make|"
    # The same words in the other languages we read briefs in.
    r"vídeo|vidéo|sekunden|secondes|segundos|secondi|seconden|minuten|minutos|minuti|erstellen?|erstelle|"
    r"créez|crée|crea|crie|maak|tiktok)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class BenchCase:
    name: str
    prompt: str
    files: tuple[str, ...] = ()  # corpus file names, or "q3-results.pdf"
    facts: tuple[str, ...] = ()  # each must be spoken (case-insensitive)
    duration_option: float | None = None
    fast: bool = False  # part of the subset the test suite runs
    message: str | None = None  # a planner message that must appear (case-insensitive)
    unspoken: tuple[str, ...] = ()  # instructions to us that must not be read out (case-insensitive)


CASES: tuple[BenchCase, ...] = (
    # --- briefs without files -------------------------------------------------------------------
    BenchCase(
        "immune-points",
        "Make a 45-second explainer for a general audience about how vaccines train the immune system. "
        "Cover antigens, antibodies and memory cells.",
        facts=("antigens", "antibodies", "memory cells"),
        fast=True,
    ),
    BenchCase(
        "forklift-safety",
        "A 60 second safety training video for warehouse staff. Cover the pre-shift inspection, load limits, "
        "pedestrian zones, and what to do after a near miss. The maximum load is 2,500 kg. "
        "Report every near miss to your shift lead within 24 hours.",
        facts=(
            "pre-shift inspection",
            "load limits",
            "pedestrian zones",
            "near miss",
            "2,500 kg",
            "24 hours",
        ),
        fast=True,
    ),
    BenchCase(
        "spring-sale",
        "A 20-second upbeat TikTok for our spring sale at Hollow Oak Books. Everything is 30 percent off. "
        "The sale ends on April 30. Use code SPRING30 at hollowoakbooks.example.",
        facts=("Hollow Oak Books", "30 percent", "April 30", "SPRING30", "hollowoakbooks.example"),
        fast=True,
    ),
    BenchCase(
        "product-launch",
        "Create a 45-second product launch video for Nimbus Notes 2.0, launching on March 3. "
        "Highlight offline sync, end-to-end encryption and the new iPad app. "
        "Nimbus Notes 2.0 costs 4 dollars a month.",
        facts=(
            "Nimbus Notes 2.0",
            "March 3",
            "offline sync",
            "end-to-end encryption",
            "iPad app",
            "4 dollars",
        ),
    ),
    BenchCase(
        "onboarding-steps",
        "A 40 second onboarding video for new employees at Brightline Logistics. "
        "Step 1: collect your badge from reception. Step 2: set up your laptop with the IT desk. "
        "Step 3: meet your buddy, Priya Shah, at 11 am.",
        facts=("Brightline Logistics", "badge", "laptop", "Priya Shah", "11 am"),
        fast=True,
    ),
    BenchCase(
        "webinar-invite",
        "Make a 30 second video inviting customers to our webinar on data privacy on June 12 at 4 pm CET. "
        "Our speaker is Dr. Lena Vogt. Register at example.com/privacy.",
        facts=("data privacy", "June 12", "4 pm", "Lena Vogt", "example.com/privacy"),
    ),
    BenchCase(
        "password-hygiene",
        "Create a two-minute training video about password hygiene. "
        "Cover: use a password manager, turn on two-factor, never reuse passwords.",
        facts=("password manager", "two-factor", "never reuse passwords"),
    ),
    BenchCase(
        "quarterly-update",
        "A one-minute formal update for investors: revenue was 12.4 million euros in Q2, up 9 percent. "
        "We hired 14 engineers and opened an office in Porto. Next quarter we launch in Brazil.",
        facts=("12.4 million euros", "9 percent", "14 engineers", "Porto", "Brazil"),
    ),
    BenchCase(
        "bare-seed",
        "Create a 45-second explainer about our Q3 product launch. Use a friendly, upbeat tone.",
        facts=("Q3 product launch",),
    ),
    BenchCase(
        "clinic-hours",
        "A calm 30-second video for patients of Riverside Clinic: from May 1 we open at 7:30 am on weekdays, "
        "flu shots are free for over-65s, and you can book online at riverside.example/book.",
        facts=("Riverside Clinic", "May 1", "7:30", "flu shots", "riverside.example/book"),
    ),
    # --- other languages ------------------------------------------------------------------------
    BenchCase(
        "de-brief",
        "Erstelle ein 40-Sekunden-Video über unser neues Kundenportal. Das Portal startet am 1. Juli. "
        "Kunden sehen dort alle Rechnungen der letzten zwei Jahre. Die Anmeldung erfolgt mit der "
        "Kundennummer. Der Support ist werktags von 8 bis 18 Uhr erreichbar.",
        facts=("Kundenportal", "1. Juli", "Rechnungen", "Kundennummer", "8 bis 18 Uhr"),
        fast=True,
    ),
    BenchCase(
        "de-rich",
        "Erstelle ein 40-Sekunden-Video über unser neues Kundenportal. Das Portal startet am 1. Juli. "
        "Kunden sehen dort alle Rechnungen der letzten zwei Jahre und können sie als PDF herunterladen. "
        "Die Anmeldung erfolgt mit der Kundennummer und einem Passwort, das Sie beim ersten Besuch selbst "
        "festlegen. Adressänderungen tragen Sie direkt im Portal ein, ohne Formular und ohne Wartezeit. "
        "Zahlungen per Lastschrift oder Überweisung sehen Sie dort spätestens zwei Tage nach Eingang. "
        "Der Support ist werktags von 8 bis 18 Uhr erreichbar, telefonisch und per Chat. "
        "Für Firmenkunden gibt es zusätzlich eine Übersicht aller Verträge und Ansprechpartner. "
        "Ihre Daten liegen auf Servern in Frankfurt und werden nicht an Dritte weitergegeben.",
        facts=("1. Juli", "PDF", "Kundennummer", "8 bis 18 Uhr", "Frankfurt"),
    ),
    BenchCase(
        "es-brief",
        "Crea un vídeo de 30 segundos sobre nuestra nueva cafetería en Valencia. Abrimos el 15 de marzo. "
        "El primer café es gratis para todos. Estamos en la calle Colón 12.",
        facts=("Valencia", "15 de marzo", "café es gratis", "calle Colón 12"),
    ),
    BenchCase(
        "fr-brief",
        "Crée une vidéo de 30 secondes sur notre atelier de vélo à Lyon. Les réparations sont faites en "
        "48 heures. Le premier contrôle est offert. Nous sommes ouverts du mardi au samedi.",
        facts=("Lyon", "48 heures", "premier contrôle est offert", "mardi au samedi"),
    ),
    # Briefs with points and facts in each language read as English is (plan/brief_words.py).
    BenchCase(
        "de-onboarding",
        "Erstellen Sie ein 40-Sekunden-Video für neue Mitarbeiter von Grünwald Logistik. Behandeln Sie die "
        "Ausweisausgabe, den IT-Helpdesk und den Ablauf der ersten Woche. Die Ausweisausgabe ist im "
        "Erdgeschoss und öffnet um 8 Uhr, bringen Sie bitte Ihren Personalausweis mit. Der IT-Helpdesk "
        "richtet Ihren Laptop am ersten Morgen ein, Ihr Passwort bekommen Sie per SMS. In der ersten Woche "
        "treffen Sie am Mittwoch Ihre Mentorin Jana Keller. Am Montag um 10 Uhr beginnt der Rundgang durch "
        "das Lager in Halle 3. Am Freitag essen Sie mit dem ganzen Team zu "
        "Mittag. Verwenden Sie einen freundlichen Ton.",
        facts=(
            "Grünwald Logistik",
            "8 Uhr",
            "Personalausweis",
            "SMS",
            "Mittwoch",
            "Jana Keller",
            "Halle 3",
            "Freitag",
        ),
        unspoken=("Erstellen Sie", "Behandeln Sie", "Verwenden Sie", "freundlichen Ton"),
        fast=True,
    ),
    BenchCase(
        "fr-atelier",
        "Créez une vidéo de 45 secondes sur l'atelier Cycles Roux à Lyon pour les nouveaux clients. "
        "Présentez les réparations, le contrôle de sécurité et les horaires d'ouverture. Les réparations "
        "courantes sont faites en 48 heures, pièces comprises, et un vélo de prêt vous attend pendant "
        "ce temps. Le contrôle de sécurité coûte 15 euros et il est offert lors de votre première visite. "
        "Il vérifie les freins, l'éclairage et la pression des pneus. "
        "Nos horaires d'ouverture vont du mardi au samedi, de 9 h à 19 h, sans interruption le midi. "
        "Le lundi, l'atelier est fermé, mais vous pouvez déposer votre vélo dans la boîte à clés. "
        "Utilisez un ton chaleureux. Réservez votre créneau sur cyclesroux.fr.",
        facts=(
            "Cycles Roux",
            "48 heures",
            "vélo de prêt",
            "15 euros",
            "mardi au samedi",
            "9 h à 19 h",
            "cyclesroux.fr",
        ),
        unspoken=("Créez une vidéo", "Présentez", "Utilisez un ton"),
    ),
    BenchCase(
        "es-cafeteria",
        "Crea un vídeo de 30 segundos sobre la cafetería Luna en Valencia. Cubre la apertura, la oferta "
        "de bienvenida y cómo llegar. Abrimos el 15 de marzo a las 7:30 de la mañana. Durante la primera "
        "semana, el primer café es gratis para todos. Estamos en la calle Colón 12, junto a la parada "
        "de metro Xàtiva.",
        facts=("cafetería Luna", "15 de marzo", "7:30", "café es gratis", "calle Colón 12", "Xàtiva"),
        unspoken=("Crea un vídeo", "Cubre la apertura"),
    ),
    BenchCase(
        "it-onboarding",
        "Crea un video di 30 secondi per i nuovi dipendenti di Verdi Logistica. Parla del badge, "
        "dell'help desk IT e del programma della prima settimana. L'ufficio badge è al piano terra e apre "
        "alle 8. L'help desk IT configura il tuo portatile la prima mattina. Venerdì pranzi con tutto il "
        "tuo team.",
        facts=("Verdi Logistica", "badge", "piano terra", "alle 8", "help desk IT", "portatile", "Venerdì"),
        unspoken=("Crea un video", "Parla del badge", "30 secondi"),
        fast=True,
    ),
    BenchCase(
        "pt-onboarding",
        "Crie um vídeo de 40 segundos para os novos funcionários da Casa Moura. Aborde o crachá, o "
        "suporte de TI e a agenda da primeira semana. O crachá é entregue na receção do edifício B a "
        "partir das 9 horas, traga o seu cartão de cidadão. O suporte de TI configura o seu portátil na "
        "primeira manhã e explica a rede Wi-Fi. Fica no segundo andar e atende pelo número interno 300. "
        "Na primeira semana, a sua mentora Rita Lopes almoça "
        "consigo na quarta-feira. Na sexta-feira há uma reunião com toda a equipa.",
        facts=(
            "Casa Moura",
            "edifício B",
            "9 horas",
            "cartão de cidadão",
            "Wi-Fi",
            "Rita Lopes",
            "quarta-feira",
            "sexta-feira",
        ),
        unspoken=("Crie um vídeo", "Aborde o crachá"),
    ),
    BenchCase(
        "nl-onboarding",
        "Maak een video van 30 seconden voor nieuwe medewerkers van Van Dijk Logistiek. Behandel de "
        "badgebalie, de IT-helpdesk en het schema van de eerste week. De badgebalie zit op de begane "
        "grond en opent om 8 uur. De IT-helpdesk richt je laptop in op de eerste ochtend. Op vrijdag "
        "lunch je met je hele team.",
        facts=("Van Dijk Logistiek", "begane grond", "8 uur", "IT-helpdesk", "laptop", "vrijdag"),
        unspoken=("Maak een video", "Behandel de badgebalie", "30 seconden"),
        fast=True,
    ),
    # --- real documents -------------------------------------------------------------------------
    BenchCase(
        "talk-60s",
        "Summarise the attached talk in a 60 second video.",
        files=("beamerexample-conference-talk.pdf",),
        fast=True,
    ),
    BenchCase(
        "talk-30s",
        "A 30 second teaser of this conference talk for a general audience.",
        files=("beamerexample-conference-talk.pdf",),
    ),
    BenchCase(
        "talk-120s",
        "A two-minute walkthrough of the attached slides for students.",
        files=("beamerexample-conference-talk.pdf",),
    ),
    BenchCase(
        "spec-45s",
        "Explain the attached specification in 45 seconds for developers.",
        files=("shared-mime-info-spec.pdf",),
        fast=True,
    ),
    BenchCase(
        "spec-90s",
        "A 90 second overview of how computers recognise file types, for a general audience.",
        files=("shared-mime-info-spec.pdf",),
    ),
    BenchCase(
        "spec-vs-brief",
        "Create a 45-second video for the marketing team about our Q3 product launch on September 9.",
        files=("shared-mime-info-spec.pdf",),
        message="does not mention",
        fast=True,
    ),
    BenchCase(
        "dummy-30s",
        "Make a 30 second video from the attached document.",
        files=("pdfpages-dummy.pdf",),
        message="no text to narrate apart from its running headers",
    ),
    BenchCase(
        "unimath-40s",
        "A 40 second explainer of the attached example for LaTeX users.",
        files=("unimath-example.pdf",),
    ),
    BenchCase(
        "html-faq-45s",
        "Explain the attached FAQ page in 45 seconds for new users of the editor.",
        files=("nano-faq.html",),
        fast=True,
    ),
    BenchCase(
        "markdown-readme-30s",
        "A 30 second introduction to this project from its README, for Python developers.",
        files=("markdown-it-py-README.md",),
        fast=True,
    ),
    BenchCase(
        "paper-2col-45s",
        "Explain the attached two-column paper template in 45 seconds for physics students. "
        "Papers for Physical Review are due on November 20.",
        files=("revtex-apssamp.pdf",),
        facts=("Physical Review", "November 20"),
        fast=True,
    ),
    BenchCase(
        "manual-60s",
        "A 60 second how-to from the attached instructions for authors of our workshop. "
        "Submissions close on May 15 and papers are limited to 12 pages.",
        files=("llncsdoc.pdf",),
        facts=("May 15", "12 pages"),
    ),
    BenchCase(
        "refcard-30s",
        "A 30 second video from this reference card for new Debian users. "
        "Our install party is on Saturday in room B12.",
        files=("debian-refcard-en-a4.pdf",),
        facts=("Saturday", "B12"),
        fast=True,
    ),
    BenchCase(
        "paper-excerpt-45s",
        "A 45 second summary of the attached paper for software engineers. "
        "The paper's framework is called AutoGen.",
        files=("markitdown-autogen-paper.pdf",),
        facts=("AutoGen",),
    ),
    BenchCase(
        "pptx-deck-40s",
        "Summarise the attached deck in 40 seconds for developers. The reading group meets on Thursday.",
        files=("markitdown-autogen-deck.pptx",),
        facts=("Thursday",),
        fast=True,
    ),
    BenchCase(
        "docx-60s",
        "A one-minute video from the attached Word document for a general audience. "
        "Our meetup on it is on October 14 in the Turing Room.",
        files=("markitdown-autogen-paper.docx",),
        facts=("October 14", "Turing Room"),
    ),
    BenchCase(
        "q3-deck",
        "Summarise the attached deck in a one-minute video for investors.",
        files=("q3-results.pdf",),
        facts=("18 percent", "Lisbon"),
        fast=True,
    ),
    BenchCase(
        "pptx-notes-60s",
        "A one-minute summary of the attached conference talk for our evaluation team. "
        "We discuss it at the team lunch on Wednesday in the Banksia Room.",
        files=("aes2011-evaluation-talk-notes.pptx",),
        facts=("Wednesday", "Banksia Room"),
        fast=True,
    ),
    BenchCase(
        "pptx-notes-30s",
        "A 30 second teaser of this talk on communicating evaluation findings, for consultants.",
        files=("aes2011-evaluation-talk-notes.pptx",),
    ),
    BenchCase(
        "flyer-tips-30s",
        "A 30 second video from this one-page handout for data scientists. "
        "Our plotting clinic is on Friday at 3 pm.",
        files=("matplotlib-tips-handout.pdf",),
        facts=("Friday", "3 pm"),
        fast=True,
    ),
    BenchCase(
        "flyer-tips-45s",
        "Turn the attached handout into a 45 second how-to for Python students.",
        files=("matplotlib-tips-handout.pdf",),
    ),
)


def manifest() -> dict[str, dict[str, object]]:
    """The corpus documents by file name: kind, title, top-level headings, source and licence."""
    data = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return {d["file"]: d for d in data["documents"]}


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def corpus_path(name: str) -> Path:
    return Q3_DECK if name == Q3_DECK.name else CORPUS / name


# ------------------------------------------------------------------------------------------ metrics


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w%./:@-]+", " ", text.lower())).strip()


def spoken_sentences(board: Storyboard) -> list[str]:
    out: list[str] = []
    for scene in board.scenes:
        out.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", scene.narration) if s.strip())
    return out


def running_lines(texts: Sequence[str]) -> list[str]:
    """Lines printed on at least 40 % of the pages (digits ignored, so "Page 3" matches "Page 4")."""
    if len(texts) < 3:
        return []
    seen: dict[str, int] = {}
    shown: dict[str, str] = {}
    for text in texts:
        for line in {ln.strip() for ln in text.splitlines()}:
            key = re.sub(r"\d+", "#", _norm(line))
            if sum(c.isalpha() for c in key) < 4:
                continue
            seen[key] = seen.get(key, 0) + 1
            shown.setdefault(key, line)
    return [shown[k] for k, n in seen.items() if n >= RUNNING_SHARE * len(texts)]


def leaked_lines(board: Storyboard, running: Sequence[str], titles: Sequence[str] = ()) -> list[str]:
    """Running lines spoken after the opening scene (announcing the title once is fine).

    A document's title printed as its running header is content too ("version 0.21 of the Shared
    MIME-info Database specification"): it leaks only when said as a line of its own.
    """
    later_scenes = board.scenes[1:]
    later = _norm(" ".join(s.narration for s in later_scenes))
    said_alone = {_norm(s) for s in spoken_sentences(board.model_copy(update={"scenes": later_scenes}))}
    named = {_norm(t) for t in titles}
    out = []
    for line in running:
        if _norm(line) in named:
            if _norm(line) in said_alone:
                out.append(line)
            continue
        pattern = re.sub(r"\d+", r"\\d+", re.escape(_norm(line)))
        if re.search(rf"(?<!\w){pattern}(?!\w)", later):
            out.append(line)
    return out


def repeated_sentences(sentences: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for s in sentences:
        key = _norm(s)
        if len(key.split()) >= 3 and key in seen:
            out.append(s)
        seen.add(key)
    return out


def cut_off_sentences(sentences: Sequence[str]) -> list[str]:
    return [
        s
        for s in sentences
        if s.endswith(("…", "...", ",", ":", ";")) or _CUT_OFF_END.search(s) or s.count("(") != s.count(")")
    ]


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", text.lower()) if len(w) > 2 and w not in _STOPWORDS}


def content_free(sentences: Sequence[str], sources: Sequence[str]) -> list[str]:
    """Sentences that carry no content word of the inputs (a number counts as content)."""
    vocabulary: set[str] = set()
    for text in sources:
        vocabulary |= content_words(text)
    out = []
    for s in sentences:
        words = content_words(s)
        if not (words & vocabulary) and not re.search(r"\d", s):
            out.append(s)
    return out


def fact_recall(board: Storyboard, facts: Sequence[str]) -> tuple[float, list[str]]:
    said = _norm(" ".join(s.narration for s in board.scenes))
    missing = [f for f in facts if _norm(f) not in said]
    return (1.0 - len(missing) / len(facts) if facts else 1.0), missing


def spoken_instructions(board: Storyboard, unspoken: Sequence[str]) -> list[str]:
    """Which of the brief's instructions to us ("Crea un video", "Behandel de …") are read out."""
    said = _norm(" ".join(s.narration for s in board.scenes))
    return [u for u in unspoken if _norm(u) in said]


def _screen_and_speech(board: Storyboard) -> str:
    parts = [board.title]
    for scene in board.scenes:
        parts.append(scene.narration)
        v = scene.visual
        if isinstance(v, TitleCard):
            parts += [v.heading, v.subheading or ""]
        elif isinstance(v, BulletSlide):
            parts += [v.heading, *v.bullets]
        elif isinstance(v, PdfPage):
            parts.append(v.heading or "")
    return _norm(" ".join(parts))


def heading_coverage(board: Storyboard, headings: Sequence[str]) -> float | None:
    if not headings:
        return None
    text = _screen_and_speech(board)
    return sum(1 for h in headings if _norm(h) in text) / len(headings)


def title_problems(title: str, prompt: str) -> list[str]:
    """What makes a title unshippable: too long, settings in it, cut off, or a slice of the request."""
    problems = []
    words = title.split()
    if len(words) > 8:
        problems.append(f"{len(words)} words")
    if _PLATFORM_WORDS.search(title):
        problems.append("setting words")
    if not words or title.lower() in ("untitled", "video"):
        problems.append("empty")
    if words and _CUT_OFF_END.search(words[-1] + "."):
        problems.append("cut off")
    # Pieces of the request itself: "Marketing Team About Our Q3 Launch", "Attached Talk".
    if re.search(r"\b(?:about|attached|summari[sz]e|explain|for an?|inviting)\b", title, re.IGNORECASE):
        problems.append("slice of the prompt")
    return problems


# --------------------------------------------------------------------------------------- the run


@dataclass
class BenchResult:
    name: str
    target: float
    estimated: float
    title: str
    scenes: int
    sentences: int
    leaked: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)
    filler: list[str] = field(default_factory=list)
    recall: float = 1.0
    missing: list[str] = field(default_factory=list)
    coverage: float | None = None
    title_issues: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    missing_message: str | None = None
    instructions: list[str] = field(default_factory=list)  # the user's instructions read out
    seconds: float = 0.0

    @property
    def explained_short(self) -> bool:
        """Shorter than asked, and the planner told the user why and how to get more."""
        return self.length_error < -TOLERANCE and any(
            "language model" in m and ("asked" in m or "shorter" in m) for m in self.messages
        )

    @property
    def length_error(self) -> float:
        return (self.estimated - self.target) / self.target

    @property
    def filler_share(self) -> float:
        return len(self.filler) / self.sentences if self.sentences else 0.0

    def passed(self) -> bool:
        return (
            (abs(self.length_error) <= TOLERANCE or self.explained_short)
            and not self.leaked
            and not self.repeated
            and not self.cut_off
            and self.recall == 1.0
            and self.filler_share <= MAX_CONTENT_FREE
            and not self.title_issues
            and self.missing_message is None
            and not self.instructions
        )


def _estimate(board: Storyboard, pacing: Pacing) -> float:
    words = board.narration_words()
    return words / (pacing.words_per_second * board.voice_speed) + pacing.scene_overhead * len(board.scenes)


def spoken_seconds(board: Storyboard, cache: Path) -> float:
    """The narration synthesised with the storyboard's voice: each scene's audio, end to end.

    The render adds transitions and holds on top, and corrects the plan to this measured speech.
    """
    from reelwright.voice.narrate import narrate

    total = 0.0
    with tempfile.TemporaryDirectory(prefix="reelwright-bench-") as tmp:
        for n, scene in enumerate(board.scenes):
            audio = narrate(
                scene.narration, board.voice, Path(tmp) / f"{n}.wav", speed=board.voice_speed, cache_dir=cache
            )
            total += audio.duration
    return total


def run_case(
    case: BenchCase, planner: Planner, pacing: Pacing | None = None, *, speak_cache: Path | None = None
) -> BenchResult:
    pacing = pacing or Pacing()
    paths = [corpus_path(n) for n in case.files]
    files: list[InputFile] = inspect_files(paths) if paths else []
    target = case.duration_option or read_prompt(case.prompt).duration or DEFAULT_DURATION
    started = time.perf_counter()
    request = PlanRequest.of(case.prompt, files, duration=case.duration_option)
    result = planner.plan(request, pacing)
    said = list(result.messages)
    board = result.storyboard
    spoken: float | None = None
    if speak_cache is not None:
        # As the render does (pipeline.fit_duration): hear the narration, correct the speaking rate
        # to what the voice really did, and plan once more.
        spoken = spoken_seconds(board, speak_cache)
        speech = spoken - _LEAD_AND_TAIL * len(board.scenes)
        if speech > 0 and abs(spoken - target) / target > TOLERANCE:
            rate = board.narration_words() / speech * board.voice_speed
            result = planner.replan(request, result, Pacing(rate, pacing.scene_overhead))
            said += [m for m in result.messages if m not in said]
            board = result.storyboard
            spoken = spoken_seconds(board, speak_cache)
    elapsed = time.perf_counter() - started
    sentences = spoken_sentences(board)
    # Raw page text straight from PDFium, not the planner's cleaned view, so leakage is judged on
    # what was printed.
    # Other documents have no printed page: their reader's text per slide or section stands in.
    raw_pages = [
        page_texts(p) if f.kind == "pdf" else f.page_texts for p, f in zip(paths, files, strict=True)
    ]
    running = [line for texts in raw_pages for line in running_lines(texts)]
    # The files' names are the user's input too (a document without a title is named by its file).
    sources = [case.prompt, *case.files, *(t for texts in raw_pages for t in texts)]
    recall, missing = fact_recall(board, case.facts)
    titles = [f.document.title for f in files if f.document and f.document.title]
    docs = manifest()
    headings = [str(h) for n in case.files for h in _list(docs.get(n, {}).get("headings"))]
    return BenchResult(
        name=case.name,
        target=target,
        estimated=spoken if spoken is not None else _estimate(board, pacing),
        title=board.title,
        scenes=len(board.scenes),
        sentences=len(sentences),
        leaked=leaked_lines(board, running, titles),
        repeated=repeated_sentences(sentences),
        cut_off=cut_off_sentences(sentences),
        filler=content_free(sentences, sources),
        recall=recall,
        missing=missing,
        coverage=heading_coverage(board, headings),
        title_issues=title_problems(board.title, case.prompt),
        messages=said,
        missing_message=(
            case.message
            if case.message and not any(case.message.lower() in m.lower() for m in said)
            else None
        ),
        instructions=spoken_instructions(board, case.unspoken),
        seconds=elapsed,
    )


def run_bench(
    planner_factory: Callable[[], Planner], cases: Sequence[BenchCase] = CASES, *, speak: bool = False
) -> list[BenchResult]:
    """Plan and score every case; with ``speak``, the length is the synthesised narration's."""
    if not speak:
        return [run_case(case, planner_factory()) for case in cases]
    with tempfile.TemporaryDirectory(prefix="reelwright-bench-voice-") as cache:
        return [run_case(case, planner_factory(), speak_cache=Path(cache)) for case in cases]


def bench_table(results: Sequence[BenchResult]) -> tuple[list[str], list[list[str]], str]:
    header = [
        "case",
        "target",
        "estimate",
        "error",
        "leaked",
        "repeated",
        "cut",
        "instr",
        "filler",
        "facts",
        "headings",
        "title",
        "pass",
    ]
    rows = []
    for r in results:
        rows.append(
            [
                r.name,
                f"{r.target:.0f} s",
                f"{r.estimated:.1f} s",
                f"{r.length_error:+.0%}" + (" (said why)" if r.explained_short else ""),
                str(len(r.leaked)),
                str(len(r.repeated)),
                str(len(r.cut_off)),
                str(len(r.instructions)),
                f"{r.filler_share:.0%}",
                f"{r.recall:.0%}",
                "-" if r.coverage is None else f"{r.coverage:.0%}",
                ("✓ " if not r.title_issues else "✗ ") + r.title[:40],
                "✓" if r.passed() else "✗",
            ]
        )
    n = len(results)
    in_length = sum(abs(r.length_error) <= TOLERANCE for r in results)
    mean_error = sum(abs(r.length_error) for r in results) / n if n else 0.0
    covered = [r.coverage for r in results if r.coverage is not None]
    total = (
        f"total {sum(r.passed() for r in results)}/{n} cases pass; length within ±10 %: {in_length}/{n} "
        f"(mean |error| {mean_error:.0%}), shorter with a reason: {sum(r.explained_short for r in results)}; "
        f"leaked lines {sum(len(r.leaked) for r in results)}; "
        f"repeated {sum(len(r.repeated) for r in results)}; cut off {sum(len(r.cut_off) for r in results)}; "
        f"instructions read out {sum(len(r.instructions) for r in results)}; "
        f"filler {sum(len(r.filler) for r in results)}/{sum(r.sentences for r in results)} sentences; "
        f"fact recall {sum(r.recall for r in results) / n if n else 1:.0%}; "
        f"heading coverage {sum(covered) / len(covered) if covered else 0:.0%}; "
        f"good titles {sum(not r.title_issues for r in results)}/{n}"
    )
    return header, rows, total
