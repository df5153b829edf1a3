"""The English script the offline planner writes: the brief's points and facts, then the documents'
best sentences, within the word budget of the asked length.

No content-free padding: the opening names the subject, each listed point gets its own scene and
heading, every statement and call to action the brief makes is said in the user's words, and the
rest of the time goes to what the attached documents say (chosen by :mod:`reelwright.plan.summarise`).
When that is not enough for the asked length, the video is shorter and the messages say why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reelwright.ingest.files import InputFile
from reelwright.plan.base import SHORTER_THAN_ASKED, Pacing, PlanRequest
from reelwright.plan.brief import Brief, point_heading, point_sentence, points_sentence, read_brief
from reelwright.plan.prompt import title_case
from reelwright.plan.summarise import (
    Unit,
    content_words,
    document_units,
    outline,
    score_units,
    select,
    short_title,
    speakable,
)
from reelwright.plan.visuals import pdf_visual
from reelwright.storyboard import (
    BulletSlide,
    ImageScene,
    PdfPage,
    PresenterLayout,
    TitleCard,
    VideoClip,
    Visual,
)

# Files whose pages or sections are narrated: PDFs, and the documents read into the same model.
_DOCUMENT_KINDS = ("pdf", "document")
SECONDS_PER_SLIDE = 7.0  # a deck's slide needs time to be seen and said
SECONDS_PER_SECTION = 9.0
MAX_SCANNED_PAGES = 5  # a scan's pages shown (not read: there is no text layer and no OCR)
MORE_SENTENCES = 3  # "say more about X": how many more of its sentences a document scene says

_OPEN = {
    "friendly": "Here's a quick look at {x}.",
    "upbeat": "Here's a quick look at {x}!",
    "formal": "This is a short overview of {x}.",
    "calm": "This is a short look at {x}.",
}
_CLOSE = {
    "friendly": "Thanks for watching!",
    "upbeat": "Thanks for watching!",
    "formal": "Thank you.",
    "calm": "Thank you for watching.",
}
LLM_HINT = "set REELWRIGHT_LLM_BASE_URL (see the README) for a full script"


@dataclass
class ScriptScene:
    id: str
    visual: Visual
    presenter: PresenterLayout
    sentences: list[str]


@dataclass
class Script:
    title: str
    scenes: list[ScriptScene] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _words(sentences: list[str]) -> int:
    return sum(len(s.split()) for s in sentences)


def _key(sentence: str) -> str:
    # Content words and numbers: "part 1" and "part 2" are different sentences.
    return " ".join(content_words(sentence) + re.findall(r"\d+", sentence)) or sentence.lower()


def _page_units(f: InputFile) -> list[Unit]:
    """A PDF without a layout model: a unit per page from its flat text."""
    units = []
    for n, text in enumerate(f.page_texts, start=1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        heading = lines[0] if lines and len(lines[0].split()) <= 9 and not lines[0].endswith(".") else None
        body = " ".join(lines[1:] if heading else lines)
        said = [s for s in (speakable(p) for p in re.split(r"(?<=[.!?])\s+|\s*[•▪●◦]\s*", body)) if s]
        if said:
            units.append(Unit(f"p{n}", heading, str(f.path), n, said))
    return units


def page_visual(
    f: InputFile | None,
    source: str,
    number: int,
    heading: str | None,
    title: str,
    said: Sequence[str] = (),
) -> Visual:
    """A PDF's page is shown by the part that helps while ``said`` is narrated (see
    :mod:`reelwright.plan.visuals`: a deck's slide cropped to its content, a document's section as a
    designed slide with the page as a reference, a figure on its own); a slide or section of any
    other document has no page to show, so it becomes a designed slide in the style: its heading and
    first points, or just its heading."""
    if f is not None and f.kind == "pdf" and f.document is not None:
        return pdf_visual(f.document, source, number, heading, title, said)
    if f is None or f.kind == "pdf" or f.document is None:
        return PdfPage(source=source, page=number, heading=heading)
    page = next((p for p in f.document.pages if p.number == number), None)
    points: list[str] = []
    for b in page.blocks if page is not None else []:
        # A paragraph is shown by its first sentence: the rest is said, not read off the screen.
        point = b.text if b.kind == "bullet" else re.split(r"(?<=[.!?])\s+", b.text)[0]
        if b.kind in ("bullet", "paragraph") and point not in points:
            points.append(point if len(point) <= 240 else point[:239].rsplit(" ", 1)[0] + "…")
    shown = (heading or (page.heading if page is not None else None) or title)[:200]
    if points:
        return BulletSlide(heading=shown, bullets=points[:5])
    return TitleCard(heading=shown)


def _attachment_noun(subject: str) -> str | None:
    m = re.search(
        r"\b(talk|deck|slides|document|specification|spec|paper|report|example|presentation|manual|handbook|"
        r"guide|brochure|flyer|policy|whitepaper|article|proposal)\b",
        subject,
        re.IGNORECASE,
    )
    if not m:
        return None
    noun = m.group(1).lower()
    return {"spec": "specification", "slides": "talk", "deck": "talk"}.get(noun, noun)


def _about(brief: Brief, doc_titles: list[str], disagree: bool) -> str:
    if doc_titles and (brief.about_attachment or disagree or not brief.subject):
        return doc_titles[0]
    return brief.subject or (doc_titles[0] if doc_titles else "this topic")


def material_units(request: PlanRequest) -> list[Unit]:
    """The attached documents' slides and sections, keyed as the script's scene ids."""
    appendix = "appendix" in request.video.prompt.lower()
    units: list[Unit] = []
    for f in request.files:
        if f.kind not in _DOCUMENT_KINDS:
            continue
        if f.document is not None:
            units += document_units(f.document, str(f.path), appendix=appendix)
        else:
            units += _page_units(f)
    for n, u in enumerate(units):
        u.key = f"pdf-{n}-{u.key}"
    return units


def disagreement(request: PlanRequest, brief: Brief, units: list[Unit] | None = None) -> str | None:
    """What to tell the user when the brief's subject is nowhere in the attached documents (a "Q3
    product launch" brief with a file-format specification attached), or None when they agree.
    Both planners say it: the offline one then follows the file, a model is told to."""
    units = material_units(request) if units is None else units
    documents = [f.document for f in request.files if f.kind in _DOCUMENT_KINDS and f.document is not None]
    doc_titles = [d.title for d in documents if d.title]
    vocabulary = {w for u in units for s in u.sentences for w in content_words(s)}
    vocabulary |= {w for t in doc_titles for w in content_words(t)}
    subject_words = set(content_words(brief.subject))
    if not units or brief.about_attachment or not subject_words or subject_words & vocabulary:
        return None
    what = f"“{doc_titles[0]}”" if doc_titles else "the attached file"
    return (
        f"Your brief asks for a video about {brief.subject}, but the attached file is {what}, which "
        "does not mention it; the video follows the file and says what your brief states. Attach "
        "material about your subject, or change the brief, for a video about it."
    )


def write_script(
    request: PlanRequest, target: float, pacing: Pacing, max_scenes: int, dropped: set[str], *, tone: str
) -> Script:
    brief = read_brief(request.video.prompt)
    wps = pacing.words_per_second
    messages: list[str] = []

    # --- the documents ---
    units = material_units(request)
    documents = [f.document for f in request.files if f.kind in _DOCUMENT_KINDS and f.document is not None]
    doc_titles = [d.title for d in documents if d.title]
    decks = sum(d.kind == "deck" for d in documents)
    scans: list[InputFile] = []
    for f in request.files:
        doc = f.document if f.kind in _DOCUMENT_KINDS else None
        if doc is not None and doc.running and not document_units(doc, str(f.path)):
            # Every line repeats on every page (a test print, a template): nothing to narrate.
            messages.append(
                f"{f.name} has no text to narrate apart from its running headers, footers and page "
                "numbers, so the video only names it."
            )
        elif doc is not None and f.kind == "pdf" and not doc.running and not document_units(doc, str(f.path)):
            # No text layer at all: a scan. Its pages can be shown, not read, without OCR.
            scans.append(f)
            messages.append(
                f"{f.name} has no text layer (a scanned document?), so its pages are shown but not "
                "read aloud; no OCR engine is installed. Attach a PDF with text, or add what it says "
                "to your brief."
            )
    first_document = next((f.document for f in request.files if f.document is not None), None)
    mismatch = disagreement(request, brief, units)
    disagree = mismatch is not None
    if mismatch is not None:
        messages.append(mismatch)

    if doc_titles and (brief.about_attachment or disagree or not brief.subject):
        title = short_title(doc_titles[0])
    elif brief.about_attachment and any(f.kind in _DOCUMENT_KINDS for f in request.files):
        # A document without a title: its first heading, else its file name.
        named = next((u.heading for u in units if u.heading), None)
        pdf = next(f for f in request.files if f.kind in _DOCUMENT_KINDS)
        title = short_title(named or title_case(re.sub(r"[_-]+", " ", Path(pdf.name).stem)))
    else:
        title = brief.title
    about = _about(brief, doc_titles, disagree)
    if brief.about_attachment and not doc_titles and any(f.kind in _DOCUMENT_KINDS for f in request.files):
        about = title

    # --- opening ---
    if brief.invitation:
        opening = f"You're invited to {brief.subject}."
    elif title.startswith("Welcome to ") and not doc_titles:
        opening = f"{title}: here's what you need to know as you start."
    elif doc_titles and about == doc_titles[0]:
        noun = _attachment_noun(brief.subject) or ("talk" if decks else "document")
        opening = f"This is a short summary of the {noun} {about}."
    else:
        opening = _OPEN.get(tone, _OPEN["friendly"]).format(x=about)
    said_first = [opening[0].upper() + opening[1:]]
    parts = outline(first_document) if first_document is not None else []
    if parts:
        # The outline slide is not shown, but what it lists is the talk's structure: say it once.
        parts_said = [part[:1].lower() + part[1:] if part[1:] == part[1:].lower() else part for part in parts]
        said_first.append(f"It covers {', '.join(parts_said[:-1])} and {parts_said[-1]}.")
    scenes: list[ScriptScene] = [
        ScriptScene(
            "intro",
            TitleCard(heading=title, subheading=f"For {brief.audience}" if brief.audience else None),
            "full",
            said_first,
        )
    ]

    # --- the brief's points, each with its own scene, and its statements ---
    # Each statement goes with the point it shares most words with (if any), the rest on their own.
    # What the user added in chat is said like the brief's own statements.
    statements = [*brief.statements, *(a for a in request.video.additions if a not in brief.statements)]
    attached: dict[int, list[str]] = {}
    for s in list(statements):
        words = set(content_words(s))
        overlaps = [len(words & set(content_words(p))) for p in brief.points]
        if overlaps and max(overlaps) > 0:
            attached.setdefault(overlaps.index(max(overlaps)), []).append(s)
            statements.remove(s)
    # Chat edits: a dropped point is not promised in the overview either, and the point the user
    # asked to start with comes first; ids stay the brief's numbering, the ordinals follow the order.
    order = [i for i in range(len(brief.points)) if f"point{i + 1}" not in dropped]
    order.sort(key=lambda i: f"point{i + 1}" != request.video.first_scene)
    kept_points = [brief.points[i] for i in order]
    if len(kept_points) >= 2:
        is_steps = all(re.match(r"(?i)step\s+\d", p) for p in kept_points)
        scenes.append(
            ScriptScene(
                "points",
                BulletSlide(
                    heading="Steps" if is_steps else "Key points",
                    bullets=[
                        point_heading(p) if is_steps else (p[:1].upper() + p[1:])[:240]
                        for p in kept_points[:6]
                    ],
                ),
                "side",
                [f"There are {len(kept_points)} steps." if is_steps else points_sentence(kept_points)],
            )
        )
    for pos, i in enumerate(order):
        point = brief.points[i]
        said = [point_sentence(point, pos, len(order)), *attached.get(i, [])]
        # What the brief says about the point goes on screen beside its heading.
        visual: Visual = (
            BulletSlide(heading=point_heading(point), bullets=[s.rstrip(".!?")[:240] for s in said[1:4]])
            if len(said) > 1
            else TitleCard(heading=point_heading(point), subheading=f"{pos + 1} of {len(order)}")
        )
        scenes.append(ScriptScene(f"point{i + 1}", visual, "side", said))
    for k in range(0, len(statements), 2):
        chunk = statements[k : k + 2]
        scenes.append(
            ScriptScene(
                f"facts{k // 2 + 1}",
                BulletSlide(heading=title, bullets=[s.rstrip(".!?")[:240] for s in chunk]),
                "side",
                chunk,
            )
        )

    # --- pictures and clips ---
    for f in request.files:
        if f.kind in ("image", "video"):
            visual = ImageScene(source=str(f.path)) if f.kind == "image" else VideoClip(source=str(f.path))
            line = "Take a look." if f.kind == "image" else "Here it is in motion."
            scenes.append(ScriptScene(f"{f.kind}{f.index + 1}", visual, "pip", [line]))
    for f in scans:
        assert f.document is not None
        for n in range(1, min(len(f.document.pages), MAX_SCANNED_PAGES) + 1):
            page = PdfPage(source=str(f.path), page=n)
            scenes.append(ScriptScene(f"scan{f.index + 1}-{n}", page, "pip", [f"Here is page {n}."]))

    closing = list(brief.calls)
    fixed_words = _words([s for sc in scenes for s in sc.sentences]) + _words(closing)

    # --- the documents' best sentences in the time that is left ---
    by_path = {str(f.path): f for f in request.files}
    if units:
        units = [u for u in units if u.key not in dropped]
        score_units(units, focus=" ".join([brief.subject, *brief.points]) if not disagree else "")
        spread = True  # a long deck or document is sampled across its length, not just its start
        room_scenes = max(1, max_scenes - len(scenes) - 1)
        chosen: list[Unit] = []
        for _ in range(3):  # the budget depends on the number of scenes, which depends on the budget
            n_scenes = len(scenes) + 1 + len(chosen)
            doc_seconds = target - pacing.scene_overhead * n_scenes - fixed_words / wps
            per = SECONDS_PER_SLIDE if decks else SECONDS_PER_SECTION
            limit = max(1, min(room_scenes, int(doc_seconds // per)))
            chosen = select(units, max(0.0, doc_seconds * wps), limit, spread=spread, most=room_scenes)
        # "Say more about security": a slide the user asked for is shown even if it was not chosen.
        asked = [u for u in units if u.key in request.video.expand_scenes and u not in chosen and u.sentences]
        for u in asked:
            u.chosen = [max(range(len(u.sentences)), key=lambda j: u.scores[j])]
        chosen = [u for u in units if u in chosen or u in asked]
        for u in chosen:
            if u.key in request.video.expand_scenes:
                more = [i for i in range(len(u.sentences)) if i not in u.chosen][:MORE_SENTENCES]
                if more:
                    u.chosen = sorted([*u.chosen, *more])
                else:
                    messages.append(
                        f"“{u.heading or title}” has nothing more in your files to say; add a line "
                        f"(“mention that …”), attach more material, or {LLM_HINT}."
                    )
            lead = u.lead()
            said = ([lead] if lead else []) + [u.sentences[i] for i in u.chosen]
            shown = page_visual(by_path.get(u.source), u.source, u.page, u.heading, title, said)
            layout: PresenterLayout = "side" if isinstance(shown, BulletSlide | TitleCard) else "pip"
            scenes.append(ScriptScene(u.key, shown, layout, said))

    # --- close: the call to action, or thanks when the script is long enough to carry it ---
    content_sentences = sum(len(s.sentences) for s in scenes)
    if not closing and content_sentences >= 4:
        closing = [_CLOSE.get(tone, _CLOSE["friendly"])]
    if closing:
        scenes.append(
            ScriptScene("close", TitleCard(heading="Thanks for watching", subheading=title), "full", closing)
        )

    # No sentence twice (a slide's title repeated as its first bullet, a statement a point already said).
    seen: set[str] = set()
    for scene in scenes:
        kept = []
        for s in scene.sentences:
            if _key(s) not in seen:
                kept.append(s)
                seen.add(_key(s))
        scene.sentences = kept
    scenes = [s for s in scenes if s.sentences and s.id not in dropped]
    # The scene count asked for ("in 5 scenes"): the overview and the thanks go first.
    for expendable in ("points", "close"):
        if len(scenes) > max_scenes:
            scenes = [s for s in scenes if not (s.id == expendable and (s.id != "close" or not brief.calls))]
    if len(scenes) > max_scenes:
        scenes = scenes[: max(1, max_scenes)]

    spoken = _words([s for sc in scenes for s in sc.sentences])
    estimate = spoken / wps + pacing.scene_overhead * len(scenes)
    if estimate < 0.9 * target:
        source = "your brief and files state" if request.files else "your brief states"
        # No estimate in the words: the same note then reads the same after a re-plan for the measured
        # pace, and the pipeline reports the finished video's real length next to it.
        messages.append(
            f"Without a language model the offline planner says only what {source}, so the video "
            f"{SHORTER_THAN_ASKED} the {target:.0f} s asked for. Add points or attach a document for a "
            f"longer video, or {LLM_HINT}."
        )
    return Script(title=title, scenes=scenes, messages=messages)
