"""Engines are plugins: the built-ins register through the hooks, and an installed package adds its own."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reelwright import plugins
from reelwright.avatar.factory import make_presenter
from reelwright.config import Settings
from reelwright.errors import InputError, ReelwrightError
from reelwright.ingest.files import inspect_files
from reelwright.plan.base import Pacing, PlanRequest
from reelwright.plan.select import planner_for
from reelwright.voice.catalogue import VOICES
from reelwright.voice.kokoro_engine import extra_installed

EXAMPLE = Path(__file__).parent / "example_plugin"


def _installed() -> bool:
    eps = importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP)
    return any(ep.name == "echo" for ep in eps)


@pytest.fixture
def echo_plugin() -> Iterator[None]:
    """The example plugin loaded into this process (as its entry point would load it)."""
    if _installed():
        yield
        return
    sys.path.insert(0, str(EXAMPLE))
    import reelwright_example_plugin

    unload = plugins.register_for_tests(reelwright_example_plugin, "echo")
    try:
        yield
    finally:
        unload()
        sys.path.remove(str(EXAMPLE))


def test_builtins_register_through_the_hooks() -> None:
    assert plugins.registered_names("register_planners", "reelwright.plan.engines") == ["offline", "llm"]
    # Kokoro registers only with its extra installed (tests/test_voice_sources.py).
    kokoro = ["kokoro"] if extra_installed() else []
    assert plugins.registered_names("register_voices", "reelwright.voice.engines") == [
        "piper",
        "piper-dir",
        "speech-api",
        *kokoro,
        "espeak",
    ]
    assert set(plugins.by_name("register_input_readers")) >= {"image", "video", "audio", "pdf"}
    assert set(plugins.by_name("register_queues")) >= {"sqlite", "redis"}
    assert "file" in plugins.by_name("register_blob_stores")
    # The voice catalogue is whatever the voice engines list: natural voices first.
    assert next(iter(VOICES.values())).engine == "piper"
    # The voices folder and the speech service list nothing unless configured.
    assert {v.engine for v in VOICES.values()} == {"piper", "espeak", *kokoro}
    # Presenters: the illustrated cast through its plugin; an id nobody claims is refused.
    assert make_presenter("ava", 256) is not None
    with pytest.raises(InputError, match="unknown avatar"):
        make_presenter("nobody", 256)


def test_planner_is_chosen_by_settings() -> None:
    assert planner_for(Settings(llm_base_url=None)).name == "offline"
    assert planner_for(Settings(llm_base_url="http://127.0.0.1:9/v1")).name == "llm"
    with pytest.raises(ReelwrightError, match="not a registered planner"):
        planner_for(Settings(planner="nope"))


def test_a_plugin_planner_is_used_when_named(echo_plugin: None) -> None:
    # Never chosen automatically: it is not "configured".
    assert planner_for(Settings()).name == "offline"
    planner = planner_for(Settings(planner="echo"))
    result = planner.plan(PlanRequest.of("Plugins add engines without touching Reelwright."), Pacing())
    assert result.storyboard.scenes[0].narration == "Plugins add engines without touching Reelwright."
    assert "echo planner" in result.messages[0]


def test_a_plugin_input_reader_is_used_for_its_kind(tmp_path: Path) -> None:
    # A plugin that registers a kind again replaces the built-in reader of that kind.
    seen: list[str] = []

    class Module:
        @staticmethod
        @plugins.hookspecs.hookimpl
        def register_input_readers(register: plugins.hookspecs.Register) -> None:
            def read_pdf(info: object, head: bytes, limits: object) -> None:
                seen.append(head[:5].decode())

            register("pdf", read_pdf)

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    unload = plugins.register_for_tests(Module, "test-reader")
    try:
        (info,) = inspect_files([pdf])
    finally:
        unload()
    assert seen == ["%PDF-"] and info.kind == "pdf" and info.page_texts == []


def test_installed_plugin_is_listed_and_renders(tmp_path: Path) -> None:
    """The example package installed through its entry point (CI installs it): listed, and used
    end to end by ``reelwright render``."""
    if not _installed():
        message = f"the example plugin is not installed (pip install -e {EXAMPLE.relative_to(Path.cwd())})"
        if os.environ.get("REELWRIGHT_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    listed = subprocess.run(
        [sys.executable, "-m", "reelwright", "plugins"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    assert "reelwright-example-plugin" in listed and "planners: echo" in listed
    said = "Reelwright speaks this sentence exactly as the plugin planned it."
    proc = subprocess.run(
        [sys.executable, "-m", "reelwright", "render", said, "-o", str(tmp_path / "echo.mp4"), "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, "REELWRIGHT_PLANNER": "echo"},
    )
    assert proc.returncode == 0, proc.stderr
    srt = (tmp_path / "echo.srt").read_text()
    assert " ".join(line for line in srt.splitlines() if line and not line[0].isdigit()) == said
    assert "echo planner" in proc.stderr
