"""The language-model planner: a producer's storyboard from any OpenAI-compatible chat API.

The model sees the prompt, the files (PDF text and page images, pictures, clip and music
descriptions), the catalogue and a word budget from the voice's speaking rate, and answers with a
:class:`~reelwright.plan.draft.DraftPlan` through structured output. Invalid answers are sent back
with what is wrong, a bounded number of times. When the model cannot answer (timeouts, 429s, 5xx,
refusals, still invalid after the repairs, the time budget spent) the offline planner writes the
storyboard instead and the user is told so; a job never waits on a model for ever.
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image
from pydantic import BaseModel, Field

from reelwright.avatar.catalogue import AVATARS, get_avatar
from reelwright.ingest.document import sections
from reelwright.ingest.files import InputFile
from reelwright.ingest.sandbox import render_pdf_page  # bounded: a page must not take the worker down
from reelwright.llm.client import ChatClient, LlmUnavailable, Message
from reelwright.plan.base import (
    DEFAULT_DURATION,
    SHORTER_THAN_ASKED,
    Pacing,
    Planner,
    PlanRequest,
    PlanResult,
    Reading,
)
from reelwright.plan.brief import read_brief
from reelwright.plan.chat_rules import Revision
from reelwright.plan.draft import (
    DraftPlan,
    DraftProblem,
    draft_schema,
    from_storyboard,
    parse_draft,
    to_storyboard,
)
from reelwright.plan.facts import invented_numbers
from reelwright.plan.language import detect_language
from reelwright.plan.localized import ATTACHED, local_facts, read_local_brief
from reelwright.plan.offline import OfflinePlanner
from reelwright.plan.prompt import read_prompt
from reelwright.plan.script import disagreement
from reelwright.plan.summarise import outline
from reelwright.request import (
    MAX_ADDITION_CHARS,
    MAX_ADDITIONS,
    MAX_DURATION,
    MAX_SPEED,
    MIN_DURATION,
    MIN_SPEED,
)
from reelwright.storyboard import Storyboard
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

log = logging.getLogger("reelwright.plan")

MAX_PAGE_TEXT = 1500  # characters of each slide's text the model reads
MAX_SECTION_TEXT = 2500  # characters of each section of a document
MAX_DOCUMENT_TEXT = 24_000  # characters of one document in all
MAX_IMAGES = 6  # page renders and pictures sent as images
IMAGE_SIDE = 768
WORD_SLACK = 0.15  # a narration within ±15 % of the budget is accepted; the voice stage fine-tunes

_SYSTEM = """You are a video producer. You write the storyboard of a short narrated video: what the \
presenter says in each scene and what is on screen. Follow the user's brief exactly: its length, \
orientation, tone, audience, style, pacing and number of scenes.

