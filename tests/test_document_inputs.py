"""Documents beyond PDF: PowerPoint, Word, Markdown, plain text and HTML, read into the document model.

Real files nobody here wrote come from tests/data/documents (python-pptx's and python-docx's own test
files, see the manifest there) and the benchmark corpus (Debian nano's FAQ page, markdown-it-py's
README); decks and documents with speaker notes, running footers and pictures are generated here with
python-pptx and python-docx.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Inches, Pt

from reelwright.errors import FileRejected
from reelwright.eval.bench import CORPUS
from reelwright.ingest.document import document_from_dict, document_to_dict
from reelwright.ingest.files import Limits
from reelwright.ingest.sandbox import inspect_file, inspect_files
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.offline import OfflinePlanner
from reelwright.plan.summarise import document_units
from reelwright.storyboard import BulletSlide, PdfPage, TitleCard

DATA = Path(__file__).parent / "data" / "documents"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NOTES = {
    "Why heat pumps": "A heat pump moves warmth from the outside air into your home, even in frost.",
    "Installation": "Our fitters survey the house first and install the pump within two working days.",
    "Running costs": "Most households in the pilot saved about four hundred euros in their first winter.",
}
FOOTER = "Northwind Energy Internal Use Only"


def _png(color: tuple[int, int, int] = (30, 120, 200)) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    buf.seek(0)
    return buf


def make_deck(path: Path, *, notes: bool = True) -> Path:
    """A deck as people make them: a title slide, bulleted slides with speaker notes, a footer text
    box repeated on every slide, a picture, and a closing "Questions?" slide."""
    prs = Presentation()
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = "Heat Pumps for Every Home"
    first.placeholders[1].text = "Mira Holt, Northwind Energy"
    bullets = {
        "Why heat pumps": ["Three times as efficient as a gas boiler", "No flue, no fuel deliveries"],
        "Installation": ["Home survey", "Two working days", "Old radiators usually stay"],
        "Running costs": ["Pilot households saved money", "Smart tariff at night"],
    }
    for heading, points in bullets.items():
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = heading
        frame = slide.placeholders[1].text_frame
        frame.text = points[0]
        for point in points[1:]:
            frame.add_paragraph().text = point
        box = slide.shapes.add_textbox(Inches(0.3), Inches(7.0), Inches(5), Inches(0.4))
        box.text_frame.text = FOOTER
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
        if heading == "Installation":
            picture = slide.shapes.add_picture(_png(), Inches(7), Inches(5), Inches(2))
            picture._element.nvPicPr.cNvPr.set("descr", "A heat pump on an outside wall")
        if notes:
            slide.notes_slide.notes_text_frame.text = NOTES[heading]
    closing = prs.slides.add_slide(prs.slide_layouts[1])
    closing.shapes.title.text = "Questions?"
    closing.placeholders[1].text_frame.text = "hello@northwind.example"
    prs.save(str(path))
    return path


def make_word(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Volunteer Handbook", 0)
    d.add_paragraph("This handbook explains how our food bank works and what volunteers do on a shift.")
    d.add_heading("Before your first shift", 1)
    d.add_paragraph("Read the safety sheet and bring closed shoes, because the warehouse floor can be wet.")
    d.add_paragraph("Register at the front desk", style="List Bullet")
    d.add_paragraph("Collect a high-visibility vest", style="List Bullet")
    d.add_heading("Storage rules", 2)
    d.add_paragraph("Chilled food goes into the walk-in fridge within twenty minutes of arrival.")
    d.add_heading("On the day", 1)
    d.add_paragraph("Shifts start at nine and end at one, with a tea break at eleven for everyone.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate([("Day", "Lead volunteer"), ("Saturday", "Jonas Berg")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.save(str(path))
    return path


# ------------------------------------------------------------------------------------------ PowerPoint


def test_a_deck_becomes_slides_with_notes_titles_bullets_and_pictures(tmp_path: Path) -> None:
    f = inspect_file(0, make_deck(tmp_path / "talk.pptx"))  # through the sandboxed child process
    assert (f.kind, f.mime) == ("document", PPTX_MIME)
    doc = f.document
    assert doc is not None and doc.kind == "deck" and doc.title == "Heat Pumps for Every Home"
    assert [p.role for p in doc.pages] == ["title", "content", "content", "content", "closing"]
    assert [p.heading for p in doc.pages[1:4]] == list(NOTES)
    install = doc.pages[2]
    assert [b.text for b in install.blocks if b.kind == "bullet"] == [
        "Home survey",
        "Two working days",
        "Old radiators usually stay",
    ]
    assert install.notes == NOTES["Installation"]
    assert install.figures == ["A heat pump on an outside wall"]
    assert any(b.kind == "byline" and "Mira Holt" in b.text for b in doc.pages[0].blocks)
    # The footer on every slide is running text: removed from every page, not narrated.
    assert FOOTER in doc.running and not any(FOOTER in t for t in f.page_texts)
    # page_texts (what a language model reads) carry the notes after the slide's text.
    assert f.page_texts[1].endswith("Speaker notes: " + NOTES["Why heat pumps"])
    assert document_from_dict(document_to_dict(doc)) == doc


def test_speaker_notes_are_narrated_and_slides_are_drawn_not_shown_as_pdf_pages(tmp_path: Path) -> None:
    files = inspect_files([make_deck(tmp_path / "talk.pptx")])
    result = OfflinePlanner().plan(
        PlanRequest.of("Summarise the attached deck in a one-minute video.", files), Pacing()
    )
    board = result.storyboard
    said = " ".join(s.narration for s in board.scenes)
    for note in NOTES.values():
        assert note in said
    assert FOOTER not in said and "northwind.example" not in said and "Questions" not in said
    assert board.title == "Heat Pumps for Every Home"
    assert not any(isinstance(s.visual, PdfPage) for s in board.scenes)
    slides = [s.visual for s in board.scenes if isinstance(s.visual, BulletSlide)]
    assert [v.heading for v in slides] == list(NOTES)
    assert "Home survey" in slides[1].bullets


def test_a_deck_without_notes_is_narrated_from_its_slides(tmp_path: Path) -> None:
    files = inspect_files([make_deck(tmp_path / "bare.pptx", notes=False)])
    board = (
        OfflinePlanner()
        .plan(PlanRequest.of("Summarise this deck in 30 seconds.", files), Pacing())
        .storyboard
    )
    said = " ".join(s.narration for s in board.scenes)
    assert "efficient as a gas boiler" in said and FOOTER not in said


def test_python_pptx_test_decks_are_read(tmp_path: Path) -> None:
    tables = inspect_file(0, DATA / "tbl-cell.pptx").document
    assert tables is not None and tables.kind == "deck" and len(tables.pages) == 3
    assert tables.title is None  # Office's default "Presentation" names nothing
    assert any(";" in b.text for p in tables.pages for b in p.blocks)  # table rows as text
    notes = inspect_file(0, DATA / "sld-notes.pptx").document
    assert notes is not None and any(p.notes for p in notes.pages)


def test_a_real_talks_jotted_notes_are_read_line_by_line_and_said_as_sentences() -> None:
    """The AES 2011 talk from Apache POI's test data: notes written as labels and fragments."""
    f = inspect_file(0, CORPUS / "aes2011-evaluation-talk-notes.pptx")
    doc = f.document
    assert doc is not None and doc.kind == "deck" and len(doc.pages) == 28
    assert doc.title == "How effective communication can help evaluation achieve influence"
    assert sum(bool(p.notes) for p in doc.pages) == 11
    example = doc.pages[19]  # "Example: Include your clients"
    assert example.notes.splitlines()[:2] == [
        "Context and client",
        "Disabilities, national, evolving program, changing program managers",
    ]
    said = next(u for u in document_units(doc, "talk") if u.page == 20).sentences
    # A label on its own line names what the next line says; a full stop inside brackets does not
    # end the sentence (no "...throughout (understand interests." cut off mid-aside).
    assert said[0] == (
        "Context and client: disabilities, national, evolving program, changing program managers."
    )
    assert "Evaluation purpose: formative and summative evaluations over three years." in said
    assert all(s.count("(") == s.count(")") for s in said)
    # The agenda's questions ("Why marketing?") are listed, not asked mid-sentence.
    agenda = next(u for u in document_units(doc, "talk") if u.heading == "Overview").sentences
    listed = "Overview: rationale, the problem, why marketing, why communications and marketing."
    assert listed in agenda, agenda


