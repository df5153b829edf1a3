"""German, French and Spanish written forms that eSpeak NG reads wrongly, rewritten as said.

Checked first (decision 0008): eSpeak NG, which phonemizes for the eSpeak, Piper and (apart from
Japanese) Kokoro voices, already reads cardinals, decimals, thousands separators, percentages,
currency amounts and Roman numerals the way each language says them ("12,5 %" -> "zwölf Komma
fünf Prozent", "1 234 567 €" -> "un million deux cent trente-quatre mille..."). What it gets wrong,
and so what this module rewrites and nothing else:

* German ordinals: "am 3. Mai", "das 21. Jahrhundert" are read "drei." with a sentence break;
  written as "am dritten Mai", "das einundzwanzigste Jahrhundert".
* Numeric dates (03.05.2024, 03/05/2024) are read digit group by digit group ("null drei Punkt
  null fünf..."); written as "dritten Mai 2024", "3 mai 2024", "3 de mayo de 2024".
* Times: "14 h 30" is "quatorze hache trente"; "14:30 Uhr" says "Uhr" twice.
* French and Spanish ordinals "21e", "2e", "1er", "2.ª" ("vingt et un e", "dos punto a").
* Abbreviations read letter by letter or as a sentence end: "z. B.", "bzw.", "ca.", "Dr.",
  "p. ex.", "M.", "p. ej.", "Sr."...

Speech services do their own reading; the rewrite is still correct for them, so it applies to
every voice of these languages (narrate.py). Captions show the words as spoken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

# -- number words (only what ordinals and dates need: 1..99) ------------------------------------

_DE_UNITS: Final = [
    "null",
    "eins",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
]
_DE_TENS: Final = {2: "zwanzig", 3: "dreißig", 4: "vierzig", 5: "fünfzig", 6: "sechzig", 7: "siebzig",
                   8: "achtzig", 9: "neunzig"}  # fmt: skip
_DE_ORDINAL_IRREGULAR: Final = {1: "erst", 3: "dritt", 7: "siebt", 8: "acht"}


def _de_cardinal(n: int) -> str:
    if n < 20:
        return _DE_UNITS[n]
    tens, unit = divmod(n, 10)
    if unit == 0:
        return _DE_TENS[tens]
    return ("ein" if unit == 1 else _DE_UNITS[unit]) + "und" + _DE_TENS[tens]


def de_ordinal_stem(n: int) -> str:
    """``3`` -> ``dritt``, ``21`` -> ``einundzwanzigst`` (add the ending: -e, -en, -er...)."""
    if n in _DE_ORDINAL_IRREGULAR:
        return _DE_ORDINAL_IRREGULAR[n]
    return _de_cardinal(n) + ("t" if n < 20 else "st")


_FR_UNITS: Final = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
_FR_TENS: Final = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _fr_cardinal(n: int) -> str:
    if n <= 16:
        return _FR_UNITS[n]
    if n < 20:
        return "dix-" + _FR_UNITS[n - 10]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _FR_TENS[tens]
        return _FR_TENS[tens] + (" et un" if unit == 1 else "-" + _FR_UNITS[unit])
    if n < 80:
        return "soixante" + (" et " if n == 71 else "-") + _fr_cardinal(n - 60)
    if n == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + _fr_cardinal(n - 80)


def fr_ordinal(n: int, feminine: bool = False) -> str:
    """``1`` -> premier/première, ``2`` -> deuxième, ``21`` -> vingt et unième."""
    if n == 1:
        return "première" if feminine else "premier"
    words = _fr_cardinal(n)
    if words.endswith("cinq"):
        return words + "uième"
    if words.endswith("neuf"):
        return words[:-1] + "vième"
    if words.endswith("quatre-vingts"):
        words = words[:-1]
    return (words[:-1] if words.endswith("e") else words) + "ième"


_ES_ORDINALS: Final = ("", "primer", "segund", "tercer", "cuart", "quint", "sext", "séptim", "octav", "noven",
                       "décim")  # fmt: skip

_MONTHS: Final[dict[str, tuple[str, ...]]] = {
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}  # fmt: skip

# Longest first where one is the start of another; matched as whole words, case as written.
_ABBREVIATIONS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "de": (
        ("z. B.", "zum Beispiel"), ("z.B.", "zum Beispiel"), ("d. h.", "das heißt"), ("d.h.", "das heißt"),
        ("u. a.", "unter anderem"), ("u.a.", "unter anderem"), ("bzw.", "beziehungsweise"),
        ("ca.", "circa"), ("usw.", "und so weiter"), ("etc.", "et cetera"), ("ggf.", "gegebenenfalls"),
        ("inkl.", "inklusive"), ("evtl.", "eventuell"), ("vgl.", "vergleiche"), ("Nr.", "Nummer"),
        ("Mio.", "Millionen"), ("Mrd.", "Milliarden"), ("Dr.", "Doktor"), ("Prof.", "Professor"),
        ("Hr.", "Herr"), ("Std.", "Stunden"), ("Tel.", "Telefon"), ("z. T.", "zum Teil"),
        ("u. U.", "unter Umständen"),
    ),
    "fr": (
        ("p. ex.", "par exemple"), ("p.ex.", "par exemple"), ("c.-à-d.", "c'est-à-dire"),
        ("env.", "environ"), ("etc.", "et cetera"), ("M.", "Monsieur"), ("MM.", "Messieurs"),
        ("Mme", "Madame"), ("Mmes", "Mesdames"), ("Mlle", "Mademoiselle"), ("Dr", "Docteur"),
        ("Pr", "Professeur"), ("n°", "numéro"), ("no.", "numéro"), ("av. J.-C.", "avant Jésus-Christ"),
        ("apr. J.-C.", "après Jésus-Christ"), ("St", "Saint"), ("Ste", "Sainte"),
    ),
    "es": (
        ("p. ej.", "por ejemplo"), ("p.ej.", "por ejemplo"), ("EE. UU.", "Estados Unidos"),
        ("EE.UU.", "Estados Unidos"), ("Sr.", "señor"), ("Sra.", "señora"), ("Srta.", "señorita"),
        ("Dr.", "doctor"), ("Dra.", "doctora"), ("Ud.", "usted"), ("Uds.", "ustedes"),
        ("etc.", "etcétera"), ("aprox.", "aproximadamente"), ("núm.", "número"), ("n.º", "número"),
        ("pág.", "página"), ("tel.", "teléfono"), ("a. C.", "antes de Cristo"),
        ("d. C.", "después de Cristo"),
    ),
}  # fmt: skip


def _abbreviations(text: str, language: str) -> str:
    for written, said in sorted(_ABBREVIATIONS[language], key=lambda p: -len(p[0])):
        # Not inside a word. An abbreviation's dot at the end of a line also ends the sentence.
        pattern = r"(?<![\w.])" + re.escape(written) + (r"(?!\w)" if not written.endswith(".") else "")

        def expand(m: re.Match[str], said: str = said) -> str:
            return said + ("." if m.group(0).endswith(".") and _at_line_end(m) else "")

        text = re.sub(pattern, expand, text)
    return text


def _at_line_end(m: re.Match[str]) -> bool:
    rest = m.string[m.end() :]
    return rest.split("\n", 1)[0].strip(" \t)\"'»”’") == ""


# German: the article or preposition before an ordinal decides its ending (dative and
# accusative "-en", nominative "-e"): "am dritten Mai", "der dritte Mai", "im 21. Jahrhundert".
_DE_EN_BEFORE: Final = frozenset(
    ["am", "im", "vom", "zum", "beim", "dem", "den", "des", "einem", "einen", "eines", "zur", "seit", "ab"]
)
# Words after which "N." is an ordinal, not a number ending a sentence ("um 12. Das ist...").
_DE_ORDINAL_AFTER: Final = _DE_EN_BEFORE | frozenset(["der", "die", "das", "ein", "eine", "einer", "bis"])


def _de_ordinal_word(n: int, before: str) -> str:
    return de_ordinal_stem(n) + ("en" if before.lower() in _DE_EN_BEFORE else "e")


def _german(text: str) -> str:
    months = _MONTHS["de"]

    def date(m: re.Match[str]) -> str:
        before, day, month, year = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        lead = f"{before} " if before else ""
        return f"{lead}{_de_ordinal_word(day, before or 'am')} {months[month - 1]}" + (
            f" {year}" if year else ""
        )

    # 03.05.2024 / 3.5. (a year is optional)
    text = re.sub(r"(?:\b(\w+) )?\b(\d{1,2})\.(\d{1,2})\.(\d{4})?(?!\d)", date, text)

    def ordinal(m: re.Match[str]) -> str:
        before, n, after = m.group(1) or "", int(m.group(2)), m.group(3)
        # "am 3. Mai", "das 21. Jahrhundert"; but "um 12. Das ist..." ends a sentence.
        if n == 0 or n > 99 or (before.lower() not in _DE_ORDINAL_AFTER and after not in months):
            return m.group(0)
        return (f"{before} " if before else "") + _de_ordinal_word(n, before) + f" {after}"

    text = re.sub(r"(?:\b(\w+) )?\b(\d{1,2})\. ([A-ZÄÖÜ]\w+)", ordinal, text)
    # 14:30 Uhr -> 14 Uhr 30 (eSpeak NG otherwise says "Uhr" twice).
    text = re.sub(r"\b(\d{1,2}):(\d{2}) Uhr\b", lambda m: f"{int(m.group(1))} Uhr {int(m.group(2))}", text)
    return _abbreviations(text, "de")


def _french(text: str) -> str:
    months = _MONTHS["fr"]

    def date(m: re.Match[str]) -> str:
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        said = "premier" if day == 1 else str(day)
        return f"{said} {months[month - 1]} {year}"

    text = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", date, text)
    text = re.sub(r"\b1er\b", "premier", text)
    text = re.sub(r"\b1(?:re|ère)\b", "première", text)
    text = re.sub(r"\b(\d{1,2})(?:e|ème|è)\b", lambda m: fr_ordinal(int(m.group(1))), text)
    # 14 h 30, 14h30, 9 h -> heures (eSpeak NG says the letter "hache").
    text = re.sub(
        r"\b(\d{1,2}) ?h ?(\d{2})?\b",
        lambda m: (
            f"{m.group(1)} heure{'s' if int(m.group(1)) > 1 else ''}"
            + (f" {m.group(2)}" if m.group(2) else "")
        ),
        text,
    )
    return _abbreviations(text, "fr")


def _spanish(text: str) -> str:
    months = _MONTHS["es"]

    def date(m: re.Match[str]) -> str:
        day, month, year = int(m.group(1)), int(m.group(2)), m.group(3)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return m.group(0)
        return f"{day} de {months[month - 1]} de {year}"

    text = re.sub(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", date, text)

    def ordinal(m: re.Match[str]) -> str:
        n, ending = int(m.group(1)), m.group(2)
        if not 1 <= n <= 10:
            return m.group(0)
        stem = _ES_ORDINALS[n]
        if ending == "ª":
            return stem + "a" + (m.group(3) or "")
        # 1.er and 3.er, and 1.º and 3.º before a noun, are "primer", "tercer".
        short = ending == "er" or (m.group(3) and stem.endswith("er"))
        return stem + ("" if short else "o") + (m.group(3) or "")

    # 1.º, 2.ª, 3.er, 1º, 2ª
    text = re.sub(r"\b(\d{1,2})\.?(º|ª|er)(?!\w)( (?=[a-záéíóúñ])(?!(?:de|del|en|y|o)\b))?", ordinal, text)
    return _abbreviations(text, "es")


_REWRITERS: Final[dict[str, Callable[[str], str]]] = {"de": _german, "fr": _french, "es": _spanish}


def spoken_form(text: str, language: str) -> str:
    """``text`` with the written forms eSpeak NG misreads in ``language`` rewritten as said;
    unchanged for other languages."""
    rewrite = _REWRITERS.get(language.split("-")[0].lower())
    return rewrite(text) if rewrite is not None else text
