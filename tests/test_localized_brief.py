"""Briefs in German, French, Spanish, Italian, Portuguese and Dutch are read as English ones are:
the request is not said, the audience and subject keep their full names, the listed points become
scenes with headings in order, each fact goes under its point; other languages keep the structure."""

from __future__ import annotations

import pytest

from reelwright.eval.bench import CASES, run_case
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.localized import read_local_brief
from reelwright.plan.offline import OfflinePlanner
from reelwright.storyboard import BulletSlide

ITALIAN = (
    "Crea un video di 30 secondi per i nuovi dipendenti di Verdi Logistica. Parla del badge, dell'help desk "
    "IT e del programma della prima settimana. L'ufficio badge è al piano terra e apre alle 8. L'help desk "
    "IT configura il tuo portatile la prima mattina. Venerdì pranzi con tutto il tuo team."
)
DUTCH = (
    "Maak een video van 30 seconden voor nieuwe medewerkers van Van Dijk Logistiek. Behandel de badgebalie, "
    "de IT-helpdesk en het schema van de eerste week. "
    "De badgebalie zit op de begane grond en opent om 8 uur. "
    "De IT-helpdesk richt je laptop in op de eerste ochtend. Op vrijdag lunch je met je hele team."
)

# prompt, language, title, audience, points (in order), {point index: a statement said under it}
READINGS = [
    (
        ITALIAN,
        "it",
        "Benvenuti in Verdi Logistica",
        "i nuovi dipendenti di Verdi Logistica",
        ["il badge", "l'help desk IT", "il programma della prima settimana"],
        {0: "L'ufficio badge è al piano terra e apre alle 8.", 2: "Venerdì pranzi con tutto il tuo team."},
    ),
    (
        DUTCH,
        "nl",
        "Welkom bij Van Dijk Logistiek",
        "nieuwe medewerkers van Van Dijk Logistiek",
        ["de badgebalie", "de IT-helpdesk", "het schema van de eerste week"],
        {
            1: "De IT-helpdesk richt je laptop in op de eerste ochtend.",
            2: "Op vrijdag lunch je met je hele team.",
        },
    ),
    (
        "Erstellen Sie ein 45-Sekunden-Video über die Sicherheitsunterweisung für Lagerarbeiter von Brandt & "
        "Söhne. Behandeln Sie die Schutzkleidung, die Staplerwege und den Notausgang. Verwenden Sie einen "
        "sachlichen Ton. Die Schutzkleidung liegt in Spind 4. "
        "Erwähnen Sie, dass Staplerwege gelb markiert sind.",
        "de",
        "Die Sicherheitsunterweisung",
        "Lagerarbeiter von Brandt & Söhne",
        ["die Schutzkleidung", "die Staplerwege", "der Notausgang"],
        {0: "Die Schutzkleidung liegt in Spind 4.", 1: "Wichtig ist, dass Staplerwege gelb markiert sind."},
    ),
    (
        "Créez une vidéo de 30 secondes sur notre nouvelle application Pépin pour les parents d'élèves. "
        "Présentez l'inscription, les menus de la cantine et les messages des enseignants. L'inscription se "
        "fait avec le code reçu par courrier. Utilisez un ton chaleureux. Téléchargez Pépin sur pepin.fr.",
        "fr",
        "Notre nouvelle application Pépin",
        "les parents d'élèves",
        ["l'inscription", "les menus de la cantine", "les messages des enseignants"],
        {0: "L'inscription se fait avec le code reçu par courrier."},
    ),
    (
        "Haz un vídeo de 30 segundos para los nuevos socios del Club Náutico Brisa. Cubre el horario, "
        "las clases de vela y el aparcamiento. Las clases de vela empiezan el 2 de junio.",
        "es",
        "Bienvenidos a Club Náutico Brisa",
        "los nuevos socios del Club Náutico Brisa",
        ["el horario", "las clases de vela", "el aparcamiento"],
        {1: "Las clases de vela empiezan el 2 de junio."},
    ),
    (
        "Crie um vídeo de 40 segundos sobre o novo refeitório da Fábrica Lusa. Aborde o menu, os preços e "
        "o horário. Os preços começam em 3 euros. Use um tom amigável.",
        "pt",
        "O novo refeitório da Fábrica Lusa",
        None,
        ["o menu", "os preços", "o horário"],
        {1: "Os preços começam em 3 euros."},
    ),
]


