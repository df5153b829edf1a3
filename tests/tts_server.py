"""A real OpenAI-compatible speech server for tests: ``POST /v1/audio/speech`` answers with real
synthesized speech (the packaged Piper voice saying the ``input``), as WAV or MP3.

A script of failures can be queued in front of the answers (an HTTP status with headers, or a
delay), and every request body is kept, so a test can check retries and what was sent.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import av
import numpy as np

from reelwright.voice.catalogue import get_voice
from reelwright.voice.engine import SpeechEngine, Utterance, engine_for
from tests.quiet_http import QuietHTTPServer


@dataclass
class Failure:
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes = b'{"error": {"message": "overloaded, try again"}}'


@dataclass
class SpeechServer:
    base_url: str
    failures: list[Failure]
    requests: list[dict[str, Any]] = field(default_factory=list)
    spoken: dict[str, Utterance] = field(default_factory=dict)  # what Piper said, by input text
    audio_format: str = "wav"  # what it answers with, whatever was asked (some servers do that)


def _wav(utt: Utterance) -> bytes:
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(utt.sample_rate)
        w.writeframes((np.clip(utt.samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def _mp3(utt: Utterance) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=utt.sample_rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            (np.clip(utt.samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = utt.sample_rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


@contextmanager
def speech_server(*failures: Failure, audio_format: str = "wav") -> Iterator[SpeechServer]:
    engine: SpeechEngine = engine_for(get_voice("en_US-joe"))
    lock = threading.Lock()
    state = SpeechServer("", list(failures), audio_format=audio_format)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # a line per request would bury real failures in the test log

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            with lock:
                state.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
                failure = state.failures.pop(0) if state.failures else None
            if self.path != "/v1/audio/speech":
                self._send(404, b'{"error": {"message": "not found"}}', "application/json")
                return
            if failure is not None:
                time.sleep(failure.delay)
                self._send(failure.status, failure.body, "application/json", failure.headers)
                return
            with lock:
                utt = engine.synthesize(body["input"], speed=float(body.get("speed", 1.0)))
                state.spoken[body["input"]] = utt
            if state.audio_format == "mp3":
                self._send(200, _mp3(utt), "audio/mpeg")
            else:
                self._send(200, _wav(utt), "audio/wav")

        def _send(
            self, status: int, payload: bytes, kind: str, headers: dict[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
