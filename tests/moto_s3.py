"""A real S3 API for tests: moto's server on a loopback port, started and stopped by a fixture.

The fixture sets the standard AWS variables (as a CI job would) for this process and every
CLI it starts; `SECRET_KEY` is what the secret-value searches look for.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

SECRET_KEY = "Sup3rSecretAwsKey-9f8e7d6c5b4a"
ACCESS_KEY = "AKIAQUICKETLTESTKEY1"


@dataclass(frozen=True)
class S3:
    """A running S3 endpoint and a fresh, empty bucket on it."""

    endpoint: str
    bucket: str

    def client(self) -> Any:
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def url(self, prefix: str = "cache") -> str:
        return f"s3://{self.bucket}/{prefix}"

    def listing(self) -> dict[str, str]:
        """Every object of the bucket: key -> ETag (what a write would change)."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {o["Key"]: o["ETag"] for page in pages for o in page.get("Contents", ())}

    def all_bytes(self) -> bytes:
        """The bytes of every object, for secret searches."""
        s3 = self.client()
        return b"".join(
            s3.get_object(Bucket=self.bucket, Key=key)["Body"].read() for key in self.listing()
        )


@contextmanager
def moto_server() -> Iterator[str]:
    """A running moto S3 server's endpoint. It is a thread of this process, so it ends with
    the process however the process ends (tests/test_pgserver.py kills one to prove it)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    found = S3(moto_endpoint, f"quicketl-{uuid.uuid4().hex[:12]}")
    found.client().create_bucket(Bucket=found.bucket)
    return found