# ------------------------------------------------------------------------------------------------ Word


def test_a_word_document_becomes_sections_with_heading_levels_lists_and_tables(tmp_path: Path) -> None:
    f = inspect_file(0, make_word(tmp_path / "handbook.docx"))
    assert (f.kind, f.mime) == ("document", DOCX_MIME)
    doc = f.document
    assert doc is not None and doc.kind == "document" and doc.title == "Volunteer Handbook"
    assert [p.heading for p in doc.pages] == [None, "Before your first shift", "On the day"]
    first = doc.pages[1]
    assert [(b.kind, b.level) for b in first.blocks if b.kind in ("heading", "bullet")] == [
        ("heading", 1),
        ("bullet", 1),
        ("bullet", 1),
        ("heading", 2),
    ]
    assert "Day; Lead volunteer" in doc.pages[2].text and "Saturday; Jonas Berg" in doc.pages[2].text
    board = (
        OfflinePlanner()
        .plan(
            PlanRequest.of("A 30 second video about the attached handbook.", inspect_files([f.path])),
            Pacing(),
        )
        .storyboard
    )
    said = " ".join(s.narration for s in board.scenes)
    assert "closed shoes" in said or "nine and end at one" in said
    assert not any(isinstance(s.visual, PdfPage) for s in board.scenes)
    assert any(
        isinstance(s.visual, BulletSlide | TitleCard) and s.visual.heading == "On the day"
        for s in board.scenes
    )


