"""The prompt-adherence harness behind ``reelwright eval``.

Each case is a brief (prompt, options, attached files) and what a good storyboard for it must do:
last the asked length (within ±10 %), have the asked orientation and scene count, mention what the
user asked to cover, and state no figure that is not in the inputs. A planner's storyboard is
scored on those checks without rendering: the length is the planner's own estimate from the
voice's measured speaking rate (words ÷ rate + each scene's fixed overhead), which the render
pipeline then corrects by measuring the synthesised narration (so a real video lands closer than
this estimate, never further). That keeps a full run to seconds on a CPU.
"""

from __future__ import annotations

import math
import struct
import tempfile
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from reelwright.ingest.files import inspect_files
from reelwright.plan.base import DEFAULT_DURATION, Pacing, Planner, PlanRequest
from reelwright.plan.facts import invented_numbers, storyboard_text
from reelwright.plan.prompt import read_prompt
from reelwright.storyboard import Orientation, Storyboard

DATA = Path(__file__).parent / "data"
TOLERANCE = 0.10


def _office_png(folder: Path) -> Path:
    path = folder / "office.png"
    image = Image.new("RGB", (1280, 720), (70, 110, 150))
    draw = ImageDraw.Draw(image)
    for i in range(6):  # desks under windows: something to look at, no text
        draw.rectangle((80 + i * 200, 420, 220 + i * 200, 520), fill=(200, 170, 120))
        draw.rectangle((90 + i * 200, 120, 210 + i * 200, 300), fill=(190, 220, 240))
    image.save(path)
    return path


def _music_wav(folder: Path, seconds: float = 4.0) -> Path:
    path = folder / "music.wav"
    rate = 22050
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(6000 * math.sin(2 * math.pi * 220 * n / rate)))
            for n in range(int(rate * seconds))
        )
        w.writeframes(frames)
    return path


def _deck(_folder: Path) -> Path:
    return DATA / "q3-results.pdf"


@dataclass(frozen=True)
class EvalCase:
    name: str
    prompt: str
    duration: float  # what a good storyboard lasts (from the prompt or the option below)
    orientation: Orientation
    mentions: tuple[str, ...] = ()  # each must appear in the narration or on screen
    scenes: int | None = None  # an exact count, when the brief asks for one
    files: tuple[Callable[[Path], Path], ...] = ()
    duration_option: float | None = None  # as `duration_sec` on the request
    orientation_option: Orientation | None = None


CASES: tuple[EvalCase, ...] = (
    EvalCase(
        "launch-explainer",
        "Create a 45-second explainer about our Q3 product launch. Use a friendly, upbeat tone.",
        45,
        "landscape",
        ("Q3 product launch",),
    ),
    EvalCase(
        "tiktok-bakery",
        "A 20-second TikTok about our bakery's new sourdough loaf. Make it upbeat and fun.",
        20,
        "portrait",
        ("sourdough",),
    ),
    EvalCase(
        "onboarding-points",
        "Make a 30 second onboarding video for new employees covering the kitchen, the wifi and parking. "
        "Formal tone. Use 5 scenes.",
        30,
        "landscape",
        ("kitchen", "wifi", "parking"),
        scenes=5,
    ),
    EvalCase(
        "investor-deck",
        "Summarise the attached deck in a one-minute video for investors.",
        60,
        "landscape",
        ("18 percent", "Lisbon"),
        files=(_deck,),
    ),
    EvalCase(
        "office-reel",
        "A calm 15-second vertical video showing our new office.",
        15,
        "portrait",
        ("office",),
        files=(_office_png, _music_wav),
    ),
    EvalCase(
        "safety-training",
        "Two minutes on workplace safety for staff: cover fire exits, first aid kits, "
        "and reporting incidents.",
        120,
        "landscape",
        ("fire exits", "first aid kits", "reporting incidents"),
    ),
    EvalCase(
        "options-win",
        "Quick update about the new expense policy, covering receipts and approval limits.",
        25,
        "portrait",
        ("receipts", "approval limits"),
        duration_option=25,
        orientation_option="portrait",
    ),
)


