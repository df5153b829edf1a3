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
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")


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
    for raw in _SENTENCE_END.split(text.replace(" • ", ". ").replace("• ", "")):
        s = " ".join(raw.split()).strip()
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
    titled = re.search(r"titled (['\"])(.+?)\1, \d+ pages", text)
    title = titled.group(2) if titled else (facts[0] if facts else "An Overview")
    if ":" in title and len(title.split(":")[0].split()) >= 1:
        title = title.split(":")[0]
    title = " ".join(title.split()[:8])
    style = m.group(1) if (m := re.search(r"Styles: ([\w-]+) \(", text)) else "clean"
    voice = m.group(1) if (m := re.search(r"Voices: ([\w-]+) \(", text)) else "en_US-joe"

    scenes: list[dict[str, Any]] = [
        {"narration": f"Here is a short look at {title}.", "visual": {"kind": "title", "heading": title}}
    ]
    used = 0
    said: set[str] = set()
    # The brief's own sentences that carry its facts, in its words.
    stating = [s for s in _SENTENCE_END.split(prompt) if any(f.lower() in s.lower() for f in facts)]
    if stating:
        narration = " ".join(stating)
        scenes.append(
            {"narration": narration, "visual": {"kind": "bullets", "heading": title, "bullets": facts[:6]}}
        )
        said |= set(stating)
    used = sum(len(s["narration"].split()) for s in scenes)
    for line in text.splitlines():
        if used >= 0.95 * budget:
            break
        m = _FILE_UNIT.match(line)
        if not m:
            continue
        file = int(m.group(1))
        page = int(m.group(2) or m.group(4) or m.group(6))
        content = m.group(3) or m.group(5) or m.group(7) or ""
        notes = content.split(" Speaker notes: ", 1)
        picked: list[str] = []
        for sentence in _sentences(notes[1] if len(notes) == 2 else content):
            n = len(sentence.split())
            if sentence in said or used + n > 1.1 * budget:
                continue
            picked.append(sentence)
            said.add(sentence)
            used += n
            if len(picked) == 3 or used >= 0.95 * budget:
                break
        if picked:
            scenes.append(
                {"narration": " ".join(picked), "visual": {"kind": "file", "file": file, "page": page}}
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
