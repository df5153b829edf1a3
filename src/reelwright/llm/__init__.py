"""Talking to an OpenAI-compatible chat API: bounded retries, structured output, no hangs."""

from reelwright.llm.client import ChatClient, LlmConfig, LlmUnavailable

__all__ = ["ChatClient", "LlmConfig", "LlmUnavailable"]
