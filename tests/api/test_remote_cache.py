"""`quicketl cache gc --remote`: a remote cache collected by the local rules, the remote's own
bytes only; refused without a remote or with a read-only one; failing (not warning) when the
remote cannot be reached."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from execute.support import cli
from moto_s3 import S3
from projects import linear_three, new_project

from quicketl import api
from quicketl.state import hash_file

LINEAR = ("s1.a", "s2.b", "s3.c")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _age(remote: Path, days: float) -> None:
    """Make every blob and entry of a folder remote `days` old."""
    then = time.time() - days * 86_400
    for path in remote.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_gc_remote_keeps_what_this_checkout_uses_and_drops_the_rest(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    project = new_project(tmp_path / "p")
    workflow = linear_three(project)
    remote = tmp_path / "remote"
    api.run_workflow(workflow, remote_cache=str(remote))
    project.csv("data/raw.csv", rows=5)  # every key changes: the first three are stale
    _age(remote, 3)
    api.run_workflow(workflow, remote_cache=str(remote))
    assert len(list((remote / "entries").glob("*.json"))) == 6
    outputs_before = _files(project.root / "out")
    done = cli(
        "cache",
        "gc",
        "--remote",
        "--remote-cache",
        str(remote),
        "--older-than",
        "1",
        cwd=project.root,
    )
    assert done.returncode == 0, done.stderr
    assert "removed 3 output entries and 2 blobs" in done.stdout
    assert f"from the remote cache {remote}" in done.stdout
    assert len(list((remote / "entries").glob("*.json"))) == 3
    for blob in (remote / "objects").rglob("*"):
        if blob.is_file():
            assert hash_file(blob) == blob.name
    assert _files(project.root / "out") == outputs_before  # the outputs are never touched
    # What is left restores a fresh checkout whole.
    fresh = tmp_path / "fresh"
    (fresh / "workflows").mkdir(parents=True)
    for rel in (
        "quicketl.yml",
        "data/raw.csv",
        "workflows/wf.yml",
        *[f"pipelines/{n}.yml" for n in "abc"],
    ):
        (fresh / rel).parent.mkdir(parents=True, exist_ok=True)
        (fresh / rel).write_bytes((project.root / rel).read_bytes())
    result = api.run_workflow(fresh / "workflows/wf.yml", remote_cache=str(remote))
    assert {t.task_id: t.status for t in result.tasks} == dict.fromkeys(LINEAR, "restored")


def test_gc_remote_on_s3_with_a_size_limit(s3: S3, tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    project = new_project(tmp_path / "p")
    workflow = linear_three(project)
    api.run_workflow(workflow, remote_cache=s3.url())
    before = s3.listing()
    done = cli(
        "cache",
        "gc",
        "--remote",
        "--remote-cache",
        s3.url(),
        "--max-size",
        "0",
        "--json",
        cwd=project.root,
    )
    assert done.returncode == 0, done.stderr
    assert s3.listing() == {}  # nothing fits in 0 bytes, not even what is current
    assert before and '"removed": [' in done.stdout


def test_gc_remote_needs_a_remote_that_may_be_written(tmp_path: Path, monkeypatch: object) -> None:
    (tmp_path / "quicketl.yml").write_text("name: p\n")
    done = cli("cache", "gc", "--remote", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "cache gc --remote: no remote cache is set; give --remote-cache URL, or set "
        "QUICKETL_REMOTE_CACHE or remote_cache: in quicketl.yml"
    )
    (tmp_path / "quicketl.yml").write_text(
        "name: p\nremote_cache: shared\nremote_cache_mode: read\n"
    )
    done = cli("cache", "gc", "--remote", cwd=tmp_path)
    assert done.returncode == 2
    assert "the remote cache " + str(tmp_path / "shared") + " is read-only here" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quicketl.yml"]


def test_gc_remote_fails_when_the_remote_cannot_be_reached(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    (tmp_path / "quicketl.yml").write_text("name: p\n")
    done = cli("cache", "gc", "--remote", "--remote-cache", s3.url(), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: cache gc --remote: {s3.url()}: Could not connect")
