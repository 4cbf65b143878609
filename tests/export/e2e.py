"""Helpers for the end-to-end export tests: copies of examples/medallion and their outputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from quicketl.plan.model import Plan

from .orchestrators import REPO, clean_environ

MEDALLION = REPO / "examples" / "medallion"
WORKFLOW = "workflows/medallion.yml"


def require_run_task() -> None:
    """Skip while quicketl.api has no run_task: these tests switch on when it lands."""
    import quicketl.api

    if not hasattr(quicketl.api, "run_task"):
        pytest.skip("quicketl.api.run_task not available yet")
    if not (MEDALLION / WORKFLOW).exists():
        pytest.skip("examples/medallion not available yet")


def copy_medallion(dest: Path) -> Path:
    """A private copy of the example without anything a previous run left behind."""
    ignore = shutil.ignore_patterns(".quicketl-cache", "output", "warehouse")
    shutil.copytree(MEDALLION, dest, ignore=ignore)
    return dest


def plan_of(project: Path) -> Plan:
    from quicketl.api import plan_workflow

    plan: Plan = plan_workflow(project / WORKFLOW)
    return plan


def run_with_cli(project: Path) -> None:
    """`quicketl workflow run` on `project`, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "quicketl", "workflow", "run", WORKFLOW],
        cwd=project,
        env=clean_environ() | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def outputs(plan: Plan) -> list[str]:
    return sorted(path for task in plan.tasks for path in task.outputs)


def rows(path: Path) -> list[tuple[object, ...]]:
    """The rows of a data file, sorted, so two runs can be compared whatever their order."""
    import duckdb

    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv_auto"
    if path.suffix == ".json":
        reader = "read_json_auto"
    with duckdb.connect() as con:
        return sorted(
            con.sql(f"SELECT * FROM {reader}(?)", params=[str(path)]).fetchall(), key=repr
        )


def assert_same_outputs(plan: Plan, expected_root: Path, actual_root: Path) -> None:
    assert outputs(plan), "the example writes nothing?"
    for relpath in outputs(plan):
        expected, actual = expected_root / relpath, actual_root / relpath
        assert actual.exists(), f"{relpath} was not written"
        assert rows(actual) == rows(expected), f"{relpath} differs from `quicketl workflow run`"


def break_a_source(plan: Plan, project: Path) -> tuple[str, set[str]]:
    """Delete the input of a first-stage task that has dependents; return it and its dependents."""
    written = set(outputs(plan))
    for task in plan.tasks:
        inputs = [i for i in task.inputs if i not in written and (project / i).is_file()]
        if inputs and not plan.upstream_of(task.id) and task.id in plan.children():
            for relpath in inputs:
                (project / relpath).unlink()
            return task.id, dependents(plan, task.id)
    raise AssertionError("no source task with dependents in the example")


def dependents(plan: Plan, task_id: str) -> set[str]:
    found: set[str] = set()
    frontier = [task_id]
    while frontier:
        for down in sorted(plan.children().get(frontier.pop(), ())):
            if down not in found:
                found.add(down)
                frontier.append(down)
    return found


def add_a_stage(project: Path) -> None:
    """The workflow gains a stage after its DAG was generated."""
    workflow = project / WORKFLOW
    (project / "pipelines/gold").mkdir()
    (project / "pipelines/gold/users.yml").write_text(
        "name: gold_users\nsource: {type: file, path: output/silver/users.parquet}\n"
        "sink: {type: file, path: output/gold/users.parquet}\n",
        encoding="utf-8",
    )
    extra = (
        "\n  - name: gold\n    depends_on: [silver]\n    pipelines: [pipelines/gold/users.yml]\n"
    )
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(text + extra, encoding="utf-8")


def add_a_failing_check(project: Path, pipeline: str) -> None:
    """A pipeline whose output can never pass its check."""
    path = project / pipeline
    text = path.read_text(encoding="utf-8")
    check = "checks:\n  - type: row_count\n    min: 1000000000\n"
    assert text.count("checks:\n") == 1
    path.write_text(text.replace("checks:\n", check), "utf-8")
