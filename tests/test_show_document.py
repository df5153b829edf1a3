"""Showing a document well: slides cropped to their content, a document's text-heavy page as a
designed slide with the page as a reference card, figures cropped out on their own.

The PDFs here are real files written with Skia's PDF backend (embedded fonts, a real bitmap), read
back by PDFium; the corpus test renders a Beamer talk nobody here wrote and looks at its frames.
"""

from __future__ import annotations

import itertools
import json
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest

from reelwright import pipeline
from reelwright.errors import InputError
from reelwright.ingest.layout_pdf import read_pdf_document
from reelwright.ingest.media import extract_frame, probe
from reelwright.ingest.regions import content_box, figure_boxes, read_graphics
from reelwright.pipeline.ingest import check_sources
from reelwright.plan.offline import OfflinePlanner
from reelwright.plan.visuals import key_points, pdf_visual, shorten
from reelwright.render.layout import Frame, Rect, frame_for
from reelwright.render.slides import draw_scene_layer
from reelwright.render.timeline import build_timeline
from reelwright.request import VideoRequest
from reelwright.storyboard import BulletSlide, PageReference, PdfPage, Scene, Storyboard, TitleCard
from reelwright.styles.catalogue import get_style
from reelwright.textpdf import pdf_string

CORPUS = Path(__file__).resolve().parents[1] / "src/reelwright/eval/data/corpus"
NAV_RED = (220, 30, 30)
STYLE = get_style("clean")

_BODY = (
    "The installer copies the program and its data files into place and checks that every "
    "library it needs is present. It writes a log of each step, so that a failed install can be "
    "repeated by hand. When the target directory already holds an older version, the installer "
    "keeps the user's settings and replaces only the program files. Each step can be undone with "
    "the uninstall command, which reads the same log. The installer never changes files outside "
    "the target directory unless the system option is given."
)


def _text(text: str, x: float, y: float, size: float, *, bold: bool = False, white: bool = False) -> bytes:
    """Helvetica at ``x``, ``y`` (points from the top left, as the model counts them)."""
    ink = b"1 1 1 rg " if white else b"0 0 0 rg "
    return ink + b"BT /F%d %.1f Tf %.2f %.2f Td %s Tj ET" % (
        2 if bold else 1,
        size,
        x,
        _H - y,
        pdf_string(text),
    )


_H = 270.0  # the page height the content helpers count from; set per document


def _wrapped(text: str, x: float, y: float, width_chars: int, size: float) -> tuple[list[bytes], float]:
    ops = []
    for line in textwrap.wrap(text, width_chars):
        ops.append(_text(line, x, y, size))
        y += size * 1.35
    return ops, y


