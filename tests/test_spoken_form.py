"""Numbers, dates and abbreviations in German, French and Spanish read the way those languages say
them: only the forms eSpeak NG misreads are rewritten (voice/spoken.py), and a narration says them."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelwright.voice.narrate import narrate
from reelwright.voice.spoken import de_ordinal_stem, fr_ordinal, spoken_form


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("de", "Am 3. Mai 2024 stieg der Umsatz.", "Am dritten Mai 2024 stieg der Umsatz."),
        ("de", "Am 03.05.2024 um 14:30 Uhr.", "Am dritten Mai 2024 um 14 Uhr 30."),
        ("de", "Die 2. Auflage, das 21. Jahrhundert.",
         "Die zweite Auflage, das einundzwanzigste Jahrhundert."),
        ("de", "Das kostet bzw. ca. 20 Euro, z. B. bei Dr. Müller.",
         "Das kostet beziehungsweise circa 20 Euro, zum Beispiel bei Doktor Müller."),
        # What eSpeak NG already reads well, and a number that ends a sentence, stay as written.
        ("de", "Um 12,5 % auf 1.234.567 €.", "Um 12,5 % auf 1.234.567 €."),
        ("de", "Wir wuchsen um 12. Das ist gut.", "Wir wuchsen um 12. Das ist gut."),
        ("de", "Version 3.5.1 ist da.", "Version 3.5.1 ist da."),
        ("fr", "Le 03/05/2024 à 14 h 30.", "Le 3 mai 2024 à 14 heures 30."),
        ("fr", "Le 21e siècle, la 2e édition, le 1er mai.",
         "Le vingt et unième siècle, la deuxième édition, le premier mai."),
        ("fr", "Cela coûte 19,99 €, p. ex. chez M. Dupont.",
         "Cela coûte 19,99 €, par exemple chez Monsieur Dupont."),
        ("de", "Äpfel, Birnen usw.\nDann mehr.", "Äpfel, Birnen und so weiter.\nDann mehr."),
        ("fr", "Les 10 hommes arrivent à 9h.", "Les 10 hommes arrivent à 9 heures."),
        ("es", "El 03/05/2024 a las 14:30.", "El 3 de mayo de 2024 a las 14:30."),
        ("es", "La 2.ª edición, el 1.er día, el 3.º puesto, el 1.º de mayo.",
         "La segunda edición, el primer día, el tercer puesto, el primero de mayo."),
        ("es", "Cuesta 19,99 €, p. ej. con el Sr. García en EE. UU.",
         "Cuesta 19,99 €, por ejemplo con el señor García en Estados Unidos."),
        ("en", "On 03/05/2024 Dr. Smith paid $5.", "On 03/05/2024 Dr. Smith paid $5."),
    ],
)  # fmt: skip
def test_written_forms_are_said(language: str, written: str, said: str) -> None:
    assert spoken_form(written, language) == said


def test_ordinal_words() -> None:
    assert [de_ordinal_stem(n) for n in (1, 3, 7, 8, 19, 20, 21, 31)] == [
        "erst", "dritt", "siebt", "acht", "neunzehnt", "zwanzigst", "einundzwanzigst", "einunddreißigst",
    ]  # fmt: skip
    assert [fr_ordinal(n) for n in (2, 4, 5, 9, 11, 21, 71, 80, 99)] == [
        "deuxième", "quatrième", "cinquième", "neuvième", "onzième", "vingt et unième", "soixante et onzième",
        "quatre-vingtième", "quatre-vingt-dix-neuvième",
    ]  # fmt: skip
    assert fr_ordinal(1, feminine=True) == "première"


def test_a_german_date_is_one_sentence_and_said_in_words(tmp_path: Path) -> None:
    """eSpeak NG read "am 3. Mai" as "drei" and a sentence end; now the date is words in one breath."""
    audio = narrate("Am 3. Mai 2024 kommt z. B. Dr. Müller.", "espeak-de", tmp_path / "de.wav")
    words = [w.word for w in audio.words]
    assert words[:3] == ["Am", "dritten", "Mai"] and "Beispiel" in words and "Doktor" in words
    gaps = [b.start - a.end for a, b in zip(audio.words, audio.words[1:], strict=False)]
    assert max(gaps) < 0.3  # no sentence break inside
