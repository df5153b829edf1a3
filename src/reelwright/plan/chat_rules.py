"""Reading a chat message about a draft without a model: the common revision phrases, by rule.

"make it 30 seconds", "shorter", "portrait", "use a calmer voice", "more formal", "use Marcus",
"no presenter", "the midnight style", "drop the third scene", "looks good, render it", and the
content edits: "mention that the sale ends on April 30", "say more about pricing", "drop the part
about X", "start with the demo". Topics are found in the draft's scenes by :func:`resolve_topics`;
what the rules do not recognise, or a topic no scene is about, becomes an answer back to the user
rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from reelwright.avatar.catalogue import AVATARS
from reelwright.plan.prompt import parse_duration, parse_orientation, parse_tone
from reelwright.storyboard import BulletSlide, PdfPage, Scene, Storyboard, TitleCard
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

Action = Literal["approve", "revise", "ask"]

HELP = (
    'I can change the length ("make it 30 seconds"), the orientation ("portrait"), the voice '
    '("a calmer voice", "speak faster"), the tone ("more formal"), the presenter ("use Marcus", '
    '"no presenter"), the style ("the midnight style"), drop a scene ("drop the third scene", "drop '
    'the part about parking"), add a line ("mention that the sale ends on April 30"), say more about a '
    'scene ("say more about pricing"), start with one ("start with the demo") or use new files. What '
    'would you like to change? Or say "render it" to make the video.'
)


@dataclass
class Revision:
    """What a chat message asks for: approve the draft, change it, or a question back."""

    action: Action
    reply: str = ""
    # Updates to the request (VideoRequest field names): duration, orientation, avatar, no_avatar,
    # voice, speed, style, tone.
    changes: dict[str, Any] = field(default_factory=dict)
    drop_scenes: list[int] = field(default_factory=list)  # 1-based positions in the draft; -1: the last
    render_after: bool = False  # "make it portrait and render it"
    question: str | None = None
    # Content edits. ``add_statements`` are sentences to say; the topics name scenes of the draft
    # and become positions (``expand_scenes``, ``first_scene``, ``drop_scenes``) in resolve_topics.
    add_statements: list[str] = field(default_factory=list)
    drop_topics: list[str] = field(default_factory=list)
    expand_topics: list[str] = field(default_factory=list)
    first_topic: str | None = None
    expand_scenes: list[int] = field(default_factory=list)  # 1-based positions in the draft
    first_scene: int | None = None  # 1-based position in the draft
    # Parts of the attached documents the draft does not show yet, by scene id: to show, to open with.
    expand_ids: list[str] = field(default_factory=list)
    first_id: str | None = None

    def edits_content(self) -> bool:
        return bool(
            self.add_statements
            or self.expand_scenes
            or self.first_scene
            or self.drop_scenes
            or self.expand_ids
        )


_APPROVE_RE = re.compile(
    r"\b(looks?\s+(?:good|great|fine|perfect)|lgtm|approved?|render(?:\s+it)?|go\s+ahead|ship\s+it|"
    r"sounds\s+good|perfect|that'?s\s+(?:it|great|good)|do\s+it|generate(?:\s+it)?|make\s+the\s+video|"
    r"finali[sz]e|publish)\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
}
_SCENE_WORD = r"(?:scene|slide|part|section)"
_DROP_RE = re.compile(
    r"\b(?:drop|remove|delete|cut|skip|lose|get\s+rid\s+of)\s+(?:the\s+)?"
    rf"(?:(\w+)\s+{_SCENE_WORD}|{_SCENE_WORD}\s+(?:number\s+)?(\d+))",
    re.IGNORECASE,
)
_CALMER_RE = re.compile(r"\b(calmer|slower|gentler|softer|more\s+relaxed|slow\s+down|less\s+rushed)\b", re.I)
_FASTER_RE = re.compile(r"\b(faster|quicker|more\s+energetic|speed\s+(?:it\s+)?up|livelier|snappier)\b", re.I)
_SHORTER_RE = re.compile(r"\b(shorter|shorten|trim|tighter|cut\s+it\s+down)\b", re.IGNORECASE)
_LONGER_RE = re.compile(r"\b(longer|lengthen|extend|expand)\b", re.IGNORECASE)
_NO_AVATAR_RE = re.compile(
    r"\b(no|without(?:\s+a|\s+the)?|remove\s+the|drop\s+the|hide\s+the)\s+(avatar|presenter|host)\b", re.I
)
_WITH_AVATAR_RE = re.compile(
    r"\b(?:add|with|show|bring\s+back)\s+(?:a|an|the)\s+(?:avatar|presenter|host)\b", re.I
)


# The end of a topic or an added sentence: the next clause ("..., and render it") or sentence.
_UNTIL = (
    r"(?=\s*[,;]?\s+(?:and|then)\s+(?:render|generate|make|use|drop|remove|start|say|mention)\b"
    r"|[.!?](?=\s|$)|[;\n]|$)"  # a full stop ends it; the dot in "nimbus.example" does not
)
_TOPIC = r"(?:the\s+)?(?P<topic>[^,;!?\n]+?)"
_ADD_RE = re.compile(
    r"\b(?:(?:please\s+)?(?:also\s+)?(?:mention|make\s+sure\s+(?:to|you)\s+(?:mention|say))\s+(?:that\s+)?|"
    r"(?:say|add|include|note|point\s+out|stress|emphasi[sz]e|highlight)\s+(?:a\s+(?:line|sentence)\s+(?:saying\s+)?)?that\s+|"
    r"add\s*:\s*|tell\s+(?:people|viewers|them|everyone|the\s+viewers?)\s+(?:that\s+)?)"
    r"(?P<text>[^\n]+?)" + _UNTIL,
    re.IGNORECASE,
)
_EXPAND_RE = re.compile(
    r"\b(?:(?:say|tell\s+(?:me|us|them|viewers)|talk|explain|go\s+into)\s+(?:a\s+bit\s+|a\s+lot\s+|much\s+)?"
    r"more\s+(?:about|on)|(?:expand|elaborate)\s+on|(?:spend\s+)?more\s+time\s+on|more\s+detail\s+(?:about|on)|"
    r"focus\s+more\s+on|emphasi[sz]e|highlight)\s+" + _TOPIC + _UNTIL,
    re.IGNORECASE,
)
_DROP_TOPIC_RE = re.compile(
    r"\b(?:drop|remove|delete|cut|skip|lose|get\s+rid\s+of|leave\s+out)\s+(?:the\s+)?(?:part|bit|section|scene|"
    r"slide|stuff|line|sentence)s?\s+(?:about|on|that\s+mentions?)\s+" + _TOPIC + _UNTIL,
    re.IGNORECASE,
)
_FIRST_RE = re.compile(
    r"\b(?:(?:start|open|begin|lead)\s+(?:it\s+|the\s+video\s+)?with\s+"
    + _TOPIC
    + _UNTIL
    + r"|(?:put|move|show)\s+(?:the\s+)?(?P<moved>[^.,;!?\n]+?)\s+"
    r"(?:first|at\s+the\s+(?:start|beginning)|up\s+front))",
    re.IGNORECASE,
)
_SCENE_NOUN = re.compile(r"\s+(?:scene|slide|part|section|bit)s?$", re.IGNORECASE)


def _topic(text: str) -> str:
    return _SCENE_NOUN.sub("", text.strip()).strip(" \"'“”")


def _statement(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" \"'“”,;:")
    text = re.sub(r"^to\s+", "", text, flags=re.IGNORECASE)  # "tell viewers to visit ...": "Visit ..."
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?" else ".")


def _word(name: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE) is not None


def _scene_number(token: str) -> int | None:
    token = token.lower()
    if token.isdigit():
        return int(token)
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", token)
    if m:
        return int(m.group(1))
    return _ORDINALS.get(token)


def read_message(text: str, current_duration: float | None) -> Revision:
    """The revision a message asks for, by rule (see the module docstring for the phrases)."""
    changes: dict[str, Any] = {}
    drops: list[int] = []
    body = text
    # Content edits first: what they quote ("the sale ends on April 30") is not a setting.
    additions, drop_topics, expand_topics = [], [], []
    first_topic = None
    for m in _ADD_RE.finditer(body):
        said = _statement(m.group("text"))
        if said and said not in additions:
            additions.append(said)
    body = _ADD_RE.sub(" ", body)
    for m in _DROP_TOPIC_RE.finditer(body):
        drop_topics.append(_topic(m.group("topic")))
    body = _DROP_TOPIC_RE.sub(" ", body)
    for m in _EXPAND_RE.finditer(body):
        expand_topics.append(_topic(m.group("topic")))
    body = _EXPAND_RE.sub(" ", body)
    lead = _FIRST_RE.search(body)
    if lead:
        first_topic = _topic(lead.group("topic") or lead.group("moved") or "") or None
        body = body.replace(lead.group(0), " ")
    for m in _DROP_RE.finditer(body):
        token = m.group(1) or m.group(2) or ""
        n = _scene_number(token)
        if n is not None and n not in drops:
            drops.append(n)
        elif n is None and token.lower() not in ("the", "a", "this", "that", "whole"):
            drop_topics.append(token)  # "drop the pricing slide"
        body = body.replace(m.group(0), " ")

    duration = parse_duration(body)
    if duration is not None:
        changes["duration"] = duration
    elif current_duration and _SHORTER_RE.search(body):
        changes["duration"] = max(5.0, round(current_duration * 0.7))
    elif current_duration and _LONGER_RE.search(body):
        changes["duration"] = round(current_duration * 1.4)

    orientation = parse_orientation(body)
    if orientation:
        changes["orientation"] = orientation

    if _CALMER_RE.search(body):
        changes["speed"] = 0.9
        changes.setdefault("tone", "calm")
    elif _FASTER_RE.search(body):
        changes["speed"] = 1.1

    _tone, tone_words = parse_tone(body)
    if tone_words:
        changes["tone"] = _tone

    if _NO_AVATAR_RE.search(body):
        changes["no_avatar"] = True
    else:
        for avatar in AVATARS.values():
            if _word(avatar.id, body) or _word(avatar.name, body):
                changes["avatar"], changes["no_avatar"] = avatar.id, False
                break
        else:
            if _WITH_AVATAR_RE.search(body):
                changes["no_avatar"] = False

    for voice in VOICES.values():
        if _word(voice.id, body):
            changes["voice"] = voice.id
            break

    if re.search(r"\b(style|look|theme)\b", body, re.IGNORECASE):
        for style in STYLES.values():
            if _word(style.id, body) or _word(style.name, body):
                changes["style"] = style.id
                break

    approve = _APPROVE_RE.search(body) is not None
    if changes or drops or additions or drop_topics or expand_topics or first_topic:
        return Revision(
            "revise",
            reply="Revising the storyboard" + (", then rendering it." if approve else "."),
            changes=changes,
            drop_scenes=drops,
            render_after=approve,
            add_statements=additions,
            drop_topics=drop_topics,
            expand_topics=expand_topics,
            first_topic=first_topic,
        )
    if approve:
        return Revision("approve", reply="Rendering the video now.")
    return Revision("ask", question=HELP)


_STOP = frozenset(
    re.split(
        r"\s+",
        "a an the of on about to in for and or with our your their this that it its part bit section scene "
        "slide one",
    )
)


def _stems(text: str) -> set[str]:
    words = re.findall(r"[^\W_]+", text.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP}


def _scene_heading(board: Storyboard, index: int) -> str:
    visual = board.scenes[index].visual
    if isinstance(visual, TitleCard | BulletSlide | PdfPage):
        return visual.heading or ""
    return ""


_OVERVIEW = ("intro", "points", "close")
# A document's slide or section the draft may not show: (scene id, heading, its sentences).
Material = Sequence[tuple[str, str, Sequence[str]]]


def _score(wanted: set[str], heading: str, body: str, overview: bool) -> float:
    """How much a scene is about the topic's words: in its heading they count double."""
    shown, said = _stems(heading), _stems(body)
    score = 2.0 * len(wanted & shown) + len(wanted & said)
    # A scene that covers every word of the topic beats one that only shares a word.
    score += 3 if wanted and wanted <= shown | said else 0
    # The overview names every topic; the topic's own scene is the one meant.
    return score - 0.5 if overview else score


