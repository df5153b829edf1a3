"""An example Reelwright plugin: the "echo" planner, which says the prompt exactly as written.

Chosen with ``REELWRIGHT_PLANNER=echo``; never picked automatically (``configured`` is false).
It uses only Reelwright's public pieces: the hook markers, the planner interface and the storyboard.
"""

from __future__ import annotations

from reelwright.config import Settings
from reelwright.hookspecs import Register, hookimpl
from reelwright.plan.base import Pacing, PlanRequest, PlanResult, Reading
from reelwright.plan.chat_rules import Revision
from reelwright.storyboard import Scene, Storyboard, TitleCard


class EchoPlanner:
    name = "echo"

    def plan(self, request: PlanRequest, pacing: Pacing) -> PlanResult:
        text = request.video.prompt
        words = text.split()
        title = " ".join(words[:6])
        board = Storyboard(
            title=title,
            orientation=request.video.orientation or "landscape",
            voice=request.video.voice or "en_US-joe",
            avatar=None,
            scenes=[Scene(id="echo", narration=text, visual=TitleCard(heading=title), presenter="none")],
        )
        return PlanResult(board, ("The echo planner said your prompt as it is written.",))

    def replan(self, request: PlanRequest, previous: PlanResult, pacing: Pacing) -> PlanResult:
        return previous  # the words are the user's: only the speaking rate may change

    def read_message(
        self, text: str, draft: Storyboard, draft_seconds: float | None, request: PlanRequest
    ) -> Reading:
        return Reading(Revision("ask", question="The echo planner cannot revise; say 'render it'."))


def _make(_settings: Settings) -> EchoPlanner:
    return EchoPlanner()


@hookimpl
def register_planners(register: Register) -> None:
    register("echo", _make, configured=lambda _settings: False)