Rules:
- Say only what the user gave you (the prompt and the attached files). Never invent facts, names, \
dates, prices or figures: every number you write must appear in the prompt or the files.
- Narration is spoken English prose: no Markdown, no lists, no stage directions, no emoji.
- The total narration must be about {words} words, because the voice speaks {wps:.1f} words a second \
and the video must last {target:.0f} seconds. {scene_rule}
- Show the user's files: use PDF pages as visuals where their content is narrated, and show every \
picture and clip. Audio files play as background music by themselves; never show them.
- Open with a title scene and close with a short closing scene.
- Choose the presenter, voice and style from the catalogue that fit the brief and explain why in \
"reason", unless the user chose them.
Answer with one JSON object that follows the given schema, nothing else."""


def _image_part(image: Image.Image) -> dict[str, Any]:
    image = image.convert("RGB")
    image.thumbnail((IMAGE_SIDE, IMAGE_SIDE))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{data}"}}


def describe_document(n: int, f: InputFile) -> list[str]:
    """A PDF or document as its model reads it: the title, then each slide (heading, points,
    speaker notes) or each section (heading, text), running text and back matter already gone."""
    doc = f.document
    assert doc is not None
    deck = doc.kind == "deck"
    what = "slide" if deck else "section"
    label = "PDF" if f.kind == "pdf" else f"document ({f.mime})"
    count = len(doc.content_pages()) if deck else len(sections(doc))
    lines = [
        f"File {n}: {label} {f.name!r}, a {'slide deck' if deck else 'document'}"
        + (f" titled {doc.title!r}" if doc.title else "")
        + f", {len(doc.pages)} pages, {count} {what}s. Headers, footers, page numbers and "
        "navigation bars are removed; outline, thank-you and reference pages are left out."
    ]
    if f.kind == "document":
        lines.append(
            f"  Each {what} is shown as a designed slide of its heading and points (use it as a file "
            "visual with its page number). Speaker notes, where given, are what the presenter says "
            "over that slide."
        )
    parts = outline(doc)
    if parts:
        # What an agenda slide lists (the slide itself is left out) or the top-level headings.
        lines.append(f"  Its parts, in order: {'; '.join(parts)}.")
    budget = MAX_DOCUMENT_TEXT
    if deck:
        for page in doc.content_pages():
            points = [b.text for b in page.blocks if b.kind == "bullet"]
            prose = [b.text for b in page.blocks if b.kind == "paragraph"]
            parts = [page.heading or "(no heading)"]
            if points:
                parts.append("Points: " + "; ".join(points))
            if prose:
                parts.append(" ".join(prose))
            text = ". ".join(p.rstrip(".") for p in parts)[:MAX_PAGE_TEXT]
            # Jotted notes keep where each line ended: "Evaluation purpose. Formative and ...".
            jotted = [ln.strip() for ln in page.notes.splitlines() if ln.strip()]
            spoken = " ".join(ln if ln.endswith((".", "!", "?", ":", ";")) else ln + "." for ln in jotted)
            notes = f" Speaker notes: {spoken}" if spoken else ""
            lines.append(f"  File {n} slide {page.number} text: {text}.{notes}")
            budget -= len(lines[-1])
            if budget <= 0:
                lines.append("  (the remaining slides are left out for length)")
                break
        return lines
    for section in sections(doc):
        # Sub-headings stay marked as such, so the model does not read "1.1. Version" as prose.
        body = " ".join(
            f"[{b.text}]" if b.kind == "heading" else ("• " if b.kind == "bullet" else "") + b.text
            for b in section.blocks
        )
        where = (
            f"page {section.pages[0]}"
            if len(section.pages) == 1
            else f"pages {section.pages[0]}-{section.pages[-1]}"
        )
        head = section.heading or "(before the first heading)"
        lines.append(f"  File {n} section {head!r} ({where}): {' '.join(body.split())[:MAX_SECTION_TEXT]}")
        budget -= len(lines[-1])
        if budget <= 0:
            lines.append("  (the remaining sections are left out for length)")
            break
    return lines


def describe_files(files: list[InputFile], *, with_images: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """The files as the model reads them: the document model of PDFs and documents (not their flat
    text), descriptions of the other media, and (``with_images``, for a model that takes them)
    images of pages and pictures."""
    max_images = MAX_IMAGES if with_images else 0
    lines: list[str] = []
    images: list[dict[str, Any]] = []
    for n, f in enumerate(files, start=1):
        if f.kind == "pdf":
            if f.document is not None:
                lines += describe_document(n, f)
            else:  # no layout could be read: the cleaned page text stands in
                lines.append(f"File {n}: PDF {f.name!r}, {len(f.page_texts)} pages.")
                for page, text in enumerate(f.page_texts, start=1):
                    snippet = " ".join(text.split())[:MAX_PAGE_TEXT]
                    lines.append(f"  File {n} page {page} text: {snippet or '(no text)'}")
            pages = [p.number for p in f.document.content_pages()] if f.document else []
            for page in pages or range(1, len(f.page_texts) + 1):
                if len(images) >= max_images:
                    break
                try:
                    images.append(_image_part(render_pdf_page(f.path, page, IMAGE_SIDE, IMAGE_SIDE)))
                    lines.append(f"  (file {n} page {page} is attached as image {len(images)})")
                except Exception:  # an image is a bonus; its text is already there
                    log.debug("could not render %s page %d", f.path, page, exc_info=True)
        elif f.kind == "document":
            if f.document is not None:
                lines += describe_document(n, f)
            else:
                lines.append(f"File {n}: document {f.name!r} ({f.mime}), {len(f.page_texts)} sections.")
                for page, text in enumerate(f.page_texts, start=1):
                    snippet = " ".join(text.split())[:MAX_PAGE_TEXT]
                    lines.append(f"  File {n} section {page} text: {snippet or '(no text)'}")
        elif f.kind == "image":
            lines.append(f"File {n}: picture {f.name!r}, {f.width}x{f.height}; shown with a slow zoom.")
            if len(images) < max_images:
                try:
                    with Image.open(f.path) as im:
                        images.append(_image_part(im))
                    lines.append(f"  (attached as image {len(images)})")
                except OSError:
                    pass
        elif f.kind == "video":
            lines.append(
                f"File {n}: video clip {f.name!r}, {f.duration or 0:.1f} s, {f.width}x{f.height}; "
                "plays muted under the narration."
            )
        else:
            lines.append(
                f"File {n}: audio {f.name!r}, {f.duration or 0:.0f} s; background music (not shown)."
            )
    return "\n".join(lines), images


def _brief_reading(prompt: str) -> str:
    """What the brief asks to be said, as the offline planner reads it: its points in order and the
    facts it states, each of which the narration must say in the user's words."""
    detected = detect_language(prompt)
    english = detected is None or detected.language == "en"  # the brief reader reads English
    if detected is not None and not english:
        return _local_brief_reading(prompt, detected.language)
    brief = read_brief(prompt)
    parts = []
    if english and not brief.about_attachment and brief.subject:
        parts.append(f"The brief's subject: {brief.subject}. A title of at most 8 words: {brief.title}.")
    if brief.points:
        parts.append("Points the brief lists, one scene each in this order: " + "; ".join(brief.points) + ".")
    if brief.facts:
        parts.append("Facts the brief states; say every one, in these words: " + "; ".join(brief.facts) + ".")
    if brief.calls:
        parts.append("Call to action, said last: " + " ".join(brief.calls))
    return "\n".join(parts)


