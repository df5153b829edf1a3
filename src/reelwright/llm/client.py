"""One JSON-returning chat call against any OpenAI-compatible server, with every failure bounded.

Each call has a timeout; timeouts, connection errors, 429s, 5xx answers and refusals are retried
with exponential back-off (honouring ``Retry-After``) a fixed number of times, and a whole planning
step has a time budget. When that is spent the caller gets :class:`LlmUnavailable` and falls back
to the offline planner, so a job can never wait on a model for ever.

Servers differ in what they accept: some reject ``json_schema`` response formats or image parts
with a 400. The client then degrades (images dropped, then ``json_object``, then no format) and
remembers it for the rest of its life.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai

log = logging.getLogger("reelwright.llm")

Message = dict[str, Any]


class LlmUnavailable(Exception):
    """The model could not give an answer within the retries and the time budget."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LlmConfig:
    base_url: str
    model: str
    api_key: str = "none"
    timeout: float = 90.0
    attempts: int = 3
    repairs: int = 2
    backoff: float = 2.0
    budget: float = 300.0


_RETRY_AFTER_CAP = 20.0  # seconds: a server asking for longer is treated as unavailable sooner


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class ChatClient:
    """A JSON-answering chat call with bounded retries; one per planner, shared by its calls."""

    def __init__(self, config: LlmConfig, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self._sleep = sleep
        # The client's own retries are off: ours count against the budget and are logged.
        self._client = openai.OpenAI(
            base_url=config.base_url, api_key=config.api_key, timeout=config.timeout, max_retries=0
        )
        self.accepts_images = True
        self._format_level = 0  # 0 json_schema, 1 json_object, 2 none: what the server accepts
        self.deadline: float | None = None
        self.calls = 0

    def start_budget(self) -> None:
        """Begin a planning step: its calls together may take at most ``budget`` seconds."""
        self.deadline = time.monotonic() + self.config.budget

    def _remaining(self) -> float:
        if self.deadline is None:
            self.start_budget()
        assert self.deadline is not None
        return self.deadline - time.monotonic()

    def _format(self, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
        if self._format_level == 0:
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
        if self._format_level == 1:
            # Servers with grammar-constrained decoding (llama.cpp's) take the schema here too;
            # others ignore it.
            return {"type": "json_object", "schema": schema}
        return None

    def complete_json(self, messages: list[Message], name: str, schema: dict[str, Any]) -> str:
        """The model's answer text (expected to be JSON; the caller validates it)."""
        delay = self.config.backoff
        last = "no attempt was made"
        attempt = 0
        while attempt < self.config.attempts:
            remaining = self._remaining()
            if remaining <= 0:
                raise LlmUnavailable(f"the model took too long ({last})")
            attempt += 1
            self.calls += 1
            try:
                kwargs: dict[str, Any] = {}
                fmt = self._format(name, schema)
                if fmt is not None:
                    kwargs["response_format"] = fmt
                response = self._client.chat.completions.create(
                    model=self.config.model,
                    messages=self._prepare(messages),  # type: ignore[arg-type]
                    temperature=0.4,
                    timeout=min(self.config.timeout, max(1.0, remaining)),
                    **kwargs,
                )
            except (openai.BadRequestError, openai.UnprocessableEntityError) as exc:
                # Not a transient failure: maybe the server cannot take images or this format.
                if self._degrade(messages):
                    log.info("model server refused the request (%s); retrying with less", exc.status_code)
                    attempt -= 1  # a capability probe, not a failed try
                    continue
                raise LlmUnavailable(f"the model server rejected the request: {_short(exc)}") from exc
            except (openai.AuthenticationError, openai.PermissionDeniedError, openai.NotFoundError) as exc:
                raise LlmUnavailable(f"the model server refused: {_short(exc)}") from exc
            except openai.APITimeoutError:
                last = f"no answer within {self.config.timeout:g} s"
            except openai.APIConnectionError as exc:
                last = f"cannot connect ({_short(exc)})"
            except openai.APIStatusError as exc:
                # Some servers (llama-cpp-python's) answer a request field they do not know with a
                # 500 that names it: that is a missing capability, not an outage.
                if _names_capability(exc) and self._degrade(messages):
                    log.info("model server cannot take part of the request (%s); retrying with less", exc)
                    attempt -= 1
                    continue
                last = f"HTTP {exc.status_code}"
                wait = _retry_after(exc)
                if wait is not None:
                    delay = max(delay, min(wait, _RETRY_AFTER_CAP))
            else:
                choice = response.choices[0] if response.choices else None
                if choice is None:
                    last = "an empty answer"
                elif getattr(choice.message, "refusal", None):
                    last = f"the model refused: {str(choice.message.refusal)[:200]}"
                elif not choice.message.content:
                    last = "an empty answer"
                else:
                    return str(choice.message.content)
            log.warning("model call %d/%d failed: %s", attempt, self.config.attempts, last)
            if attempt < self.config.attempts:
                self._sleep(min(delay, max(0.0, self._remaining())))
                delay *= 2
        raise LlmUnavailable(f"the model failed {self.config.attempts} times; last: {last}")

    def _degrade(self, messages: list[Message]) -> bool:
        if self.accepts_images and any(isinstance(m.get("content"), list) for m in messages):
            self.accepts_images = False
            return True
        if self._format_level < 2:
            self._format_level += 1
            return True
        return False

    def _prepare(self, messages: list[Message]) -> list[Message]:
        """Images become a text note when the server does not take them."""
        if self.accepts_images:
            return messages
        out: list[Message] = []
        for m in messages:
            content = m.get("content")
            if isinstance(content, list):
                text = "\n".join(p["text"] for p in content if p.get("type") == "text")
                out.append({**m, "content": text})
            else:
                out.append(m)
        return out


_CAPABILITY_WORDS = ("response_format", "json_schema", "image_url")


def _names_capability(exc: openai.APIStatusError) -> bool:
    text = f"{exc.message} {exc.body}"
    return exc.status_code >= 500 and any(word in text for word in _CAPABILITY_WORDS)


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