def find_scene(board: Storyboard, topic: str) -> int | None:
    """The 0-based index of the scene most about ``topic`` (heading, bullets, narration); None
    when no scene mentions it."""
    wanted = _stems(topic)
    best, best_score = None, 0.0
    for i, scene in enumerate(board.scenes):
        visual = scene.visual
        shown = " ".join(visual.bullets) if isinstance(visual, BulletSlide) else ""
        score = _score(wanted, _scene_heading(board, i), f"{scene.narration} {shown}", scene.id in _OVERVIEW)
        if score > best_score:
            best, best_score = i, score
    return best


def _find_material(material: Material, topic: str) -> tuple[str, str] | None:
    """The id and heading of the document part most about ``topic``, if any mentions it."""
    wanted = _stems(topic)
    scored = [
        (_score(wanted, heading, " ".join(said), False), key, heading) for key, heading, said in material
    ]
    best = max(scored, default=(0.0, "", ""))
    return (best[1], best[2]) if best[0] > 0 else None


def _all_said(scene: Scene, material: Material) -> bool:
    """Whether the scene already says every sentence its slide or section has."""
    part = next((said for key, _, said in material if key == scene.id), None)
    return part is not None and all(s in scene.narration for s in part)


def _locate(board: Storyboard, topic: str, material: Material) -> tuple[int | None, tuple[str, str] | None]:
    """Where ``topic`` is: a scene of the draft, else (or rather than the overview that only names
    it) a part of the attached documents the draft does not show."""
    i = find_scene(board, topic)
    if i is not None and board.scenes[i].id not in _OVERVIEW:
        return i, None
    found = _find_material(material, topic)
    if found is None:
        return i, None
    ids = [scene.id for scene in board.scenes]
    return (ids.index(found[0]), None) if found[0] in ids else (None, found)


