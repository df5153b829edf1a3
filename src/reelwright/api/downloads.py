"""Serving a stored file: from this machine's disk, by a redirect to a presigned object-store URL
(``REELWRIGHT_BLOB_PUBLIC=presigned``), or streamed from the store through the API, with Range
requests answered either way so players can seek."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from reelwright.api.context import ApiContext
from reelwright.api.errors import ApiError

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _disposition(filename: str | None) -> dict[str, str]:
    return {"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"} if filename else {}


def blob_response(
    ctx: ApiContext,
    request: Request,
    key: str,
    media_type: str,
    filename: str | None = None,
    *,
    ttl: int = 3600,
) -> Response:
    """The stored file under ``key`` as the answer to a (signed, already checked) download;
    ``ttl``: how long a presigned URL it redirects to stays valid."""
    path = ctx.blobs.local_path(key)
    if path is not None:  # FileResponse answers Range requests itself
        return FileResponse(path, media_type=media_type, filename=filename, content_disposition_type="inline")
    if ctx.settings.blob_public == "presigned":
        # A short life is enough: the client follows the redirect at once. The signed link it came
        # by is what expires on the user's schedule.
        url = ctx.blobs.presigned_url(key, ttl, media_type=media_type, filename=filename)
        if url is not None:
            return RedirectResponse(url, status_code=307)
    info = ctx.blobs.info(key)
    if info is None:
        raise ApiError(404, "no such file")
    headers = {"Accept-Ranges": "bytes", **_disposition(filename)}
    start, end, status = 0, info.size - 1, 200
    wanted = request.headers.get("range")
    if wanted is not None and info.size > 0:
        found = _RANGE.fullmatch(wanted.strip())
        if found is not None and (found.group(1) or found.group(2)):
            first, last = found.group(1), found.group(2)
            if first:
                start, end = int(first), min(int(last), info.size - 1) if last else info.size - 1
            else:  # the last N bytes
                start = max(0, info.size - int(last))
            if start > end or start >= info.size:
                return Response(
                    status_code=416,
                    headers={"Content-Range": f"bytes */{info.size}", "Accept-Ranges": "bytes"},
                )
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
        # Several ranges, or a malformed one: the whole file (allowed by RFC 9110).
    headers["Content-Length"] = str(max(0, end - start + 1))
    if info.size == 0:
        return Response(b"", media_type=media_type, headers=headers)
    return StreamingResponse(
        ctx.blobs.iter_range(key, start, end), status_code=status, media_type=media_type, headers=headers
    )
