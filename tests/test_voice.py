"""The voice stage: real synthesis with Piper (joe) and espeak-ng, timings, pauses, cache, mix."""

from __future__ import annotations

import dataclasses
import threading
import wave
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from reelwright.cores import available_cpus
from reelwright.errors import InputError
from reelwright.storyboard import SceneAudio
from reelwright.voice import narrate as narrate_module
from reelwright.voice.catalogue import VOICES, default_voice_for, get_voice
from reelwright.voice.engine import SpeechEngine, Utterance, engine_for, sentences_at_once
from reelwright.voice.mix import decode_audio, duck_music, normalize_loudness, speech_envelope, write_wav
from reelwright.voice.narrate import cache_file, narrate, split_sentences
from reelwright.voice.stage import Sentence, speak_all

JOE = "en_US-joe"
TWO_SENTENCES = "Hello there, this is a test of the voice. Revenue in Q3 2024 grew by twelve percent!"


@pytest.fixture(scope="module")
def joe() -> SpeechEngine:
    # Loading the model takes about 2 s; engine_for keeps it for the rest of the module.
    return engine_for(get_voice(JOE))


def _read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
        return data, w.getframerate()


def _check_timings(audio: SceneAudio, n_words: int) -> None:
    assert len(audio.words) == n_words
    t = 0.0
    for w in audio.words:
        assert t - 1e-6 <= w.start <= w.end <= audio.duration + 1e-6
        t = w.end
    assert audio.visemes, "no mouth shapes"
    t = 0.0
    for cue in audio.visemes:
        assert abs(cue.start - t) < 1e-6, "cues should tile the narration"
        assert cue.end > cue.start
        t = cue.end
    assert abs(t - audio.duration) < 1e-6
    assert any(c.viseme != "rest" for c in audio.visemes)


def _rms_db(x: np.ndarray) -> float:
    return float(20 * np.log10(max(np.sqrt(np.mean(x.astype(np.float64) ** 2)), 1e-10)))


def test_piper_narration_timings(joe: SpeechEngine, tmp_path: Path) -> None:
    out = tmp_path / "scene.wav"
    audio = narrate(TWO_SENTENCES, JOE, out)
    samples, rate = _read(out)
    assert rate == joe.sample_rate == 22050
    assert audio.duration == pytest.approx(len(samples) / rate)
    _check_timings(audio, len(TWO_SENTENCES.split()))
    assert [w.word for w in audio.words] == TWO_SENTENCES.split()
    spoken = audio.words[-1].end - audio.words[0].start
    assert spoken > 0.8 * audio.duration
    # The timings really follow the audio: words are loud, the gaps between sentences quiet.
    inside = np.concatenate([samples[int(w.start * rate) : int(w.end * rate)] for w in audio.words])
    assert _rms_db(inside) > -30
    sentence_gap = samples[int(audio.words[8].end * rate) + 200 : int(audio.words[9].start * rate) - 200]
    assert len(sentence_gap) > 0.2 * rate
    assert _rms_db(sentence_gap) < _rms_db(inside) - 25


def test_piper_is_deterministic(joe: SpeechEngine) -> None:
    a = joe.synthesize("The quick brown fox jumps over the lazy dog.")
    b = joe.synthesize("The quick brown fox jumps over the lazy dog.")
    assert np.array_equal(a.samples, b.samples)
    assert a.words == b.words
    # Phoneme durations come from the model itself (patched output), not from an estimate.
    assert getattr(joe, "_aligned", True)


