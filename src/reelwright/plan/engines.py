"""The built-in planners, registered through the plugin hook like any other planner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reelwright.config import Settings
from reelwright.hookspecs import Register, hookimpl

if TYPE_CHECKING:  # loaded with every plugin: planners are imported when one is made
    from reelwright.plan.base import Planner


def _offline(_settings: Settings) -> Planner:
    from reelwright.plan.offline import OfflinePlanner

    return OfflinePlanner()


def _llm(settings: Settings) -> Planner:
    from reelwright.llm.client import ChatClient
    from reelwright.plan.llm import LlmPlanner
    from reelwright.plan.select import llm_config

    config = llm_config(settings)
    assert config is not None
    return LlmPlanner(ChatClient(config))


@hookimpl
def register_planners(register: Register) -> None:
    # The offline rules need nothing; a language model is used whenever one is configured.
    register("offline", _offline, configured=lambda _s: True, priority=0)
    register("llm", _llm, configured=lambda s: bool(s.llm_base_url), priority=10)
