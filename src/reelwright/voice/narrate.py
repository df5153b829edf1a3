"""A scene's narration text -> one WAV file with word and mouth-shape timings."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from reelwright.errors import InputError
from reelwright.storyboard import SceneAudio, VisemeCue, WordTiming
from reelwright.voice.catalogue import get_voice
from reelwright.voice.engine import SpeechEngine, Utterance, engine_for
from reelwright.voice.mix import write_wav
from reelwright.voice.spoken import spoken_form
from reelwright.voice.visemes import phonemes_to_visemes

# Bump when synthesis or timing code changes, so stale cache entries are not reused.
_CACHE_VERSION = 1

MIN_SPEED, MAX_SPEED = 0.5, 2.0

# Silence between sentences, chosen by how the sentence ends. A sentence with no final mark
# ended at a line break (a heading, a list item), which reads as a full stop.
_GAP_AFTER = {".": 0.28, "!": 0.28, "?": 0.28, "…": 0.35, ";": 0.12, ":": 0.12, ",": 0.08}
_GAP_DEFAULT = 0.28
_PAUSE_DEFAULT = 0.5
_PAUSE_MAX = 10.0
_LEAD_IN = 0.10  # silence before the first word, so a crossfade does not swallow it
_TAIL = 0.20  # after the last word, for the voice's release
_TRIM_MARGIN = 0.03  # kept around each sentence's detected speech
_FADE = 0.005  # at each cut, so trimming never clicks
_REST_MIN_GAP = 0.08  # shorter gaps between words keep the mouth moving instead of closing it

# "[pause]", "[pause 0.8s]", "[pause 800ms]", and HeyGen's (SSML's) '<break time="1s"/>'. A marker is
# silence, never spoken, and never reaches the captions (they come from the spoken words).
_PAUSE_MARKER = re.compile(
    r"\[\s*pause(?:\s*[:=]?\s*(\d+(?:\.\d+)?)\s*(ms|s|secs?|seconds?)?)?\s*\]"
    r"|<\s*break\b(?:[^>]*?\btime\s*=\s*[\"']?\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*[\"']?)?[^>]*>",
    re.IGNORECASE,
)
# '<break ...></break>' is the same pause written long-hand; the closing tag adds nothing.
_BREAK_END = re.compile(r"<\s*/\s*break\s*>", re.IGNORECASE)
_CLOSERS = "\"'”’»)]}"
# Never the end of a sentence: titles and Latin abbreviations, which a name or phrase follows.
# ("etc.", "Inc." and "U.S." do end sentences often, so they are left out: missing a split only
# costs a pause, a wrong split breaks the intonation mid-sentence.)
_ABBREVIATIONS = frozenset(
    ("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "e.g", "i.e", "cf", "approx", "dept")
)
# Abbreviations only when a number follows ("No. 5", "Jan. 3", "Fig. 2"), since "no" and "Jan"
# end sentences too.
_BEFORE_NUMBER = frozenset(
    (
        *("no", "nos", "fig", "figs", "vol", "pp", "p", "ch", "sec", "ca", "approx", "est"),
        *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    )
)
# A sentence ends at ., ! or ? (or the CJK/Devanagari/Arabic ends), possibly doubled and
# followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"([.!?…。！？।؟]+)([" + re.escape(_CLOSERS) + r"]*)(\s*)")
_CJK_END = frozenset("。！？")


def pause_seconds(match: re.Match[str]) -> float:
    """How long a pause marker asks to be silent (0.5 s when it names no time)."""
    number = match.group(1) or match.group(3)
    if number is None:
        return _PAUSE_DEFAULT
    unit = (match.group(2) or match.group(4) or "").lower()
    return float(number) / (1000.0 if unit == "ms" else 1.0)


def strip_pause_markers(text: str) -> str:
    """The text as spoken: pause markers removed (for word counts, captions and previews)."""
    return re.sub(r"[ \t]{2,}", " ", _PAUSE_MARKER.sub(" ", _BREAK_END.sub(" ", text))).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences in reading order. Line breaks always end a sentence; a full stop ends one unless
    it closes a title or abbreviation ("Dr.", "e.g.", "No. 5") or an initial ("J. Smith"), or
    the next word starts with a lower-case letter. "3.5" never splits: no space after the dot."""
    sentences: list[str] = []
    for line in re.split(r"\s*\n\s*", text):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            end = match.end(2)
            after = line[match.end() :]
            # No space after the mark: only CJK text ends sentences like that.
            no_space = match.group(3) == "" and match.end() < len(line)
            if no_space and not any(ch in _CJK_END for ch in match.group(1)):
                continue
            if after and after[0].islower():
                continue
            if match.group(1) == ".":
                before = line[start : match.start()].split()
                last = before[-1].lower().lstrip("(\"'“‘") if before else ""
                if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                    continue
                if last in _BEFORE_NUMBER and after[:1].isdigit():
                    continue
            sentence = line[start:end].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def _is_spoken(sentence: str) -> bool:
    return any(ch.isalnum() for ch in sentence)


