"""A real S3 HTTP API on a free local port (moto's server mode), with a fresh bucket per test."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from tests.server import free_port


@dataclass(frozen=True)
class S3:
    endpoint: str
    bucket: str

    def env(self, prefix: str = "rw") -> dict[str, str]:
        """The settings a Reelwright process needs to keep its files in this bucket."""
        return {
            "REELWRIGHT_BLOB_URL": f"s3://{self.bucket}/{prefix}",
            "REELWRIGHT_S3_ENDPOINT_URL": self.endpoint,
            # The standard AWS variables, as a deployment would set them.
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_REGION": "us-east-1",
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="us-east-1",
        )

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


@contextmanager
def s3_server() -> Iterator[S3]:
    try:
        import boto3  # noqa: F401
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        message = f"the S3 tests need boto3 and moto[server], the dev extra ({exc})"
        if os.environ.get("REELWRIGHT_REQUIRE_SERVICES") == "1":  # CI: a missing server is a failure
            pytest.fail(message + " and REELWRIGHT_REQUIRE_SERVICES=1")
        pytest.skip(message)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        s3 = S3(f"http://127.0.0.1:{port}", f"rw-test-{secrets.token_hex(4)}")
        s3.client().create_bucket(Bucket=s3.bucket)
        yield s3
    finally:
        server.stop()
