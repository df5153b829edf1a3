"""Prompt language detection, the voice it leads to, and the 400 for a voice in another language."""

from __future__ import annotations

from collections.abc import Iterator

import av
import httpx
import pytest

from reelwright.errors import InputError
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.language import check_voice_language, detect_language, voice_for_prompt
from reelwright.plan.offline import OfflinePlanner
from tests.server import Server

GERMAN = "Erstelle ein kurzes Video über unsere neue Kaffeemaschine für das Vertriebsteam"


@pytest.mark.parametrize(
    ("prompt", "language"),
    [
        ("A friendly 45-second explainer about our quarterly sales results for the team", "en"),
        (GERMAN, "de"),
        ("Crée une vidéo de 30 secondes sur notre nouvelle machine à café", "fr"),
        ("Haz un video sobre nuestra nueva cafetera para los clientes", "es"),
        ("Maak een video over onze nieuwe koffiemachine", "nl"),
        ("Сделай видео о нашей новой кофемашине", "ru"),
        ("新しいコーヒーメーカーについての動画を作ってください", "ja"),
        ("制作一个关于我们新咖啡机的视频", "zh"),
    ],
)
def test_detects_the_prompts_language(prompt: str, language: str) -> None:
    detected = detect_language(prompt)
    assert detected is not None and detected.language == language


@pytest.mark.parametrize(
    "prompt", ["Kubernetes autoscaling", "Q3 results", "iPhone 17", "https://example.com/a"]
)
def test_abstains_when_the_prompt_cannot_tell(prompt: str) -> None:
    assert detect_language(prompt) is None
    check_voice_language(prompt, "espeak-de")  # nothing to refuse on a guess


def test_pinned_voice_must_speak_the_language() -> None:
    with pytest.raises(InputError) as err:
        check_voice_language(GERMAN, "en_US-joe")
    assert err.value.param == "voice_id"
    assert "German" in str(err.value) and "espeak-de" in str(err.value)
    check_voice_language(GERMAN, "espeak-de-female")
    check_voice_language("Make a short video about our new coffee machine", "espeak-en-gb-x-rp")
    # Norwegian written as Bokmål and read by the Bokmål voice, whatever the detector calls it.
    check_voice_language("Lag en kort video om den nye kaffemaskinen vår", "espeak-nb")


def test_unpinned_voice_follows_the_prompt() -> None:
    assert voice_for_prompt("Make a short video about our coffee machine", None).id == "en_US-joe"
    assert voice_for_prompt(GERMAN, None).id == "espeak-de"
    # A presenter's own voice is kept when it speaks the language, and its gender otherwise.
    assert voice_for_prompt(GERMAN, None, "espeak-de-female").id == "espeak-de-female"
    assert voice_for_prompt(GERMAN, None, "espeak-en-us-female").id == "espeak-de-female"
    assert voice_for_prompt("Kubernetes autoscaling", None, "espeak-en-us-female").id == "espeak-en-us-female"


def test_planner_picks_a_voice_in_the_prompts_language() -> None:
    board = OfflinePlanner().plan(PlanRequest.of(GERMAN, duration=10, no_avatar=True), Pacing()).storyboard
    assert board.voice == "espeak-de" and board.language == "de"
    with pytest.raises(InputError):
        OfflinePlanner().plan(PlanRequest.of(GERMAN, voice="en_US-joe", no_avatar=True), Pacing())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    srv = Server(tmp_path_factory.mktemp("data"))
    key = srv.key("voices")
    srv.start()
    try:
        yield srv, key
    finally:
        srv.stop()


def test_http_mismatch_is_400_and_voices_list_previews(server: tuple[Server, str]) -> None:
    srv, key = server
    with srv.client(key) as c:
        r = c.post("/v3/video-agents", json={"prompt": GERMAN, "voice_id": "en_US-joe"})
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert error["param"] == "voice_id" and "German" in error["message"]

        voices = c.get("/v3/voices").json()["data"]
        first = voices[0]
        assert first["voice_id"] == "en_US-joe" and first["gender"] == "male" and first["support_pause"]
        assert first["preview_audio_url"] == f"{srv.base}/previews/voice/en_US-joe/audio.mp3"
        by_id = {v["voice_id"]: v for v in voices}
        assert (
            by_id["espeak-de-female"]["language"] == "de"
            and by_id["espeak-de-female"]["quality"] == "robotic"
        )
        legacy = c.get("/v2/voices").json()["data"]["voices"]
        assert {v["voice_id"] for v in legacy} == set(by_id)
        assert all(v["preview_audio"].endswith("/audio.mp3") for v in legacy)

        # The URL works: the server renders the preview on first request.
        audio = httpx.get(by_id["espeak-de-female"]["preview_audio_url"], timeout=60)
        assert audio.status_code == 200 and audio.headers["content-type"].startswith("audio/mpeg")
    path = srv.data / "preview-test.mp3"
    path.write_bytes(audio.content)
    with av.open(str(path)) as container:
        assert container.streams.audio[0].codec_context.name in ("mp3", "mp3float")
        assert container.duration is not None and container.duration / 1e6 > 2.0
