"""Tables. The database is the source of truth for every job's state; the queue only carries work."""

from __future__ import annotations

import secrets
import time
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def new_id() -> str:
    """32 hex characters: a millisecond timestamp, then 80 random bits (the UUIDv7 layout).

    Time-ordered ids keep list pages in creation order among rows made in the same second,
    because pagination breaks ``created_at`` ties by id."""
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def now() -> int:
    """Seconds since the epoch. Stored as BigInteger: a 32-bit column ends in 2038 and makes
    PostgreSQL refuse a larger value (say, in a forged page token) with an error, not a row."""
    return int(time.time())


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    # Signs webhooks sent to a request's callback_url (registered endpoints have their own).
    webhook_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(
        String(64), unique=True
    )  # sha256 of the key; the key is never stored
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ServerSecret(Base):
    """Secrets every API and worker process must share (URL signing), kept with the data."""

    __tablename__ = "server_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class AgentSession(Base):
    __tablename__ = "agent_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="thinking")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    prompt: Mapped[str] = mapped_column(Text)
    request: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # validated options and files
    video_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    callback_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    callback_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # set while a worker runs it
    # When the stale-job sweep last put it back on the queue: claimed with a conditional update, so
    # of many nodes sweeping at once exactly one requeues it, once per stale period.
    requeued_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Stages finished so far ("plan", "voice"): a job run again resumes after the last one.
    checkpoint: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # Set by POST .../stop; the worker stops at its next checkpoint and clears it.
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When retention last deleted its inputs and working files: the policy finds what to delete
    # from rows (not by listing the bucket) and visits each ended session once, or again only
    # after it was active since.
    files_deleted_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The API's base URL as the node that accepted the job was configured or reached at: a worker
    # builds the job's links (webhooks) on it without knowing the API's address itself.
    public_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now, onupdate=now)

    __table_args__ = (
        Index("ix_agent_sessions_owner_created", "owner_id", "created_at"),
        Index("ix_agent_sessions_status", "status"),
        Index("ix_agent_sessions_updated", "updated_at"),  # the retention policy's query
    )


class AgentMessage(Base):
    """One turn of a session's conversation: the user's prompt and messages, the agent's answers."""

    __tablename__ = "agent_messages"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)  # time-ordered
    session_id: Mapped[str] = mapped_column(ForeignKey("agent_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8))  # user | model
    type: Mapped[str] = mapped_column(String(16), default="text")  # text | resource | error
    content: Mapped[str] = mapped_column(Text)
    resource_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A user message's extras (file keys, avatar_id, voice_id) and the run it started.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    run_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    handled: Mapped[bool] = mapped_column(Boolean, default=False)  # user messages the agent has read
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)

    __table_args__ = (Index("ix_agent_messages_session", "session_id", "id"),)


class AgentResource(Base):
    """Something the agent made for review in a session; today the storyboard ``draft``."""

    __tablename__ = "agent_resources"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("agent_sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="draft")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)

    __table_args__ = (Index("ix_agent_resources_session", "session_id", "id"),)


class Video(Base):
    __tablename__ = "videos"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    session_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    folder_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failure_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failure_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    completed_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (Index("ix_videos_owner_created", "owner_id", "created_at"),)


class Asset(Base):
    """An uploaded file (v3 assets, legacy v1 asset); the bytes live in the blob store under ``blob_key``."""

    __tablename__ = "assets"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # image | video | audio | pdf | document, from the bytes
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    blob_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)

    __table_args__ = (Index("ix_assets_owner_created", "owner_id", "created_at"),)


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every event type
    secret: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="enabled")
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)


class WebhookDelivery(Base):
    """The outbox: one event bound for one URL, kept until delivered or given up (survives restarts)."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    endpoint_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # None: a callback_url
    url: Mapped[str] = mapped_column(Text)
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)  # the exact bytes signed and sent
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[int] = mapped_column(BigInteger, default=now)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    delivered_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_owner_created", "owner_id", "created_at"),
    )


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[int] = mapped_column(BigInteger, default=now)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyRecord(Base):
    """A POST's first response, replayed for 24 h to repeats with the same ``Idempotency-Key``."""

    __tablename__ = "idempotency_records"
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    route: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="in_progress")  # in_progress | done
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    # sha256 of the request body: the same key with another body is refused, not replayed.
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The claim holding an in-progress record, and until when: its process renews the lease while
    # the request runs, so a record whose process died is free again within seconds.
    holder: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lease_until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # What the request committed, slot by slot ("session:<id>,session:<id>"), written in the same
    # transaction as each: a retry after its node died unanswered answers with them instead of
    # making them again.
    created: Mapped[str | None] = mapped_column(Text, nullable=True)