def _write_pdf(path: Path, pages: list[list[bytes]], size: tuple[float, float], image: bytes | None) -> Path:
    """A real PDF by hand: standard-14 fonts, and (when given) one RGB image 300x180 as /Im1."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog, tree = add(b""), add(b"")
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    xobject = b""
    if image is not None:
        data = zlib.compress(image)
        im = add(
            b"<< /Type /XObject /Subtype /Image /Width 300 /Height 180 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(data)
            + data
            + b"\nendstream"
        )
        xobject = b"/XObject << /Im1 %d 0 R >>" % im
    kids = []
    for ops in pages:
        content = b"\n".join(ops) + b"\n"
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources << /Font << /F1 %d 0 R "
                b"/F2 %d 0 R >> %s >> /Contents %d 0 R >>" % (tree, size[0], size[1], f1, f2, xobject, stream)
            )
        )
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def make_deck(path: Path, pages: int = 5) -> Path:
    """A 16:9 talk: a red navigation bar with section names, a footline and a page number on every
    slide, and a frame title with three bullets in between."""
    global _H
    _H = 270.0
    out = []
    for n in range(1, pages + 1):
        ops = [b"%.3f %.3f %.3f rg 0 %.2f 480 22 re f" % (*(c / 255 for c in NAV_RED), _H - 22)]
        ops.append(_text("Introduction    Methods    Results    Summary", 12, 14, 7, white=True))
        ops.append(_text(f"Topic number {n} of the talk", 24, 52, 18, bold=True))
        items = ("Measured on real input files", "Faster than the old tool", "Works offline on any laptop")
        for k, item in enumerate(items):
            ops.append(_text(f"\u2022 {item} ({n}.{k + 1})", 40, 100 + 32 * k, 13))
        ops.append(_text("A. Speaker - Example Conference 2024", 12, 262, 6))
        ops.append(_text(f"{n} / {pages}", 450, 262, 6))
        out.append(ops)
    return _write_pdf(path, out, (480, 270), None)


def make_manual(path: Path) -> Path:
    """An A4 manual: a running header and page numbers; page 1 a long text-only section, page 2
    a short paragraph, a picture and its caption, page 3 more text."""
    global _H
    _H = 842.0
    out = []
    headings = ["1. Installing the tool", "2. Measuring throughput", "3. Removing it"]
    for n in range(1, 4):
        ops = [_text("Example Tool Manual - Version 2", 60, 40, 8), _text(str(n), 290, 810, 8)]
        ops.append(_text(headings[n - 1], 60, 90, 16, bold=True))
        y = 120.0
        if n == 2:
            more, y = _wrapped(_BODY[:200], 60, y, 95, 10)
            ops += more
            # The picture at x 150..450, y 300..480 (from the top): cm maps the unit square to it.
            ops.append(b"q 300 0 0 180 150 %.2f cm /Im1 Do Q" % (_H - 480))
            ops.append(_text("Figure 1: Throughput by month", 220, 500, 9))
            more, y = _wrapped(_BODY[200:], 60, 540, 95, 10)
            ops += more
        else:
            for _ in range(4 if n == 1 else 2):
                more, y = _wrapped(_BODY, 60, y, 95, 10)
                ops += more
                y += 10
        if n == 3:
            # A booktabs table: its caption, three rules and four rows of three columns.
            ops.append(_text("Table 1: Supported formats", 220, 470, 9))
            for rule_y, width in ((480, 1.0), (500, 0.5), (580, 1.0)):
                ops.append(b"0 0 0 rg 120 %.2f 360 %.2f re f" % (_H - rule_y - width, width))
            for row, cells in enumerate((("Format", "Reads", "Writes"), ("PDF", "yes", "no"),
                                         ("PNG", "yes", "yes"), ("HTML", "yes", "no"))):  # fmt: skip
                for col, cell in enumerate(cells):
                    ops.append(_text(cell, 130 + 120 * col, 495 + 22 * row + (6 if row else 0), 10))
        out.append(ops)
    pixels = np.zeros((180, 300, 3), np.uint8)
    pixels[..., 0] = np.linspace(0, 255, 300, dtype=np.uint8)[None, :]
    pixels[..., 2] = np.linspace(255, 0, 180, dtype=np.uint8)[:, None]
    return _write_pdf(path, out, (595, 842), pixels.tobytes())


def _layer(visual: PdfPage | BulletSlide, frame: Frame, style: str = "clean") -> np.ndarray:
    scene = Scene(id="s", narration="x", visual=visual, presenter="pip")
    return draw_scene_layer(scene, frame, get_style(style), seed=1).image


def _line_heights(img: np.ndarray, r: Rect) -> list[int]:
    """The heights of the runs of rows with dark ink inside ``r``: one per line of text."""
    dark = img[r.y : r.bottom, r.x : r.right, :3].max(axis=2) < 100
    rows = np.flatnonzero(dark.sum(axis=1) > 2)
    if not rows.size:
        return []
    runs, start = [], rows[0]
    for a, b in itertools.pairwise(rows):
        if b > a + 4:  # a gap of a few rows is inside a line (a descender's thin stroke)
            runs.append(int(a - start + 1))
            start = b
    runs.append(int(rows[-1] - start + 1))
    return [r for r in runs if r > 5]  # specks (a descender's tip) are not lines


def _red(img: np.ndarray) -> int:
    r, g, b = (img[..., i].astype(int) for i in range(3))
    return int(((r > 180) & (g < 90) & (b < 90)).sum())


def test_deck_crop_removes_the_running_bands(tmp_path: Path) -> None:
    pdf = make_deck(tmp_path / "deck.pdf")
    doc = read_pdf_document(pdf)
    assert doc.kind == "deck"
    assert any("Example Conference" in r for r in doc.running)
    page = doc.pages[1]
    crop = content_box(page, read_graphics(str(pdf))[2])
    assert crop is not None
    x0, top, x1, bottom = crop
    # Below the navigation bar (22 pt of 270) and above the footline (at 262 pt), around the text.
    assert top >= 22 / 270 and bottom < 255 / 270
    for b in page.blocks:
        assert x0 <= b.box[0] and b.box[2] <= x1 and top <= b.box[1] and b.box[3] <= bottom

    visual = pdf_visual(doc, str(pdf), 2, page.heading, "Talk")
    assert isinstance(visual, PdfPage) and visual.crop == crop
    for size in ((1920, 1080), (1080, 1920), (1080, 1080)):
        frame = frame_for(*size, "pip")
        whole = _layer(PdfPage(source=str(pdf), page=2), frame)
        cropped = _layer(visual, frame)
        # The red navigation bar is on the page shown whole, and nowhere once cropped.
        assert _red(whole) > 1000 and _red(cropped) == 0, size

        # Shown larger: the slide's lines of text are taller than on the page shown whole.
        big, small = _line_heights(cropped, frame.content), _line_heights(whole, frame.content)
        assert np.median(big) > 1.15 * np.median(small), (size, big, small)


def test_text_heavy_page_becomes_a_designed_slide_with_a_reference(tmp_path: Path) -> None:
    pdf = make_manual(tmp_path / "manual.pdf")
    doc = read_pdf_document(pdf)
    assert doc.kind == "document"
    page = doc.pages[0]
    assert page.heading == "1. Installing the tool" and page.words > 200
    said = [
        "The installer copies the program and its data files into place and checks that every "
        "library it needs is present.",
        "It writes a log of each step, so that a failed install can be repeated by hand.",
    ]
    visual = pdf_visual(doc, str(pdf), 1, page.heading, "Manual", said)
    assert isinstance(visual, BulletSlide)
    assert visual.heading == "1. Installing the tool"
    assert visual.reference == PageReference(source=str(pdf), page=1)
    assert 2 <= len(visual.bullets) <= 5
    # What is said comes first on screen, shortened to a line.
    assert visual.bullets[0].startswith("The installer copies the program")
    assert all(len(b.split()) <= 15 for b in visual.bullets)

    for size in ((1920, 1080), (1080, 1920), (1080, 1080)):
        frame = frame_for(*size, "side")
        # A dark style without a card behind the points, so the page's white sheet stands out.
        img = _layer(visual, frame, "midnight")
        plain = _layer(BulletSlide(heading=visual.heading, bullets=visual.bullets), frame, "midnight")
        c = frame.content
        # The reference card: a white sheet in the content's right part that the plain slide lacks.
        right = img[c.y : c.bottom, c.x + c.w // 2 : c.right, :3]
        plain_right = plain[c.y : c.bottom, c.x + c.w // 2 : c.right, :3]
        white = (right.min(axis=2) > 250).sum()
        assert white > (plain_right.min(axis=2) > 250).sum() + 0.01 * right.shape[0] * right.shape[1], size


def test_designed_slide_text_stays_readable(tmp_path: Path) -> None:
    """Body text at least 36 px at 1080p: measured as the height of a capital letter's ink."""
    pdf = make_manual(tmp_path / "manual.pdf")
    frame = frame_for(1920, 1080, "side")
    # Five long points: too many to fit at a readable size, so some are left to the narration.
    points = [
        f"Point {n} says rather more than a slide line should say about the installer, its log, "
        "the settings it keeps and the files it never touches outside the target directory"
        for n in range(5)
    ]
    visual = BulletSlide(heading="H", bullets=points, reference=PageReference(source=str(pdf), page=1))
    img = _layer(visual, frame)
    c = frame.content
    # A line of 36 px type is at least ~25 px of ink from its ascenders to its descenders.
    runs = _line_heights(img, Rect(c.x, c.y, c.w // 2, c.h))
    assert len(runs) >= 4 and min(runs) >= 25, runs


def test_figure_is_cropped_to_its_box_and_zooms(tmp_path: Path) -> None:
    pdf = make_manual(tmp_path / "manual.pdf")
    doc = read_pdf_document(pdf)
    graphics = read_graphics(str(pdf))
    image_box = (150 / 595, 300 / 842, 450 / 595, 480 / 842)
    assert figure_boxes(doc.pages[0], graphics[1]) == []
    figures = figure_boxes(doc.pages[1], graphics[2])
    assert len(figures) == 1
    fig = figures[0]
    # The picture's box, with its caption below it.
    assert abs(fig[0] - image_box[0]) < 0.01 and abs(fig[2] - image_box[2]) < 0.01
    assert abs(fig[1] - image_box[1]) < 0.01 and image_box[3] < fig[3] < 510 / 842

    visual = pdf_visual(doc, str(pdf), 2, "2. Measuring throughput", "Manual")
    assert isinstance(visual, PdfPage) and visual.zoom > 1.0 and visual.crop is not None
    crop = visual.crop
    assert crop[0] <= fig[0] and crop[2] >= fig[2] and crop[1] <= fig[1] and crop[3] >= fig[3]
    assert (crop[2] - crop[0]) * (crop[3] - crop[1]) < 0.25  # the figure, not the page
    frame = frame_for(1920, 1080, "pip")
    layer = draw_scene_layer(Scene(id="f", narration="x", visual=visual), frame, STYLE, seed=1)
    assert layer.media_picture is not None and layer.media_box is not None and layer.media_zoom == visual.zoom
    pic = np.asarray(layer.media_picture.convert("RGB")).astype(int)
    # Mostly the gradient picture: red rises left to right, blue falls top to bottom.
    mid = pic[pic.shape[0] // 2]
    assert mid[-len(mid) // 5, 0] > mid[len(mid) // 5, 0] + 80
    want = (crop[2] - crop[0]) * 595 / ((crop[3] - crop[1]) * 842)
    assert abs(pic.shape[1] / pic.shape[0] - want) < 0.05


def test_a_ruled_table_is_a_figure(tmp_path: Path) -> None:
    pdf = make_manual(tmp_path / "manual.pdf")
    page = read_pdf_document(pdf).pages[2]
    tables = figure_boxes(page, read_graphics(str(pdf))[3])
    assert len(tables) == 1
    x0, top, x1, bottom = tables[0]
    # From the caption above the top rule to the bottom rule, across the rules' width.
    assert abs(x0 - 120 / 595) < 0.01 and abs(x1 - 480 / 595) < 0.01
    assert 455 / 842 < top < 465 / 842 and abs(bottom - 581 / 842) < 0.01


def test_points_are_short_lines() -> None:
    assert shorten("Many programs use the MIME system[MIME] to represent the types of files.") == (
        "Many programs use the MIME system to represent the types of files"
    )
    long = "It is also useful to store information about each type, such as a textual description of it."
    assert shorten(long) == "It is also useful to store information about each type"
    assert shorten(" ".join(["word"] * 30)).endswith("…")


def test_key_points_skip_the_heading_and_code(tmp_path: Path) -> None:
    pdf = make_manual(tmp_path / "manual.pdf")
    page = read_pdf_document(pdf).pages[0]
    points = key_points(["Installing the tool.", "x = f(2, 3) + 4;", "It writes a log of each step."],
                        "Installing the tool", page)  # fmt: skip
    assert points[0] == "It writes a log of each step" and len(points) <= 5
    # The page's paragraphs repeat that sentence: shown once. Grammar from a spec is not a point.
    assert sum(p.startswith("It writes a log") for p in points) == 1
    grammar = key_points(
        ["DEFINITIONS <EXPLICIT or IMPLICIT> TAGS ::=", "Call asn1_create() first."], "H", page
    )
    assert not any("::=" in p or "()" in p for p in grammar)
    led = key_points(
        ["Installing the tool: copy the files, then run the check."], "Installing the tool", page
    )
    assert led[0] == "Copy the files, then run the check"
    # The page's paragraphs repeat that sentence: shown once. Grammar from a spec is not a point.
    assert sum(p.startswith("It writes a log") for p in points) == 1
    grammar = key_points(
        ["DEFINITIONS <EXPLICIT or IMPLICIT> TAGS ::=", "Call asn1_create() first."], "H", page
    )
    assert not any("::=" in p or "()" in p for p in grammar)
    led = key_points(
        ["Installing the tool: copy the files, then run the check."], "Installing the tool", page
    )
    assert led[0] == "Copy the files, then run the check"


def test_crop_and_reference_are_optional_and_checked(tmp_path: Path) -> None:
    old = {"kind": "pdf_page", "source": "a.pdf", "page": 2}
    assert PdfPage.model_validate(old).crop is None
    assert PdfPage.model_validate(old).zoom == 1.0
    assert BulletSlide(heading="H", bullets=["a"]).reference is None
    for bad in ([0.5, 0.1, 0.4, 0.9], [0.0, 0.0, 1.2, 1.0], [0.1, 0.1, 0.12, 0.9], [0, 0, 1]):
        with pytest.raises(ValueError):
            PdfPage.model_validate({**old, "crop": bad})
    with pytest.raises(ValueError):
        PdfPage.model_validate({**old, "zoom": 3})
    pdf = make_manual(tmp_path / "manual.pdf")
    board = Storyboard(
        title="T",
        scenes=[
            Scene(
                id="a",
                narration="x",
                visual=BulletSlide(
                    heading="H", bullets=["a"], reference=PageReference(source=str(pdf), page=9)
                ),
            )
        ],
    )
    again = Storyboard.model_validate(json.loads(board.to_json()))
    assert again == board
    with pytest.raises(InputError) as err:
        check_sources(board)
    assert "visual.reference.page" in str(err.value) and "3 pages" in str(err.value)


@pytest.mark.slow
def test_corpus_talk_renders_its_slides_cropped(tmp_path: Path) -> None:
    """The Beamer example talk: every slide scene is cropped below its navigation bar and fills
    its box; a frame in the middle of one shows no navigation bar."""
    talk = CORPUS / "beamerexample-conference-talk.pdf"
    request = VideoRequest(prompt="A short summary of this talk", files=(str(talk),), duration=30)
    result = pipeline.run(
        pipeline.RenderJob(output=tmp_path / "t.mp4", request=request, files=[talk]), OfflinePlanner()
    )
    info = probe(result.video)
    assert info.video is not None and (info.video.width, info.video.height) == (1920, 1080)
    board = result.storyboard
    pages = [(i, s.visual) for i, s in enumerate(board.scenes) if isinstance(s.visual, PdfPage)]
    assert pages, [s.visual.kind for s in board.scenes]
    for _i, v in pages:
        assert v.crop is not None and v.crop[1] > 0.08  # below the headline and its rule
    timeline = build_timeline(board, get_style(board.style).transition_seconds)
    i, _v = pages[0]
    scene = timeline.scenes[i]
    img = np.asarray(extract_frame(result.video, (scene.start_frame + scene.n_frames // 2) / 30))
    c = frame_for(1920, 1080, board.scenes[i].presenter).content
    box = img[c.y : c.bottom, c.x : c.right].astype(int)
    # Beamer's navigation bar is near-black across the slide's width; cropped, no row of the
    # content box is dark from side to side.
    dark_rows = (box.max(axis=2) < 50).mean(axis=1) > 0.6
    assert not dark_rows.any()
    # The slide fills its box: its white sheet reaches most of the box's width or height.
    sheet = box.min(axis=2) > 235
    cols, rows = np.flatnonzero(sheet.any(axis=0)), np.flatnonzero(sheet.any(axis=1))
    assert (cols[-1] - cols[0]) > 0.9 * c.w or (rows[-1] - rows[0]) > 0.9 * c.h
    assert not any(isinstance(s.visual, TitleCard) and not s.narration for s in board.scenes)