def _local_brief_reading(prompt: str, language: str) -> str:
    """The same for a brief in another language, read with its word table where there is one."""
    local = read_local_brief(prompt, language)
    said = [*local.statements, *(s for v in local.attached.values() for s in v), *local.calls]
    parts = []
    if local.subject and not ATTACHED.search(local.subject):
        parts.append(f"The brief's subject: {local.subject}. A title of at most 8 words: {local.title}.")
    elif not local.subject and local.title:
        parts.append(f"A title of at most 8 words: {local.title}.")
    if local.audience:
        parts.append(f"Audience: {local.audience}.")
    if local.points:
        parts.append("Points the brief lists, one scene each in this order: " + "; ".join(local.points) + ".")
    facts = local_facts([local.subject, local.audience or "", *local.points, *said], language)
    if facts:
        parts.append("Facts the brief states; say every one, in these words: " + "; ".join(facts) + ".")
    if local.calls:
        parts.append("Call to action, said last: " + " ".join(local.calls))
    return "\n".join(parts)


def _catalogue(language: str | None) -> str:
    avatars = "; ".join(
        f"{a.id} ({a.gender}, {a.description}, suits {a.preferred_orientation})" for a in AVATARS.values()
    )
    styles = "; ".join(f"{s.id} ({s.name}: {s.description})" for s in STYLES.values())
    natural = [v for v in VOICES.values() if v.quality == "natural"]
    others = [
        v for v in VOICES.values() if v.quality != "natural" and language and v.language.startswith(language)
    ]
    voices = "; ".join(f"{v.id} ({v.language}, {v.gender}, {v.quality})" for v in [*natural, *others[:5]])
    return f"Presenters: {avatars}.\nStyles: {styles}.\nVoices: {voices}."


class ChatDecision(BaseModel):
    """How the model reads a chat message about a draft."""

    action: Literal["approve", "revise", "ask"] = Field(
        description="approve: render the draft as it is; revise: change it; ask: a question is needed"
    )
    reply: str = Field(description="one or two sentences to the user about what you will do")
    question: str | None = Field(default=None, description="for ask: the question to the user")
    duration_sec: float | None = Field(default=None, description="a new target length, if asked")
    orientation: Literal["landscape", "portrait"] | None = None
    avatar: str | None = Field(default=None, description="a presenter id, if the user asked for another")
    no_avatar: bool | None = Field(default=None, description="true if the user wants no presenter")
    voice: str | None = Field(default=None, description="a voice id, if the user asked for another")
    voice_speed: float | None = Field(default=None, description="0.8-1.2; below 1 is slower and calmer")
    style: str | None = None
    tone: str | None = None
    render_after: bool = Field(default=False, description="true if the user also asked to render it now")
    add_sentences: list[str] = Field(
        default_factory=list,
        description="sentences the user asked to add to the narration, in their words",
    )


