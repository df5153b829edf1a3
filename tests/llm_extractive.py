"""A stand-in language model for the script benchmark: it answers every storyboard request of the
LLM planner from what that request says, by extraction, with no model behind it.

It reads the planner's user message as a model would: the brief, the facts the brief states, the
word budget, and the attached files as the document model describes them (slides with headings,
points and speaker notes; sections with their text). It then writes a storyboard of the brief's
facts in the user's words and the files' own sentences, slide by slide or section by section, to
the word budget. So `reelwright eval --bench --planner llm` runs end to end in CI over real HTTP,
and what it scores is what the planner gave the model: running text the planner let through
would be spoken, a fact it did not pass on would be missing.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FILE_UNIT = re.compile(
    r"^  File (\d+) (?:slide (\d+) text: (.*)|section .*? \(pages? (\d+)(?:-\d+)?\): (.*)"
    r"|page (\d+) text: (.*))$"
)
# A sentence ends at . ! or ? before a capital, but not after a number ("am 1. Juli").
_SENTENCE_END = re.compile(r"(?<=[^\d\s][.!?])\s+(?=[A-Z0-9“\"(¡¿ÄÖÜÉ])")


def _user_text(body: dict[str, Any]) -> str:
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):
            return " ".join(part.get("text", "") for part in content if part.get("type") == "text")
        return str(content)
    return ""


def _sentences(text: str) -> list[str]:
    out = []
    text = re.sub(r"\[[^\]]*\]", " ", text)  # sub-headings, marked by the planner
    for raw in _SENTENCE_END.split(text.replace(" • ", ". ").replace("• ", "")):
        s = re.sub(r"\.{2,}$", ".", " ".join(raw.split()).strip())
        if ". ." in s:
            continue  # a slide's "but . . ." trails off: not a sentence to say
        words = s.split()
        letters = sum(c.isalpha() for c in s)
        if not 5 <= len(words) <= 40 or letters < 0.6 * len(s):
            continue
        out.append(s if s.endswith((".", "!", "?")) else s + ".")
    return out


def extractive_storyboard(body: dict[str, Any]) -> str:
    text = _user_text(body)
    brief = re.search(r"The brief:\n(.*?)(?:\n\n|$)", text, re.S)
    prompt = brief.group(1).strip() if brief else ""
    budget = int(m.group(1)) if (m := re.search(r"about (\d+) words of narration", text)) else 60
    facts_line = re.search(r"Facts the brief states; say every one, in these words: (.*)\.\n", text + "\n")
    facts = [f.strip() for f in facts_line.group(1).split("; ")] if facts_line else []
    points_line = re.search(r"Points the brief lists, one scene each in this order: (.*)\.\n", text + "\n")
    points = [p.strip() for p in points_line.group(1).split("; ")] if points_line else []
    titled = re.search(r"titled (['\"])(.+?)\1, \d+ pages", text)
    suggested = re.search(r"A title of at most 8 words: (.+?)\.\n", text + "\n")
    title = titled.group(2) if titled else suggested.group(1) if suggested else ""
    if ":" in title and len(title.split(":")[0].split()) >= 1:
        title = title.split(":")[0]
    title = " ".join(title.split()[:8])
    style = m.group(1) if (m := re.search(r"Styles: ([\w-]+) \(", text)) else "clean"
    voice = m.group(1) if (m := re.search(r"Voices: ([\w-]+) \(", text)) else "en_US-joe"

    scenes: list[dict[str, Any]] = []
    if title:
        scenes.append(
            {"narration": f"Here is a short look at {title}.", "visual": {"kind": "title", "heading": title}}
        )
    else:
        title = "Overview"  # named on screen only: a sentence about "an overview" says nothing
    used = 0
    said: set[str] = set()
    # The brief's own sentences after the request itself, and any that carry a fact or a point.
    told = _SENTENCE_END.split(prompt)
    stating = [
        s for k, s in enumerate(told) if k > 0 or any(f.lower() in s.lower() for f in [*facts, *points])
    ]
    if stating:
        narration = " ".join(stating)
        scenes.append(
            {
                "narration": narration,
                "visual": (
                    {"kind": "bullets", "heading": title, "bullets": (facts or points)[:6]}
                    if facts or points
                    else {"kind": "title", "heading": title}
                ),
            }
        )
        said |= set(stating)
    parts = re.search(r"^  Its parts, in order: (.*)\.$", text, re.M)
    if parts and scenes:
        named = parts.group(1).split("; ")
        listed = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
        scenes[0]["narration"] += f" It covers {listed}."
    used = sum(len(s["narration"].split()) for s in scenes)
    units = sum(1 for line in text.splitlines() if _FILE_UNIT.match(line))
    per_unit = 3 if units >= 6 else 12  # a document of few long sections says more of each
    for line in text.splitlines():
        if used >= 0.95 * budget:
            break
        m = _FILE_UNIT.match(line)
        if not m:
            continue
        file = int(m.group(1))
        page = int(m.group(2) or m.group(4) or m.group(6))
        content = m.group(3) or m.group(5) or m.group(7) or ""
        # The slide's or section's heading opens what is said about it, as a presenter would.
        heading = re.match(r"^(.{3,80}?)\. ", content) if m.group(3) else None
        if m.group(5) is not None:
            heading = re.match(r"^  File \d+ section '(?:\d+(?:\.\d+)*\.? )?([^']{3,80})'", line)
        notes = content.split(" Speaker notes: ", 1)
        name = heading.group(1).rstrip(".?:") if heading and "(" not in heading.group(1) else ""
        lead = name + ". " if name and name not in said else ""  # a build slide repeats its heading
        said.add(name)
        picked: list[str] = []
        for sentence in _sentences(notes[1] if len(notes) == 2 else content):
            n = len(sentence.split())
            # A model keeps to the budget it is given, the heading it opens with included.
            over = used + n + len(lead.split()) > 1.05 * budget
            if sentence in said or sentence.rstrip(".") in said or over:
                continue
            picked.append(sentence)
            said.add(sentence)
            used += n
            if len(picked) == per_unit or used >= 0.95 * budget:
                break
        if picked:
            used += len(lead.split())
            scenes.append(
                {"narration": lead + " ".join(picked), "visual": {"kind": "file", "file": file, "page": page}}
            )
    return json.dumps(
        {
            "title": title,
            "orientation": "landscape",
            "tone": "friendly",
            "style": style,
            "avatar": None,
            "voice": voice,
            "reason": "",
            "scenes": scenes,
        }
    )