def _final_mark(sentence: str) -> str:
    stripped = sentence.rstrip().rstrip(_CLOSERS)
    return stripped[-1] if stripped else ""


@dataclass
class _Say:
    sentence: str
    gap_after: float  # silence between this sentence's speech and whatever comes next


def _plan(text: str) -> tuple[float, list[_Say], float]:
    """(silence before the first sentence, sentences with the gap after each, silence after)."""
    text = _BREAK_END.sub(" ", text)
    lead = 0.0
    says: list[_Say] = []
    pos = 0
    pieces: list[tuple[str, float]] = []  # (text, pause after it)
    for match in _PAUSE_MARKER.finditer(text):
        seconds = pause_seconds(match)
        if seconds > _PAUSE_MAX:
            raise InputError(
                f"pause of {seconds:g} s is too long (at most {_PAUSE_MAX:g} s)", param="narration"
            )
        pieces.append((text[pos : match.start()], seconds))
        pos = match.end()
    pieces.append((text[pos:], 0.0))

    trailing = 0.0  # pauses asked for after the last sentence
    for piece, pause in pieces:
        sentences = [s for s in split_sentences(piece) if _is_spoken(s)]
        for k, sentence in enumerate(sentences):
            last_in_piece = k == len(sentences) - 1
            # Before a marker, text without a final mark runs straight into the pause.
            natural = _GAP_AFTER.get(_final_mark(sentence), 0.0 if last_in_piece else _GAP_DEFAULT)
            says.append(_Say(sentence, natural))
            trailing = 0.0
        if says:
            says[-1].gap_after += pause
            trailing += pause
        else:
            lead += pause
    if says:
        says[-1].gap_after = 0.0  # the tail is added separately
    return lead, says, trailing


# --- per-sentence cache ------------------------------------------------------------------------


def _cache_path(cache_dir: Path, voice_id: str, speed: float, sentence: str) -> Path:
    key = json.dumps([_CACHE_VERSION, voice_id, round(speed, 4), sentence], ensure_ascii=False)
    return cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.npz"


def _cache_load(path: Path) -> Utterance | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return Utterance(
                samples=np.asarray(data["samples"], dtype=np.float32),
                sample_rate=int(data["sample_rate"]),
                words=[(str(w), float(s), float(e)) for w, s, e in meta["words"]],
                word_phonemes=[[str(p) for p in ps] for ps in meta["word_phonemes"]],
            )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged: synthesize again


def _cache_store(path: Path, utt: Utterance) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"words": utt.words, "word_phonemes": utt.word_phonemes}, ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, samples=utt.samples, sample_rate=np.int64(utt.sample_rate), meta=np.str_(meta))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- assembly ----------------------------------------------------------------------------------


def _speech_span(utt: Utterance) -> tuple[int, int]:
    """Sample range of the utterance worth keeping: detected speech and every word, plus a margin."""
    from reelwright.voice.align import speech_bounds

    start, end = speech_bounds(utt.samples, utt.sample_rate)
    if utt.words:
        start = min(start, utt.words[0][1]) if end > start else utt.words[0][1]
        end = max(end, utt.words[-1][2])
    sr = utt.sample_rate
    lo = max(0, int((start - _TRIM_MARGIN) * sr))
    hi = min(len(utt.samples), int(np.ceil((end + _TRIM_MARGIN) * sr)))
    return lo, max(lo, hi)


