"""A real OpenAI-compatible HTTP server for tests, replaying a script of answers.

Each POST to ``/v1/chat/completions`` takes the next step of the script: an answer (the message
content), an HTTP error with headers, a refusal, or a delay longer than the client's timeout. The
requests it got are kept, so a test can read what the planner sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.quiet_http import QuietHTTPServer


@dataclass
class Step:
    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    delay: float = 0.0
    when: Callable[[dict[str, Any]], bool] | None = None  # only if the request matches, else 400
    message: str | None = None  # an error's message
    respond: Callable[[dict[str, Any]], str] | None = None  # the answer computed from the request
    repeat: bool = False  # answer every later request with this step too


def answer(content: str | dict[str, Any]) -> Step:
    return Step(content=content if isinstance(content, str) else json.dumps(content))


def error(status: int, **headers: str) -> Step:
    return Step(status=status, headers=headers)


@dataclass
class ScriptedLlm:
    base_url: str
    script: list[Step]
    requests: list[dict[str, Any]] = field(default_factory=list)

    def then(self, *steps: Step) -> None:
        self.script.extend(steps)


def _completion(content: str | None, refusal: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "scripted",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": refusal},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextmanager
def scripted_llm(*steps: Step) -> Iterator[ScriptedLlm]:
    state = ScriptedLlm("", list(steps))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            with lock:
                state.requests.append(body)
                if state.script and state.script[0].repeat:
                    step = state.script[0]
                else:
                    step = state.script.pop(0) if state.script else error(500)
            if step.delay:
                time.sleep(step.delay)
            if step.when is not None and not step.when(body):
                status, payload = (
                    400,
                    {"error": {"message": "unsupported request", "type": "invalid_request"}},
                )
            elif step.status != 200:
                status, payload = (
                    step.status,
                    {"error": {"message": step.message or f"scripted {step.status}"}},
                )
            else:
                content = step.respond(body) if step.respond is not None else step.content
                status, payload = 200, _completion(content, step.refusal)
            data = json.dumps(payload).encode()
            # A client that timed out and left makes these raise; QuietHTTPServer says nothing.
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in step.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