@pytest.mark.parametrize(
    ("prompt", "language", "title", "audience", "points", "under"), READINGS, ids=[r[1] for r in READINGS]
)
def test_a_brief_is_read_as_an_english_one(
    prompt: str, language: str, title: str, audience: str | None, points: list[str], under: dict[int, str]
) -> None:
    brief = read_local_brief(prompt, language)
    assert brief.title == title and len(brief.title.split()) <= 8
    assert brief.audience == audience
    assert brief.points == points
    for i, statement in under.items():
        assert statement in brief.attached[i], brief.attached
    # Instructions to us are neither points nor statements.
    said = [*brief.statements, *(s for v in brief.attached.values() for s in v), *brief.calls]
    for word in ("Crea", "Maak", "Erstellen", "Verwenden", "Créez", "Utilisez", "Haz", "Crie", "Use um"):
        assert not any(s.startswith(word) for s in said), said


@pytest.mark.parametrize(("prompt", "language"), [(ITALIAN, "it"), (DUTCH, "nl")])
def test_the_points_are_scenes_in_order_with_their_facts(prompt: str, language: str) -> None:
    board = OfflinePlanner().plan(PlanRequest.of(prompt), Pacing()).storyboard
    narration = " ".join(s.narration for s in board.scenes)
    assert board.language == language
    ids = [s.id for s in board.scenes]
    assert ids[0] == "intro" and ids[-1] == "close"
    assert [i for i in ids if i.startswith("point") and i != "points"] == ["point1", "point2", "point3"]
    point1 = next(s for s in board.scenes if s.id == "point1")
    assert isinstance(point1.visual, BulletSlide) and point1.visual.heading in ("Badge", "Badgebalie")
    assert "8" in point1.narration  # the fact about the badge office is said under the badge
    name = "Verdi Logistica" if language == "it" else "Van Dijk Logistiek"
    assert name in narration and name in board.title
    for instruction in ("Crea un video", "Parla del", "Maak een video", "Behandel de", "30"):
        assert instruction not in narration, narration


def test_a_german_onboarding_brief_keeps_the_ordinal_before_what_it_says() -> None:
    case = next(c for c in CASES if c.name == "de-onboarding")
    board = OfflinePlanner().plan(PlanRequest.of(case.prompt), Pacing()).storyboard
    point1 = next(s for s in board.scenes if s.id == "point1")
    # The point is named once: the ordinal leads into the sentence that names it.
    assert point1.narration.startswith("Zuerst: die Ausweisausgabe ist im Erdgeschoss")
    assert "Am Freitag essen Sie" in next(s for s in board.scenes if s.id == "point3").narration


def test_a_thin_brief_is_shorter_with_a_reason() -> None:
    planned = OfflinePlanner().plan(
        PlanRequest.of("Crea un video di 60 secondi sulla nostra nuova mensa. Apre lunedì."), Pacing()
    )
    assert planned.storyboard.title == "La nostra nuova mensa"
    assert any("language model" in m for m in planned.messages)


@pytest.mark.parametrize(
    ("prompt", "language", "points"),
    [
        (
            "Skapa en kort video om vår nya personalmatsal. Ta upp menyn, priserna och öppettiderna. "
            "Den öppnar på måndag.",
            "sv",
            ["menyn", "priserna", "öppettiderna"],
        ),
        (
            "Stwórz krótki film o naszej nowej stołówce. Omów menu, ceny i godziny otwarcia. "
            "Stołówka działa od poniedziałku.",
            "pl",
            ["menu", "ceny", "godziny otwarcia"],
        ),
    ],
)
def test_other_languages_keep_the_structure(prompt: str, language: str, points: list[str]) -> None:
    brief = read_local_brief(prompt, language)
    assert brief.points == points
    board = OfflinePlanner().plan(PlanRequest.of(prompt), Pacing()).storyboard
    assert board.language == language
    assert [s.id for s in board.scenes if s.id.startswith("point")] == ["point1", "point2", "point3"]
    narration = " ".join(s.narration for s in board.scenes)
    assert "Ta upp" not in narration and "Omów" not in narration


