"""The blob store in an S3-compatible object store (AWS S3, MinIO, Garage, SeaweedFS, R2, Ceph RGW),
through boto3 (decision 0012): ``REELWRIGHT_BLOB_URL=s3://bucket/optional/prefix``.

Objects appear whole or not at all (a PUT, or a multipart upload once completed), so ``put_file``
is atomic by itself. A video's files are uploaded one by one; the video is shown only once its row
says ``completed``, which the worker writes after the last upload.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from reelwright.config import Settings
from reelwright.store.blobs import CHUNK, BlobInfo, check_key
from reelwright.store.presign_clock import signing_at, signing_window

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

# SigV4 presigned URLs live at most a week.
MAX_PRESIGN_SECONDS = 7 * 24 * 3600


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` -> ("bucket", "a/b/"); the prefix ends with a slash, or is empty."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"REELWRIGHT_BLOB_URL: expected s3://bucket[/prefix], got {url!r}")
    prefix = parts.path.strip("/")
    if prefix:
        check_key(prefix)
    return parts.netloc, f"{prefix}/" if prefix else ""


def _not_found(exc: Exception) -> bool:
    response: dict[str, Any] = getattr(exc, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3BlobStore:
    def __init__(self, url: str, settings: Settings) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:  # pragma: no cover - depends on the install
            raise ValueError("REELWRIGHT_BLOB_URL=s3://… needs boto3: pip install 'reelwright[s3]'") from None
        self.bucket, self.prefix = parse_url(url)
        endpoint = (
            settings.s3_endpoint_url
            or os.environ.get("AWS_ENDPOINT_URL_S3")
            or os.environ.get("AWS_ENDPOINT_URL")
        )
        style = settings.s3_addressing_style
        if style == "auto":  # self-hosted stores rarely have per-bucket host names
            style = "path" if endpoint else "virtual"
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": style},
            retries={"max_attempts": 5, "mode": "standard"},
        )
        secret = settings.s3_secret_access_key
        session = boto3.session.Session(
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            region_name=settings.s3_region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1",
        )
        self.client: S3Client = session.client("s3", endpoint_url=endpoint, config=config)
        public = settings.s3_public_endpoint_url
        self.signer: S3Client = (
            session.client("s3", endpoint_url=public, config=config) if public else self.client
        )

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put_file(self, key: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self._key(key))
        source.unlink(missing_ok=True)

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_tree(self, prefix: str, source: Path) -> None:
        files = sorted(p for p in source.rglob("*") if p.is_file())
        names = {p.relative_to(source).as_posix() for p in files}
        for path in files:
            self.client.upload_file(
                str(path), self.bucket, self._key(f"{prefix}/{path.relative_to(source).as_posix()}")
            )
        # What an earlier attempt left that this one did not write: gone, so the prefix is this tree.
        stale = [b.key for b in self.scan(f"{prefix}/") if b.key[len(prefix) + 1 :] not in names]
        self._delete(stale)
        for path in files:
            path.unlink(missing_ok=True)

    def copy(self, src_key: str, dst_key: str) -> bool:
        # The managed copy: one CopyObject, or a multipart copy past 5 GB; the bytes stay in the store.
        try:
            self.client.copy(
                {"Bucket": self.bucket, "Key": self._key(src_key)}, self.bucket, self._key(dst_key)
            )
        except Exception as exc:
            if _not_found(exc):
                return False
            raise
        return True

    def local_path(self, key: str) -> Path | None:
        return None

    def fetch(self, key: str, dest: Path) -> bool:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.part")
        try:
            self.client.download_file(self.bucket, self._key(key), str(tmp))
        except Exception as exc:
            tmp.unlink(missing_ok=True)
            if _not_found(exc):
                return False
            raise
        os.replace(tmp, dest)
        return True

    def read_bytes(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except Exception as exc:
            if _not_found(exc):
                return None
            raise

    def info(self, key: str) -> BlobInfo | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as exc:
            if _not_found(exc):
                return None
            raise
        return BlobInfo(key, int(head["ContentLength"]), head["LastModified"].timestamp())

    def iter_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        got = self.client.get_object(Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{end}")
        body = got["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def presigned_url(
        self, key: str, ttl: int, *, media_type: str, filename: str | None = None
    ) -> str | None:
        params: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self._key(key),
            "ResponseContentType": media_type,
        }
        if filename:
            params["ResponseContentDisposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
        # Signed at a stepped time: the same URL for every read (on every node) until the next step.
        signed_at, lifetime = signing_window(ttl, MAX_PRESIGN_SECONDS)
        with signing_at(signed_at):
            return self.signer.generate_presigned_url("get_object", Params=params, ExpiresIn=lifetime)

    def scan(self, prefix: str) -> Iterator[BlobInfo]:
        full = self.prefix + prefix
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=full)
        for page in pages:
            for obj in page.get("Contents", []):
                yield BlobInfo(
                    obj["Key"][len(self.prefix) :], int(obj["Size"]), obj["LastModified"].timestamp()
                )

    def delete_prefix(self, prefix: str) -> None:
        key = check_key(prefix.rstrip("/"))
        self._delete([key, *(b.key for b in self.scan(f"{key}/"))])

    def _delete(self, keys: builtins.list[str]) -> None:
        for i in range(0, len(keys), 1000):  # the most one DeleteObjects call takes
            batch: list[ObjectIdentifierTypeDef] = [{"Key": self._key(k)} for k in keys[i : i + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    def check_bucket(self) -> None:
        """Raises when the bucket cannot be reached (``reelwright doctor``)."""
        self.client.head_bucket(Bucket=self.bucket)
