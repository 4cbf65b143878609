"""A blob backend on an S3 bucket (or any S3 API: MinIO, R2, a moto server), through boto3.

Imported only when a remote cache URL is `s3://...` (boto3 is the optional extra
`quicketl[s3]`; docs/ci.md says why boto3). Credentials come only from the standard AWS chain
that boto3 reads: AWS_* variables, AWS_PROFILE and the shared config files, SSO, instance and
container roles; AWS_ENDPOINT_URL points it at a non-AWS endpoint. Nothing here takes a
credential as an argument, and no message quotes one.

A blob is visible only when complete: a single PUT is atomic on S3, and a multipart upload
(boto3 switches to one above 8 MiB) becomes visible only when it is completed, whole.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from quicketl.state.objects.backend import BackendUnavailable, BlobInfo

_MISSING = ("404", "NoSuchKey", "NotFound")
_CHUNK = 1 << 20
# Unreachable must be found out quickly (one warning, then the run goes on locally), and a
# flaky network still gets a retry.
_CONFIG = Config(
    connect_timeout=5,
    read_timeout=60,
    retries={"max_attempts": 2, "mode": "standard"},
)
_USERINFO = re.compile(r"//[^/@\s]*@")


class S3Backend:
    """Blobs as objects `<prefix><name>` in `bucket`."""

    def __init__(self, bucket: str, prefix: str, label: str) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.label = label
        self._client: Any = None
        self._lock = threading.Lock()

    def get(self, name: str, dest: Path) -> bool:
        body = self._get_body(name)
        if body is None:
            return False
        with body, open(dest, "xb") as target:
            for chunk in body.iter_chunks(_CHUNK):
                target.write(chunk)
        return True

    def get_bytes(self, name: str) -> bytes | None:
        body = self._get_body(name)
        if body is None:
            return None
        with body:
            data: bytes = body.read()
        return data

    def put(self, name: str, src: Path) -> None:
        if not self.exists(name):
            self._call(lambda s3: s3.upload_file(str(src), self.bucket, self._key(name)))

    def put_bytes(self, name: str, data: bytes) -> None:
        if not self.exists(name):
            self._call(lambda s3: s3.put_object(Bucket=self.bucket, Key=self._key(name), Body=data))

    def exists(self, name: str) -> bool:
        found = self._call(lambda s3: s3.head_object(Bucket=self.bucket, Key=self._key(name)))
        return found is not None

    def list(self, prefix: str) -> Iterator[BlobInfo]:
        pages = self._call(
            lambda s3: s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix)
            )
        )
        for page in self._pages(pages):
            for item in page.get("Contents", ()):
                name = str(item["Key"])[len(self.prefix) :]
                yield BlobInfo(name, int(item["Size"]), item["LastModified"].timestamp())

    def delete(self, name: str) -> None:
        self._call(lambda s3: s3.delete_object(Bucket=self.bucket, Key=self._key(name)))

    def _key(self, name: str) -> str:
        if any(part in ("", ".", "..") for part in name.split("/")[:-1]) or "\\" in name:
            raise ValueError(f"not a blob name: {name!r}")
        return self.prefix + name

    def _get_body(self, name: str) -> Any:
        found = self._call(lambda s3: s3.get_object(Bucket=self.bucket, Key=self._key(name)))
        return None if found is None else found["Body"]

    def _pages(self, pages: Any) -> Iterator[dict[str, Any]]:
        """The pages of a listing; a failure while paging is the remote being unavailable."""
        try:
            yield from pages
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error) from None

    def _call(self, action: Any) -> Any:
        """`action(client)`; None when the object does not exist; BackendUnavailable when the
        bucket cannot be reached, read or written (network, credentials, permissions)."""
        try:
            return action(self._s3())
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _MISSING:
                return None
            raise self._unavailable(error) from None
        except BotoCoreError as error:
            raise self._unavailable(error) from None

    def _unavailable(self, error: Exception) -> BackendUnavailable:
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "error")
            reason = f"{code}: {error.response.get('Error', {}).get('Message', '')}".strip(": ")
        else:
            reason = str(error)
        return BackendUnavailable(f"{self.label}: {_USERINFO.sub('//***@', reason)}")

    def _s3(self) -> Any:
        with self._lock:  # a boto3 client is thread-safe; making one is not
            if self._client is None:
                self._client = self._new_client()
            return self._client

    @staticmethod
    def _new_client() -> Any:
        try:
            return boto3.session.Session().client("s3", config=_CONFIG)
        except BotoCoreError as error:  # a broken profile or config file
            raise BackendUnavailable(str(error)) from None