def resolve_topics(
    revision: Revision, board: Storyboard, material: Material = ()
) -> tuple[Revision, list[str]]:
    """The revision with its topics turned into scene positions of ``board`` (or parts of the
    attached documents to show), and what to tell the user: what was done, and topics nothing is
    about. A revision left with nothing to do becomes a question that keeps the draft."""
    said: list[str] = []
    missing: list[str] = []
    drops, expand, first = list(revision.drop_scenes), list(revision.expand_scenes), revision.first_scene
    shown, first_id = list(revision.expand_ids), revision.first_id
    for topic in revision.drop_topics:
        i = find_scene(board, topic)
        if i is None or board.scenes[i].id in _OVERVIEW:
            missing.append(topic)  # the opening or the overview only names it: not its scene to drop
        elif i + 1 not in drops:
            drops.append(i + 1)
            said.append(f"Dropping scene {i + 1} ({_scene_heading(board, i) or board.scenes[i].id}).")
    for topic in revision.expand_topics:
        i, part = _locate(board, topic, material)
        if part is not None:
            shown.append(part[0])
            said.append(f"Adding “{part[1] or topic}” from your file.")
        elif i is None:
            missing.append(topic)
        elif board.scenes[i].id.startswith("pdf-") and not _all_said(board.scenes[i], material):
            expand.append(i + 1)
        elif board.scenes[i].id.startswith("pdf-"):
            said.append(
                f"Scene {i + 1} already says everything your file has about “{topic}”. Tell me what to "
                "add (“mention that …”), attach more material, or configure a language model "
                "(REELWRIGHT_LLM_BASE_URL) for a fuller script."
            )
        else:
            # Only a document has more to say; the brief's own lines are already all said.
            said.append(
                f"I have no more material about “{topic}”: without a language model I say only what "
                "your brief and files state, and scene "
                f"{i + 1} already says all of it. Tell me what to add (“mention that …”), attach a "
                "document about it, or configure a language model (REELWRIGHT_LLM_BASE_URL)."
            )
    if revision.first_topic:
        i, part = _locate(board, revision.first_topic, material)
        if part is not None:
            shown.append(part[0])
            first_id = part[0]
            said.append(f"Starting with “{part[1] or revision.first_topic}” from your file.")
        elif i is None:
            missing.append(revision.first_topic)
        else:
            first = i + 1
    if missing:
        listed = "; ".join(
            f"{n + 1}. {_scene_heading(board, n) or board.scenes[n].id}" for n in range(len(board.scenes))
        )
        names = ", ".join(f"“{t}”" for t in missing)
        said.append(f"I found no scene about {names}. The scenes are: {listed}.")
    resolved = replace(
        revision,
        drop_scenes=drops,
        expand_scenes=expand,
        first_scene=first,
        expand_ids=shown,
        first_id=first_id,
        drop_topics=[],
        expand_topics=[],
        first_topic=None,
    )
    if revision.action == "revise" and not resolved.changes and not resolved.edits_content():
        # Nothing left that the rules can do: answer, keep the draft, and say what can be done.
        return Revision("ask", question=" ".join([*said, HELP])), []
    return resolved, said
