"""The remote cache layer: push blobs then the entry, pull verified blobs into the local store,
modes that never write (or never read), and one warning when the remote cannot be reached."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.state.objects import LocalDirBackend, OutputSource, local_output_store
from quicketl.state.objects.remote import RemoteCache

KEY = "0123456789abcdef0123456789abcdef"


def _saved(tmp_path: Path, name: str = "a") -> tuple[Path, object]:
    root = tmp_path / name
    (root / "out").mkdir(parents=True)
    (root / "out" / "a.parquet").write_bytes(b"A" * 3000)
    (root / "out" / "part").mkdir()
    (root / "out" / "part" / "p0.parquet").write_bytes(b"P0")
    store = local_output_store(root / ".quicketl-cache")
    store.save(
        KEY, [OutputSource("out/a.parquet", 3), OutputSource("out/part")], root, pipeline="p"
    )
    return root, store


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_push_then_pull_into_another_project(tmp_path: Path) -> None:
    _, store = _saved(tmp_path)
    remote = RemoteCache(LocalDirBackend(tmp_path / "remote"), "readwrite")
    assert remote.push(KEY, store)
    names = sorted(_files(tmp_path / "remote"))
    assert names[0] == f"entries/{KEY}.json" and len(names) == 3
    other = local_output_store(tmp_path / "b" / ".quicketl-cache")
    manifest = remote.pull(KEY, other)
    assert manifest is not None and manifest.pipeline == "p"
    assert other.entry(KEY) == manifest
    result = other.restore(manifest, tmp_path / "b")
    assert result.ok and result.verified == 2
    assert _files(tmp_path / "b" / "out") == _files(tmp_path / "a" / "out")


def test_a_corrupt_remote_blob_never_enters_the_local_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = _saved(tmp_path)
    remote_dir = tmp_path / "remote"
    RemoteCache(LocalDirBackend(remote_dir)).push(KEY, store)
    blob = next(
        p for p in (remote_dir / "objects").rglob("*") if p.is_file() and p.stat().st_size == 3000
    )
    blob.chmod(0o644)
    blob.write_bytes(b"A" * 2999 + b"B")  # one byte flipped
    other = local_output_store(tmp_path / "b" / ".quicketl-cache")
    assert RemoteCache(LocalDirBackend(remote_dir), "readwrite").pull(KEY, other) is None
    assert other.entry(KEY) is None
    assert not blob.exists()  # evicted from the remote, so the next push stores it afresh
    assert f"warning: blob {blob.name} in the remote cache {remote_dir} is corrupt" in (
        capsys.readouterr().err
    )


def test_read_mode_never_writes_and_write_mode_never_reads(tmp_path: Path) -> None:
    _, store = _saved(tmp_path)
    remote_dir = tmp_path / "remote"
    assert not RemoteCache(LocalDirBackend(remote_dir), "read").push(KEY, store)
    assert not remote_dir.exists()
    RemoteCache(LocalDirBackend(remote_dir), "readwrite").push(KEY, store)
    other = local_output_store(tmp_path / "b" / ".quicketl-cache")
    assert RemoteCache(LocalDirBackend(remote_dir), "write").pull(KEY, other) is None
    assert RemoteCache(LocalDirBackend(remote_dir), "read").pull(KEY, other) is not None


def test_an_unreachable_remote_warns_once_and_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, store = _saved(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the remote folder should be")
    remote = RemoteCache(LocalDirBackend(blocker), "readwrite")
    assert not remote.push(KEY, store)
    assert remote.pull(KEY, store) is None
    assert not remote.push(KEY, store)
    err = capsys.readouterr().err
    assert err.count("warning:") == 1
    assert f"warning: the remote cache {blocker} cannot be reached (" in err
    assert "this run goes on without it" in err


def test_boto3_is_imported_only_for_an_s3_remote(tmp_path: Path) -> None:
    """A run with a folder remote (and the module that opens remotes) never imports boto3."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path\n"
        "from quicketl.state.objects.remote import open_remote, RemoteCache\n"
        f"RemoteCache(open_remote('shared', Path({str(tmp_path)!r})))\n"
        "import quicketl.api, quicketl.execute.plan_run\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'\n"
        f"open_remote('s3://bucket/x', Path({str(tmp_path)!r}))\n"
        "assert 'boto3' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
