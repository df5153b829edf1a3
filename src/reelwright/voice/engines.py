"""The built-in speech engines and their voices, registered through the plugin hook.

Engines are imported only when a voice of theirs first speaks: listing voices loads neither
onnxruntime nor espeak-ng.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reelwright.hookspecs import Register, hookimpl

if TYPE_CHECKING:  # the catalogue reads this module's engines while it is imported
    from reelwright.voice.catalogue import VoiceInfo
    from reelwright.voice.engine import SpeechEngine


class PiperVoices:
    """Piper's neural voices that ship on PyPI (one, today: en_US "joe")."""

    name = "piper"

    def voices(self) -> list[VoiceInfo]:
        from reelwright.voice.catalogue import PIPER_VOICES

        return list(PIPER_VOICES.values())

    def load(self, voice: VoiceInfo) -> SpeechEngine:
        from reelwright.voice.piper_engine import PiperEngine

        return PiperEngine(voice)


class EspeakVoices:
    """eSpeak NG: a male and a female voice for every language its bundled data knows."""

    name = "espeak"

    def voices(self) -> list[VoiceInfo]:
        from reelwright.voice.catalogue import read_espeak_voices

        return list(read_espeak_voices().values())

    def load(self, voice: VoiceInfo) -> SpeechEngine:
        from reelwright.voice.espeak_engine import EspeakEngine

        return EspeakEngine(voice)


@hookimpl
def register_voices(register: Register) -> None:
    from reelwright.voice.kokoro_engine import kokoro_voices
    from reelwright.voice.piper_dir import PiperDirVoices
    from reelwright.voice.speech_api import SpeechApiVoices

    # Natural voices first: presenters take the first voice that fits. Each lists nothing when it
    # is not set up (no voices folder, no speech service, the Kokoro extra not installed).
    register(PiperVoices())
    register(PiperDirVoices())
    register(SpeechApiVoices())
    kokoro = kokoro_voices()
    if kokoro is not None:
        register(kokoro)
    register(EspeakVoices())
