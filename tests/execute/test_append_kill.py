"""Append sinks killed at the commit: a retry appends exactly once, never twice.

Each run under test is killed by SIGKILL from inside the sink's commit function (see
kill_at_commit.py), just before or just after the output is renamed into place, so the moment
is exact: after the commit the output holds the new rows but the state store does not know.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from projects import Project, new_project

from quicketl import api

from .support import cli, json_tasks, killed_by, write_yaml

KILLER = Path(__file__).with_name("kill_at_commit.py")
FIRST = "id,region,amount\n1,north,10\n2,south,20\n3,north,30\n"
SECOND = "id,region,amount\n4,east,40\n5,north,50\n6,south,60\n7,west,70\n"
SINKS = {
    "csv": {"path": "out/sales.csv"},
    "json": {"path": "out/sales.json"},
    "parquet": {"path": "out/sales.parquet"},
    "partitioned": {"path": "out/sales", "partition_by": ["region"]},
}
TASK = "load.sales"
NEIGHBOUR = "a file beside the output, never touched\n"


def append_project(tmp_path: Path, sink: dict[str, Any]) -> Project:
    """One pipeline appending data/in.csv to `sink`, alone and as a one-stage workflow."""
    project = new_project(tmp_path)
    project.write("data/in.csv", FIRST)
    project.write("out/keep.txt", NEIGHBOUR)
    doc = {
        "name": "sales",
        "source": {"type": "file", "path": "data/in.csv"},
        "sink": {"type": "file", **sink, "mode": "append"},
    }
    write_yaml(project.root / "pipelines/sales.yml", doc)
    project.workflow([{"name": "load", "pipelines": ["pipelines/sales.yml"]}])
    return project


def killed(root: Path, when: str, *args: str) -> None:
    """Run quicketl with a kill at the commit; it must really die there."""
    killed_by(KILLER, root, when, *args)


def count(target: Path) -> int:
    """Rows in the sink's output, read by DuckDB."""
    if target.is_dir():
        source = f"read_parquet('{target}/**/*.parquet', hive_partitioning = true)"
    else:
        reader = {".csv": "read_csv", ".json": "read_json"}.get(target.suffix, "read_parquet")
        source = f"{reader}('{target}')"
    with duckdb.connect() as conn:
        row = conn.execute(f"SELECT count(*) FROM {source}").fetchone()
    assert row is not None
    return int(row[0])


def workflow_run(root: Path) -> str:
    done = cli("workflow", "run", "workflows/wf.yml", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    return str(json_tasks(done.stdout)[TASK]["status"])


@pytest.mark.parametrize("form", list(SINKS))
@pytest.mark.parametrize(("when", "retry"), [("after", "up_to_date"), ("before", "ran")])
def test_a_workflow_killed_at_an_append_commit_appends_once(
    tmp_path: Path, form: str, when: str, retry: str
) -> None:
    project = append_project(tmp_path, SINKS[form])
    target = tmp_path / SINKS[form]["path"]
    assert workflow_run(tmp_path) == "ran"
    project.write("data/in.csv", SECOND)
    killed(tmp_path, when, "cli", "workflow", "run", "workflows/wf.yml")
    assert count(target) == (7 if when == "after" else 3)
    assert workflow_run(tmp_path) == retry
    assert count(target) == 7
    assert workflow_run(tmp_path) == "up_to_date"
    assert count(target) == 7
    assert (tmp_path / "out/keep.txt").read_text() == NEIGHBOUR


@pytest.mark.parametrize("when", ["after", "before"])
def test_a_single_run_killed_at_an_append_commit_appends_once(tmp_path: Path, when: str) -> None:
    project = append_project(tmp_path, SINKS["csv"])
    assert cli("run", "pipelines/sales.yml", cwd=tmp_path).returncode == 0
    project.write("data/in.csv", SECOND)
    killed(tmp_path, when, "cli", "run", "pipelines/sales.yml")
    for _ in range(2):
        done = cli("run", "pipelines/sales.yml", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert count(tmp_path / "out/sales.csv") == 7


@pytest.mark.parametrize("when", ["after", "before"])
def test_run_task_killed_at_an_append_commit_appends_once(tmp_path: Path, when: str) -> None:
    project = append_project(tmp_path, SINKS["parquet"])
    assert workflow_run(tmp_path) == "ran"
    project.write("data/in.csv", SECOND)
    killed(tmp_path, when, "task", "workflows/wf.yml", TASK, str(tmp_path))
    for _ in range(2):
        api.run_task("workflows/wf.yml", TASK, project_dir=str(tmp_path))
        assert count(tmp_path / "out/sales.parquet") == 7


def test_a_partitioned_append_killed_between_its_two_renames_is_finished(tmp_path: Path) -> None:
    project = append_project(tmp_path, SINKS["partitioned"])
    assert workflow_run(tmp_path) == "ran"
    project.write("data/in.csv", SECOND)
    killed(tmp_path, "swap", "cli", "workflow", "run", "workflows/wf.yml")
    assert not (tmp_path / "out/sales").exists()  # the old folder aside, the new one not in
    assert workflow_run(tmp_path) == "up_to_date"
    assert count(tmp_path / "out/sales") == 7
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keep.txt", "sales"]


def test_status_agrees_with_the_run_after_a_kill_after_the_commit(tmp_path: Path) -> None:
    project = append_project(tmp_path, SINKS["csv"])
    assert workflow_run(tmp_path) == "ran"
    project.write("data/in.csv", SECOND)
    killed(tmp_path, "after", "cli", "workflow", "run", "workflows/wf.yml")
    status = cli("workflow", "status", "workflows/wf.yml", "--json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert json_tasks(status.stdout)[TASK]["status"] == "up_to_date"
    done = cli("workflow", "run", "workflows/wf.yml", "--json", cwd=tmp_path)
    task = json_tasks(done.stdout)[TASK]
    assert task["status"] == "up_to_date"
    assert task["reasons"][0] == (
        "an interrupted run had already appended to out/sales.csv; recorded it, not appended again"
    )


def test_new_input_after_a_killed_append_is_appended_once(tmp_path: Path) -> None:
    project = append_project(tmp_path, SINKS["json"])
    assert workflow_run(tmp_path) == "ran"
    project.write("data/in.csv", SECOND)
    killed(tmp_path, "after", "cli", "workflow", "run", "workflows/wf.yml")
    project.write("data/in.csv", "id,region,amount\n8,east,80\n")
    assert workflow_run(tmp_path) == "ran"
    assert count(tmp_path / "out/sales.json") == 8
    assert workflow_run(tmp_path) == "up_to_date"


def test_the_first_append_to_a_missing_target_is_not_repeated(tmp_path: Path) -> None:
    append_project(tmp_path, SINKS["csv"])
    killed(tmp_path, "after", "cli", "workflow", "run", "workflows/wf.yml")
    assert count(tmp_path / "out/sales.csv") == 3
    assert workflow_run(tmp_path) == "up_to_date"
    assert count(tmp_path / "out/sales.csv") == 3
