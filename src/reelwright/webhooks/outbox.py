"""Recording webhook events in the outbox (``webhook_deliveries``).

Events are written in the same transaction that marks a session completed or failed, so an outcome
is never lost (a crash after the commit still leaves the delivery to send) and never announced
before it is true (a rollback removes both). The dispatcher sends them later, from any process.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelwright.config import Settings
from reelwright.request import VideoRequest
from reelwright.store.links import links_base, signed_url
from reelwright.store.models import AgentSession, ServerSecret, Video, WebhookDelivery, WebhookEndpoint
from reelwright.webhooks.events import (
    AVATAR_VIDEO_FAIL,
    AVATAR_VIDEO_SUCCESS,
    VIDEO_AGENT_FAIL,
    VIDEO_AGENT_SUCCESS,
)

URL_SIGNING = "url-signing"  # the ServerSecret the API signs download links with


def url_signing_secret(s: Session) -> bytes:
    """The download-link secret, read inside the caller's transaction.

    ``store.secrets_store.server_secret`` opens its own sessions; calling it while this transaction
    holds SQLite's write lock could wait on ourselves, so read (or, before any API process ever
    started, create) the row here instead.
    """
    row = s.get(ServerSecret, URL_SIGNING)
    if row is None:
        row = ServerSecret(name=URL_SIGNING, value=secrets.token_hex(32))
        s.add(row)
        s.flush()
    return bytes.fromhex(row.value)


def video_download_url(
    settings: Settings, secret: bytes, video_id: str, recorded_base: str | None = None
) -> str:
    """The same signed ``video_url`` that ``GET /v3/videos/{id}`` hands out (see ApiContext), on the
    base the job recorded when it was accepted unless this process has its own (``links_base``)."""
    base = links_base(settings, recorded_base)
    return signed_url(base, secret, f"/files/{video_id}/video.mp4", settings.link_ttl_seconds)


def encode_body(event_type: str, event_data: dict[str, Any]) -> str:
    """The exact text that is signed and sent (compact ASCII JSON: its bytes never depend on an encoder)."""
    # ``event`` repeats ``event_type``: the official n8n trigger reads that name.
    body = {"event_type": event_type, "event": event_type, "event_data": event_data}
    return json.dumps(body, separators=(",", ":"))


def session_events(session_row: AgentSession, video_row: Video, url: str | None) -> dict[str, dict[str, Any]]:
    """Both events (``video_agent.*`` and ``avatar_video.*``) for the session's outcome."""
    callback_id = session_row.callback_id
    if session_row.status == "completed":
        return {
            VIDEO_AGENT_SUCCESS: {
                "session_id": session_row.id,
                "video_id": video_row.id,
                "url": url,
                "callback_id": callback_id,
            },
            AVATAR_VIDEO_SUCCESS: {"video_id": video_row.id, "url": url, "callback_id": callback_id},
        }
    if session_row.status == "failed":
        msg = video_row.failure_message or session_row.error or "the video could not be made"
        return {
            VIDEO_AGENT_FAIL: {
                "session_id": session_row.id,
                "video_id": video_row.id,
                "msg": msg,
                "message": msg,
                "callback_id": callback_id,
            },
            AVATAR_VIDEO_FAIL: {"video_id": video_row.id, "msg": msg, "callback_id": callback_id},
        }
    raise ValueError(f"session {session_row.id} is {session_row.status!r}, not completed or failed")


def enqueue_session_events(
    s: Session, session_row: AgentSession, video_row: Video, *, settings: Settings | None = None
) -> None:
    """Record the outcome's deliveries: to the session's callback_url and to subscribed endpoints.

    Call inside the transaction that sets the session's final status. The callback_url gets one
    event, in the family of the API that created the session (``avatar_video.*`` for legacy v1
    and script videos, ``video_agent.*`` for v3), so it is not told twice; registered endpoints
    get every event they subscribed to. ``settings`` (public URL, link lifetime) defaults to the
    environment's.
    """
    url = None
    if session_row.status == "completed":
        url = video_download_url(
            settings or Settings(), url_signing_secret(s), video_row.id, session_row.public_url
        )
    bodies = {
        etype: encode_body(etype, data) for etype, data in session_events(session_row, video_row, url).items()
    }
    owner_id = session_row.owner_id

    if session_row.callback_url:
        legacy = VideoRequest.from_stored(session_row.prompt, session_row.request).api in ("v1", "script")
        family = "avatar_video." if legacy else "video_agent."
        for etype, body in bodies.items():
            if etype.startswith(family):
                s.add(
                    WebhookDelivery(
                        owner_id=owner_id, url=session_row.callback_url, event_type=etype, body=body
                    )
                )

    endpoints = s.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.owner_id == owner_id, WebhookEndpoint.status == "enabled"
        )
    )
    for endpoint in endpoints:
        for etype, body in bodies.items():
            if not endpoint.events or etype in endpoint.events:
                s.add(
                    WebhookDelivery(
                        owner_id=owner_id,
                        endpoint_id=endpoint.id,
                        url=endpoint.url,
                        event_type=etype,
                        body=body,
                    )
                )
