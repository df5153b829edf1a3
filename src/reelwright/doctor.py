"""``reelwright doctor``: check a node's configuration end to end and say what is wrong in plain words.

Each check is small and independent, so one broken part (a database that is down) does not hide
another (a queue URL with a typo). Nothing here changes state except a probe file written to, read
back from and deleted in the blob store, and the database schema is only read, never migrated.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelwright.config import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or what is wrong and how to fix it


def _data_dir(settings: Settings) -> str:
    folder = settings.data_dir.absolute()
    if not folder.exists():
        raise RuntimeError(
            f"{folder} does not exist yet; `reelwright serve` or `reelwright keys create` makes it"
        )
    probe = folder / f".doctor-{secrets.token_hex(4)}"
    try:
        probe.write_bytes(b"ok")
    except OSError as exc:
        raise RuntimeError(f"{folder} is not writable ({exc.strerror})") from None
    probe.unlink()
    return f"{folder} (writable)"


def _database(settings: Settings) -> str:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from reelwright.store.db import MIGRATIONS

    url = settings.resolved_database_url
    shown = url.split("@")[-1] if "@" in url else url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise RuntimeError(
            f"no database yet at {shown}; `reelwright serve` or `reelwright keys create` makes it"
        )
    engine = create_engine(url, connect_args={"connect_timeout": 5} if url.startswith("postgresql") else {})
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise RuntimeError(
            f"cannot reach {shown}: {reason}; is the database running, and REELWRIGHT_DATABASE_URL right?"
        ) from None
    finally:
        engine.dispose()
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if current != head:
        raise RuntimeError(
            f"{shown}: schema at {current or 'nothing'}, the code needs {head}; "
            "run `reelwright keys create` or `reelwright serve` once to migrate"
        )
    return f"{shown}, schema up to date ({head})"


def _queue(settings: Settings) -> str:
    from reelwright.jobs.queue import make_huey

    if not settings.queue_url and not (settings.data_dir / "queue.db").is_file():
        raise RuntimeError("no queue yet in the data dir; `reelwright serve` or `reelwright worker` makes it")
    huey = make_huey(settings)
    try:
        pending = huey.pending_count()  # a round trip to the backend
    except Exception as exc:
        raise RuntimeError(
            f"cannot reach {settings.queue_url}: {exc}; is Redis running, and REELWRIGHT_QUEUE_URL right?"
        ) from None
    return f"{settings.queue_url or 'SQLite in the data dir'}: reachable, {pending} task(s) waiting"


def _workers(settings: Settings) -> str:
    """Who renders: the workers reporting heartbeats to this database (any machine)."""
    from reelwright.store.db import Database
    from reelwright.store.nodes import live_workers

    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise RuntimeError("no database yet, so no worker can report")
    db = Database(url)
    try:
        workers = live_workers(db)
    except Exception as exc:
        raise RuntimeError(f"cannot read the workers' heartbeats: {type(exc).__name__}") from None
    finally:
        db.engine.dispose()
    if not workers:
        return (
            "none reporting now; jobs wait in the queue until `reelwright worker` runs somewhere "
            "(or `reelwright serve` with REELWRIGHT_WORKERS above 0)"
        )
    shown = ", ".join(f"{w.hostname} pid {w.pid} ({w.state}, {w.running}/{w.threads} busy)" for w in workers)
    return f"{len(workers)} reporting: {shown}"


def _blob_store(settings: Settings) -> str:
    import httpx

    from reelwright.store.blobs import blob_store

    if not settings.blob_url and not settings.files_dir.is_dir():
        raise RuntimeError(f"{settings.files_dir} does not exist yet; `reelwright serve` makes it")
    try:
        store = blob_store(settings)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    check = getattr(store, "check_bucket", None)
    if check is not None:
        try:
            check()
        except Exception as exc:
            raise RuntimeError(
                f"cannot reach {settings.blob_url}: {exc}; do the bucket and the S3 settings "
                "(REELWRIGHT_S3_*, AWS_*) match?"
            ) from None
    key = f"doctor/{secrets.token_hex(8)}"
    payload = secrets.token_bytes(64)
    done = ["write", "read back"]
    try:
        with tempfile.TemporaryDirectory(prefix="reelwright-doctor-") as tmp:
            probe = Path(tmp) / "probe"
            probe.write_bytes(payload)
            store.put_file(key, probe)
        if store.read_bytes(key) != payload:
            raise RuntimeError("a file written to the blob store did not read back the same")
        url = store.presigned_url(key, 300, media_type="application/octet-stream")
        if url is not None:
            # Reached from here; clients reach it by the public endpoint, when one is set.
            if settings.s3_public_endpoint_url is None and httpx.get(url, timeout=30).content != payload:
                raise RuntimeError("a presigned URL of the blob store did not download the file")
            done.append("presign")
        elif settings.blob_public == "presigned":
            raise RuntimeError("REELWRIGHT_BLOB_PUBLIC=presigned, but this blob store cannot presign URLs")
    except RuntimeError:
        raise
    except Exception as exc:
        raise RuntimeError(f"the blob store failed: {type(exc).__name__}: {exc}") from None
    finally:
        store.delete_prefix(key)
        if not settings.blob_url:
            store.delete_prefix("doctor")  # the local store's folder
    if store.info(key) is not None:
        raise RuntimeError("a file deleted from the blob store is still there")
    return f"{settings.blob_url or settings.files_dir}: {', '.join(done)} and delete work"


def _ffmpeg(_settings: Settings) -> str:
    import subprocess

    from reelwright.render.ffmpeg import ffmpeg_exe

    exe = ffmpeg_exe()
    encoders = subprocess.run([exe, "-hide_banner", "-encoders"], capture_output=True, text=True, timeout=30)
    if "libx264" not in encoders.stdout:
        raise RuntimeError(f"{exe} has no libx264 encoder")
    return f"{exe} (libx264)"


def _voices(_settings: Settings) -> str:
    from reelwright.voice.catalogue import VOICES
    from reelwright.voice.engine import engine_for

    natural = [v for v in VOICES.values() if v.quality == "natural"]
    if not natural:
        raise RuntimeError("no natural voice is installed (the Piper voice package is missing)")
    started = time.perf_counter()
    utterance = engine_for(natural[0]).synthesize("Ready.")
    if utterance.duration <= 0:
        raise RuntimeError(f"{natural[0].id} produced no sound")
    engines = sorted({v.engine for v in VOICES.values()})
    return (
        f"{len(VOICES)} voices ({len(natural)} natural) from {', '.join(engines)}; "
        f"{natural[0].id} spoke in {time.perf_counter() - started:.1f} s"
    )


def _fonts(_settings: Settings) -> str:
    from reelwright.styles.fonts import FAMILIES, font_path

    missing = [f for f in FAMILIES if not font_path(f, "regular").is_file()]
    if missing:
        raise RuntimeError(f"font files missing for {', '.join(missing)}; reinstall the font packages")
    return f"{len(FAMILIES)} font families"


def _planner(settings: Settings) -> str:
    from reelwright.plan.select import planner_for

    planner = planner_for(settings)
    if planner.name == "llm":
        where = f"{settings.llm_model} at {settings.llm_base_url}"
        return f"llm ({where}); the offline planner stands in when it fails"
    return f"{planner.name} (set REELWRIGHT_LLM_BASE_URL for a language model)"


def _plugins(_settings: Settings) -> str:
    from reelwright import plugins

    loaded = plugins.loaded_plugins()
    extra = [p.package for p in loaded if p.package]
    return f"{len(loaded)} loaded" + (f", installed: {', '.join(sorted(set(extra)))}" if extra else "")


CHECKS: tuple[tuple[str, Callable[[Settings], str]], ...] = (
    ("data dir", _data_dir),
    ("database", _database),
    ("queue", _queue),
    ("workers", _workers),
    ("blob store", _blob_store),
    ("ffmpeg", _ffmpeg),
    ("voices", _voices),
    ("fonts", _fonts),
    ("planner", _planner),
    ("plugins", _plugins),
)


def run_checks(settings: Settings) -> list[Check]:
    results = []
    for name, check in CHECKS:
        try:
            results.append(Check(name, True, check(settings)))
        except Exception as exc:  # every failure is a finding to report, not a crash
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            results.append(Check(name, False, reason))
    return results
