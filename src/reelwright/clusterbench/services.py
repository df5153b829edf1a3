"""The shared services one benchmark run needs, fresh for each run and removed after it: a
PostgreSQL database, a Redis namespace and a blob store (moto's S3 server, or a local folder)."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reelwright.errors import ReelwrightError

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_QUEUE = "redis://127.0.0.1:6379/0"

BlobKind = Literal["auto", "s3", "disk"]


class ServiceMissing(ReelwrightError):
    """A service the cluster needs cannot be reached (the CLI exits 2 with this one line)."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


@dataclass(frozen=True)
class Services:
    """Where PostgreSQL and Redis are: the settings' URLs, else the local defaults."""

    database_url: str
    queue_url: str

    @classmethod
    def from_env(cls, database_url: str | None = None, queue_url: str | None = None) -> Services:
        return cls(
            database_url or os.environ.get("REELWRIGHT_DATABASE_URL") or DEFAULT_DATABASE,
            queue_url or os.environ.get("REELWRIGHT_QUEUE_URL") or DEFAULT_QUEUE,
        )

    def check(self) -> None:
        """Both answer, or :class:`ServiceMissing` naming the one that does not."""
        with self.database():
            pass
        with self.queue():
            pass

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new, empty database on the server; its URL. Dropped afterwards."""
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(self.database_url)
        if not url.drivername.startswith("postgresql"):
            raise ServiceMissing(
                f"the cluster needs PostgreSQL, not {url.drivername} "
                "(set REELWRIGHT_DATABASE_URL or --database-url to a postgresql:// URL)"
            )
        name = f"rw_bench_{secrets.token_hex(6)}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:
            admin.dispose()
            shown = url.render_as_string(hide_password=True)
            raise ServiceMissing(
                f"PostgreSQL is not reachable at {shown} ({_first_line(exc)}); "
                "set REELWRIGHT_DATABASE_URL or --database-url"
            ) from None
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    @contextmanager
    def queue(self) -> Iterator[str]:
        """A queue name of its own on the Redis server; its keys are deleted afterwards."""
        import redis

        client = redis.Redis.from_url(self.queue_url, socket_connect_timeout=5)
        try:
            client.ping()
        except Exception as exc:
            client.close()
            raise ServiceMissing(
                f"Redis is not reachable at {self.queue_url} ({_first_line(exc)}); "
                "set REELWRIGHT_QUEUE_URL or --queue-url"
            ) from None
        name = f"rw-bench-{secrets.token_hex(6)}"
        try:
            yield name
        finally:
            keys = list(client.scan_iter(match=f"*{name}*"))
            if keys:
                client.delete(*keys)
            client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def moto_available() -> bool:
    try:
        import boto3  # noqa: F401
        from moto.server import ThreadedMotoServer  # noqa: F401
    except ImportError:
        return False
    return True


def resolve_blob(kind: BlobKind) -> Literal["s3", "disk"]:
    if kind == "s3" and not moto_available():
        raise ServiceMissing("--blob s3 needs boto3 and moto[server] (the dev extra)")
    if kind == "auto":
        return "s3" if moto_available() else "disk"
    return kind


@contextmanager
def blob_store(kind: Literal["s3", "disk"], scratch: Path) -> Iterator[tuple[dict[str, str], str]]:
    """(the settings every process needs to share it, what it is in words). S3: moto's server on a
    free local port with a fresh bucket; disk: one folder every process names (nothing else is
    shared: each process keeps its own data dir)."""
    if kind == "disk":
        folder = scratch / "blobs"
        folder.mkdir(parents=True)
        try:
            yield {"REELWRIGHT_BLOB_URL": f"file://{folder.absolute()}"}, f"a shared local folder ({folder})"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    # moto's server logs every request through werkzeug, on this process's output.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    bucket = f"rw-bench-{secrets.token_hex(4)}"
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        )
        s3.create_bucket(Bucket=bucket)
        yield (
            {
                "REELWRIGHT_BLOB_URL": f"s3://{bucket}/rw",
                "REELWRIGHT_S3_ENDPOINT_URL": endpoint,
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_REGION": "us-east-1",
            },
            f"S3 (moto's server at {endpoint})",
        )
    finally:
        server.stop()
