"""The S3 backend against a real S3 API (moto's server): the Backend contract, unreachable and
misconfigured remotes, and URLs that would carry credentials."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from moto_s3 import S3

from quicketl.errors import ConfigError
from quicketl.state.objects import Backend, BackendUnavailable
from quicketl.state.objects.remote import masked_url, open_remote
from quicketl.state.objects.s3 import S3Backend

BLOB = "objects/ab/abcdef0123456789"


def test_put_get_list_delete_under_a_prefix(s3: S3, tmp_path: Path) -> None:
    backend = open_remote(s3.url("team/cache"), tmp_path)
    assert isinstance(backend, S3Backend) and isinstance(backend, Backend)
    assert backend.label == s3.url("team/cache")
    src = tmp_path / "a.bin"
    src.write_bytes(b"hello" * 1000)
    backend.put(BLOB, src)
    backend.put_bytes("entries/0123456789abcdef.json", b"{}")
    assert sorted(s3.listing()) == [
        "team/cache/entries/0123456789abcdef.json",
        f"team/cache/{BLOB}",
    ]
    assert backend.exists(BLOB) and not backend.exists("objects/cd/cdef0123")
    dest = tmp_path / "out.bin"
    assert backend.get(BLOB, dest) and dest.read_bytes() == src.read_bytes()
    assert not backend.get("objects/cd/cdef0123", tmp_path / "none")
    assert not (tmp_path / "none").exists()
    assert backend.get_bytes("entries/0123456789abcdef.json") == b"{}"
    assert backend.get_bytes("entries/none.json") is None
    assert [(i.name, i.size) for i in backend.list("objects/")] == [(BLOB, 5000)]
    backend.delete(BLOB)
    backend.delete(BLOB)  # absent: nothing happens
    assert [i.name for i in backend.list("")] == ["entries/0123456789abcdef.json"]


def test_a_put_of_an_existing_name_writes_nothing(s3: S3, tmp_path: Path) -> None:
    backend = open_remote(s3.url(), tmp_path)
    backend.put_bytes("entries/k0123456789.json", b"first")
    before = s3.listing()
    backend.put_bytes("entries/k0123456789.json", b"second")
    assert s3.listing() == before
    assert backend.get_bytes("entries/k0123456789.json") == b"first"


def test_a_multipart_upload_round_trips(s3: S3, tmp_path: Path) -> None:
    """Above 8 MiB boto3 uploads in parts; the object appears only when completed, whole."""
    src = tmp_path / "big.bin"
    src.write_bytes(bytes(range(256)) * (9 * 4096))
    backend = open_remote(s3.url(), tmp_path)
    backend.put(BLOB, src)
    dest = tmp_path / "big.out"
    assert backend.get(BLOB, dest) and dest.read_bytes() == src.read_bytes()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_closed_port_is_unavailable_not_missing(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    backend = open_remote(s3.url(), tmp_path)
    with pytest.raises(BackendUnavailable, match=r"^s3://quicketl-\w+/cache: Could not connect"):
        backend.get_bytes("entries/0123456789abcdef.json")


def test_a_missing_bucket_is_unavailable(s3: S3, tmp_path: Path) -> None:
    backend = open_remote("s3://no-such-bucket-here/x", tmp_path)
    with pytest.raises(BackendUnavailable, match="NoSuchBucket"):
        backend.put_bytes("entries/0123456789abcdef.json", b"{}")


def test_credentials_in_the_url_are_refused_and_never_echoed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        open_remote("s3://AKIA:hunter2@bucket/x", tmp_path)
    assert "hunter2" not in str(raised.value) and "AKIA" not in str(raised.value)
    assert str(raised.value) == (
        "remote cache s3://***@bucket/x: a URL must not carry credentials; they come from the "
        "environment (AWS_* variables, AWS_PROFILE)"
    )
    assert masked_url("https://u:p@host/a@b") == "https://***@host/a@b"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("gs://bucket/x", "remote cache gs://bucket/x: use a folder or an s3:// URL, not gs://"),
        ("s3:///x", "remote cache s3:///x: name a bucket (s3://BUCKET/PREFIX)"),
        ("  ", "remote cache: the URL is empty; give a folder or an s3:// URL"),
    ],
)
def test_unusable_urls_are_config_errors(tmp_path: Path, url: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        open_remote(url, tmp_path)
    assert str(raised.value) == message


def test_a_folder_is_relative_to_the_project_root(tmp_path: Path) -> None:
    backend = open_remote("shared/cache", tmp_path)
    assert backend.label == str(tmp_path / "shared/cache")
    assert open_remote(f"file://{tmp_path}/c", tmp_path).label == f"file://{tmp_path}/c"