class StageStat(Base):
    """Running totals of pipeline stage durations, summed by every worker, exported on /metrics."""

    __tablename__ = "stage_stats"
    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    total_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class BrandKit(Base):
    """A caller's logo, colours and font, laid over a style when a request names ``brand_kit_id``."""

    __tablename__ = "brand_kits"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    logo_asset_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    primary_color: Mapped[str | None] = mapped_column(String(7), nullable=True)  # "#rrggbb"
    secondary_color: Mapped[str | None] = mapped_column(String(7), nullable=True)
    font_asset_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)

    __table_args__ = (Index("ix_brand_kits_owner_created", "owner_id", "created_at"),)


class PhotoAvatar(Base):
    """A talking-photo look made from a caller's portrait asset; ``face`` holds what was located in it."""

    __tablename__ = "photo_avatars"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    asset_id: Mapped[str] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(16), nullable=True)
    default_voice_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    face: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)

    __table_args__ = (Index("ix_photo_avatars_owner_created", "owner_id", "created_at"),)


class WebSession(Base):
    """A browser sign-in: the cookie carries a random token whose hash is kept here, never the key."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    api_key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    expires_at: Mapped[int] = mapped_column(BigInteger)


class VideoShare(Base):
    """A public link to a finished video: the token in its URL is the only credential, so it is
    random (192 bits) and revoking it (``revoked_at``) makes the page answer 404."""

    __tablename__ = "video_shares"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    video_id: Mapped[str] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class VideoTemplate(Base):
    """A storyboard with ``{{variables}}`` in its text; each generate fills them in and renders it."""

    __tablename__ = "video_templates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    storyboard: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # checked, sources server-side
    variables: Mapped[list[str]] = mapped_column(JSON, default=list)  # in order of first use
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)

    __table_args__ = (Index("ix_video_templates_owner_created", "owner_id", "created_at"),)


class Lease(Base):
    """A named lease on periodic work (the retention sweep): whoever holds an unexpired row runs it,
    so of many API nodes and workers only one does each round."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[int] = mapped_column(BigInteger)


class WorkerNode(Base):
    """A ``reelwright worker`` process (or a server's embedded workers) and its heartbeat."""

    __tablename__ = "worker_nodes"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # host:pid:random
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    threads: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # running, draining, stopped
    running: Mapped[int] = mapped_column(Integer, default=0)  # tasks in progress
    started_at: Mapped[int] = mapped_column(BigInteger, default=now)
    heartbeat_at: Mapped[int] = mapped_column(BigInteger, default=now)


class RenderFanout(Base):
    """A long video rendered scene by scene on many workers (see docs/decisions/0014).

    ``status``: rendering → finalizing → done (or failed). The move to finalizing and to done are
    conditional updates, so one task joins the segments and the video completes exactly once."""

    __tablename__ = "render_fanouts"
    video_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(20), default="rendering")
    n_segments: Mapped[int] = mapped_column(Integer)
    finalizer: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the worker joining it
    heartbeat_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # while finalizing
    started_at: Mapped[float] = mapped_column(Float)  # time.time() at the hand-off: total job time
    created_at: Mapped[int] = mapped_column(BigInteger, default=now)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now, onupdate=now)


class RenderSegment(Base):
    """One scene of a fanned-out video: claimed by one worker at a time (a lease kept fresh by its
    heartbeat); a segment whose worker stops beating is handed to another."""

    __tablename__ = "render_segments"
    video_id: Mapped[str] = mapped_column(
        ForeignKey("render_fanouts.video_id", ondelete="CASCADE"), primary_key=True
    )
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, running, done
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)  # who holds or rendered it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    seconds: Mapped[float | None] = mapped_column(Float, nullable=True)  # its render's wall time
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now, onupdate=now)


class VoiceChunk(Base):
    """A share of a long script's sentences, voiced by whichever worker claims it (a lease kept
    fresh by its heartbeat, as for :class:`RenderSegment`): the run that planned the video voices
    its script together with idle workers instead of alone (see docs/decisions/0014)."""

    __tablename__ = "voice_chunks"
    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, running, done
    worker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_at: Mapped[int] = mapped_column(BigInteger, default=now, onupdate=now)