def _faded(samples: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    n = min(len(samples) // 2, int(_FADE * sample_rate))
    if n > 0:
        ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
        samples = samples.copy()
        samples[:n] *= ramp
        samples[-n:] *= ramp[::-1]
    return samples


def _visemes(words: list[WordTiming], phonemes: list[list[str]], duration: float) -> list[VisemeCue]:
    """Each word's mouth shapes spread evenly over it; ``rest`` only where nobody speaks."""
    cues: list[VisemeCue] = []

    def add(viseme: str, start: float, end: float) -> None:
        # Rounded to 0.1 ms to keep the storyboard JSON short; neighbours round alike, so the
        # cues still tile without gaps.
        start, end = round(start, 4), round(end, 4)
        if end <= start:
            return
        if cues and cues[-1].viseme == viseme and abs(cues[-1].end - start) < 1e-6:
            cues[-1].end = end
        else:
            cues.append(VisemeCue(viseme=viseme, start=start, end=end))

    t = 0.0
    for k, word in enumerate(words):
        start = max(word.start, t)
        gap = start - t
        if gap >= _REST_MIN_GAP or (k == 0 and gap > 0):
            add("rest", t, start)
        elif cues and gap > 0:
            cues[-1].end = round(start, 4)  # a tiny gap: hold the previous shape
        elif gap > 0:
            start = t
        end = max(word.end, start)
        shapes = phonemes_to_visemes(phonemes[k]) or ["ah"]
        step = (end - start) / len(shapes)
        for i, shape in enumerate(shapes):
            add(shape, start + i * step, end if i == len(shapes) - 1 else start + (i + 1) * step)
        t = max(t, end)
    add("rest", t, duration)
    if cues:
        cues[-1].end = duration  # exactly, not rounded: the cues span the whole file
    return cues


def narrate(
    text: str,
    voice_id: str,
    out_wav: Path,
    *,
    speed: float = 1.0,
    cache_dir: Path | None = None,
) -> SceneAudio:
    """Speak ``text`` with a voice into a 16-bit mono WAV at the engine's sample rate.

    ``[pause]`` (0.5 s), ``[pause 0.8s]`` / ``[pause 800ms]`` and ``<break time="1s"/>`` markers
    add that much silence.
    Sentences are synthesized one at a time and, with ``cache_dir``, cached by (voice, speed,
    sentence), so editing one sentence of a scene re-synthesizes only that sentence. Loudness is
    left as the voice produces it; normalise the whole narration track once (mix.py).
    """
    voice = get_voice(voice_id)
    text = spoken_form(text, voice.language)  # "am 3. Mai" -> "am dritten Mai" (spoken.py)
    if not (MIN_SPEED <= speed <= MAX_SPEED):
        raise InputError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed:g}", param="speed")
    lead, says, tail = _plan(text)
    if not says:
        raise InputError("narration is empty: there is nothing to say", param="narration")

    engine: SpeechEngine | None = None

    def get_engine() -> SpeechEngine:
        nonlocal engine
        if engine is None:
            engine = engine_for(voice)
        return engine

    utterances = [_utterance(say.sentence, voice.id, speed, cache_dir, get_engine) for say in says]
    sample_rate = utterances[0].sample_rate

    parts: list[npt.NDArray[np.float32]] = [np.zeros(round((_LEAD_IN + lead) * sample_rate), np.float32)]
    offset = len(parts[0])
    words: list[WordTiming] = []
    phonemes: list[list[str]] = []
    for say, utt in zip(says, utterances, strict=True):
        if utt.sample_rate != sample_rate:
            raise ValueError("one voice produced two sample rates")  # a stale cache entry would
        lo, hi = _speech_span(utt)
        t0 = (offset - lo) / sample_rate
        for (word, start, end), ph in zip(utt.words, utt.word_phonemes, strict=True):
            words.append(WordTiming(word=word, start=round(t0 + start, 4), end=round(t0 + end, 4)))
            phonemes.append(ph)
        parts.append(_faded(utt.samples[lo:hi], sample_rate))
        gap = np.zeros(round(say.gap_after * sample_rate), np.float32)
        parts.append(gap)
        offset += (hi - lo) + len(gap)
    parts.append(np.zeros(round((_TAIL + tail) * sample_rate), np.float32))
    samples = np.concatenate(parts)
    duration = len(samples) / sample_rate

    # Clamp into the file and keep words in order (timings come rounded and from two sources).
    t = 0.0
    for w in words:
        start = min(max(w.start, t), duration)
        w.start, w.end = start, min(max(w.end, start), duration)
        t = w.end

    write_wav(out_wav, samples, sample_rate)
    return SceneAudio(
        path=str(out_wav), duration=duration, words=words, visemes=_visemes(words, phonemes, duration)
    )


def sentences_of(text: str, voice_id: str) -> list[str]:
    """The sentences :func:`narrate` synthesises for ``text``, each one a cache entry."""
    voice = get_voice(voice_id)
    _lead, says, _tail = _plan(spoken_form(text, voice.language))
    return [say.sentence for say in says]


def cache_file(cache_dir: Path, voice_id: str, speed: float, sentence: str) -> Path:
    """Where a sentence's synthesis is cached (its name is the same on every machine)."""
    return _cache_path(cache_dir, voice_id, speed, sentence)


def speak_into_cache(sentence: str, voice_id: str, speed: float, cache_dir: Path) -> Path:
    """Synthesise one sentence into the cache (unless it is there already); its cache file."""
    voice = get_voice(voice_id)
    _utterance(sentence, voice.id, speed, cache_dir, lambda: engine_for(voice))
    return _cache_path(cache_dir, voice.id, speed, sentence)


def _utterance(
    sentence: str, voice_id: str, speed: float, cache_dir: Path | None, engine: Callable[[], SpeechEngine]
) -> Utterance:
    path = _cache_path(cache_dir, voice_id, speed, sentence) if cache_dir is not None else None
    if path is not None and path.exists():
        cached = _cache_load(path)
        if cached is not None:
            return cached
    utt = engine().synthesize(sentence, speed=speed)
    if path is not None:
        _cache_store(path, utt)
    return utt
