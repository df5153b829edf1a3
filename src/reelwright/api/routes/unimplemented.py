"""HeyGen routes Reelwright does not implement: a 501 that says so, in HeyGen's envelope.

A bare 404 makes a HeyGen tool report "not found" (or retry); a 501 with a sentence lets it tell
its user what is missing and what to use instead. Only routes that published HeyGen clients call
are listed; anything else is still a 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from reelwright.api.errors import NOT_IMPLEMENTED, not_implemented_body

router = APIRouter(include_in_schema=False)

_AV4 = (
    "Avatar IV photo videos are not implemented on this Reelwright server; make a script video "
    "with POST /v2/video/generate (a talking_photo character) instead"
)
_TRANSLATION = "video translation is not implemented on this Reelwright server"
_STREAMING = "streaming (interactive) avatars are not implemented on this Reelwright server"
_PHOTO_GENERATION = (
    "AI photo-avatar generation and training are not implemented on this Reelwright server; "
    'make a talking photo from your own portrait with POST /v3/avatars {"type": "photo", "asset_id"}'
)
_WEBM = "transparent WebM avatar videos are not implemented on this Reelwright server"

# (path, methods, message)
_ROUTES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("/v2/video/av4/generate", ("POST",), _AV4),
    ("/v1/video.webm", ("POST",), _WEBM),
    ("/v2/video_translate", ("POST",), _TRANSLATION),
    ("/v2/video_translate/target_languages", ("GET",), _TRANSLATION),
    ("/v2/video_translate/{translate_id}", ("GET",), _TRANSLATION),
    ("/v3/video-translations", ("GET", "POST"), _TRANSLATION),
    ("/v3/video-translations/{translation_id}", ("GET",), _TRANSLATION),
    ("/v1/streaming.new", ("POST",), _STREAMING),
    ("/v1/streaming.start", ("POST",), _STREAMING),
    ("/v1/streaming.list", ("GET",), _STREAMING),
    ("/v1/streaming.ice", ("POST",), _STREAMING),
    ("/v1/streaming.task", ("POST",), _STREAMING),
    ("/v1/streaming.stop", ("POST",), _STREAMING),
    ("/v1/streaming.interrupt", ("POST",), _STREAMING),
    ("/v1/streaming.keep_alive", ("POST",), _STREAMING),
    ("/v1/streaming.create_token", ("POST",), _STREAMING),
    ("/v1/streaming/avatar.list", ("GET",), _STREAMING),
    ("/v2/photo_avatar/photo/generate", ("POST",), _PHOTO_GENERATION),
    ("/v2/photo_avatar/avatar_group/create", ("POST",), _PHOTO_GENERATION),
    ("/v2/photo_avatar/train", ("POST",), _PHOTO_GENERATION),
    ("/v2/photo_avatar/look/generate", ("POST",), _PHOTO_GENERATION),
)


def _answer(message: str) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def not_implemented(request: Request) -> JSONResponse:
        return JSONResponse(not_implemented_body(request.url.path, message), status_code=NOT_IMPLEMENTED)

    return not_implemented


for _path, _methods, _message in _ROUTES:
    router.add_api_route(_path, _answer(_message), methods=list(_methods))
