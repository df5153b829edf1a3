"""Edits to the voice model's raw ONNX bytes: each keeps what the voice says and how long."""

from __future__ import annotations

import numpy as np
import pytest

from reelwright.voice import piper_engine
from reelwright.voice.catalogue import get_voice
from reelwright.voice.onnx_wire import _fields, fuse_residual_adds, with_duration_output

SENTENCE = "Three things stand out this quarter, and the first is that exports are faster."


@pytest.fixture(scope="module")
def model() -> bytes:
    path, _ = piper_engine._model_files("en_US-joe")
    timed, _ = with_duration_output(path.read_bytes())
    return timed


def _op_types(model: bytes) -> list[str]:
    (graph,) = [f for f in _fields(model, 0, len(model)) if f[0] == 7]
    out = []
    for number, _, start, end in _fields(model, graph[2], graph[3]):
        if number == 1:
            out += [model[s:e].decode() for n, _, s, e in _fields(model, start, end) if n == 4]
    return out


def test_residual_sums_move_into_the_convolutions(model: bytes) -> None:
    fused, count = fuse_residual_adds(model)
    before, after = _op_types(model), _op_types(fused)
    assert count > 20  # the joe voice's decoder: 31 residual sums
    assert after.count("FusedConv") - before.count("FusedConv") == count
    assert before.count("Add") - after.count("Add") == count
    assert before.count("Conv") - after.count("Conv") == count
    assert fuse_residual_adds(fused)[1] == 0  # nothing left to fuse: the edit is idempotent


def test_the_fused_voice_says_the_same_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    voice = get_voice("en_US-joe")
    fused = piper_engine.PiperEngine(voice).synthesize(SENTENCE)
    monkeypatch.setattr(piper_engine, "fuse_residual_adds", lambda model: (model, 0))
    plain = piper_engine.PiperEngine(voice).synthesize(SENTENCE)
    assert len(fused.samples) == len(plain.samples) and fused.words == plain.words
    a, b = np.asarray(fused.samples, np.float64), np.asarray(plain.samples, np.float64)
    # Float rounding only: measured 2.1e-5 to 6.6e-5, against a 16-bit step of 3.1e-5.
    assert np.abs(a - b).max() < 2e-4
