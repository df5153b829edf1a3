"""Reading a chat message about a draft without a model: the common revision phrases, by rule.

"make it 30 seconds", "shorter", "portrait", "use a calmer voice", "more formal", "use Marcus",
"no presenter", "the midnight style", "drop the third scene", "looks good, render it". What the
rules do not recognise becomes a question back to the user rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from reelwright.avatar.catalogue import AVATARS
from reelwright.plan.prompt import parse_duration, parse_orientation, parse_tone
from reelwright.styles.catalogue import STYLES
from reelwright.voice.catalogue import VOICES

Action = Literal["approve", "revise", "ask"]

HELP = (
    'I can change the length ("make it 30 seconds"), the orientation ("portrait"), the voice '
    '("a calmer voice", "speak faster"), the tone ("more formal"), the presenter ("use Marcus", '
    '"no presenter"), the style ("the midnight style"), drop a scene ("drop the third scene") or use '
    'new files. What would you like to change? Or say "render it" to make the video.'
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
    for m in _DROP_RE.finditer(text):
        n = _scene_number(m.group(1) or m.group(2) or "")
        if n is not None and n not in drops:
            drops.append(n)
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
    if changes or drops:
        return Revision(
            "revise",
            reply="Revising the storyboard" + (", then rendering it." if approve else "."),
            changes=changes,
            drop_scenes=drops,
            render_after=approve,
        )
    if approve:
        return Revision("approve", reply="Rendering the video now.")
    return Revision("ask", question=HELP)
