"""The edge of every request body: authenticate first, count bytes as they arrive, refuse NUL.

Two pure ASGI middlewares (:class:`EdgeGuard` outermost, :class:`BodyGuard` right around the
routes), so they see the body as the client sends it, chunk by chunk, whatever the framing
(``Content-Length`` or ``Transfer-Encoding: chunked``):

* a request to the API (``/v1``, ``/v2``, ``/v3``) or to the web app's ``/web/api`` that carries a
  body must present a valid API key (or a signed-in cookie and its CSRF token) before a byte of
  the body is read, so nobody without a key can make the server buffer or spool anything;
* every body is counted as it is received and refused with 413 as soon as it passes its limit
  (a declared ``Content-Length`` over the limit is refused before reading at all);
* JSON (any ``…/json`` or ``…+json`` type, in any letter case) and form bodies are scanned for NUL
  as they stream past (``\\u0000``, ``%00`` or a raw zero byte), because PostgreSQL text cannot
  hold it; no body is read twice or held whole for the check.

Refusals are raised from inside ``receive`` as a FastAPI :class:`HTTPException` subclass, which
FastAPI's body parsing passes through untouched (it turns any other exception into "There was an
error parsing the body"), so the route answers with the usual error envelope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from fastapi import HTTPException
from fastapi.responses import JSONResponse

from reelwright.api.context import ApiContext
from reelwright.api.deps import api_key_from
from reelwright.api.errors import error_body
from reelwright.api.failures import unavailable_response
from reelwright.store.keys import owner_for_key

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MB = 1024 * 1024
UPLOAD_PATHS = frozenset({"/v3/assets", "/v1/asset", "/web/api/v3/assets"})
_API_PREFIXES = ("/v1/", "/v2/", "/v3/")
_WEB_API_PREFIX = "/web/api/"
# Multipart framing adds a little on top of an uploaded file itself.
_UPLOAD_FRAMING = 64 * 1024
# The web pages' own forms (sign-in, settings, create) are small; nothing else takes a body.
_PAGE_FORM_BYTES = 1 * MB
# The outer count only backs up the inner, exact one (see EdgeGuard).
_SLACK = 1 * MB

_JSON_NUL = (b"\\u0000", b"\x00")  # a raw zero byte is also how UTF-16/32 JSON would smuggle one in
_FORM_NUL = (b"%00", b"\x00")


class BodyRejected(HTTPException):
    """A body refused while it streams in (too large, or NUL in JSON/form text)."""


def body_limit(settings_upload_mb: int, settings_request_mb: int, path: str) -> tuple[int, str]:
    """The byte limit for a request to ``path``, and how to state it."""
    if path in UPLOAD_PATHS:
        return settings_upload_mb * MB + _UPLOAD_FRAMING, f"{settings_upload_mb} MB"
    if path.startswith(_API_PREFIXES) or path.startswith(_WEB_API_PREFIX):
        return settings_request_mb * MB, f"{settings_request_mb} MB"
    return _PAGE_FORM_BYTES, "1 MB"


def nul_patterns(content_type: str) -> tuple[bytes, ...]:
    """What spells NUL in a body of this type (empty: binary, not scanned). Case-insensitive."""
    media = content_type.split(";", 1)[0].strip().lower()
    # FastAPI parses a body without a content type as JSON too.
    if not media or media.endswith(("/json", "+json")):
        return _JSON_NUL
    if media == "application/x-www-form-urlencoded":
        return _FORM_NUL
    return ()


class _NulScanner:
    """Finds any of ``patterns`` in a stream fed chunk by chunk, including across chunk edges."""

    def __init__(self, patterns: tuple[bytes, ...]) -> None:
        self.patterns = patterns
        self.keep = max(len(p) for p in patterns) - 1
        self.tail = b""

    def found(self, chunk: bytes) -> bool:
        data = self.tail + chunk
        self.tail = data[-self.keep :]
        return any(p in data for p in self.patterns)


def _too_large(stated: str) -> BodyRejected:
    return BodyRejected(413, f"the request body is larger than {stated}")


_NUL_MESSAGE = "the body contains a NUL character (\\u0000 or %00), which text fields cannot hold"


# The web app's sign-in check for its ``/web/api`` calls: a refusal to send, or None to let it in.
WebAuth = Callable[[ApiContext, dict[str, str]], Awaitable[JSONResponse | None]]


class _Refuser:
    """Answers a :class:`BodyRejected` raised from ``receive`` (unless the response has started)."""

    def __init__(self, app: ASGIApp, ctx: ApiContext) -> None:
        self.app = app
        self.ctx = ctx

    def limit(self, path: str) -> tuple[int, str]:
        settings = self.ctx.settings
        return body_limit(settings.max_upload_mb, settings.max_request_mb, path)

    async def run(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked_send)
        except BodyRejected as exc:
            if started:
                raise
            await _rejection(exc)(scope, receive, send)
        except Exception as exc:
            unavailable = unavailable_response(exc)
            if unavailable is None or started:
                raise
            await unavailable(scope, receive, send)


class EdgeGuard(_Refuser):
    """Outermost: refuses before any body is read (bad URL, declared size, no credentials).

    It also counts the body, with some slack over the limit, for whatever reads it outside the
    routes (a middleware); :class:`BodyGuard` inside enforces the exact limit for the routes.
    Database, queue and disk failures anywhere inside are answered here with 503/507.

    ``web_auth`` checks the web app's cookie sign-in for ``/web/api`` (the composition root passes
    the web app's own check; without a web app those routes are refused).
    """

    def __init__(self, app: ASGIApp, ctx: ApiContext, web_auth: WebAuth | None = None) -> None:
        super().__init__(app, ctx)
        self.web_auth = web_auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            refusal = await self._refusal(scope)
        except Exception as exc:
            unavailable = unavailable_response(exc)
            if unavailable is None:
                raise
            await unavailable(scope, receive, send)
            return
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit, stated = self.limit(scope["path"])
        await self.run(scope, _counted(receive, limit + _SLACK, stated, ()), send)

    async def _refusal(self, scope: Scope) -> JSONResponse | None:
        path: str = scope["path"]
        query: bytes = scope.get("query_string", b"")
        # PostgreSQL text cannot hold NUL: refuse it at the edge rather than fail in the database.
        if "\x00" in path or b"%00" in query or b"\x00" in query:
            return JSONResponse(error_body("validation_error", "the URL contains a NUL character"), 400)
        headers = _headers(scope)
        length = headers.get("content-length", "")
        limit, stated = self.limit(path)
        if length.isdigit() and int(length) > limit:
            return _rejection(_too_large(stated))
        has_body = (length.isdigit() and int(length) > 0) or "transfer-encoding" in headers
        if not has_body:
            return None
        if path.startswith(_API_PREFIXES):
            key = api_key_from(headers.get("x-api-key"), headers.get("authorization"))
            owner = await anyio.to_thread.run_sync(owner_for_key, self.ctx.db, key) if key else None
            if owner is None:
                return JSONResponse(
                    error_body("unauthorized", "missing or unknown API key (send it in X-Api-Key)"), 401
                )
        elif path.startswith(_WEB_API_PREFIX):
            if self.web_auth is None:  # no web app is mounted
                return JSONResponse(error_body("unauthorized", "not signed in"), 401)
            return await self.web_auth(self.ctx, headers)
        return None


class BodyGuard(_Refuser):
    """Innermost, right around the routes: the exact limit, and the NUL scan, as the body streams.

    It must sit inside every ``@app.middleware("http")`` (Starlette's BaseHTTPMiddleware): those
    read ``receive`` in a task group, which would wrap our refusal in an ExceptionGroup that
    FastAPI reports as "There was an error parsing the body".
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, stated = self.limit(scope["path"])
        # An upload's body is the file itself (a legacy raw upload often comes with no content type,
        # or curl's form type): binary, never scanned for NUL.
        upload = scope["path"] in UPLOAD_PATHS
        patterns = () if upload else nul_patterns(_headers(scope).get("content-type", ""))
        await self.run(scope, _counted(receive, limit, stated, patterns), send)


def _counted(receive: Receive, limit: int, stated: str, patterns: tuple[bytes, ...]) -> Receive:
    """``receive``, raising :class:`BodyRejected` once past ``limit`` bytes or at a NUL pattern."""
    scanner = _NulScanner(patterns) if patterns else None
    received = 0

    async def guarded_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            chunk: bytes = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                raise _too_large(stated)
            if scanner is not None and scanner.found(chunk):
                raise BodyRejected(400, _NUL_MESSAGE)
        return message

    return guarded_receive


def _rejection(exc: BodyRejected) -> JSONResponse:
    return JSONResponse(
        error_body(_code(exc.status_code), str(exc.detail)),
        status_code=exc.status_code,
        # The rest of the body is not read: the connection cannot carry another request.
        headers={"Connection": "close"},
    )


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _code(status: int) -> str:
    return "payload_too_large" if status == 413 else "validation_error"
