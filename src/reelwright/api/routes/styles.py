"""The style catalogue: ``GET /v3/video-agents/styles``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.errors import ApiError
from reelwright.api.pagination import list_envelope
from reelwright.api.previews import preview_url
from reelwright.styles.catalogue import STYLES

# Registered before the agents router, so "styles" is never taken for a session id.
router = APIRouter(prefix="/v3/video-agents", tags=["Video Agent"])

Limit20 = Annotated[int, Query(ge=1, le=100)]


@router.get("/styles", summary="List visual styles")
def list_styles(
    ctx: Ctx,
    _owner: OwnerId,
    tag: str | None = None,
    limit: Limit20 = 20,
    token: str | None = None,
) -> dict[str, Any]:
    styles = [s for s in STYLES.values() if tag is None or tag in s.tags]
    start = 0
    if token:
        ids = [s.id for s in styles]
        if token not in ids:
            raise ApiError(400, "token is not a next_token from this API", param="token")
        start = ids.index(token) + 1
    chunk = styles[start : start + limit]
    has_more = start + limit < len(styles)
    items = [
        {
            "style_id": s.id,
            "name": s.name,
            "description": s.description,
            # Rendered by the product on first request (a title card, and title then bullets).
            "thumbnail_url": preview_url(ctx, "style", s.id, "image.png"),
            "preview_video_url": preview_url(ctx, "style", s.id, "video.mp4"),
            "tags": list(s.tags),
            # Every style lays out both orientations; its previews are landscape.
            "aspect_ratio": "16:9",
        }
        for s in chunk
    ]
    return list_envelope(items, has_more, chunk[-1].id if has_more and chunk else None)