LANGUAGE_CASES = [c for c in CASES if c.name.split("-")[0] in ("de", "fr", "es", "it", "pt", "nl")]


@pytest.mark.parametrize("case", LANGUAGE_CASES, ids=[c.name for c in LANGUAGE_CASES])
def test_the_language_bench_cases_pass(case: object) -> None:
    result = run_case(case, OfflinePlanner())  # type: ignore[arg-type]
    assert result.passed(), (
        result.estimated,
        result.title,
        result.title_issues,
        result.missing,
        result.instructions,
    )


def test_an_imperative_addressed_to_the_viewer_is_content_not_a_point() -> None:
    brief = read_local_brief(
        "Erstelle ein 30-Sekunden-Video über den Besuchereingang. Zeigen Sie Ihren Ausweis am Empfang. "
        "Parla del badge.",
        "de",
    )
    assert brief.points == [] and "Zeigen Sie Ihren Ausweis am Empfang." in brief.statements
    italian = read_local_brief(
        "Crea un video sulla sicurezza. Parla del badge. Mostra il badge all'ingresso.", "it"
    )
    assert italian.subject == "la sicurezza" and italian.points == ["il badge"]
    assert italian.attached == {0: ["Mostra il badge all'ingresso."]}


def test_the_model_planner_is_told_the_points_and_facts_of_a_brief_in_another_language() -> None:
    from reelwright.plan.llm import _brief_reading

    reading = _brief_reading(ITALIAN)
    assert "Audience: i nuovi dipendenti di Verdi Logistica." in reading
    assert (
        "one scene each in this order: il badge; l'help desk IT; il programma della prima settimana."
        in reading
    )
    assert "Verdi Logistica" in reading.splitlines()[-1] and "; 8" in reading
    assert "Crea un video" not in reading


@pytest.mark.parametrize(
    ("prompt", "language", "subject"),
    [
        (
            "Mach ein kurzes Video im Hochformat für TikTok über unser Sommerfest am 12. Juli. "
            "Der Eintritt ist frei.",
            "de",
            "unser Sommerfest am 12. Juli",
        ),
        (
            "Haz un vídeo vertical de 20 segundos para TikTok sobre nuestras rebajas en Librería Roble.",
            "es",
            "nuestras rebajas en Librería Roble",
        ),
        (
            "Vorrei un video di 45 secondi che presenti il nostro nuovo gestionale.",
            "it",
            "il nostro nuovo gestionale",
        ),
        ("Crie um vídeo de 30 segundos sobre a segurança no armazém.", "pt", "a segurança no armazém"),
        (
            "Graag een filmpje van 45 seconden over onze nieuwe klantenportal.",
            "nl",
            "onze nieuwe klantenportal",
        ),
    ],
)
def test_the_subject_is_found_past_the_settings(prompt: str, language: str, subject: str) -> None:
    brief = read_local_brief(prompt, language)
    assert brief.subject == subject
    assert not any(w in brief.title.lower() for w in ("tiktok", "video", "vídeo", "filmpje", "secondi"))


def test_statements_that_name_no_point_are_placed_by_order_only_one_for_each_point() -> None:
    # Three points, three statements, in the same order: each goes under its point.
    one_each = read_local_brief(
        "Crea un vídeo de 30 segundos sobre la cafetería Luna. Cubre la apertura, la oferta y cómo llegar. "
        "Abrimos el 15 de marzo. El primer café es gratis. Estamos en la calle Colón 12.",
        "es",
    )
    assert sorted(one_each.attached) == [0, 1, 2] and one_each.statements == []
    # One general statement for three points: said on its own, not pinned to the first point.
    general = read_local_brief(
        "Maak een video over onze portal. Bespreek het inloggen, de facturen en de helpdesk. "
        "Vermeld dat de portal op 1 maart live gaat.",
        "nl",
    )
    assert general.attached == {} and general.statements == ["Onthoud dat de portal op 1 maart live gaat."]
