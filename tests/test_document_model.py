"""The document model of real PDFs: structure from the layout, running text removed first."""

from __future__ import annotations

import itertools
import json
import pickle
from pathlib import Path

from reelwright.eval.bench import CORPUS
from reelwright.ingest.document import document_from_dict, document_to_dict, sections
from reelwright.ingest.files import inspect_files
from reelwright.ingest.layout_pdf import read_pdf_document
from reelwright.plan.summarise import document_units, speakable
from reelwright.plan.visuals import pdf_visual
from reelwright.storyboard import PdfPage
from tests.media import make_pdf

TALK = CORPUS / "beamerexample-conference-talk.pdf"
SPEC = CORPUS / "shared-mime-info-spec.pdf"


def test_a_beamer_deck_loses_its_navigation_bar_and_keeps_its_slides() -> None:
    doc = read_pdf_document(TALK)
    assert doc.kind == "deck" and len(doc.pages) == 31
    assert doc.title == "On the Complexity of SNP Block Partitioning Under the Perfect Phylogeny Model"
    # The headline's section names were on every slide: removed, and no page's text keeps them.
    assert "Bad News: Hardness Results" in doc.running
    assert not any("Good News: Tractability Results Summary" in p.text for p in doc.pages)
    roles = [p.role for p in doc.pages]
    assert roles[0] == "title" and roles[1] == "outline" and roles[-1] == "appendix"
    summary = next(p for p in doc.pages if p.heading == "Summary")
    assert summary.role == "content"
    assert any(b.text.startswith("For perfect path phylogenies") for b in summary.blocks)
    # Overlays of one frame become one slide; the appendix is left out unless asked for.
    units = document_units(doc, str(TALK))
    headings = [u.heading for u in units]
    assert all(a != b for a, b in itertools.pairwise(headings)) and len(units) < 25
    assert not any(u.page >= 27 for u in units)
    assert any(p.number >= 27 for p in doc.content_pages(appendix=True))


def test_a_spec_loses_its_running_header_and_page_numbers_and_keeps_heading_levels() -> None:
    doc = read_pdf_document(SPEC)
    assert doc.kind == "document" and doc.title == "Shared MIME-info Database"
    assert "Shared MIME-info Database" in doc.running
    assert not any(p.text.startswith("Shared MIME-info Database") for p in doc.pages[1:])
    first = doc.pages[0]
    kinds = {b.text: (b.kind, b.level) for b in first.blocks}
    assert kinds["Shared MIME-info Database"] == ("title", 0)
    assert kinds["Thomas Leonard"] == ("byline", 0)  # the author is not a heading to narrate
    assert kinds["1. Introduction"] == ("heading", 1) and kinds["1.1. Version"] == ("heading", 2)
    top = [s.heading for s in sections(doc) if s.heading]
    assert top[:2] == ["1. Introduction", "2. Unified system"]


def test_a_cheat_sheets_code_is_not_its_body_text_and_its_tips_are_headings() -> None:
    """Matplotlib's one-page tips handout: more characters of code (Roboto Mono, 7 pt) than of prose
    (Roboto Light, 10 pt). Taking the code's size for the body made every description a heading."""
    doc = read_pdf_document(CORPUS / "matplotlib-tips-handout.pdf")
    assert doc.title == "Matplotlib tips & tricks" and len(doc.pages) == 1
    kinds = {b.text: b.kind for b in doc.pages[0].blocks}
    for tip in ("Transparency", "Rasterization", "Offline rendering", "Text outline", "Hatching"):
        assert kinds[tip] == "heading", tip  # the first tip under the title is no byline either
    assert kinds["Use the Agg backend to render a figure directly in an array."] == "paragraph"
    margins = next(t for t in kinds if t.startswith("Once your figure is finished"))
    assert "remove white margins" in margins and kinds[margins] == "paragraph"


def test_page_numbers_printed_mid_page_are_running_text() -> None:
    doc = read_pdf_document(CORPUS / "pdfpages-dummy.pdf")
    assert all(p.role == "empty" for p in doc.pages)
    assert any(line.startswith("Page") for line in doc.running)


def test_the_model_is_plain_data_for_a_sandboxed_child(tmp_path: Path) -> None:
    doc = read_pdf_document(SPEC)
    assert pickle.loads(pickle.dumps(doc)) == doc
    assert document_from_dict(json.loads(json.dumps(document_to_dict(doc)))) == doc


def test_inspect_files_attaches_the_model_and_cleans_page_texts(tmp_path: Path) -> None:
    (spec,) = inspect_files([SPEC])
    assert spec.document is not None and len(spec.page_texts) == len(spec.document.pages) == 17
    assert not spec.page_texts[3].startswith("Shared MIME-info Database")
    deck = make_pdf(tmp_path / "deck.pdf", [("Roadmap", ["Ship the beta to early customers"])])
    (f,) = inspect_files([deck])
    assert f.document is not None and f.document.pages[0].blocks[-1].kind == "bullet"


