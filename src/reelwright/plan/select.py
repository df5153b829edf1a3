"""Which planner a job uses: the language model when one is configured, else the offline rules."""

from __future__ import annotations

from reelwright.config import Settings
from reelwright.llm.client import ChatClient, LlmConfig
from reelwright.plan.base import Planner
from reelwright.plan.offline import OfflinePlanner


def llm_config(settings: Settings) -> LlmConfig | None:
    if not settings.llm_base_url:
        return None
    return LlmConfig(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout_seconds,
        attempts=settings.llm_attempts,
        repairs=settings.llm_repairs,
        backoff=settings.llm_backoff_seconds,
        budget=settings.llm_budget_seconds,
    )


def planner_for(settings: Settings) -> Planner:
    """A fresh planner for one job (planners keep per-job state such as their messages)."""
    config = llm_config(settings)
    if config is None:
        return OfflinePlanner()
    from reelwright.plan.llm import LlmPlanner

    return LlmPlanner(ChatClient(config))