def test_sentences_spoken_side_by_side_match_one_at_a_time(
    joe: SpeechEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The voice stage speaks a sentence per core at once (espeak-ng behind a lock, onnxruntime
    run from several threads): the audio and timings are those of one sentence at a time."""
    texts = [
        "Reelwright turns a prompt and a few slides into a narrated video.",
        "It writes the script and picks a presenter.",
        "Captions follow the words as they are spoken, in 2024 and after.",
        "Everything runs offline, with no keys.",
        "A long video comes back as fast as the cluster is wide.",
        "That is the whole idea!",
    ]
    sentences = [Sentence(JOE, 1.0, t) for t in texts]
    assert sentences_at_once(joe) == available_cpus()
    running, most = 0, 0
    lock = threading.Lock()
    synthesize = joe.synthesize

    def counted(sentence: str, *, speed: float = 1.0) -> Utterance:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return synthesize(sentence, speed=speed)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(joe, "synthesize", counted)
    order: list[str] = []
    shares: list[float] = []
    speak_all(sentences, tmp_path, spoken=lambda s, _path: order.append(s.text), progress=shares.append)
    assert order == texts and shares[-1] == 1.0 and shares == sorted(shares)
    if available_cpus() > 1:
        assert most > 1, "the sentences were spoken one at a time"
    monkeypatch.undo()
    for text in texts:
        cached = narrate_module._cache_load(cache_file(tmp_path, JOE, 1.0, text))
        alone = joe.synthesize(text)
        assert cached is not None and np.array_equal(cached.samples, alone.samples), text
        assert cached.words == alone.words and cached.word_phonemes == alone.word_phonemes


def test_speed_changes_length(joe: SpeechEngine) -> None:
    normal = joe.synthesize("Speaking faster makes the sentence shorter.")
    fast = joe.synthesize("Speaking faster makes the sentence shorter.", speed=1.25)
    assert fast.duration < normal.duration * 0.9


def test_espeak_german(tmp_path: Path) -> None:
    text = "Guten Tag, das ist im Jahr 2024 ein kleiner Test. Wie geht es dir?"
    audio = narrate(text, "espeak-de", tmp_path / "de.wav")
    samples, rate = _read(tmp_path / "de.wav")
    assert rate == 22050
    assert _rms_db(samples) > -35
    _check_timings(audio, len(text.split()))
    assert audio.words[-1].end - audio.words[0].start > 0.8 * audio.duration


def test_pause_markers_add_silence(joe: SpeechEngine, tmp_path: Path) -> None:
    plain = narrate("First point. Second point.", JOE, tmp_path / "a.wav")
    paused = narrate("First point. [pause 1s] Second point.", JOE, tmp_path / "b.wav")
    short = narrate("First point. [pause] Second point.", JOE, tmp_path / "c.wav")
    assert paused.duration - plain.duration == pytest.approx(1.0, abs=0.02)
    assert short.duration - plain.duration == pytest.approx(0.5, abs=0.02)
    assert [w.word for w in paused.words] == ["First", "point.", "Second", "point."]
    rests = [c for c in paused.visemes if c.viseme == "rest" and c.end - c.start > 1.0]
    assert rests, "the pause should close the mouth"


def test_cache_is_reused(joe: SpeechEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first = narrate(TWO_SENTENCES, JOE, tmp_path / "one.wav", cache_dir=cache)
    files = sorted(cache.glob("*.npz"))
    assert len(files) == 2  # one per sentence
    mtimes = [f.stat().st_mtime_ns for f in files]

    def no_engine(*_: object) -> SpeechEngine:
        raise AssertionError("a cached sentence was synthesized again")

    monkeypatch.setattr(narrate_module, "engine_for", no_engine)
    second = narrate(TWO_SENTENCES, JOE, tmp_path / "two.wav", cache_dir=cache)
    assert second.words == first.words and second.duration == first.duration
    assert [f.stat().st_mtime_ns for f in sorted(cache.glob("*.npz"))] == mtimes
    assert (tmp_path / "one.wav").read_bytes() == (tmp_path / "two.wav").read_bytes()


def test_bad_input() -> None:
    with pytest.raises(InputError) as err:
        get_voice("nobody")
    assert err.value.param == "voice_id" and "en_US-joe" in str(err.value)
    with pytest.raises(InputError):
        narrate("  [pause] ... ", JOE, Path("unused.wav"))
    with pytest.raises(InputError) as err:
        narrate("Hello.", JOE, Path("unused.wav"), speed=3.0)
    assert err.value.param == "speed"


def test_catalogue() -> None:
    assert VOICES[JOE].quality == "natural" and VOICES[JOE].engine == "piper"
    espeak = [v for v in VOICES.values() if v.engine == "espeak"]
    assert len(espeak) > 100 and all(v.quality == "robotic" for v in espeak)
    assert default_voice_for("en").id == JOE
    assert default_voice_for("en-GB").id == JOE
    assert default_voice_for("de").id == "espeak-de"
    assert default_voice_for("pt-BR").id == "espeak-pt-br"
    assert default_voice_for("zh").id == "espeak-cmn"
    with pytest.raises(InputError):
        default_voice_for("xx")


def test_split_sentences() -> None:
    text = (
        'Dr. Smith arrived at 3.5 p.m. today. See Fig. 2 for more. The answer is no. He said "Hi!" '
        "Really? Yes.\nA heading\n你好。走吧！"
    )
    assert split_sentences(text) == [
        "Dr. Smith arrived at 3.5 p.m. today.",
        "See Fig. 2 for more.",
        "The answer is no.",
        'He said "Hi!"',
        "Really?",
        "Yes.",
        "A heading",
        "你好。",
        "走吧！",
    ]


def _speechy(rate: int, seconds: float, level: float) -> np.ndarray:
    """Noise bursts shaped like syllables: a stand-in for speech with a real loudness."""
    rng = np.random.default_rng(0)
    t = np.arange(int(rate * seconds)) / rate
    envelope = np.clip(np.sin(2 * np.pi * 3.0 * t), 0, None) ** 2
    return (level * envelope * rng.standard_normal(len(t))).astype(np.float32)


def test_normalize_loudness_hits_target(joe: SpeechEngine) -> None:
    utterance = joe.synthesize(TWO_SENTENCES)
    for samples, rate in ((utterance.samples, utterance.sample_rate), (_speechy(48000, 4.0, 0.05), 48000)):
        out = normalize_loudness(samples, rate, target_lufs=-16.0, peak_dbfs=-1.0)
        measured = pyloudnorm.Meter(rate).integrated_loudness(out.astype(np.float64))
        assert measured == pytest.approx(-16.0, abs=1.0)
        assert np.abs(out).max() <= 10 ** (-1.0 / 20) + 1e-3
    silence = np.zeros(22050, dtype=np.float32)
    assert np.array_equal(normalize_loudness(silence, 22050), silence)


def test_duck_music_and_envelope() -> None:
    rate, fps = 22050, 30
    speech = np.zeros(rate * 4, dtype=np.float32)
    speech[rate : 2 * rate] = _speechy(rate, 1.0, 0.3)
    music = (0.5 * np.sin(2 * np.pi * 220 * np.arange(len(speech)) / rate)).astype(np.float32)
    ducked = duck_music(music, speech, rate, volume_db=-20.0, duck_db=-12.0)
    quiet = _rms_db(ducked[int(1.3 * rate) : int(1.7 * rate)])
    normal = _rms_db(ducked[int(3.0 * rate) : int(3.9 * rate)])
    assert normal == pytest.approx(_rms_db(music) - 20.0, abs=0.5)
    assert quiet == pytest.approx(normal - 12.0, abs=1.0)

    env = speech_envelope(speech, rate, fps, 4 * fps)
    assert env.shape == (4 * fps,) and env.dtype == np.float32
    assert np.all(env[: fps - 2] == 0) and np.all(env[2 * fps + 2 :] == 0)
    assert env[fps : 2 * fps].max() > 0.8 and env.max() <= 1.0


def test_wav_round_trip_and_decode(tmp_path: Path) -> None:
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(22050) / 22050)).astype(np.float32)
    path = tmp_path / "tone.wav"
    write_wav(path, tone, 22050)
    assert list(tmp_path.iterdir()) == [path]  # no temporary left behind
    back, rate = _read(path)
    assert rate == 22050 and np.abs(back - tone).max() < 1e-4
    up = decode_audio(path, 44100)
    assert up.dtype == np.float32 and abs(len(up) - 44100) < 200
    assert _rms_db(up) == pytest.approx(_rms_db(tone), abs=0.3)
    with pytest.raises(InputError):
        decode_audio(tmp_path / "missing.mp3", 22050)


def test_decode_stops_at_the_samples_asked_for(tmp_path: Path) -> None:
    """A long track is decoded only as far as needed, and that part is what a whole decode gives."""
    path = tmp_path / "tone.wav"
    t = np.arange(44100 * 3) / 44100
    write_wav(path, (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), 44100)
    whole = decode_audio(path, 22050)
    part = decode_audio(path, 22050, max_samples=10000)
    assert len(part) == 10000 and np.array_equal(part, whole[:10000])
    assert len(decode_audio(path, 22050, max_samples=10**9)) == len(whole)


def test_a_voice_loaded_in_the_background_is_the_one_jobs_get(caplog: pytest.LogCaptureFixture) -> None:
    # A worker loads the default voice as it starts; its first job then finds that engine.
    from reelwright.voice import engine as engines

    voice = default_voice_for("en")
    engines.forget_engines()
    loading = engines.load_in_background(voice)
    loading.join(120)
    assert not loading.is_alive()
    with engines._ENGINES_LOCK:
        loaded = engines._ENGINES.get(voice.id)
    assert loaded is not None and engine_for(voice) is loaded
    # A voice that cannot load is a warning here; the job that needs it fails with its own words.
    broken = dataclasses.replace(voice, id="broken", engine="no-such-engine")  # type: ignore[arg-type]
    with caplog.at_level("WARNING"):
        engines.load_in_background(broken).join(30)
    assert "could not load the voice broken" in caplog.text
