"""Failures that are not the caller's fault, answered in plain words instead of a bare 500.

* the database or the job queue is down or unreachable: ``503`` with ``Retry-After``, naming which;
* the disk is full (or a file-size limit was hit) while storing something: ``507``;
* a NUL character reached PostgreSQL by a path the edge does not scan (a multipart text field):
  ``400``, as the edge would have answered.
"""

from __future__ import annotations

import errno
import sqlite3

from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from reelwright.api.errors import error_body

RETRY_AFTER_SECONDS = 10
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _database_name(exc: sa_exc.DBAPIError) -> str:
    module = type(exc.orig).__module__ if exc.orig is not None else ""
    if module.startswith("psycopg"):
        return "PostgreSQL"
    if module.startswith("sqlite3"):
        return "SQLite"
    return "the database server"


def _unavailable(what: str, detail: str) -> JSONResponse:
    return JSONResponse(
        error_body("service_unavailable", f"{what} is unavailable ({detail}); retry in a few seconds"),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def no_space_message(exc: OSError) -> str:
    """What a full disk (or an exceeded file-size limit) means, in words."""
    if exc.errno == errno.EFBIG:
        return "the file is larger than the server may write (file size limit)"
    if exc.errno == errno.EDQUOT:
        return "the server's disk quota is used up"
    return "no space left on the server's disk"


def is_no_space(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _NO_SPACE


def unavailable_response(exc: BaseException) -> JSONResponse | None:
    """The answer for a failure of the server's own resources, or None when ``exc`` is not one."""
    if isinstance(exc, sa_exc.DataError) and "NUL" in str(exc.orig):
        return JSONResponse(
            error_body("validation_error", "text fields cannot contain a NUL character (\\u0000)"), 400
        )
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError) or (
        isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    ):
        assert isinstance(exc, sa_exc.DBAPIError)
        name = _database_name(exc)
        locked = "locked" in str(exc.orig)
        detail = "database is locked" if locked else "cannot connect or lost the connection"
        return _unavailable(f"the database ({name})", detail)
    if isinstance(exc, sa_exc.TimeoutError):
        return _unavailable("the database", "all connections are busy")
    if _is_queue_failure(exc):
        backend = "Redis" if type(exc).__module__.startswith("redis") else "SQLite"
        return _unavailable(f"the job queue ({backend})", "cannot connect or lost the connection")
    if is_no_space(exc):
        assert isinstance(exc, OSError)
        message = f"could not store the request's data: {no_space_message(exc)}"
        return JSONResponse(error_body("insufficient_storage", message), status_code=507)
    return None


def _is_queue_failure(exc: BaseException) -> bool:
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return True
    # SQLAlchemy wraps every error of the database it manages; a bare sqlite3 error comes from
    # Huey's SQLite queue.
    return isinstance(exc, sqlite3.OperationalError)