class LlmPlanner:
    """Plans with a language model; the offline planner stands in whenever the model cannot."""

    name = "llm"

    def __init__(self, client: ChatClient, fallback: Planner | None = None) -> None:
        self.client = client
        self.fallback = fallback or OfflinePlanner()

    # --- planning ------------------------------------------------------------------------------

    def plan(self, request: PlanRequest, pacing: Pacing) -> PlanResult:
        brief = read_prompt(request.video.prompt)
        target, scene_count, words = self._sizes(request, pacing)
        messages: list[str] = []
        try:
            self.client.start_budget()
            board, memo = self._first_plan(
                request, brief.scenes, scene_count, words, target, pacing, messages
            )
        except LlmUnavailable as exc:
            said = (
                f"The language model could not write this storyboard ({exc.reason}), so the built-in "
                "offline planner wrote it instead."
            )
            offline = self.fallback.plan(request, pacing)
            # Re-plans of this job stay offline: consistent, and no more waiting on the model.
            return PlanResult(offline.storyboard, (said, *offline.messages), _FellBack(offline))
        mismatch = disagreement(request, read_brief(request.video.prompt)) if request.files else None
        if mismatch is not None and request.previous is None:
            messages.insert(0, mismatch)
        if board.narration_words() < (1 - WORD_SLACK) * words:
            # The model could not fill the length from what it was given (it must not invent):
            # said here, so the pipeline's own length note does not say it a second time.
            messages.append(
                f"The language model found less to say than the {target:.0f} s asked for, so the video "
                f"{SHORTER_THAN_ASKED} asked. Add points or attach a document for a longer video."
            )
        return PlanResult(board, tuple(messages), memo)

    def replan(self, request: PlanRequest, previous: PlanResult, pacing: Pacing) -> PlanResult:
        """After hearing the narration: the model rewrites its own storyboard to a corrected length."""
        memo = previous.memo
        if isinstance(memo, _FellBack):
            offline = self.fallback.replan(request, memo.offline, pacing)
            return PlanResult(offline.storyboard, offline.messages, _FellBack(offline))
        assert isinstance(memo, _ModelDraft)
        target, _scenes, words = self._sizes(request, pacing)
        try:
            board, new_memo = self._adjust_length(request, memo, previous.storyboard, words, target)
        except LlmUnavailable:
            return previous  # keep the model's script; the voice stage adjusts the rate
        return PlanResult(board, (), new_memo)

    def _sizes(self, request: PlanRequest, pacing: Pacing) -> tuple[float, int, int]:
        """The target length, the number of scenes that suits it and the narration's word budget."""
        brief = read_prompt(request.video.prompt)
        target = request.video.duration or brief.duration or DEFAULT_DURATION
        scene_count = brief.scenes or max(2, min(12, round(target / 9)))
        words = self._budget(target, scene_count, pacing, request.video.speed or 1.0)
        return target, scene_count, words

    @staticmethod
    def _budget(target: float, scenes: int, pacing: Pacing, speed: float) -> int:
        return max(8, round((target - pacing.scene_overhead * scenes) * pacing.words_per_second * speed))

    def _first_plan(
        self,
        request: PlanRequest,
        asked_scenes: int | None,
        scene_count: int,
        words: int,
        target: float,
        pacing: Pacing,
        said: list[str],
    ) -> tuple[Storyboard, _ModelDraft]:
        scene_rule = (
            f"Write exactly {asked_scenes} scenes, as the user asked."
            if asked_scenes
            else f"About {scene_count} scenes suit this length (each at least 4 seconds)."
        )
        speed = request.video.speed or 1.0
        system = _SYSTEM.format(
            words=words, wps=pacing.words_per_second * speed, target=target, scene_rule=scene_rule
        )
        # Pages are rendered only for a server that takes images (one that refused them once is
        # not sent them again, so they are not drawn for nothing).
        files_text, images = describe_files(request.files, with_images=self.client.accepts_images)
        pinned = [
            f"{label}: {value}"
            for label, value in (
                ("orientation", request.video.orientation),
                ("presenter", "none" if request.video.no_avatar else request.video.avatar),
                ("voice", request.video.voice),
                ("style", request.video.style),
                ("tone", request.video.tone),
            )
            if value
        ]
        pinned_voice = VOICES.get(request.video.voice or "")
        language = pinned_voice.language.split("-")[0] if pinned_voice else None
        text = "\n\n".join(
            part
            for part in (
                f"The brief:\n{request.video.prompt}",
                _brief_reading(request.video.prompt),
                f"Target length: {target:.0f} seconds (about {words} words of narration).",
                "The user chose: " + ", ".join(pinned) + "." if pinned else "",
                f"Attached files:\n{files_text}" if request.files else "No files are attached.",
                "Catalogue:\n" + _catalogue(language),
                self._revision_context(request),
                "Answer with the storyboard JSON.",
            )
            if part
        )
        content: str | list[dict[str, Any]] = (
            [{"type": "text", "text": text}, *images] if images and self.client.accepts_images else text
        )
        messages: list[Message] = [
            {"role": "system", "content": system},
            {"role": "user", "content": content},
        ]
        board, draft = self._ask(messages, request, target, words, asked_scenes)
        if (
            request.previous is None
            and draft.reason.strip()
            and not (request.video.avatar and request.video.voice)
        ):
            who = get_avatar(board.avatar).name if board.avatar else "no presenter"
            said.append(
                f"I chose {who}, the voice {VOICES[board.voice].name} and the {STYLES[board.style].name} "
                f"style: {draft.reason.strip()}"
            )
        return board, _ModelDraft(draft, system)

    def _revision_context(self, request: PlanRequest) -> str:
        if request.previous is None:
            return ""
        current = from_storyboard(request.previous, request.files).model_dump_json(exclude={"reason"})
        asked = "\n".join(f"- {x}" for x in request.instructions) or "- (no new instruction)"
        added = "".join(f"- {x}\n" for x in request.video.additions)
        return (
            f"This is a revision. The current storyboard:\n{current}\n"
            f"The user asked for these changes (latest last):\n{asked}\n"
            + (f"Lines the user added earlier, which the narration must still say:\n{added}" if added else "")
            + "Keep what the user did not ask to change."
        )

    def _adjust_length(
        self, request: PlanRequest, memo: _ModelDraft, board: Storyboard, words: int, target: float
    ) -> tuple[Storyboard, _ModelDraft]:
        """Rewrite the same storyboard to a corrected word count."""
        draft, system = memo.draft, memo.system
        have = board.narration_words()
        if abs(have - words) <= 0.05 * words:
            return board, memo
        messages: list[Message] = [
            {"role": "system", "content": system},
            {"role": "user", "content": f"The brief:\n{request.video.prompt}"},
            {"role": "assistant", "content": draft.model_dump_json()},
            {
                "role": "user",
                "content": (
                    f"Spoken aloud, this narration has the wrong length: it has {have} words and must have "
                    f"about {words} words to last {target:.0f} seconds. Rewrite the narration to about "
                    f"{words} words; keep the scenes, visuals and choices. Answer with the whole JSON."
                ),
            },
        ]
        new_board, new_draft = self._ask(messages, request, target, words, None)
        return new_board, _ModelDraft(new_draft, system)

    def _ask(
        self, messages: list[Message], request: PlanRequest, target: float, words: int, scenes: int | None
    ) -> tuple[Storyboard, DraftPlan]:
        """Ask, check, and send problems back for repair a bounded number of times."""
        sources = [request.video.prompt, *request.instructions, *request.video.additions] + [
            t for f in request.files for t in f.page_texts
        ]
        problem = ""
        for round_ in range(self.client.config.repairs + 1):
            answer = self.client.complete_json(messages, "storyboard", draft_schema())
            try:
                draft = parse_draft(answer)
                board = to_storyboard(draft, request, target)
                invented = invented_numbers(board, sources)
                if invented:
                    raise DraftProblem(
                        f"it states numbers that are not in the brief or the files ({', '.join(invented)}); "
                        "remove them or use only figures the user gave"
                    )
                if scenes is not None and len(board.scenes) != scenes:
                    raise DraftProblem(
                        f"it has {len(board.scenes)} scenes; the user asked for exactly {scenes}"
                    )
                have = board.narration_words()
                last_round = round_ == self.client.config.repairs
                if abs(have - words) > WORD_SLACK * words and not last_round:
                    raise DraftProblem(
                        f"its narration has {have} words; it must have about {words} words "
                        f"to last {target:.0f} seconds"
                    )
                return board, draft
            except DraftProblem as exc:
                problem = str(exc)
                log.info("model storyboard rejected (%s); asking for a repair", problem)
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer[:20_000]},
                    {
                        "role": "user",
                        "content": f"That storyboard cannot be used: {problem}. "
                        "Answer again with the whole corrected JSON object.",
                    },
                ]
        raise LlmUnavailable(
            f"its storyboard was still invalid after {self.client.config.repairs} repairs: {problem}"
        )

    # --- chat ----------------------------------------------------------------------------------

    def read_message(
        self, text: str, draft: Storyboard, draft_seconds: float | None, request: PlanRequest
    ) -> Reading:
        """The model reads any phrasing; the built-in rules stand in when it cannot answer."""
        try:
            decision = self.interpret(text, draft, request)
        except LlmUnavailable as exc:
            rules = self.fallback.read_message(text, draft, draft_seconds, request)
            said = (
                f"The language model could not read your message ({exc.reason}); "
                "I followed the built-in rules."
            )
            return Reading(rules.revision, (said, *rules.messages))
        return Reading(_revision_from(decision))

    def interpret(self, message: str, board: Storyboard, request: PlanRequest) -> ChatDecision:
        """What the user wants done with the draft. Raises LlmUnavailable when the model cannot say."""
        self.client.start_budget()
        current = from_storyboard(board, request.files).model_dump_json(exclude={"reason"})
        messages: list[Message] = [
            {
                "role": "system",
                "content": (
                    "You are a video producer reviewing a storyboard draft with the user. Decide what "
                    "their message asks: approve (render as it is), revise (change it; fill in only the "
                    "fields they asked to change), or ask (only when something real is undecided and "
                    "you cannot reasonably choose). Answer with one JSON object following the schema.\n"
                    + _catalogue(None)
                ),
            },
            {"role": "user", "content": f"The draft:\n{current}\n\nThe user's message:\n{message}"},
        ]
        schema = ChatDecision.model_json_schema()
        problem = ""
        for _ in range(self.client.config.repairs + 1):
            answer = self.client.complete_json(messages, "chat_decision", schema)
            try:
                start, end = answer.find("{"), answer.rfind("}")
                return ChatDecision.model_validate_json(answer[start : end + 1])
            except ValueError as exc:
                problem = str(exc).splitlines()[0]
                messages = [
                    *messages,
                    {"role": "assistant", "content": answer[:5000]},
                    {"role": "user", "content": f"Invalid answer ({problem}); answer again with valid JSON."},
                ]
        raise LlmUnavailable(f"its answer was still invalid: {problem}")


