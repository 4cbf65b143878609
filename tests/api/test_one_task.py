"""run_task as generated DAGs call it: only its own pipeline, a stale plan, failure kinds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from projects import Project, linear_three, new_project

from quicketl.api import run_task
from quicketl.errors import ConfigError, EngineError, StalePlanError, TransientError
from quicketl.plan.builder import build_plan
from quicketl.plan.fingerprint import plan_fingerprint

WORKFLOW = "workflows/wf.yml"


def two_stages(project: Project, b_reads: str = "data/raw.csv") -> Path:
    project.csv("data/raw.csv")
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    project.pipeline("b", b_reads, "out/b.parquet")
    return project.workflow(
        [
            {"name": "one", "pipelines": ["pipelines/a.yml"]},
            {"name": "two", "pipelines": ["pipelines/b.yml"]},
        ]
    )


def test_a_task_runs_when_an_unrelated_pipeline_cannot_resolve(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    two_stages(project, b_reads="data/${ONLY_ON_ANOTHER_WORKER}.csv")
    summary = run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))
    assert summary["status"] == "ran"
    with pytest.raises(ConfigError, match=r"unresolved variable \$\{ONLY_ON_ANOTHER_WORKER\}"):
        run_task(WORKFLOW, "two.b", project_dir=str(tmp_path))


def test_a_changed_workflow_fails_with_the_command_to_generate_again(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = two_stages(project)
    fingerprint = plan_fingerprint(build_plan(workflow))
    command = "quicketl workflow generate workflows/wf.yml --target airflow"
    run_task(WORKFLOW, "one.a", project_dir=str(tmp_path), fingerprint=fingerprint)
    project.pipeline("c", "out/b.parquet", "out/c.parquet")
    project.workflow(
        [
            {"name": "one", "pipelines": ["pipelines/a.yml"]},
            {"name": "two", "pipelines": ["pipelines/b.yml"]},
            {"name": "three", "pipelines": ["pipelines/c.yml"]},
        ]
    )
    with pytest.raises(StalePlanError) as raised:
        run_task(
            WORKFLOW,
            "one.a",
            project_dir=str(tmp_path),
            fingerprint=fingerprint,
            regenerate=command,
        )
    assert str(raised.value).startswith(
        "workflows/wf.yml: the workflow changed since this DAG was generated (plan f1."
    )
    assert str(raised.value).endswith(f"; run `{command}` again")
    assert not raised.value.retryable


def test_a_new_edge_makes_the_plan_stale_too(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = two_stages(project)
    fingerprint = plan_fingerprint(build_plan(workflow))
    project.pipeline("b", "out/a.parquet", "out/b.parquet")  # now reads a's output: lineage
    with pytest.raises(StalePlanError):
        run_task(WORKFLOW, "two.b", project_dir=str(tmp_path), fingerprint=fingerprint)


def test_an_unrelated_unresolved_pipeline_still_checks_the_structure(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = two_stages(project, b_reads="data/${LATER}.csv")
    fingerprint = plan_fingerprint(build_plan(workflow, {"LATER": "raw"}))
    assert run_task(WORKFLOW, "one.a", project_dir=str(tmp_path), fingerprint=fingerprint)
    project.workflow([{"name": "one", "pipelines": ["pipelines/a.yml", "pipelines/b.yml"]}])
    with pytest.raises(StalePlanError):
        run_task(WORKFLOW, "one.a", project_dir=str(tmp_path), fingerprint=fingerprint)


def test_a_selection_is_fingerprinted_over_its_own_tasks(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    plan = build_plan(linear_three(project))
    fingerprint = plan_fingerprint(plan, ["s1.a", "s2.b"])  # what `--select +b` covers
    project.pipeline("d", "data/raw.csv", "out/d.parquet")  # a new task nobody selected
    project.workflow(
        [
            {"name": "s1", "pipelines": ["pipelines/a.yml"]},
            {"name": "s2", "depends_on": ["s1"], "pipelines": ["pipelines/b.yml"]},
            {"name": "s3", "depends_on": ["s2"], "pipelines": ["pipelines/c.yml"]},
            {"name": "s4", "pipelines": ["pipelines/d.yml"]},
        ]
    )
    kwargs: dict[str, Any] = {"project_dir": str(tmp_path), "fingerprint": fingerprint}
    assert run_task(WORKFLOW, "s1.a", select=["+b"], **kwargs)["status"] == "ran"
    with pytest.raises(StalePlanError):
        run_task(WORKFLOW, "s1.a", select=["a+"], **kwargs)  # covers s3.c as well


def failing_check(project: Project) -> None:
    project.csv("data/raw.csv")
    project.pipeline(
        "a",
        "data/raw.csv",
        "out/a.parquet",
        checks=[{"type": "not_null", "columns": ["nothing_here"]}],
    )
    project.workflow([{"name": "one", "pipelines": ["pipelines/a.yml"]}])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (failing_check, "one.a: "),
        (
            lambda p: (
                p.pipeline("a", "data/gone.csv", "out/a.parquet"),
                p.workflow([{"name": "one", "pipelines": ["pipelines/a.yml"]}]),
            ),
            "gone.csv",
        ),
    ],
    ids=["failed-check", "missing-file"],
)
def test_failures_that_cannot_pass_are_not_retryable(
    tmp_path: Path, make: Any, message: str
) -> None:
    project = new_project(tmp_path)
    make(project)
    with pytest.raises((EngineError, ConfigError), match=message) as raised:
        run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))
    assert not raised.value.retryable
    assert not isinstance(raised.value, TransientError)


def test_a_database_locked_by_another_process_is_a_transient_failure(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    database = tmp_path / "data" / "shop.duckdb"
    database.parent.mkdir()
    make = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('CREATE TABLE t AS SELECT 1')"
    subprocess.run([sys.executable, "-c", make, str(database)], check=True)
    project.write(
        "pipelines/a.yml",
        f"name: a\nsource: {{type: database, connection: 'duckdb:///{database}', table: t}}\n"
        "sink: {type: file, path: out/a.parquet}\n",
    )
    project.workflow([{"name": "one", "pipelines": ["pipelines/a.yml"]}])
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True)"
    hold += "; time.sleep(30)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(database)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        with pytest.raises(TransientError) as raised:
            run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))
    finally:
        holder.kill()
        holder.wait()
    assert raised.value.retryable
    assert run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))["status"] == "ran"


def test_a_wrong_project_folder_names_the_variable_to_set(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"does not exist on this machine; set QUICKETL_PROJECT_DIR"
    ):
        run_task(WORKFLOW, "one.a", project_dir=str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match=r"is .* the project folder\? Set QUICKETL_PROJECT_DIR"):
        run_task(WORKFLOW, "one.a", project_dir=str(tmp_path))


def test_a_project_folder_under_home_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "proj").mkdir()
    project = new_project(tmp_path / "proj")
    two_stages(project)
    assert run_task(WORKFLOW, "one.a", project_dir="~/proj")["status"] == "ran"


def test_duckdb_gets_its_share_of_the_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quicketl.execute.plan_run as plan_run

    seen: list[int] = []
    real = plan_run.TaskRunner

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[5])
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_run, "TaskRunner", spy)
    monkeypatch.setattr(plan_run.os, "cpu_count", lambda: 8)
    project = new_project(tmp_path)
    two_stages(project)
    run_task(WORKFLOW, "one.a", project_dir=str(tmp_path), parallel=4)
    assert seen == [2]