def test_python_docx_test_documents_are_read() -> None:
    styles = inspect_file(0, DATA / "par-known-styles.docx").document
    assert styles is not None and styles.kind == "document" and styles.pages
    mixed = inspect_file(0, DATA / "blk-paras-and-tables.docx").document
    assert mixed is not None and sum(p.words for p in mixed.pages) > 10


# ------------------------------------------------------------------------------------ Markdown, text


def test_a_markdown_readme_keeps_its_headings_and_skips_its_code() -> None:
    f = inspect_file(0, CORPUS / "markdown-it-py-README.md")
    assert (f.kind, f.mime) == ("document", "text/markdown")
    doc = f.document
    assert doc is not None and doc.title == "markdown-it-py"
    assert [p.heading for p in doc.pages[1:]] == ["Installation", "Usage", "References / Thanks"]
    assert any(b.kind == "bullet" and "CommonMark" in b.text for b in doc.pages[0].blocks)
    text = "\n".join(f.page_texts)
    assert "pip install" not in text and "import MarkdownIt" not in text  # code is not narrated


def test_plain_text_is_paragraphs_under_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Library opening hours\n\nFrom June the library opens at eight on weekdays.\n"
        "    Indented lines are still prose in a text file, not code.\n",
        encoding="utf-8",
    )
    f = inspect_file(0, path)
    assert f.mime == "text/plain" and f.document is not None
    assert f.document.title == "Library opening hours"
    assert "Indented lines are still prose" in f.page_texts[0]


# ------------------------------------------------------------------------------------------------ HTML


def test_an_html_page_keeps_its_main_content_without_navigation(tmp_path: Path) -> None:
    page = tmp_path / "article.html"
    nav = " ".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(12))
    page.write_text(
        "<!DOCTYPE html><html><head><title>Composting at Home</title></head><body>"
        f"<nav><ul><li>{nav}</li></ul></nav>"
        "<article><h1>Composting at Home</h1>"
        "<p>Composting turns kitchen scraps and garden waste into rich soil in about six months, and it "
        "keeps a third of household rubbish out of the bin.</p>"
        "<h2>What goes in</h2><p>Mix green material such as peelings with brown material such as dry "
        "leaves and cardboard, roughly one part green to two parts brown.</p>"
        "<ul><li>Fruit and vegetable peelings</li><li>Coffee grounds and tea bags</li></ul>"
        "<h2>What stays out</h2><p>Meat, dairy and cooked food attract rats and should go in the food "
        "waste collection instead of the compost heap.</p></article>"
        "<footer>Copyright 2026 Green Streets. Privacy policy. Cookie settings.</footer></body></html>",
        encoding="utf-8",
    )
    f = inspect_file(0, page)
    assert (f.kind, f.mime) == ("document", "text/html")
    doc = f.document
    assert doc is not None and doc.title == "Composting at Home"
    assert [p.heading for p in doc.pages[1:]] == ["What goes in", "What stays out"]
    text = "\n".join(f.page_texts)
    assert "Coffee grounds and tea bags" in text
    assert "Section 3" not in text and "Privacy policy" not in text


def test_a_real_faq_page_reads_as_sections_and_its_contents_list_is_not_narrated() -> None:
    f = inspect_file(0, CORPUS / "nano-faq.html")
    doc = f.document
    assert doc is not None and doc.title == "The GNU nano editor FAQ"
    assert doc.pages[0].role == "outline"  # the table of contents
    assert [p.heading for p in doc.pages[1:4]] == [
        "1. General",
        "2. Where to get GNU nano.",
        "3. Installation and Configuration",
    ]
    board = (
        OfflinePlanner()
        .plan(PlanRequest.of("Explain the attached FAQ page in 45 seconds.", [f]), Pacing())
        .storyboard
    )
    assert "Table of Contents" not in " ".join(s.narration for s in board.scenes)
    assert not any(isinstance(s.visual, PdfPage) for s in board.scenes)


# ------------------------------------------------------------------------------------------- errors


