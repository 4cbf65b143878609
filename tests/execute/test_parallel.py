"""Parallel execution: start and end times prove that tasks overlap, or that they never do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from projects import Project, new_project

from .support import big_csv, cli, json_tasks, pipeline_doc, run, statuses, write_yaml

ROWS = 300_000


def heavy(project: Project, name: str, modulus: int) -> str:
    """An aggregate over the big CSV: a few hundred milliseconds of DuckDB work."""
    doc = pipeline_doc(
        name,
        ["data/big.csv"],
        f"out/{name}.parquet",
        transforms=[
            {"op": "filter", "predicate": f"id % {modulus} <> 1"},
            {"op": "aggregate", "group_by": ["grp"], "aggs": {"total": "sum(amount)"}},
        ],
    )
    write_yaml(project.root / f"pipelines/{name}.yml", doc)
    return f"pipelines/{name}.yml"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = new_project(tmp_path)
    big_csv(tmp_path / "data/big.csv", ROWS)
    return project


def overlap(a: Any, b: Any) -> bool:
    return bool(b.started_at < a.finished_at and a.started_at < b.finished_at)


def by_id(result: Any) -> dict[str, Any]:
    return {t.task_id: t for t in result.tasks}


def test_parallel_stage_tasks_really_overlap(project: Project) -> None:
    stage = {
        "name": "wide",
        "parallel": True,
        "pipelines": [heavy(project, "a", 3), heavy(project, "b", 5)],
    }
    workflow = project.workflow([stage])
    done = cli("workflow", "run", workflow, "--workers", "2", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    tasks = json_tasks(done.stdout)
    a, b = tasks["wide.a"], tasks["wide.b"]
    assert {a["status"], b["status"]} == {"ran"}
    assert b["started_at"] < a["finished_at"] and a["started_at"] < b["finished_at"], tasks
    # times are ISO-8601 UTC strings of one fixed format, so they compare as text
    assert min(a["duration_ms"], b["duration_ms"]) > 50


def test_parallel_false_stage_never_overlaps(project: Project) -> None:
    stage = {
        "name": "ordered",
        "parallel": False,
        "pipelines": [heavy(project, "a", 3), heavy(project, "b", 5), heavy(project, "c", 7)],
    }
    result = run(project.workflow([stage]), workers=2)
    tasks = by_id(result)
    assert statuses(result) == dict.fromkeys(tasks, "ran")
    a, b, c = tasks["ordered.a"], tasks["ordered.b"], tasks["ordered.c"]
    assert a.finished_at <= b.started_at and b.finished_at <= c.started_at


def test_independent_stages_run_at_the_same_time(project: Project) -> None:
    workflow = project.workflow(
        [
            {"name": "left", "pipelines": [heavy(project, "a", 3)]},
            {"name": "right", "pipelines": [heavy(project, "b", 5)]},
        ]
    )
    tasks = by_id(run(workflow, workers=2))
    assert overlap(tasks["left.a"], tasks["right.b"])


def test_a_dependent_stage_starts_after_every_upstream_task_ended(project: Project) -> None:
    workflow = project.workflow(
        [
            {
                "name": "wide",
                "parallel": True,
                "pipelines": [heavy(project, "a", 3), heavy(project, "b", 5)],
            },
            {"name": "next", "depends_on": ["wide"], "pipelines": [heavy(project, "c", 7)]},
        ]
    )
    tasks = by_id(run(workflow, workers=2))
    last_upstream = max(tasks["wide.a"].finished_at, tasks["wide.b"].finished_at)
    assert tasks["next.c"].started_at >= last_upstream


def test_one_worker_never_overlaps_even_in_a_parallel_stage(project: Project) -> None:
    stage = {
        "name": "wide",
        "parallel": True,
        "pipelines": [heavy(project, "a", 3), heavy(project, "b", 5)],
    }
    tasks = by_id(run(project.workflow([stage]), workers=1))
    assert not overlap(tasks["wide.a"], tasks["wide.b"])
