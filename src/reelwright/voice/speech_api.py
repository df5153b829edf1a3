"""Voices of any OpenAI-compatible speech service (``POST {base}/audio/speech``).

OpenAI, Kokoro-FastAPI, LocalAI, openedai-speech and similar self-hosted servers all take
``{"model", "input", "voice", "response_format", "speed"}`` and answer with the audio. Such a
server does not say which language or gender its voices are, so they are configured::

    REELWRIGHT_TTS_BASE_URL=http://127.0.0.1:8880/v1
    REELWRIGHT_TTS_MODEL=kokoro
    REELWRIGHT_TTS_VOICES="af_heart:en-US:female,am_adam:en-US:male,ff_siwis:fr:female"

Each voice is listed as ``api-NAME``. The service returns audio only, so word timings (captions,
lip-sync) are aligned from the audio against the known text (audio_align.py). Timeouts, 429 and
5xx answers are retried with doubling back-off; anything else fails at once with the server's
own message, as a :class:`SpeechApiError` that names the voice and the URL.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from reelwright.errors import ReelwrightError

if TYPE_CHECKING:
    from reelwright.config import Settings
    from reelwright.voice.catalogue import Gender, VoiceInfo
    from reelwright.voice.engine import SpeechEngine, Utterance

log = logging.getLogger(__name__)

# Decoded to one rate whatever the server sends (24 kHz for OpenAI and Kokoro), so a voice's
# sentences always share a sample rate, as narrate() requires.
SAMPLE_RATE = 24000
_RETRIED = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_MAX_BACKOFF = 30.0


class SpeechApiError(ReelwrightError):
    """The speech service could not speak a sentence (after retries where retrying can help)."""


@dataclass(frozen=True)
class ApiVoice:
    name: str  # what the server calls it
    language: str
    gender: Gender


def parse_voices(spec: str) -> list[ApiVoice]:
    """``"alloy:en:female,onyx:en-US:male"`` -> the voices (ValueError naming the bad entry)."""
    from reelwright.voice.catalogue import Gender, bcp47

    voices: list[ApiVoice] = []
    for entry in (e.strip() for e in spec.split(",")):
        if not entry:
            continue
        parts = [p.strip() for p in entry.split(":")]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"REELWRIGHT_TTS_VOICES entry {entry!r} is not name:language:gender")
        name, language, gender = parts
        if gender not in get_args(Gender):
            raise ValueError(f"REELWRIGHT_TTS_VOICES entry {entry!r}: gender must be female, male or neutral")
        voices.append(ApiVoice(name, bcp47(language), gender))  # type: ignore[arg-type]
    return voices


def _speech_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    return f"{base}/audio/speech" if base.endswith("/v1") else f"{base}/v1/audio/speech"


class SpeechApiVoices:
    """The configured voices of one OpenAI-compatible speech service."""

    name = "speech-api"

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings

    def _config(self) -> Settings:
        from reelwright.config import Settings

        return self._settings or Settings()

    def voices(self) -> list[VoiceInfo]:
        from reelwright.voice.catalogue import VoiceInfo

        settings = self._config()
        if not settings.tts_base_url:
            return []
        try:
            configured = parse_voices(settings.tts_voices)
        except ValueError as exc:
            # One bad setting must not take every other voice down with it: said loudly, listed none.
            log.error("no speech-service voices: %s", exc)
            return []
        if not configured:
            log.warning("REELWRIGHT_TTS_BASE_URL is set but REELWRIGHT_TTS_VOICES lists no voice")
        return [
            VoiceInfo(
                id=f"api-{v.name}",
                name=v.name.replace("_", " ").title(),
                language=v.language,
                gender=v.gender,
                engine=self.name,
                # What such a service serves is a neural voice; a formant one would not be worth it.
                quality="natural",
                support_pause=True,  # narrate() inserts the silence itself
                description=f"{v.name} from the speech service at {settings.tts_base_url} "
                f"(model {settings.tts_model}).",
            )
            for v in configured
        ]

    def load(self, voice: VoiceInfo) -> SpeechEngine:
        return SpeechApiEngine(voice, self._config())


class SpeechApiEngine:
    sample_rate = SAMPLE_RATE

    def __init__(self, voice: VoiceInfo, settings: Settings) -> None:
        import httpx

        assert settings.tts_base_url is not None
        self._voice = voice
        self._name = voice.id.removeprefix("api-")
        self._url = _speech_url(settings.tts_base_url)
        self._model = settings.tts_model
        self._attempts = settings.tts_attempts
        self._backoff = settings.tts_backoff_seconds
        self._client = httpx.Client(
            timeout=settings.tts_timeout_seconds,
            headers={"Authorization": f"Bearer {settings.tts_api_key}"},
        )

    def _fail(self, what: str) -> SpeechApiError:
        return SpeechApiError(
            f"the speech service at {self._url} could not speak with voice {self._name!r}: {what}"
        )

    def _request(self, sentence: str, speed: float) -> bytes:
        import httpx

        body = {
            "model": self._model,
            "input": sentence,
            "voice": self._name,
            "response_format": "wav",  # lossless, and every such server offers it
            "speed": round(speed, 3),
        }
        delay = self._backoff
        for attempt in range(1, self._attempts + 1):
            last = attempt == self._attempts
            try:
                response = self._client.post(self._url, json=body)
            except httpx.TransportError as exc:  # refused, reset, timed out
                if last:
                    raise self._fail(f"{type(exc).__name__}: {exc} (after {attempt} tries)") from exc
            else:
                if response.status_code == 200 and response.content:
                    return response.content
                detail = response.text[:300].strip() or "(empty answer)"
                if response.status_code == 200 or response.status_code not in _RETRIED or last:
                    tries = f" (after {attempt} tries)" if attempt > 1 else ""
                    raise self._fail(f"HTTP {response.status_code}: {detail}{tries}")
                retry_after = response.headers.get("retry-after", "")
                if retry_after.replace(".", "", 1).isdigit():
                    delay = max(delay, float(retry_after))
            time.sleep(min(delay, _MAX_BACKOFF))
            delay *= 2
        raise AssertionError("unreachable")

    def synthesize(self, sentence: str, *, speed: float = 1.0) -> Utterance:
        from reelwright.voice.audio_align import align_words
        from reelwright.voice.engine import Utterance
        from reelwright.voice.mix import decode_audio

        audio = self._request(sentence, speed)
        with tempfile.TemporaryDirectory(prefix="reelwright-tts-") as tmp:
            path = Path(tmp) / "speech"
            path.write_bytes(audio)
            try:
                samples = decode_audio(path, SAMPLE_RATE)
            except Exception as exc:  # PyAV raises many kinds for a body that is not audio
                raise self._fail(f"the answer is not audio ({len(audio)} bytes: {exc})") from exc
        if len(samples) == 0:
            raise self._fail("the answer holds no sound")
        words, phonemes = align_words(sentence, samples, SAMPLE_RATE, self._voice.language)
        return Utterance(samples=samples, sample_rate=SAMPLE_RATE, words=words, word_phonemes=phonemes)
