"""Which planner a job uses: ``REELWRIGHT_PLANNER`` if set, else the configured one of highest
priority among those registered (a language model when one is configured, else the offline rules)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reelwright import plugins
from reelwright.config import Settings
from reelwright.errors import ReelwrightError
from reelwright.llm.client import LlmConfig
from reelwright.plan.base import Planner


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


@dataclass(frozen=True)
class PlannerEngine:
    name: str
    make: Callable[[Settings], Planner]
    configured: Callable[[Settings], bool]
    priority: int
    plugin: str


def planner_engines() -> dict[str, PlannerEngine]:
    engines = {}
    for r in plugins.registrations("register_planners"):
        name, make = r.args
        engines[name] = PlannerEngine(
            name,
            make,
            r.kwargs.get("configured", lambda _s: True),
            int(r.kwargs.get("priority", 0)),
            r.plugin,
        )
    return engines


def planner_for(settings: Settings) -> Planner:
    """A fresh planner for one job (planners keep per-job state, e.g. a model's budget)."""
    engines = planner_engines()
    if settings.planner:
        engine = engines.get(settings.planner)
        if engine is None:
            raise ReelwrightError(
                f"REELWRIGHT_PLANNER={settings.planner!r} is not a registered planner "
                f"(registered: {', '.join(sorted(engines))})"
            )
        return engine.make(settings)
    configured = [e for e in engines.values() if e.configured(settings)]
    return max(configured, key=lambda e: e.priority).make(settings)
