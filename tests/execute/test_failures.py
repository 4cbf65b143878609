"""Failures: fail_fast stops new work, continue lets independent work go on, dependents skip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from projects import Project, linear_three, new_project

from .support import (
    big_csv,
    cli,
    json_tasks,
    pipeline_doc,
    reasons,
    records,
    rows,
    run,
    statuses,
    write_yaml,
)

FAILING_CHECK = [{"type": "row_count", "max": 0}]  # error severity: every non-empty run fails


def failing(project: Project, name: str, reads: str = "data/raw.csv") -> str:
    """A pipeline whose error-level check fails at run time, so its sink is never written."""
    doc = pipeline_doc(name, [reads], f"out/{name}.parquet", checks=FAILING_CHECK)
    write_yaml(project.root / f"pipelines/{name}.yml", doc)
    return f"pipelines/{name}.yml"


def slow(project: Project, name: str, rows: int = 300_000) -> str:
    """A pipeline that takes a few hundred milliseconds: an aggregate over a big CSV."""
    if not (project.root / "data/big.csv").exists():
        big_csv(project.root / "data/big.csv", rows)
    doc = pipeline_doc(
        name,
        ["data/big.csv"],
        f"out/{name}.parquet",
        transforms=[
            {"op": "aggregate", "group_by": ["grp"], "aggs": {"total": "sum(amount)"}},
            {"op": "sort", "by": ["grp"]},
        ],
    )
    write_yaml(project.root / f"pipelines/{name}.yml", doc)
    return f"pipelines/{name}.yml"


def base(tmp_path: Path) -> Project:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("ok", "data/raw.csv", "out/ok.parquet")
    project.pipeline("indep", "data/raw.csv", "out/indep.parquet")
    return project


def by_id(result: Any) -> dict[str, Any]:
    return {t.task_id: t for t in result.tasks}


def test_dependents_of_a_failed_task_are_skipped_naming_it(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    failing(project, "b", reads="out/a.parquet")
    result = run(workflow)
    assert not result.succeeded
    assert statuses(result) == {"s1.a": "ran", "s2.b": "failed", "s3.c": "skipped"}
    assert reasons(result)["s3.c"] == ["upstream s2.b failed"]
    assert "row_count" in (by_id(result)["s2.b"].error or "")
    assert not (tmp_path / "out/b.parquet").exists(), "a failed check must not write the sink"
    assert set(records(tmp_path)) == {"s1.a"}, "only finished tasks are recorded"


def test_fail_fast_starts_no_new_task_after_a_failure(tmp_path: Path) -> None:
    project = base(tmp_path)
    bad = failing(project, "bad")
    workflow = project.workflow(
        [
            {"name": "first", "pipelines": [bad]},
            {"name": "second", "pipelines": ["pipelines/indep.yml"]},
        ]
    )
    result = run(workflow, workers=1)
    assert statuses(result) == {"first.bad": "failed", "second.indep": "not_run"}
    assert reasons(result)["second.indep"] == ["not started: first.bad failed and fail_fast is on"]
    assert not (tmp_path / "out/indep.parquet").exists()
    assert records(tmp_path) == {}


def test_fail_fast_lets_running_tasks_finish_and_records_them(tmp_path: Path) -> None:
    project = base(tmp_path)
    # long enough to outlast the failing task even on a loaded machine
    bad, long = failing(project, "bad"), slow(project, "long", rows=1_500_000)
    workflow = project.workflow(
        [
            {"name": "both", "parallel": True, "pipelines": [long, bad]},
            {"name": "later", "pipelines": ["pipelines/indep.yml"]},
        ]
    )
    result = run(workflow, workers=2)
    tasks = by_id(result)
    assert statuses(result) == {
        "both.long": "ran",
        "both.bad": "failed",
        "later.indep": "not_run",
    }
    assert tasks["both.long"].started_at < tasks["both.bad"].finished_at, "was running"
    assert tasks["both.long"].finished_at > tasks["both.bad"].finished_at
    assert set(records(tmp_path)) == {"both.long"}
    assert len(rows(tmp_path / "out/long.parquet")) == 1000


def test_fail_fast_false_lets_independent_tasks_go_on(tmp_path: Path) -> None:
    project = base(tmp_path)
    bad = failing(project, "bad")
    dependent = project.pipeline("dependent", "out/bad.parquet", "out/dependent.parquet")
    workflow = project.workflow(
        [
            {"name": "first", "pipelines": [bad]},
            {"name": "second", "pipelines": ["pipelines/indep.yml"]},
            {"name": "third", "depends_on": ["first"], "pipelines": [dependent]},
        ],
        fail_fast=False,
    )
    result = run(workflow, workers=1)
    assert statuses(result) == {
        "first.bad": "failed",
        "second.indep": "ran",
        "third.dependent": "skipped",
    }
    assert reasons(result)["third.dependent"] == ["upstream first.bad failed"]
    assert set(records(tmp_path)) == {"second.indep"}


def test_skip_reaches_every_transitive_dependent(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    failing(project, "a")
    result = run(workflow)
    assert statuses(result) == {"s1.a": "failed", "s2.b": "skipped", "s3.c": "skipped"}
    assert reasons(result)["s3.c"] == ["upstream s1.a failed"]


def test_continue_on_failure_stage_does_not_stop_the_run(tmp_path: Path) -> None:
    project = base(tmp_path)
    bad = failing(project, "bad")
    dependent = project.pipeline("dependent", "data/raw.csv", "out/dependent.parquet")
    workflow = project.workflow(
        [
            {
                "name": "tolerant",
                "parallel": True,
                "continue_on_failure": True,
                "pipelines": [bad, "pipelines/ok.yml"],
            },
            {"name": "other", "pipelines": ["pipelines/indep.yml"]},
            {"name": "after", "depends_on": ["tolerant"], "pipelines": [dependent]},
        ]
    )
    result = run(workflow, workers=1)
    assert statuses(result) == {
        "tolerant.bad": "failed",
        "tolerant.ok": "ran",
        "other.indep": "ran",
        "after.dependent": "skipped",
    }
    assert reasons(result)["after.dependent"] == ["upstream tolerant.bad failed"]
    assert not result.succeeded


def test_a_fixed_failure_runs_with_its_dependents_and_nothing_else(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    failing(project, "b", reads="out/a.parquet")
    run(workflow)
    project.pipeline("b", "out/a.parquet", "out/b.parquet")
    result = run(workflow)
    assert statuses(result) == {"s1.a": "up_to_date", "s2.b": "ran", "s3.c": "ran"}
    assert reasons(result)["s2.b"] == ["never run"]
    assert rows(tmp_path / "out/c.parquet") == [(0, "a0"), (1, "a1"), (2, "a2")]


def test_a_failure_after_a_success_keeps_the_old_output_and_reruns_next_time(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    old = (tmp_path / "out/b.parquet").read_bytes()
    failing(project, "b", reads="out/a.parquet")
    assert statuses(run(workflow))["s2.b"] == "failed"
    assert (tmp_path / "out/b.parquet").read_bytes() == old, "nothing half-written in its place"
    result = run(workflow)
    assert statuses(result)["s2.b"] == "failed", "a failure is never recorded as done"


def test_cli_exit_code_1_and_the_failure_reason_in_human_output(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    failing(project, "b", reads="out/a.parquet")
    done = cli("workflow", "run", workflow, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    text = done.stdout
    assert "FAILED" in text
    assert "s2.b" in text and "row_count" in text, text
    assert "upstream s2.b failed" in text
    assert "Pipelines: 1/3 succeeded" in text

    done = cli("workflow", "run", workflow, "--json", cwd=tmp_path)
    assert done.returncode == 1
    tasks = json_tasks(done.stdout)
    assert tasks["s2.b"]["status"] == "failed"
    assert "row_count" in tasks["s2.b"]["error"]
    assert tasks["s3.c"]["status"] == "skipped"
    assert tasks["s3.c"]["reasons"] == ["upstream s2.b failed"]
    assert tasks["s1.a"]["status"] == "up_to_date"


def test_one_edited_task_failing_leaves_the_others_up_to_date(tmp_path: Path) -> None:
    # Only `ok` runs (it was edited), without doit: the task after it in plan order is up to
    # date, and says so, although fail_fast (the default) stops the run when `ok` fails.
    project = base(tmp_path)
    pipelines = ["pipelines/ok.yml", "pipelines/indep.yml"]
    workflow = project.workflow([{"name": "s", "parallel": True, "pipelines": pipelines}])
    assert set(statuses(run(workflow)).values()) == {"ran"}
    failing(project, "ok")
    assert statuses(run(workflow)) == {"s.ok": "failed", "s.indep": "up_to_date"}
