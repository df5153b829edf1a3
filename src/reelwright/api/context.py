"""What every route needs, built once per app: settings, database, blob store, URL signing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from reelwright.config import Settings
from reelwright.store.blobs import BlobStore
from reelwright.store.db import Database
from reelwright.store.files import OUTPUT_FILES, VIDEO_STEM, video_file_key
from reelwright.store.links import signed_url
from reelwright.store.models import Asset, Video


class JobQueue(Protocol):
    """Where the API puts work (``reelwright.jobs.queue.JobQueue``, built by the composition root)."""

    def enqueue(self, session_id: str) -> None: ...

    def pending_count(self) -> int: ...


@dataclass(frozen=True)
class ApiContext:
    settings: Settings
    db: Database
    blobs: BlobStore
    url_secret: bytes
    queue: JobQueue

    def file_url(self, path: str) -> str:
        """An absolute, signed, expiring URL for a ``/files/...`` path."""
        return signed_url(self.settings.public_base, self.url_secret, path, self.settings.link_ttl_seconds)

    def blob_url(self, path: str, key: str, media_type: str, filename: str | None = None) -> str:
        """The download URL of a stored file: presigned, straight from the object store, when so
        configured (and the store can); else the API's signed ``/files/...`` link."""
        if self.settings.blob_public == "presigned":
            ttl = self.settings.link_ttl_seconds
            url = self.blobs.presigned_url(key, ttl, media_type=media_type, filename=filename)
            if url is not None:
                return url
        return self.file_url(path)

    def video_urls(self, video: Video) -> dict[str, str | None]:
        done = video.status == "completed"

        urls: dict[str, str | None] = {
            f.url_field: self.blob_url(
                f"/files/{video.id}/{VIDEO_STEM}{f.suffix}",
                video_file_key(video.id, f"{VIDEO_STEM}{f.suffix}"),
                f.media_type,
            )
            if done
            else None
            for f in OUTPUT_FILES
        }
        return {**urls, "video_page_url": f"{self.settings.public_base}/videos/{video.id}"}

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
        return self.blob_url(f"/files/assets/{asset.id}", asset.blob_key, asset.mime_type, asset.name)

    def asset_json(self, asset: Asset) -> dict[str, Any]:
        return {
            "asset_id": asset.id,
            "url": self.asset_url(asset),
            "mime_type": asset.mime_type,
            "size_bytes": asset.size_bytes,
            "name": asset.name,
            "created_at": asset.created_at,
        }
