"""The account: who a key belongs to and what it may still use."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from reelwright.api.deps import Ctx, OwnerId
from reelwright.api.sessions import running_jobs
from reelwright.store.models import Owner, Video

router = APIRouter(tags=["Account"])


@router.get("/v3/users/me", summary="Who this key belongs to and what it may still use")
def users_me(owner_id: OwnerId, ctx: Ctx) -> dict[str, Any]:
    with ctx.db.session() as s:
        owner = s.get(Owner, owner_id)
        assert owner is not None
        running = running_jobs(s, owner_id)
        videos = s.scalar(select(func.count()).select_from(Video).where(Video.owner_id == owner_id))
    limit = ctx.settings.max_concurrent_jobs
    return {
        "data": {
            "user_id": owner.id,
            "username": owner.name,
            "created_at": owner.created_at,
            "videos": videos or 0,
            "concurrent_jobs": {
                "limit": limit,
                "running": running,
                "available": max(0, limit - running),
            },
            # Self-hosted: rendering costs no credits, only machine time.
            "remaining_quota": None,
        }
    }
