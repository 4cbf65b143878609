"""The workflow half of the public API, as a Python user calls it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from projects import linear_three, new_project

from quicketl import api
from quicketl.errors import ConfigError, ExportError


def test_workflow_object_plans_once_then_runs_explains_and_exports(tmp_path: Path) -> None:
    workflow = api.Workflow.from_yaml(linear_three(new_project(tmp_path)))
    assert workflow.name == "wf"
    assert [t.status for t in workflow.status().tasks] == ["would_run"] * 3  # never run
    assert [t.status for t in workflow.run(workers=1).tasks] == ["ran"] * 3
    assert [t.status for t in workflow.status().tasks] == ["up_to_date"] * 3
    ast.parse(workflow.generate("airflow"))
    ast.parse(workflow.generate("prefect"))
    with pytest.raises(ExportError, match="airflow or prefect"):
        workflow.generate("dagster")


def test_run_task_runs_one_task_and_skips_it_when_up_to_date(tmp_path: Path) -> None:
    path = linear_three(new_project(tmp_path))
    relative = path.relative_to(tmp_path).as_posix()
    first = api.run_task(relative, "s1.a", project_dir=str(tmp_path))
    again = api.run_task(relative, "s1.a", project_dir=str(tmp_path))
    assert (first["status"], again["status"]) == ("ran", "up_to_date")
    assert (tmp_path / "out/a.parquet").is_file() and not (tmp_path / "out/b.parquet").exists()


def test_a_run_reuses_the_stored_plan_and_loads_only_what_runs(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    path = linear_three(project)
    api.run_workflow(path)
    stored = api.plan_for_run(path)
    assert [t.pipeline for t in stored.tasks] == [None, None, None]  # nothing parsed
    project.csv("data/raw.csv", rows=5)
    result = api.execute_plan(stored)
    assert [t.status for t in result.tasks] == ["ran", "ran", "ran"]
    assert result.tasks[0].result is not None and result.tasks[0].result.rows_written == 5
    (tmp_path / "pipelines/c.yml").write_text(
        (tmp_path / "pipelines/c.yml").read_text() + "description: edited\n"
    )
    replanned = api.plan_for_run(path)  # planned afresh, but only the edited file is parsed
    assert [t.pipeline is not None for t in replanned.tasks] == [False, False, True]


def everything_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("predicate", "reads"),
    [("nope > 1", "data/a.csv"), ("id > 1", "data/none.csv")],
    ids=["unknown column", "missing file"],
)
def test_refused_pipeline_writes_nothing_not_even_the_cache(
    tmp_path: Path, predicate: str, reads: str
) -> None:
    project = new_project(tmp_path)
    project.csv("data/a.csv")
    path = project.write(
        "p.yml",
        f"name: p\nsource: {{path: {reads}}}\ntransforms:\n  - op: filter\n"
        f"    predicate: {predicate}\nsink: {{path: out/o.parquet}}\n",
    )
    before = everything_under(tmp_path)
    with pytest.raises(ConfigError, match=r"p\.yml:"):
        api.run_pipeline(path)
    assert everything_under(tmp_path) == before


def test_status_and_dry_run_of_a_never_run_workflow_write_nothing(tmp_path: Path) -> None:
    path = linear_three(new_project(tmp_path))
    before = everything_under(tmp_path)
    assert [t.status for t in api.explain(path).tasks] == ["would_run"] * 3
    assert [t.status for t in api.run_workflow(path, dry_run=True).tasks] == ["would_run"] * 3
    assert everything_under(tmp_path) == before