def test_what_is_not_said_aloud() -> None:
    assert speakable("We can do perfect phylogeny haplotyping efficiently, but . . .") is None
    assert speakable("𝐹(𝑠) = ℒ{𝑓(𝑡)} is the Laplace transform of f") is None
    assert speakable("By default, \\symbf will turn a Latin letter bold and upright.") is None
    assert speakable("Perfect phylogeny perfect phylogeny perfect phylogeny") is None
    assert (
        speakable("Many programs use the MIME system[MIME] to represent the types of files (see RFC 2045).")
        == "Many programs use the MIME system to represent the types of files."
    )


def test_two_columns_are_read_column_by_column_around_a_wide_title() -> None:
    from reelwright.ingest.columns import in_reading_order
    from reelwright.ingest.layout_pdf import _join_segments
    from reelwright.ingest.running_text import Line

    def seg(text: str, x0: float, top: float, x1: float) -> Line:
        return Line(text, x0, top, x1, top + 10, 10.0, False)

    title = seg("A wide title across both columns of the page", 100, 40, 500)
    left = [seg(f"left line {i} of the first column goes on", 50, 100 + 12 * i, 290) for i in range(8)]
    right = [seg(f"right line {i} of the second column goes on", 310, 100 + 12 * i, 550) for i in range(8)]
    order = [ln.text for ln in in_reading_order([title, *right, *left], _join_segments, 0.0, 600.0)]
    assert order == [title.text, *(s.text for s in left), *(s.text for s in right)]
    # One column of text (lines crossing the middle) stays top to bottom.
    prose = [seg(f"a full-width line of prose number {i} here", 50, 100 + 12 * i, 550) for i in range(8)]
    assert [ln.text for ln in in_reading_order(prose, _join_segments, 0.0, 600.0)] == [s.text for s in prose]


def test_a_real_two_column_paper_reads_down_each_column() -> None:
    doc = read_pdf_document(CORPUS / "revtex-apssamp.pdf")
    assert doc.kind == "document" and doc.title == "Manuscript Title: with Forced Linebreak"
    # Authors' institutions under the title are bylines, not narration.
    assert any(b.kind == "byline" and "Third institution" in b.text for b in doc.pages[0].blocks)
    # Body-sized capitals with a roman numeral are the paper's sections (its body font reads bold
    # throughout, so bold is ignored).
    heads = [s.heading for s in sections(doc)]
    assert "II. MATH AND EQUATIONS" in heads and "III. CROSS-REFERENCING" in heads
    page2 = " ".join(b.text for b in doc.pages[1].blocks)
    # The left column's sentence runs on in the left column, not into the right one's first line.
    assert "see the natbib documentation for further details" in page2
    assert page2.index("natbib documentation") < page2.index("Example citations")
    # TeX's logo lowers its E into the next letters' boxes: the word is read once, not "REVTE TEX EX".
    assert "Because REVTEX uses the natbib package" in " ".join(b.text for b in doc.pages[0].blocks)


def test_titles_from_scaled_fonts_footnote_marks_and_excerpts() -> None:
    # llncsdoc sets every font at 1 pt and scales it: the size comes from the glyphs' boxes.
    manual = read_pdf_document(CORPUS / "llncsdoc.pdf")
    assert manual.title is not None and manual.title.startswith(
        "Instructions for Using Springer’s llncs Class"
    )
    assert "1 Installation" in [s.heading for s in sections(manual)]
    # A page that starts at "1 Introduction" is an excerpt without a title, not one titled so.
    assert read_pdf_document(CORPUS / "markitdown-autogen-paper.pdf").title is None


def test_each_tip_of_a_one_page_handout_is_shown_on_its_own_while_it_is_said() -> None:
    path = CORPUS / "matplotlib-tips-handout.pdf"
    doc = read_pdf_document(path)
    page = doc.pages[0]
    crops = {}
    for tip in ("Rasterization", "Offline rendering", "Text outline", "Getting rid of margins"):
        visual = pdf_visual(doc, str(path), 1, tip, doc.title or "", ())
        assert isinstance(visual, PdfPage) and visual.crop is not None, tip
        heading = next(b for b in page.blocks if b.text == tip)
        x0, y0, x1, y1 = visual.crop
        # The tip's heading is in its crop, the crop is a small part of the page, and no two tips
        # share one (the whole page, or one big region of it, for every tip said nothing of which).
        assert x0 <= heading.box[0] and y0 <= heading.box[1] <= y1, (tip, visual.crop)
        assert (x1 - x0) * (y1 - y0) < 0.2, (tip, visual.crop)
        crops[tip] = visual.crop
    assert len(set(crops.values())) == len(crops)
    offline = next(b for b in page.blocks if b.text.startswith("Use the Agg backend"))
    rasterize = next(b for b in page.blocks if b.text.startswith("If your figure is made"))
    top = crops["Offline rendering"][1]
    assert rasterize.box[3] < top <= offline.box[1]  # the tip above is not in it