def _problem(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(FileRejected) as caught:
        inspect_file(0, path, limits=limits) if limits else inspect_file(0, path)
    return caught.value.problem


def test_empty_pictures_only_encrypted_and_old_office_files_say_so(tmp_path: Path) -> None:
    assert _problem(DATA / "no-slides.pptx") == "presentation has no slides"
    pictures = docx.Document()
    pictures.add_picture(_png())
    pictures.save(str(tmp_path / "pictures.docx"))
    assert _problem(tmp_path / "pictures.docx") == "Word document has no text (empty, or pictures only?)"
    blank = Presentation()
    blank.slides.add_slide(blank.slide_layouts[6]).shapes.add_picture(_png(), 0, 0)
    blank.save(str(tmp_path / "pictures.pptx"))
    assert _problem(tmp_path / "pictures.pptx") == "presentation has no text (pictures only?)"
    (tmp_path / "blank.md").write_text("\n\n   \n", encoding="utf-8")
    assert _problem(tmp_path / "blank.md") == "text file is empty"
    (tmp_path / "code.md").write_text("```\nprint('hi')\n```\n", encoding="utf-8")
    assert _problem(tmp_path / "code.md") == "Markdown file has no text to narrate (only code or markup?)"
    # An encrypted Office file is an OLE compound file holding an "EncryptedPackage" stream.
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    )
    (tmp_path / "locked.pptx").write_bytes(ole)
    assert _problem(tmp_path / "locked.pptx").startswith("document is password-protected")
    (tmp_path / "old.doc").write_bytes(ole.replace("EncryptedPackage".encode("utf-16-le"), bytes(32)))
    assert _problem(tmp_path / "old.doc").startswith("old Office format (.doc, .ppt, .xls) is not supported")


def test_damaged_and_oversized_documents_are_refused(tmp_path: Path) -> None:
    deck = make_deck(tmp_path / "talk.pptx")
    truncated = tmp_path / "truncated.pptx"
    truncated.write_bytes(deck.read_bytes()[: deck.stat().st_size // 2])
    assert "damaged" in _problem(truncated)
    assert _problem(deck, Limits(document_bytes=10_000)).startswith("file is ")
    assert re.match(
        r"document unpacks to \d+\.\d MB; the limit is 0.0953674 MB",
        _problem(deck, Limits(document_unpacked_bytes=100_000)),
    )
    assert _problem(deck, Limits(document_pages=3)) == "presentation has 5 slides; the limit is 3"
    other = tmp_path / "archive.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("notes.txt", "hello")
    assert _problem(other).startswith("not a supported file type (a zip archive that is not")
    (tmp_path / "latin1.txt").write_bytes("café au lait".encode("latin-1"))
    assert _problem(tmp_path / "latin1.txt").startswith("not a supported file type")


# ------------------------------------------------------------------------------------------- render


@pytest.mark.slow
def test_cli_renders_a_video_from_a_deck_with_speaker_notes(tmp_path: Path) -> None:
    deck = make_deck(tmp_path / "talk.pptx")
    out = tmp_path / "talk.mp4"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "reelwright",
            "render",
            "A 20 second summary of the attached deck.",
            "--file",
            str(deck),
            "-o",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 10_000
    srt = re.sub(r"\s+", " ", out.with_suffix(".srt").read_text())
    assert "heat pump moves warmth" in srt
    assert FOOTER not in srt


def test_the_language_model_reads_each_slide_with_its_notes(tmp_path: Path) -> None:
    from reelwright.plan.llm import describe_files

    text, images = describe_files(inspect_files([make_deck(tmp_path / "talk.pptx")]))
    # The deck's model, not its flat text: titled, its slides' headings and points, the closing
    # "Questions?" slide left out.
    assert "a slide deck titled 'Heat Pumps for Every Home', 5 pages" in text
    assert images == []  # no page image to send: the slides are drawn
    assert "slide 2 text: Why heat pumps. Points: Three times as efficient as a gas boiler;" in text
    assert "Speaker notes: " + NOTES["Installation"] in text
    assert FOOTER not in text and "Questions?" not in text


def test_a_german_brief_with_a_deck_narrates_the_notes_and_skips_title_and_closing(tmp_path: Path) -> None:
    files = inspect_files([make_deck(tmp_path / "talk.pptx")])
    board = (
        OfflinePlanner()
        .plan(
            PlanRequest.of(
                "Erstelle ein 40-Sekunden-Video über die angehängten Folien zu Wärmepumpen.", files
            ),
            Pacing(),
        )
        .storyboard
    )
    said = " ".join(s.narration for s in board.scenes)
    assert NOTES["Why heat pumps"] in said
    assert "Questions?" not in said and "Mira Holt" not in said and FOOTER not in said
    assert not any(isinstance(s.visual, PdfPage) for s in board.scenes)
