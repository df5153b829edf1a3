"""The event types a webhook can carry, as HeyGen names them (``avatar_video.*`` for clients of the
older video API, ``video_agent.*`` for the Video Agent)."""

from __future__ import annotations

AVATAR_VIDEO_SUCCESS = "avatar_video.success"
AVATAR_VIDEO_FAIL = "avatar_video.fail"
VIDEO_AGENT_SUCCESS = "video_agent.success"
VIDEO_AGENT_FAIL = "video_agent.fail"

EVENT_TYPES: dict[str, str] = {
    AVATAR_VIDEO_SUCCESS: "A video finished rendering: {video_id, url, callback_id}.",
    AVATAR_VIDEO_FAIL: "A video failed: {video_id, msg, callback_id}.",
    VIDEO_AGENT_SUCCESS: "A Video Agent session made its video: {session_id, video_id, url, callback_id}.",
    VIDEO_AGENT_FAIL: "A Video Agent session failed: {session_id, video_id, msg, message, callback_id}.",
}


def unknown_events(events: list[str]) -> list[str]:
    """The names in ``events`` that are not event types (to reject a subscription up front)."""
    return [e for e in events if e not in EVENT_TYPES]
