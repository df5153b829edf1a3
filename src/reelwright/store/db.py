"""The database connection: SQLite (WAL) by default, PostgreSQL when the URL says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL: readers never wait for the writer; workers and the API share the file.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# The PostgreSQL advisory lock that serialises migrations (any 64-bit number of our own).
MIGRATION_LOCK = 0x5EE1_1217


def migrate(url: str) -> None:
    """Bring the schema up to date (idempotent; safe to run from every process at start).

    Many processes start at once in a cluster (``serve --processes N``, several nodes, workers): on
    PostgreSQL they take turns under an advisory lock, so only the first migrates and the others
    find the schema at head, instead of racing to create the same tables. SQLite's own write lock
    serialises them there."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if not url.startswith("postgresql"):
        command.upgrade(cfg, "head")
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            try:
                command.upgrade(cfg, "head")
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                conn.commit()
    finally:
        engine.dispose()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back if it raises."""
        with self._factory() as s, s.begin():
            yield s


_SHARED: dict[str, Database] = {}


def shared_database(url: str) -> Database:
    """The process's one Database (engine and pool) for ``url``: the API, the workers and the
    webhook dispatcher of one process share it."""
    db = _SHARED.get(url)
    if db is None:
        db = _SHARED.setdefault(url, Database(url))
    return db