@dataclass(frozen=True)
class _ModelDraft:
    """A model-written plan's memo: the model's own draft and the system prompt it answered."""

    draft: DraftPlan
    system: str


@dataclass(frozen=True)
class _FellBack:
    """The model could not plan this job; the offline planner's result stands in."""

    offline: PlanResult


def _revision_from(decision: ChatDecision) -> Revision:
    """The model's decision as a Revision, keeping only catalogue ids and sane values."""
    changes: dict[str, Any] = {}
    if decision.duration_sec is not None and MIN_DURATION <= decision.duration_sec <= MAX_DURATION:
        changes["duration"] = float(decision.duration_sec)
    if decision.orientation is not None:
        changes["orientation"] = decision.orientation
    if decision.no_avatar:
        changes["no_avatar"] = True
    elif decision.avatar in AVATARS:
        changes["avatar"], changes["no_avatar"] = decision.avatar, False
    if decision.voice in VOICES:
        changes["voice"] = decision.voice
    if decision.voice_speed is not None:
        changes["speed"] = max(MIN_SPEED, min(MAX_SPEED, float(decision.voice_speed)))
    if decision.style in STYLES:
        changes["style"] = decision.style
    if decision.tone:
        changes["tone"] = str(decision.tone)[:40]
    added = [s.strip()[:MAX_ADDITION_CHARS] for s in decision.add_sentences if s.strip()]
    return Revision(
        decision.action,
        reply=decision.reply,
        changes=changes,
        render_after=bool(decision.render_after) and decision.action == "revise",
        question=decision.question or (decision.reply if decision.action == "ask" else None),
        add_statements=added[:MAX_ADDITIONS],
    )
