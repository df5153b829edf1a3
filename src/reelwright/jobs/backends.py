"""The built-in queue backends for Huey, registered through the plugin hook: a SQLite file in the
data dir (the embedded default) and Redis (shared by many machines)."""

from __future__ import annotations

from typing import Any

from reelwright.config import Settings
from reelwright.hookspecs import Register, hookimpl


def _sqlite(_url: str, settings: Settings) -> Any:
    from huey import SqliteHuey

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(settings.queue_name, filename=str(settings.data_dir / "queue.db"))


def _redis(url: str, settings: Settings) -> Any:
    from huey import RedisHuey

    return RedisHuey(settings.queue_name, url=url)


@hookimpl
def register_queues(register: Register) -> None:
    register("sqlite", _sqlite)
    for scheme in ("redis", "rediss", "unix"):
        register(scheme, _redis)
