"""What every route needs, built once per app: settings, database, blob store, URL signing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reelwright.api.signing import signed_url
from reelwright.config import Settings
from reelwright.store.blobs import LocalBlobStore
from reelwright.store.db import Database
from reelwright.store.models import Asset, Video

# The files a finished video has, with their media types.
VIDEO_FILES = {
    "video.mp4": "video/mp4",
    "video.captioned.mp4": "video/mp4",
    "video.srt": "application/x-subrip",
    "video.jpg": "image/jpeg",
    "video.gif": "image/gif",
}


@dataclass(frozen=True)
class ApiContext:
    settings: Settings
    db: Database
    blobs: LocalBlobStore
    url_secret: bytes

    def file_url(self, path: str) -> str:
        """An absolute, signed, expiring URL for a ``/files/...`` path."""
        return signed_url(self.settings.public_base, self.url_secret, path, self.settings.link_ttl_seconds)

    def video_urls(self, video: Video) -> dict[str, str | None]:
        done = video.status == "completed"

        def url(name: str) -> str | None:
            return self.file_url(f"/files/{video.id}/{name}") if done else None

        return {
            "video_url": url("video.mp4"),
            "captioned_video_url": url("video.captioned.mp4"),
            "subtitle_url": url("video.srt"),
            "thumbnail_url": url("video.jpg"),
            "gif_url": url("video.gif"),
            "video_page_url": f"{self.settings.public_base}/videos/{video.id}",
        }

    def video_json(self, video: Video) -> dict[str, Any]:
        return {
            "id": video.id,
            "title": video.title,
            "status": video.status,
            **self.video_urls(video),
            "duration": video.duration,
            "created_at": video.created_at,
            "completed_at": video.completed_at,
            "failure_code": video.failure_code,
            "failure_message": video.failure_message,
            "folder_id": video.folder_id,
        }

    def asset_url(self, asset: Asset) -> str:
        return self.file_url(f"/files/assets/{asset.id}")

    def asset_json(self, asset: Asset) -> dict[str, Any]:
        return {
            "asset_id": asset.id,
            "url": self.asset_url(asset),
            "mime_type": asset.mime_type,
            "size_bytes": asset.size_bytes,
            "name": asset.name,
            "created_at": asset.created_at,
        }
