"""`dag.test()` on generated DAGs: the wiring with a recording run_task, then the real thing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions, render_airflow
from quicketl.plan.model import Plan

from . import e2e, plans
from .orchestrators import (
    airflow_env,
    airflow_task_ids,
    fresh_airflow_home,
    read_calls,
    run,
    run_driver,
)

pytestmark = pytest.mark.export


def run_dags(
    python: Path,
    home: Path,
    dags: dict[str, tuple[Plan, ExportOptions]],
    jobs: list[dict[str, Any]],
    stub: Path | None = None,
    **env: str,
) -> list[dict[str, Any]]:
    """Write the DAGs into the dags folder and `dag.test()` each job, in one Airflow process."""
    for dag_id, (plan, options) in dags.items():
        (home / "dags" / f"{dag_id}.py").write_text(render_airflow(plan, options), "utf-8")
    (home / "jobs.json").write_text(json.dumps(jobs), "utf-8")
    args = ["test", str(home / "out.json"), str(home / "jobs.json")]
    args += ["--stub", str(stub)] if stub else []
    result: list[dict[str, Any]] = run_driver(
        python, "airflow_driver.py", args, airflow_env(home, home / "dags", **env)
    )
    return result


# --- wiring, with a recording stand-in for quicketl.api.run_task ---------------------------

RETRYING = plans.make_plan(
    "retrying", [plans.Stage("retry", ["flaky", "broken"])], workflow="workflows/retry.yml"
)


@pytest.fixture(scope="module")
def stubbed(
    airflow_python: Path, airflow_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    home = fresh_airflow_home(airflow_db, tmp_path_factory.mktemp("stubbed") / "home")
    calls = home / "calls.jsonl"
    dags = {
        "medallion": (plans.medallion(), ExportOptions(dag_id="medallion")),
        "linear": (
            plans.linear_three(variables={"n": 3, "ratio": 0.5, "flag": False, "day": "x"}),
            ExportOptions(dag_id="linear", project_dir="/baked/project"),
        ),
        "diamond": (plans.diamond(), ExportOptions(dag_id="diamond", retries=0)),
        "retrying": (
            RETRYING,
            ExportOptions(dag_id="retrying", retries=2, retry_delay_seconds=0, workers=3),
        ),
    }
    jobs: list[dict[str, Any]] = [
        {"dag_id": "medallion"},
        {"dag_id": "linear", "conf": {"n": 7, "day": "2025-02-01"}},
        {"dag_id": "diamond"},
        {"dag_id": "retrying"},
    ]
    runs = run_dags(
        airflow_python,
        home,
        dags,
        jobs,
        stub=calls,
        QUICKETL_PROJECT_DIR="/from/env",
        QUICKETL_CACHE_DIR="/shared/cache",
        QUICKETL_STUB_FAIL="middle.left,retry.broken",
        QUICKETL_STUB_TRANSIENT="retry.flaky",
    )
    return runs, read_calls(calls)


def test_every_task_runs_its_own_quicketl_task_once(stubbed: Any) -> None:
    runs, calls = stubbed
    medallion = runs[0]
    assert medallion["state"] == "success"
    assert set(medallion["tasks"].values()) == {"success"}
    called = [c["task_id"] for c in calls if c["workflow_path"] == "workflows/medallion.yml"]
    assert sorted(called) == sorted(t.id for t in plans.medallion().tasks)


def test_tasks_return_the_run_task_summary(stubbed: Any) -> None:
    medallion = runs_by_dag(stubbed[0])["medallion"]
    ids = airflow_task_ids(plans.medallion())
    assert medallion["xcoms"][ids["bronze.ingest_users"]] == {
        "task_id": "bronze.ingest_users",
        "status": "ran",
        "reason": "never run",
    }


def test_project_dir_comes_from_the_environment_unless_baked_in(stubbed: Any) -> None:
    _, calls = stubbed
    medallion = [c for c in calls if c["workflow_path"] == "workflows/medallion.yml"]
    assert {c["project_dir"] for c in medallion} == {"/from/env"}
    linear = [c for c in calls if c["task_id"].startswith("main.")]
    assert {c["project_dir"] for c in linear} == {"/baked/project"}
    assert {c["cache_dir"] for c in calls} == {"/shared/cache"}


def test_run_params_reach_run_task_as_typed_variables(stubbed: Any) -> None:
    _, calls = stubbed
    linear = [c for c in calls if c["task_id"].startswith("main.")]
    assert [c["task_id"] for c in linear] == ["main.a", "main.b", "main.c"]
    assert linear[0]["variables"] == {"n": 7, "ratio": 0.5, "flag": False, "day": "2025-02-01"}
    assert linear[0]["variable_types"] == {
        "n": "int",
        "ratio": "float",
        "flag": "bool",
        "day": "str",
    }


def test_a_failing_task_fails_the_run_and_only_its_dependents(stubbed: Any) -> None:
    diamond = runs_by_dag(stubbed[0])["diamond"]
    assert diamond["state"] == "failed"
    assert diamond["tasks"] == {
        "top.source": "success",
        "middle.left": "failed",
        "middle.right": "success",
        "bottom.join": "upstream_failed",
    }
    called = {c["task_id"] for c in stubbed[1]}
    assert "bottom.join" not in called


def test_a_transient_failure_is_retried_and_a_permanent_one_is_not(stubbed: Any) -> None:
    retrying = runs_by_dag(stubbed[0])["retrying"]
    attempts = [
        (c["task_id"], c["attempt"]) for c in stubbed[1] if c["task_id"].startswith("retry.")
    ]
    assert sorted(attempts) == [("retry.broken", 1), ("retry.flaky", 1), ("retry.flaky", 2)]
    assert retrying["tasks"] == {"retry.flaky": "success", "retry.broken": "failed"}


def test_every_call_carries_the_plan_fingerprint_and_the_parallelism(stubbed: Any) -> None:
    from quicketl.export.render import AIRFLOW_NAMES
    from quicketl.export.view import build_view

    view = build_view(RETRYING, ExportOptions(), AIRFLOW_NAMES)
    calls = [c for c in stubbed[1] if c["task_id"].startswith("retry.")]
    assert {c["generated"]["fingerprint"] for c in calls} == {view.fingerprint}
    assert {c["generated"]["parallel"] for c in calls} == {3}
    assert {tuple(c["generated"]["select"]) for c in calls} == {()}
    assert calls[0]["generated"]["regenerate"].startswith(
        "quicketl workflow generate workflows/retry.yml --target airflow --dag-id retrying"
    )


def runs_by_dag(runs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {run["dag_id"]: run for run in runs}


# --- the real run_task on a copy of examples/medallion --------------------------------------


@pytest.fixture(scope="module")
def medallion_runs(
    airflow_python: Path, airflow_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    e2e.require_run_task()
    work = tmp_path_factory.mktemp("medallion-airflow")
    reference = e2e.copy_medallion(work / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(work / "project")
    broken = e2e.copy_medallion(work / "broken")
    plan = e2e.plan_of(project)
    failing, dependents = e2e.break_a_source(e2e.plan_of(broken), broken)
    stale = e2e.copy_medallion(work / "stale")
    checked = e2e.copy_medallion(work / "checked")
    home = fresh_airflow_home(airflow_db, work / "home")
    retrying = {"retries": 2, "retry_delay_seconds": 0}
    dags = {
        "medallion": (plan, ExportOptions(dag_id="medallion")),
        "broken": (
            e2e.plan_of(project),
            ExportOptions(dag_id="broken", project_dir=str(broken), **retrying),  # type: ignore[arg-type]
        ),
        "stale": (
            e2e.plan_of(stale),
            ExportOptions(dag_id="stale", project_dir=str(stale), **retrying),  # type: ignore[arg-type]
        ),
        "checked": (
            e2e.plan_of(checked),
            ExportOptions(dag_id="checked", project_dir=str(checked), **retrying),  # type: ignore[arg-type]
        ),
    }
    e2e.add_a_stage(stale)
    e2e.add_a_failing_check(checked, "pipelines/bronze/ingest_users.yml")
    jobs = [{"dag_id": d} for d in ("medallion", "medallion", "broken", "stale", "checked")]
    runs = run_dags(airflow_python, home, dags, jobs, QUICKETL_PROJECT_DIR=str(project))
    return {
        "log": (home / "out.log").read_text(encoding="utf-8"),
        "plan": plan,
        "reference": reference,
        "project": project,
        "broken": broken,
        "failing": failing,
        "dependents": dependents,
        "runs": runs,
    }


def test_dag_produces_the_same_outputs_as_workflow_run(medallion_runs: Any) -> None:
    first = medallion_runs["runs"][0]
    assert first["state"] == "success", first
    assert set(first["tasks"].values()) == {"success"}
    e2e.assert_same_outputs(
        medallion_runs["plan"], medallion_runs["reference"], medallion_runs["project"]
    )


def test_second_dag_run_skips_every_task_as_up_to_date(medallion_runs: Any) -> None:
    first, second = medallion_runs["runs"][0], medallion_runs["runs"][1]
    assert {x["status"] for x in first["xcoms"].values()} == {"ran"}
    assert second["state"] == "success"
    assert {x["status"] for x in second["xcoms"].values()} == {"up_to_date"}
    assert len(second["xcoms"]) == len(medallion_runs["plan"].tasks)


def test_failing_pipeline_fails_the_run_and_its_dependents_are_upstream_failed(
    medallion_runs: Any,
) -> None:
    broken = medallion_runs["runs"][2]
    ids = airflow_task_ids(medallion_runs["plan"])
    failing, dependents = medallion_runs["failing"], medallion_runs["dependents"]
    assert broken["state"] == "failed"
    assert broken["tasks"][ids[failing]] == "failed"
    for task_id in dependents:
        assert broken["tasks"][ids[task_id]] == "upstream_failed", task_id
    independent = set(ids) - dependents - {failing}
    assert {broken["tasks"][ids[t]] for t in independent} == {"success"}


def test_a_dag_made_from_another_plan_fails_at_once_without_retries(medallion_runs: Any) -> None:
    stale = runs_by_dag(medallion_runs["runs"])["stale"]
    assert stale["state"] == "failed"
    first = airflow_task_ids(medallion_runs["plan"])
    sources = [first[t.id] for t in medallion_runs["plan"].tasks if t.stage == "bronze"]
    assert {stale["tasks"][t] for t in sources} == {"failed"}
    assert {stale["tries"][t] for t in sources} == {1}
    assert "the workflow changed since this DAG was generated" in medallion_runs["log"]
    assert (
        "run `quicketl workflow generate workflows/medallion.yml --target airflow --dag-id stale"
        in medallion_runs["log"]
    )


def test_a_failed_check_and_a_missing_file_are_not_retried(medallion_runs: Any) -> None:
    ids = airflow_task_ids(medallion_runs["plan"])
    checked = runs_by_dag(medallion_runs["runs"])["checked"]
    assert checked["tasks"][ids["bronze.ingest_users"]] == "failed"
    assert checked["tries"][ids["bronze.ingest_users"]] == 1
    assert checked["tries"][ids["bronze.ingest_events"]] == 1
    assert checked["tasks"][ids["bronze.ingest_events"]] == "success"
    broken = runs_by_dag(medallion_runs["runs"])["broken"]
    assert broken["tries"][ids[medallion_runs["failing"]]] == 1


def test_airflow_records_an_asset_event_per_output(medallion_runs: Any) -> None:
    first = medallion_runs["runs"][0]
    ids = airflow_task_ids(medallion_runs["plan"])
    expected = sorted(
        [f"quicketl://project/{output}", ids[task.id]]
        for task in medallion_runs["plan"].tasks
        for output in task.outputs
    )
    assert first["asset_events"] == expected


def test_the_airflow_dags_test_command_runs_the_generated_dag(
    airflow_python: Path, airflow_db: Path, tmp_path: Path
) -> None:
    """What docs/export.md tells users to run: `airflow dags test DAG_ID`, on the real CLI."""
    e2e.require_run_task()
    reference = e2e.copy_medallion(tmp_path / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(tmp_path / "project")
    home = fresh_airflow_home(airflow_db, tmp_path / "home")
    plan = e2e.plan_of(project)
    source = render_airflow(plan, ExportOptions(dag_id="medallion_etl"))
    (home / "dags" / "medallion_etl.py").write_text(source, "utf-8")
    env = airflow_env(home, home / "dags", QUICKETL_PROJECT_DIR=str(project))
    airflow = str(airflow_python.parent / "airflow")
    log = run([airflow, "dags", "reserialize"], env)  # as the scheduler would store it
    log += run([airflow, "dags", "test", "medallion_etl"], env)
    assert "Marking task as FAILED" not in log
    e2e.assert_same_outputs(plan, reference, project)
