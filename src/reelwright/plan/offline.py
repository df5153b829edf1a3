"""The offline planner: a coherent storyboard from the prompt and files, with no model.

It only says what the user gave it: the brief's subject, points and statements, what their PDFs
say (read through the document model, running text removed), and their pictures and clips. The
English script is written by :mod:`reelwright.plan.script`; other languages use the phrases in
:mod:`reelwright.plan.localized`. It meets the requested length by choosing how much of that
material to say; when there is too little it makes a shorter video and says why, never padding
with lines that carry no content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from reelwright.avatar.catalogue import get_avatar, pick_avatar
from reelwright.errors import InputError
from reelwright.ingest.files import InputFile
from reelwright.plan.base import (
    DEFAULT_DURATION,
    SHORTER_THAN_ASKED,
    Pacing,
    PlanRequest,
    PlanResult,
    Reading,
)
from reelwright.plan.brief_words import WORDS
from reelwright.plan.chat_rules import read_message, resolve_topics
from reelwright.plan.language import language_name, voice_for_prompt
from reelwright.plan.localized import (
    ATTACHED,
    PHRASES,
    local_overview,
    local_point_heading,
    local_point_sentences,
    read_local_brief,
)
from reelwright.plan.prompt import PromptBrief, read_prompt
from reelwright.plan.script import material_units, page_visual, write_script
from reelwright.plan.summarise import short_title
from reelwright.storyboard import (
    BulletSlide,
    ImageScene,
    MusicTrack,
    PdfPage,
    PresenterLayout,
    Scene,
    Storyboard,
    TitleCard,
    VideoClip,
    Visual,
)
from reelwright.styles.catalogue import get_style

MIN_SCENE_SECONDS = 4.0

_STYLE_FOR_TONE = {"upbeat": "keynote", "friendly": "clean", "formal": "clean", "calm": "midnight"}

_TONES = frozenset(_STYLE_FOR_TONE)


# A scene kind's presenter layout ("full", "pip", "side"); "none" when there is no presenter.
Layout = Callable[[PresenterLayout], PresenterLayout]


@dataclass
class _Block:
    """A scene being planned: its visual, layout and the sentences it may say."""

    id: str
    visual: Visual
    presenter: PresenterLayout
    required: list[str]
    optional: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    priority: int = 1  # lower is filled first when there is time to say more
    short: list[str] | None = None  # what to say instead when time is very short
    droppable: bool = False  # carries no material of the user's, so it may go when time is short
    spare: bool = False  # only added when the rest cannot fill the requested length

    def words(self) -> int:
        return sum(_count_words(s) for s in self.chosen)


def _count_words(text: str) -> int:
    return len(text.split())


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -–•*")
    if not text:
        return ""
    if text[-1] not in ".!?":
        text += "."
    return text[0].upper() + text[1:]


_URL_RE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+")


def page_sentences(text: str, *, english: bool = True) -> tuple[str | None, list[str]]:
    """A heading (a short first line) and readable sentences from a PDF page's text."""
    text = _URL_RE.sub("", text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    heading = None
    if lines and len(lines[0].split()) <= 9 and not lines[0].endswith((".", ",")):
        heading = lines.pop(0).strip(" :")
    body = " ".join(lines) if any(ln.endswith((".", "!", "?")) for ln in lines) else "\n".join(lines)
    pieces = re.split(r"(?<=[.!?])\s+|\n+|\s*[•▪●◦]\s*", body)
    sentences: list[str] = []
    short_items: list[str] = []
    for piece in pieces:
        piece = piece.strip(" -–•*")
        letters = sum(c.isalpha() for c in piece)
        if letters < 0.5 * len(piece) or len(piece.split()) > 45:
            continue
        if len(piece.split()) < 3:
            if letters >= 3:
                short_items.append(piece[0].lower() + piece[1:] if piece[1:2].islower() else piece)
            continue
        sentences.append(_sentence(piece))
    # Terse bullets ("Faster setup", "New pricing") are too short to read out one by one, but
    # together they say what the page is about.
    if english and len(short_items) >= 2:
        listed = ", ".join(short_items[:5][:-1]) + " and " + short_items[:5][-1]
        sentences.append(_sentence(f"It covers {listed}"))
    return heading, sentences


def _narrated_texts(f: InputFile) -> list[str]:
    """Each page's text to narrate: a slide's speaker notes (under its heading) before its own text."""
    if f.kind != "document" or f.document is None:
        return f.page_texts
    texts = []
    for p in f.document.pages:
        if p.notes:
            texts.append(f"{p.heading or ''}\n{p.notes}".strip())
        elif p.role == "title":  # the opening names the title: say what the first page adds to it
            texts.append("\n".join(b.text for b in p.blocks if b.kind not in ("title", "byline")))
        else:  # outline, closing, appendix and reference pages say nothing of their own: "" skips them
            texts.append(p.text if p.role == "content" else "")
    return texts


def _file_blocks(
    request: PlanRequest,
    lay: Layout,
    *,
    english: bool,
    page_dwell: Callable[[int], list[str]],
    visual_line: Callable[[str, int], str | None],
) -> list[_Block]:
    """A scene per readable PDF page and per picture or clip, in the order the files came.

    ``page_dwell(page_no)`` is what may be said after a page's text; ``visual_line(kind, n)`` what
    is said over the ``n``-th picture or clip (counted per kind from 0), if anything.
    """
    blocks: list[_Block] = []
    shown = {"image": 0, "video": 0}
    for f in request.files:
        if f.kind in ("pdf", "document"):
            for page_no, text in enumerate(_narrated_texts(f), start=1):
                heading, sentences = page_sentences(text, english=english)
                if not sentences and not heading:
                    continue
                said = ([_sentence(heading)] if heading else []) + sentences
                page_shown = page_visual(f, str(f.path), page_no, heading, heading or f.name, said)
                blocks.append(
                    _Block(
                        f"pdf{f.index + 1}-p{page_no}",
                        page_shown,
                        lay("pip" if isinstance(page_shown, PdfPage) else "side"),
                        said[:1],
                        [*said[1:], *page_dwell(page_no)],
                        priority=1,
                    )
                )
        elif f.kind in ("image", "video"):
            visual: Visual = (
                ImageScene(source=str(f.path)) if f.kind == "image" else VideoClip(source=str(f.path))
            )
            line = visual_line(f.kind, shown[f.kind])
            shown[f.kind] += 1
            blocks.append(
                _Block(f"{f.kind}{f.index + 1}", visual, lay("pip"), [line] if line else [], priority=2)
            )
    return blocks


def _choose_avatar(request: PlanRequest, brief: PromptBrief, orientation: str) -> str | None:
    if request.video.no_avatar:
        return None
    if request.video.avatar:
        return get_avatar(request.video.avatar).id
    # Deterministic, prompt-dependent choice of a presenter whose gender matches the voice that will
    # speak (the pinned one, else the best for the prompt's language), suited to tone and orientation.
    gender = voice_for_prompt(request.video.prompt, request.video.voice).gender
    return pick_avatar(gender=gender, orientation=orientation, tone=brief.tone, seed=brief.prompt)


class OfflinePlanner:
    name = "offline"

    def plan(self, request: PlanRequest, pacing: Pacing) -> PlanResult:
        notes: list[str] = []
        return PlanResult(self._storyboard(request, pacing, notes), tuple(notes))

    def replan(self, request: PlanRequest, previous: PlanResult, pacing: Pacing) -> PlanResult:
        # The rules are deterministic: planning again for the corrected pace is the re-plan.
        return self.plan(request, pacing)

    def read_message(
        self, text: str, draft: Storyboard, draft_seconds: float | None, request: PlanRequest
    ) -> Reading:
        material = [(u.key, u.heading or "", u.sentences) for u in material_units(request)]
        revision = read_message(text, draft_seconds or draft.target_duration)
        revision, said = resolve_topics(revision, draft, material)
        return Reading(revision, tuple(said))

    def _storyboard(self, request: PlanRequest, pacing: Pacing, notes: list[str]) -> Storyboard:
        brief = read_prompt(request.video.prompt)
        if request.video.tone in _TONES:
            brief.tone = request.video.tone
        speed = request.video.speed or 1.0
        # The budget is in words at the speaking rate actually used.
        pacing = Pacing(pacing.words_per_second * speed, pacing.scene_overhead)
        target = request.video.duration or brief.duration or DEFAULT_DURATION
        orientation = request.video.orientation or brief.orientation or "landscape"
        style = get_style(request.video.style or _STYLE_FOR_TONE.get(brief.tone, "clean")).id
        avatar = _choose_avatar(request, brief, orientation)
        # A pinned voice must speak the prompt's language; otherwise the presenter's own voice, or
        # the best voice of the prompt's language when the presenter's does not speak it.
        voice = voice_for_prompt(
            request.video.prompt, request.video.voice, get_avatar(avatar).default_voice if avatar else None
        )

        def layout(kind: PresenterLayout) -> PresenterLayout:
            return kind if avatar else "none"

        language = voice.language.split("-")[0].lower()
        title = brief.title
        dropped = set(request.video.drop_scenes)
        max_scenes = max(2, int(target // MIN_SCENE_SECONDS))
        if brief.scenes:
            max_scenes = min(max_scenes, brief.scenes)
        if language == "en":
            script = write_script(request, target, pacing, max_scenes, dropped, tone=brief.tone)
            title = script.title
            notes.extend(m for m in script.messages if m not in notes)
            blocks = [
                _Block(s.id, s.visual, layout(s.presenter), s.sentences, chosen=list(s.sentences))
                for s in script.scenes
            ]
            if not blocks:
                raise InputError("every scene was dropped; nothing is left to say", param="message")
        else:
            blocks_for_language, title = self._localized_blocks(request, language, layout, notes)
            planned = [b for b in blocks_for_language if b.id not in dropped]
            if not planned:
                raise InputError("every scene was dropped; nothing is left to say", param="message")
            spares = [b for b in planned if b.spare]
            blocks = self._fit_scene_count([b for b in planned if not b.spare], target, max_scenes)
            self._choose_sentences(blocks, target, pacing)
            self._add_spares(blocks, spares, target, pacing, max_scenes)
            words = sum(len(s.split()) for b in blocks for s in b.chosen)
            if words / pacing.words_per_second + pacing.scene_overhead * len(blocks) < 0.9 * target:
                # Only the user's words, and linking lines where we have them in this language:
                # a thin brief makes a shorter video, and the user is told why (once).
                ph = PHRASES.get(language)
                notes.append(
                    f"Without a language model, a script in {language_name(language)} says only your "
                    f"own words{' and a few linking lines' if ph else ''}, so the video "
                    f"{SHORTER_THAN_ASKED} asked; configure REELWRIGHT_LLM_BASE_URL for a full script."
                )

        # "Start with the demo": the scene the user picked opens the video, whatever the plan's order.
        first = [b for b in blocks if b.id == request.video.first_scene]
        blocks = first + [b for b in blocks if b not in first]
        music = next((f for f in request.files if f.kind == "audio"), None)
        scenes = [
            Scene(id=b.id, narration=" ".join(b.chosen), visual=b.visual, presenter=b.presenter)
            for b in blocks
        ]
        return Storyboard(
            title=title,
            orientation=orientation,
            style=style,
            avatar=avatar,
            voice=voice.id,
            language=language,
            tone=brief.tone,
            target_duration=target,
            voice_speed=speed,
            music=MusicTrack(source=str(music.path)) if music else None,
            scenes=scenes,
        )

    # --- which scenes -------------------------------------------------------------------------

    def _localized_blocks(
        self, request: PlanRequest, language: str, lay: Layout, notes: list[str]
    ) -> tuple[list[_Block], str]:
        """Scenes for a prompt in another language: the user's words, and our connective lines
        only where we have them in that language (see :mod:`reelwright.plan.localized`)."""
        local = read_local_brief(request.video.prompt, language)
        ph = PHRASES.get(language)
        titled = [f.document.title for f in request.files if f.document is not None and f.document.title]
        if titled and ATTACHED.search(local.subject):
            # "über die angehängten Folien": the file is the subject, so it is named by its title.
            named = short_title(titled[0])
            local = replace(
                local,
                subject=named,
                title=named,
                opening=ph.opening.format(topic=named) if ph else _sentence(named),
            )
        for_word = WORDS[language].for_word if language in WORDS else None
        blocks = [
            _Block(
                "intro",
                TitleCard(
                    heading=local.title,
                    subheading=f"{for_word} {local.audience}"[:200] if for_word and local.audience else None,
                ),
                lay("full"),
                [local.opening] if local.opening else [_sentence(local.title)],
                priority=3,
                short=[ph.short_opening.format(topic=local.subject)] if ph and local.subject else None,
            )
        ]
        blocks += _file_blocks(
            request,
            lay,
            english=False,
            page_dwell=lambda _page_no: [],  # no content-free lines to stretch a page
            visual_line=lambda kind, _n: (
                (ph.image_line if kind == "image" else ph.video_line) if ph else None
            ),
        )
        # The points the brief lists, in its order: an overview, then a scene each with its heading
        # and what the brief says about it (as the English script does).
        order = [i for i in range(len(local.points)) if f"point{i + 1}" not in request.video.drop_scenes]
        order.sort(key=lambda i: f"point{i + 1}" != request.video.first_scene)
        kept = [local.points[i] for i in order]
        headings = [local_point_heading(p, language) for p in kept]
        overview = local_overview(kept, language)
        if overview and not local.steps:
            blocks.append(
                _Block(
                    "points",
                    BulletSlide(heading=ph.points_heading if ph else local.title, bullets=headings[:6]),
                    lay("side"),
                    [overview],
                    priority=3,
                    droppable=True,  # the points are said in their own scenes: this one may go
                )
            )
        for pos, i in enumerate(order):
            about = local.attached.get(i, [])
            said = local_point_sentences(local.points[i], pos, len(order), language, about)
            visual: Visual = (
                BulletSlide(heading=headings[pos], bullets=[s.rstrip(".!?")[:240] for s in about[:3]])
                if about
                else TitleCard(heading=headings[pos], subheading=f"{pos + 1}/{len(order)}")
            )
            blocks.append(_Block(f"point{i + 1}", visual, lay("side"), said, priority=0))
        # The user's other statements, two to a slide, so what is on screen is what is being said.
        statements = [*local.statements, *(a for a in request.video.additions if a not in local.statements)]
        for k in range(0, len(statements), 2):
            chunk = statements[k : k + 2]
            blocks.append(
                _Block(
                    "facts" if k == 0 else f"facts{k // 2 + 1}",
                    BulletSlide(
                        heading=ph.points_heading if ph else local.title,
                        bullets=[s.rstrip(".!?。！？")[:240] for s in chunk],
                    ),
                    lay("side"),
                    chunk,
                    priority=0,
                )
            )
        if local.calls or ph is not None:
            blocks.append(
                _Block(
                    "close",
                    TitleCard(heading=ph.close_heading if ph else local.title, subheading=local.title),
                    lay("full"),
                    local.calls or [ph.short_closing] if ph else local.calls,
                    priority=4,
                )
            )
        return blocks, local.title

    def _fit_scene_count(self, blocks: list[_Block], target: float, max_scenes: int) -> list[_Block]:
        """Keep as many content scenes as the length (each needs a few seconds) and the user allow."""
        if len(blocks) <= max_scenes:
            return blocks
        # The overview of the points goes first: each point still has its own scene.
        blocks = [b for b in blocks if not b.droppable or b is blocks[0] or b is blocks[-1]]
        if len(blocks) <= max_scenes:
            return blocks
        intro, content, close = blocks[0], blocks[1:-1], blocks[-1]
        keep = max_scenes - 2
        if keep <= 0:
            return [intro, close] if target >= 2 * MIN_SCENE_SECONDS and max_scenes >= 2 else [intro]
        # Evenly spread what we keep (a long deck is sampled across, not just its first pages).
        step = len(content) / keep
        picked = [content[int(i * step)] for i in range(keep)]
        return [intro, *picked, close]

    # --- how much to say ----------------------------------------------------------------------

    def _choose_sentences(self, blocks: list[_Block], target: float, pacing: Pacing) -> None:
        def budget() -> float:  # re-read as scenes are dropped
            return self._budget(blocks, target, pacing)

        for b in blocks:
            b.chosen = list(b.required)
        total = sum(b.words() for b in blocks)
        # Very short video: first drop scenes that carry none of the user's material; if that is
        # not enough, use the short openings and closings, then shorten the longest sentences.
        for b in [x for x in blocks if x.droppable]:
            if total > budget() and len(blocks) > 2:
                blocks.remove(b)
                total -= b.words()
        if total > budget():
            for b in blocks:
                if total > budget() and b.short is not None:
                    total += sum(_count_words(x) for x in b.short) - b.words()
                    b.chosen = list(b.short)
            for b in sorted(blocks, key=lambda x: -x.words()):
                if total <= budget():
                    break
                words = b.chosen[0].split()
                if len(words) > 22:
                    total -= len(words) - 22
                    b.chosen = [" ".join(words[:22]).rstrip(",;:") + "…"]
            return
        self._add_optional(blocks, total, budget())

    @staticmethod
    def _budget(blocks: list[_Block], target: float, pacing: Pacing) -> float:
        """How many words fit: the target less each scene's fixed overhead, at the speaking rate."""
        return max(4.0, (target - pacing.scene_overhead * len(blocks)) * pacing.words_per_second)

    def _add_spares(
        self, blocks: list[_Block], spares: list[_Block], target: float, pacing: Pacing, max_scenes: int
    ) -> None:
        """When the material cannot fill the length, dwell on it: a scene per point, then a recap."""
        sections = [b for b in spares if b.id.startswith("section")]
        for spare in spares:
            total = sum(b.words() for b in blocks)
            if total >= 0.93 * self._budget(blocks, target, pacing) or len(blocks) >= max_scenes:
                return
            if sections and spare is sections[0]:
                # The agenda promises all three sections: add them together or not at all.
                need = sum(_count_words(" ".join(b.required)) for b in sections)
                room = self._budget(blocks + sections, target, pacing) * 1.03 - total
                if need > room or len(blocks) + len(sections) > max_scenes:
                    return
            spare.chosen = list(spare.required)
            if spare.id.startswith("point"):
                # Right after the points slide and any earlier point scenes.
                at = max(i for i, b in enumerate(blocks) if b.id == "points" or b.id.startswith("point")) + 1
            elif spare.id.startswith("section"):
                # In agenda order, after the agenda (or the opening, if the agenda was dropped).
                at = (
                    max(
                        i
                        for i, b in enumerate(blocks)
                        if b.id in ("intro", "overview") or b.id.startswith("section")
                    )
                    + 1
                )
            else:
                at = len(blocks) - 1  # before the close
            blocks.insert(at, spare)
            total += spare.words()
            self._add_optional(blocks, total, self._budget(blocks, target, pacing))

    @staticmethod
    def _add_optional(blocks: list[_Block], total: int, budget: float) -> None:
        # Add optional sentences in priority order, one per scene per round, while they fit.
        order = sorted(blocks, key=lambda x: x.priority)
        progressed = True
        while progressed:
            progressed = False
            for b in order:
                if not b.optional:
                    continue
                for i, candidate in enumerate(b.optional):
                    n = _count_words(candidate)
                    if total + n <= budget * 1.03:
                        b.chosen.append(candidate)
                        b.optional.pop(i)
                        total += n
                        progressed = True
                        break