@dataclass
class CaseResult:
    name: str
    estimated: float
    target: float
    checks: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def duration_error(self) -> float:
        return (self.estimated - self.target) / self.target

    @property
    def score(self) -> int:
        return sum(self.checks.values())


def estimated_seconds(board: Storyboard, pacing: Pacing) -> float:
    words = board.narration_words()
    return words / (pacing.words_per_second * board.voice_speed) + pacing.scene_overhead * len(board.scenes)


def score_storyboard(case: EvalCase, board: Storyboard, sources: list[str], pacing: Pacing) -> CaseResult:
    estimate = estimated_seconds(board, pacing)
    result = CaseResult(case.name, estimate, case.duration)
    # Shorter is honest when the brief gave too little to say and the planner said so (its
    # messages end up in the notes); padding to the length with filler is not the goal.
    result.checks["duration"] = abs(result.duration_error) <= TOLERANCE
    result.checks["orientation"] = board.orientation == case.orientation
    text = " ".join(storyboard_text(board)).lower()
    missing = [m for m in case.mentions if m.lower() not in text]
    result.checks["mentions"] = not missing
    if missing:
        result.notes.append("missing: " + ", ".join(missing))
    invented = invented_numbers(board, sources)
    result.checks["no invented numbers"] = not invented
    if invented:
        result.notes.append("invented: " + ", ".join(invented))
    if case.scenes is not None:
        result.checks["scenes"] = len(board.scenes) == case.scenes
        if not result.checks["scenes"]:
            result.notes.append(f"{len(board.scenes)} scenes, asked {case.scenes}")
    return result


def _explains_short(messages: list[str]) -> bool:
    return any("language model" in m and ("shorter" in m or "asked for" in m) for m in messages)


def run_eval(planner_factory: Callable[[], Planner], cases: tuple[EvalCase, ...] = CASES) -> list[CaseResult]:
    """Plan every case with a fresh planner and score it; files are made in a temporary folder."""
    results: list[CaseResult] = []
    pacing = Pacing()
    with tempfile.TemporaryDirectory(prefix="reelwright-eval-") as tmp:
        folder = Path(tmp)
        for case in cases:
            files = inspect_files([make(folder) for make in case.files]) if case.files else []
            request = PlanRequest.of(
                case.prompt, files, duration=case.duration_option, orientation=case.orientation_option
            )
            target = case.duration_option or read_prompt(case.prompt).duration or DEFAULT_DURATION
            assert target == case.duration, f"{case.name}: the brief reads as {target} s"
            planner = planner_factory()
            started = time.perf_counter()
            planned = planner.plan(request, pacing)
            board = planned.storyboard
            sources = [case.prompt, *(text for f in files for text in f.page_texts)]
            result = score_storyboard(case, board, sources, pacing)
            result.seconds = time.perf_counter() - started
            result.notes.extend(planned.messages)
            if (
                not result.checks["duration"]
                and result.duration_error < 0
                and _explains_short(list(planned.messages))
            ):
                result.checks["duration"] = True
            results.append(result)
    return results


def results_table(results: list[CaseResult]) -> tuple[list[str], list[list[str]], str]:
    """Header, rows and the total line of the printed report."""
    columns = ["duration", "orientation", "mentions", "no invented numbers", "scenes"]
    header = ["case", "target", "estimate", "error", *columns, "score", "notes"]
    rows = []
    for r in results:
        marks = [("✓" if r.checks[c] else "✗") if c in r.checks else "-" for c in columns]
        rows.append(
            [
                r.name,
                f"{r.target:.0f} s",
                f"{r.estimated:.1f} s",
                f"{r.duration_error:+.0%}",
                *marks,
                f"{r.score}/{len(r.checks)}",
                "; ".join(r.notes)[:80],
            ]
        )
    passed = sum(r.score for r in results)
    possible = sum(len(r.checks) for r in results)
    total = f"total {passed}/{possible} checks ({passed / possible:.0%}) over {len(results)} briefs"
    return header, rows, total
