"""The error envelope: a real HTTP status and ``{"error": {"code", "message", "param"?}}``, with the
keys HeyGen's v1 and v2 clients read added on their routes (``family_body``)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    429: "rate_limit_exceeded",
    500: "internal_error",
    501: "not_implemented",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.param = status, message, param
        self.code = code or _CODES.get(status, "error")
        self.headers = headers or {}


def error_body(code: str, message: str, param: str | None = None) -> dict[str, dict[str, str]]:
    err = {"code": code, "message": message}
    if param:
        err["param"] = param
    return {"error": err}


def family_body(path: str, status: int, body: dict[str, dict[str, str]]) -> dict[str, object]:
    """An error body in the envelope of the route's API family, the v3 one inside it.

    HeyGen's v2 clients read ``data`` (null on an error) beside ``error``; its v1 clients check
    ``code`` (100 is success) and read ``message``: those keys are added, so every family's readers
    find what they look for and ``error.code`` stays our readable string.
    """
    if path.startswith("/v2/"):
        return {**body, "data": None}
    if path.startswith("/v1/"):
        return {"code": status, "message": body["error"]["message"], "data": None, **body}
    return dict(body)


async def api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    body = family_body(request.url.path, exc.status, error_body(exc.code, exc.message, exc.param))
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    param = _param_name(first.get("loc", ()))
    message = f"{param}: {first.get('msg')}" if param else str(first.get("msg"))
    body = family_body(request.url.path, 400, error_body("validation_error", message, param))
    return JSONResponse(body, status_code=400)


def _param_name(loc: Sequence[object]) -> str | None:
    """``("body", "files", 1, "url")`` → ``files[1].url``, the way API.md names a field."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        if i == 0 and part in ("body", "query", "path", "header", "cookie"):
            continue
        if isinstance(part, int):
            if not parts:
                return None  # the body itself is not an object: no field to name
            parts[-1] += f"[{part}]"
        else:
            parts.append(str(part))
    return ".".join(parts) or None


async def http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES.get(exc.status_code, "error")
    body = family_body(request.url.path, exc.status_code, error_body(code, str(exc.detail)))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


# HeyGen's v1/v2 clients declare ``error.code`` (in a video's status) as an integer; ours are
# readable strings. Each gets a stable number (the HTTP-like class first, then a serial), and the
# string travels beside it as ``failure_code``.
FAILURE_NUMBERS: dict[str, int] = {
    "invalid_input": 400001,
    "download_failed": 400002,
    "stopped": 499001,
    "internal_error": 500001,
    "render_failed": 500002,
}
UNKNOWN_FAILURE_NUMBER = 500000


def failure_number(code: str | None) -> int:
    return FAILURE_NUMBERS.get(code or "", UNKNOWN_FAILURE_NUMBER)


NOT_IMPLEMENTED = 501


def not_implemented_body(path: str, message: str) -> dict[str, object]:
    """A 501 in the envelope of the API family the path belongs to, so a HeyGen tool can say why."""
    return family_body(path, NOT_IMPLEMENTED, error_body("not_implemented", message))
