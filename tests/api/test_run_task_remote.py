"""`run_task(..., remote_cache=)`, as a generated DAG calls it on workers that share nothing
but the cache: each task in its own empty copy of the project folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from projects import Project, diamond, linear_three, new_project

from quicketl import api
from quicketl.errors import EngineError


def _project(tmp_path: Path) -> Project:
    (tmp_path / "project").mkdir()
    return new_project(tmp_path / "project")


def _source_only(project: Path, worker: Path) -> Path:
    """A worker's checkout: the project's files, none of its outputs, no cache."""
    shutil.copytree(project, worker, ignore=shutil.ignore_patterns(".quicketl-cache", "out"))
    return worker


def _cli_outputs(project: Path) -> dict[str, bytes]:
    reference = _source_only(project, project.parent / "reference")
    assert api.run_workflow(reference / "workflows/wf.yml").succeeded
    return {
        p.relative_to(reference).as_posix(): p.read_bytes() for p in (reference / "out").iterdir()
    }


@pytest.mark.parametrize("shape", [linear_three, diamond])
def test_each_task_on_its_own_worker_builds_what_the_cli_builds(
    tmp_path: Path, shape: object
) -> None:
    project = _project(tmp_path)
    shape(project)  # type: ignore[operator]
    expected = _cli_outputs(project.root)
    remote = tmp_path / "remote"
    plan = api.plan_workflow(project.root / "workflows/wf.yml")
    built: dict[str, bytes] = {}
    for level in plan.levels():
        for task_id in level:
            worker = _source_only(project.root, tmp_path / f"worker-{task_id}")
            summary = api.run_task(
                "workflows/wf.yml", task_id, project_dir=str(worker), remote_cache=str(remote)
            )
            assert summary["status"] == "ran", summary
            for output in plan.task(task_id).outputs:
                built[output] = (worker / output).read_bytes()
    assert built == expected
    # A retried task on a fresh worker restores its own outputs instead of running again.
    last = plan.levels()[-1][0]
    again = _source_only(project.root, tmp_path / "retry")
    summary = api.run_task(
        "workflows/wf.yml", last, project_dir=str(again), remote_cache=str(remote)
    )
    assert summary["status"] == "restored"
    assert "restored from the remote cache" in summary["reason"]


def test_an_upstream_missing_from_the_remote_is_an_error_not_a_run_here(tmp_path: Path) -> None:
    project = _project(tmp_path)
    linear_three(project)
    worker = _source_only(project.root, tmp_path / "worker")
    remote = tmp_path / "remote"
    with pytest.raises(EngineError) as raised:
        api.run_task("workflows/wf.yml", "s2.b", project_dir=str(worker), remote_cache=str(remote))
    assert str(raised.value) == (
        f"s2.b: cannot restore upstream s1.a: not in the remote cache {remote} under its current "
        "key (did its own task run with the same --remote-cache?)"
    )
    assert not (worker / "out").exists()


def test_without_a_remote_run_task_is_unchanged(tmp_path: Path) -> None:
    project = _project(tmp_path)
    linear_three(project)
    worker = _source_only(project.root, tmp_path / "worker")
    with pytest.raises(Exception, match=r"s2\.b reads out/a\.parquet, which does not exist yet"):
        api.run_task("workflows/wf.yml", "s2.b", project_dir=str(worker))
