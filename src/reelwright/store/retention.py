"""The retention policy: old videos, chat inputs and unused uploads are deleted, rows and objects.

Each kind has its own age in days (0 keeps it for ever, the default):

* ``video_retention_days``: a finished (completed or failed) video, counted from when it finished;
  its row and every object under ``videos/<id>/`` go.
* ``input_retention_days``: the input files and working files (``inputs/<id>/``, ``work/<id>/``:
  checkpoints, drafts) of a session not running and idle this long (a chat session never ends by
  itself; a generate session's are deleted as soon as its run ends, this catches a run that died).
  Found from the rows, not by listing the bucket: ``files_deleted_at`` marks a session done, until
  it is active again. Files whose session row is gone are the left-over sweep's
  (:mod:`reelwright.api.leftovers`).
* ``upload_retention_days``: an uploaded asset that no brand kit or photo look uses.

Objects are deleted after their row, so a crash in between leaves only unreachable bytes, which
the next round deletes again (deleting nothing is not an error).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update

from reelwright.config import Settings
from reelwright.store.blobs import BlobStore
from reelwright.store.db import Database
from reelwright.store.files import inputs_key, video_key, work_key
from reelwright.store.models import AgentSession, Asset, BrandKit, PhotoAvatar, Video, now
from reelwright.store.status import ACTIVE, VIDEO_COMPLETED, VIDEO_FAILED

log = logging.getLogger("reelwright.store")

DAY = 24 * 3600
BATCH = 200  # rows per round and kind: a long backlog is worked off over several rounds


@dataclass
class Deleted:
    videos: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # session ids
    assets: list[str] = field(default_factory=list)


def _cutoff(days: float, at: int | None) -> int:
    return int((now() if at is None else at) - days * DAY)


def apply_retention(settings: Settings, db: Database, blobs: BlobStore, *, at: int | None = None) -> Deleted:
    """Delete what the policy says is too old (as of ``at``, default now); what was deleted."""
    done = Deleted()
    if settings.video_retention_days > 0:
        cutoff = _cutoff(settings.video_retention_days, at)
        with db.session() as s:
            rows = s.scalars(
                select(Video)
                .where(Video.status.in_((VIDEO_COMPLETED, VIDEO_FAILED)), Video.completed_at < cutoff)
                .limit(BATCH)
            ).all()
            for row in rows:
                s.delete(row)  # as DELETE /v3/videos/{id} does
            done.videos = [row.id for row in rows]
        for video_id in done.videos:
            blobs.delete_prefix(video_key(video_id))
    if settings.input_retention_days > 0:
        cutoff = _cutoff(settings.input_retention_days, at)
        with db.session() as s:
            ended = s.scalars(
                select(AgentSession.id)
                .where(
                    AgentSession.status.not_in(ACTIVE),
                    AgentSession.updated_at < cutoff,
                    or_(
                        AgentSession.files_deleted_at.is_(None),
                        AgentSession.files_deleted_at < AgentSession.updated_at,
                    ),
                )
                .limit(BATCH)
            ).all()
        for session_id in ended:
            blobs.delete_prefix(inputs_key(session_id))
            blobs.delete_prefix(work_key(session_id))
            with db.session() as s:
                # updated_at kept as it is: it is the idle clock, and the session did nothing.
                s.execute(
                    update(AgentSession)
                    .where(AgentSession.id == session_id)
                    .values(files_deleted_at=now(), updated_at=AgentSession.updated_at)
                )
            done.inputs.append(session_id)
    if settings.upload_retention_days > 0:
        cutoff = _cutoff(settings.upload_retention_days, at)
        with db.session() as s:
            used = or_(
                Asset.id.in_(select(BrandKit.logo_asset_id).where(BrandKit.logo_asset_id.is_not(None))),
                Asset.id.in_(select(BrandKit.font_asset_id).where(BrandKit.font_asset_id.is_not(None))),
                Asset.id.in_(select(PhotoAvatar.asset_id)),
            )
            assets = s.scalars(select(Asset).where(Asset.created_at < cutoff, ~used).limit(BATCH)).all()
            keys = [(a.id, a.blob_key) for a in assets]
            for asset in assets:
                s.delete(asset)
        for asset_id, key in keys:
            blobs.delete_prefix(key)
            done.assets.append(asset_id)
    if done.videos or done.inputs or done.assets:
        log.info(
            "retention: deleted %d video(s), %d session(s)' inputs, %d upload(s)",
            len(done.videos),
            len(done.inputs),
            len(done.assets),
        )
    return done
