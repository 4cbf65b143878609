"""`workflow status` and `run --dry-run` with a remote cache say what a run would restore from
it, as the run then does, reading the remote's entries only."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from execute.support import cli
from moto_s3 import S3
from projects import linear_three, new_project

from quicketl import api

FILES = ("quicketl.yml", "data/raw.csv", "workflows/wf.yml", "pipelines/a.yml")


def built_and_checked_out(tmp_path: Path) -> tuple[Path, Path]:
    """A project run once with a folder remote, and a fresh checkout of it (no cache, no
    outputs); returns the checkout and the remote."""
    (tmp_path / "p").mkdir()
    project = new_project(tmp_path / "p")
    linear_three(project)
    remote = tmp_path / "remote"
    api.run_workflow(project.root / "workflows/wf.yml", remote_cache=str(remote))
    fresh = tmp_path / "fresh"
    for rel in (*FILES, "pipelines/b.yml", "pipelines/c.yml"):
        (fresh / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.root / rel, fresh / rel)
    return fresh, remote


def test_status_says_what_the_remote_would_restore_and_the_run_agrees(tmp_path: Path) -> None:
    fresh, remote = built_and_checked_out(tmp_path)
    remote_files = sorted(p.relative_to(remote) for p in remote.rglob("*"))
    done = cli(
        "workflow",
        "status",
        "workflows/wf.yml",
        "--remote-cache",
        str(remote),
        "--json",
        cwd=fresh,
    )
    assert done.returncode == 0, done.stderr
    first = json.loads(done.stdout)["tasks"][0]
    assert first["task_id"] == "s1.a"
    assert first["reasons"][-1].startswith(
        f"would be restored from the remote cache {remote} (entry written by run 1 at "
    )
    assert first["reasons"][-1].endswith("), not run")
    # Looking read the remote's entry only: nothing pulled, no cache made, remote unchanged.
    assert not (fresh / ".quicketl-cache").exists()
    assert not (fresh / "out").exists()
    assert sorted(p.relative_to(remote) for p in remote.rglob("*")) == remote_files
    result = api.run_workflow(fresh / "workflows/wf.yml", remote_cache=str(remote))
    assert result.tasks[0].status == "restored"


def test_without_a_remote_status_says_nothing_of_one(tmp_path: Path) -> None:
    fresh, _ = built_and_checked_out(tmp_path)
    first = api.explain(fresh / "workflows/wf.yml").tasks[0]
    assert first.status == "would_run"
    assert not any("restored" in reason for reason in first.reasons)


def test_the_remote_of_quicketl_yml_is_used_by_a_dry_run(tmp_path: Path) -> None:
    fresh, remote = built_and_checked_out(tmp_path)
    (fresh / "quicketl.yml").write_text(f"name: test\nremote_cache: {remote}\n")
    result = api.run_workflow(fresh / "workflows/wf.yml", dry_run=True)
    assert (
        result.tasks[0].reasons[-1].startswith(f"would be restored from the remote cache {remote}")
    )


def test_a_remote_that_cannot_be_reached_is_one_warning_and_status_goes_on(
    s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh, _ = built_and_checked_out(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    done = cli("workflow", "status", "workflows/wf.yml", "--remote-cache", s3.url(), cwd=fresh)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count(f"the remote cache {s3.url()} cannot be reached") == 1
    assert done.stdout.rstrip().endswith("0 up to date, 3 will run")


def test_quicketl_run_of_one_pipeline_restores_from_the_remote_too(tmp_path: Path) -> None:
    fresh, remote = built_and_checked_out(tmp_path)
    looked = cli("run", "pipelines/a.yml", "--dry-run", "--remote-cache", str(remote), cwd=fresh)
    assert looked.returncode == 0, looked.stderr
    assert f"would be restored from the remote cache {remote}" in looked.stdout
    done = cli("run", "pipelines/a.yml", "--remote-cache", str(remote), "--json", cwd=fresh)
    assert done.returncode == 0, done.stderr
    reasons = json.loads(done.stdout)["reasons"]
    assert reasons[0].startswith(f"restored from the remote cache {remote}, entry written by run 1")
    assert (fresh / "out/a.parquet").is_file()
