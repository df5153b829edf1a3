"""Your own Piper voices: every ``NAME.onnx`` with its ``NAME.onnx.json`` in ``REELWRIGHT_VOICES_DIR``.

Piper publishes dozens of voices in 40-odd languages (rhasspy/piper-voices); only one is packaged
on PyPI, so a user downloads the others once and drops them into the folder. Nothing is fetched at
run time. The language comes from the voice's config (``language.code``, else ``espeak.voice``);
Piper configs do not say who speaks, so the gender comes from an optional sidecar
``NAME.voice.json``::

    {"gender": "female", "name": "Jenny", "language": "en-GB", "description": "..."}

Without a sidecar the voice is listed as ``neutral``: never guessed, so the automatic pick does
not give a female presenter a voice that may be male. The voice id is ``NAME`` (Piper's own
naming, e.g. ``en_GB-jenny_dioco-medium``); a file whose name is already taken by another
engine's voice is skipped (the catalogue keeps the first registration).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

if TYPE_CHECKING:
    from reelwright.voice.catalogue import VoiceInfo
    from reelwright.voice.engine import SpeechEngine

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".voice.json"


@dataclass(frozen=True)
class PiperFiles:
    model: Path
    config: Path


def configured_voices_dir() -> Path | None:
    from reelwright.config import Settings

    folder = Settings().voices_dir
    return folder if folder is not None and folder.is_dir() else None


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a JSON object")
    return data


def _language(config: dict[str, Any]) -> str:
    from reelwright.voice.catalogue import bcp47

    language = config.get("language")
    if isinstance(language, dict) and isinstance(language.get("code"), str):
        return bcp47(language["code"])
    espeak = config.get("espeak")
    if isinstance(espeak, dict) and isinstance(espeak.get("voice"), str):
        return bcp47(espeak["voice"])
    raise ValueError("its config names no language (language.code or espeak.voice)")


def read_piper_voice(model: Path) -> tuple[VoiceInfo, PiperFiles]:
    """The catalogue entry for one Piper model file (ValueError when it cannot be used)."""
    from reelwright.voice.catalogue import Gender, VoiceInfo, bcp47

    config_path = model.with_name(model.name + ".json")
    if not config_path.is_file():
        raise ValueError(f"{config_path.name} (its Piper config) is missing")
    config = _read_json(config_path)
    if "phoneme_id_map" not in config or "audio" not in config:
        raise ValueError(f"{config_path.name} is not a Piper voice config")
    stem = model.name.removesuffix(".onnx")
    sidecar_path = model.with_name(stem + SIDECAR_SUFFIX)
    sidecar = _read_json(sidecar_path) if sidecar_path.is_file() else {}
    gender = sidecar.get("gender", "neutral")
    if gender not in get_args(Gender):
        raise ValueError(f"{sidecar_path.name}: gender must be female, male or neutral, not {gender!r}")
    language = bcp47(str(sidecar["language"])) if "language" in sidecar else _language(config)
    # Piper names are LANG-NAME-QUALITY ("en_GB-alba-medium"): "Alba" is what a person calls it.
    parts = stem.split("-")
    default_name = parts[1].replace("_", " ").title() if len(parts) >= 2 else stem
    quality = (config.get("audio") or {}).get("quality") or (parts[2] if len(parts) >= 3 else "")
    voice = VoiceInfo(
        id=stem,
        name=str(sidecar.get("name", default_name)),
        language=language,
        gender=gender,
        engine="piper-dir",
        quality="natural",
        support_pause=True,
        description=str(
            sidecar.get(
                "description",
                f"Neural (Piper VITS) {language} voice{f', {quality} quality' if quality else ''}, "
                f"from {model.parent}.",
            )
        ),
    )
    return voice, PiperFiles(model, config_path)


class PiperDirVoices:
    """The Piper voices in a folder (``REELWRIGHT_VOICES_DIR`` unless one is given)."""

    name = "piper-dir"

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._files: dict[str, PiperFiles] = {}

    def voices(self) -> list[VoiceInfo]:
        folder = self._folder or configured_voices_dir()
        if folder is None:
            return []
        found: list[VoiceInfo] = []
        for model in sorted(folder.glob("*.onnx")):
            if model.name.startswith("kokoro"):
                continue  # a Kokoro model (kokoro_engine.py), not a Piper voice
            try:
                voice, files = read_piper_voice(model)
            except (ValueError, OSError, KeyError) as exc:
                # One broken file must not hide the other voices, nor stop the server.
                log.warning("skipping voice %s: %s", model.name, exc)
                continue
            self._files[voice.id] = files
            found.append(voice)
        return found

    def load(self, voice: VoiceInfo) -> SpeechEngine:
        from reelwright.voice.piper_engine import PiperEngine

        if voice.id not in self._files:
            self.voices()
        files = self._files.get(voice.id)
        if files is None:
            raise LookupError(f"voice {voice.id!r} is no longer in the voices folder")
        return PiperEngine(voice, (files.model, files.config))
