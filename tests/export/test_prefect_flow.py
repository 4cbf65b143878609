"""Generated Prefect flows run for real: the wiring with a recording run_task, then medallion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions, render_prefect
from quicketl.plan.model import Plan

from . import e2e, plans
from .orchestrators import prefect_env, read_calls, run_driver

pytestmark = pytest.mark.export


def run_flows(
    python: Path,
    home: Path,
    work: Path,
    flows: dict[str, tuple[Plan, ExportOptions]],
    jobs: list[dict[str, Any]],
    stub: Path | None = None,
    **env: str,
) -> list[dict[str, Any]]:
    """Write each flow file and run the jobs in one Prefect process, with the tests' home."""
    for name, (plan, options) in flows.items():
        (work / f"{name}.py").write_text(render_prefect(plan, options), "utf-8")
    for job in jobs:
        job["flow_file"] = str(work / f"{job.pop('flow')}.py")
    (work / "jobs.json").write_text(json.dumps(jobs), "utf-8")
    args = ["run", str(work / "out.json"), str(work / "jobs.json")]
    args += ["--stub", str(stub)] if stub else []
    result: list[dict[str, Any]] = run_driver(
        python, "prefect_driver.py", args, prefect_env(home, **env)
    )
    return result


# --- wiring, with a recording stand-in for quicketl.api.run_task ---------------------------


@pytest.fixture(scope="module")
def stubbed(
    prefect_python: Path, prefect_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    work = tmp_path_factory.mktemp("prefect-stubbed")
    calls = work / "calls.jsonl"
    flows = {
        "medallion": (plans.medallion(), ExportOptions(workers=2)),
        "linear": (
            plans.linear_three(variables={"n": 3, "ratio": 0.5, "flag": False, "run-day": "x"}),
            ExportOptions(project_dir="/baked/project"),
        ),
        "diamond": (plans.diamond(), ExportOptions()),
        "retrying": (RETRYING, ExportOptions(retries=2, retry_delay_seconds=0)),
        "unicode": (UNICODE, ExportOptions()),
        "awkward": (plans.awkward(), ExportOptions()),
    }
    jobs: list[dict[str, Any]] = [
        {"flow": "medallion"},
        {"flow": "linear", "params": {"n": 7, "run_day": "2025-02-01"}},
        {"flow": "diamond"},
        {"flow": "retrying"},
        {"flow": "unicode"},
        {"flow": "awkward"},
    ]
    runs = run_flows(
        prefect_python,
        prefect_home,
        work,
        flows,
        jobs,
        stub=calls,
        QUICKETL_PROJECT_DIR="/from/env",
        QUICKETL_STUB_FAIL="middle.left,retry.broken",
        QUICKETL_STUB_TRANSIENT="retry.flaky",
    )
    return runs, read_calls(calls)


RETRYING = plans.make_plan(
    "retrying", [plans.Stage("retry", ["flaky", "broken"])], workflow="workflows/retry.yml"
)
UNICODE = plans.make_plan(
    "报告",
    [plans.Stage("报告", ["report"]), plans.Stage("silver", ["数据"], depends_on=["报告"])],
    io={"报告.report": (("data/raw.csv",), ("out/report.parquet",))},
)


def test_a_transient_failure_is_retried_and_a_permanent_one_is_not(stubbed: Any) -> None:
    retrying = stubbed[0][3]
    assert retrying["state"] == "FAILED"
    assert retrying["tasks"] == {"retry.flaky": "Completed", "retry.broken": "Failed"}
    assert retrying["attempts"] == {"retry.flaky": 2, "retry.broken": 1}
    calls = [(c["task_id"], c["attempt"]) for c in stubbed[1] if c["task_id"].startswith("retry.")]
    assert sorted(calls) == [("retry.broken", 1), ("retry.flaky", 1), ("retry.flaky", 2)]


def test_task_runs_are_named_by_their_real_names(stubbed: Any) -> None:
    unicode = stubbed[0][4]
    assert unicode["state"] == "COMPLETED", unicode["message"]
    assert unicode["tasks"] == {"报告.report": "Completed", "silver.数据": "Completed"}
    awkward = stubbed[0][5]
    assert awkward["state"] == "COMPLETED", awkward["message"]
    assert "bronze-1.{{ ds }}" in awkward["tasks"]  # braces are not a run-name template


def test_flow_runs_every_pipeline_once_and_returns_the_summaries(stubbed: Any) -> None:
    medallion = stubbed[0][0]
    ids = [t.id for t in plans.medallion().tasks]
    assert medallion["state"] == "COMPLETED"
    assert sorted(medallion["result"]) == sorted(ids)
    assert {r["status"] for r in medallion["result"].values()} == {"ran"}
    called = [c["task_id"] for c in stubbed[1] if c["workflow_path"] == "workflows/medallion.yml"]
    assert sorted(called) == sorted(ids)
    assert {c["project_dir"] for c in stubbed[1] if c["task_id"] in ids} == {"/from/env"}


def test_upstream_pipelines_finish_before_their_dependents_start(stubbed: Any) -> None:
    order = [c["task_id"] for c in stubbed[1]]
    for edge in plans.medallion().edges:
        assert order.index(edge.upstream) < order.index(edge.downstream)
    assert [t for t in order if t.startswith("main.")] == ["main.a", "main.b", "main.c"]


def test_variables_are_typed_flow_parameters(stubbed: Any) -> None:
    linear = stubbed[0][1]
    assert linear["parameter_types"] == {
        "n": "integer",
        "ratio": "number",
        "flag": "boolean",
        "run_day": "string",
    }
    call = next(c for c in stubbed[1] if c["task_id"] == "main.a")
    assert call["variables"] == {"n": 7, "ratio": 0.5, "flag": False, "run-day": "2025-02-01"}
    assert call["variable_types"]["n"] == "int"
    assert call["project_dir"] == "/baked/project"


def test_a_failing_pipeline_fails_the_flow_and_its_dependents_never_run(stubbed: Any) -> None:
    diamond = stubbed[0][2]
    assert diamond["state"] == "FAILED"
    assert "middle.left: stub failure" in diamond["message"]
    assert diamond["tasks"]["middle.left"] == "Failed"
    assert diamond["tasks"]["middle.right"] == "Completed"
    assert diamond["tasks"]["bottom.join"] != "Completed"
    assert "bottom.join" not in {c["task_id"] for c in stubbed[1]}


# --- the real run_task on a copy of examples/medallion --------------------------------------


@pytest.fixture(scope="module")
def medallion_runs(
    prefect_python: Path, prefect_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    e2e.require_run_task()
    work = tmp_path_factory.mktemp("medallion-prefect")
    reference = e2e.copy_medallion(work / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(work / "project")
    broken = e2e.copy_medallion(work / "broken")
    plan = e2e.plan_of(project)
    failing, dependents = e2e.break_a_source(e2e.plan_of(broken), broken)
    stale = e2e.copy_medallion(work / "stale")
    retrying = {"retries": 2, "retry_delay_seconds": 0}
    flows = {
        "medallion": (plan, ExportOptions()),
        "broken": (plan, ExportOptions(project_dir=str(broken), **retrying)),  # type: ignore[arg-type]
        "stale": (e2e.plan_of(stale), ExportOptions(project_dir=str(stale), **retrying)),  # type: ignore[arg-type]
    }
    e2e.add_a_stage(stale)
    jobs = [{"flow": f} for f in ("medallion", "medallion", "broken", "stale")]
    runs = run_flows(
        prefect_python, prefect_home, work, flows, jobs, QUICKETL_PROJECT_DIR=str(project)
    )
    return plan, reference, project, broken, failing, dependents, runs


def test_flow_produces_the_same_outputs_as_workflow_run(medallion_runs: Any) -> None:
    plan, reference, project, _, _, _, runs = medallion_runs
    assert runs[0]["state"] == "COMPLETED", runs[0]["message"]
    e2e.assert_same_outputs(plan, reference, project)
    assert {r["status"] for r in runs[0]["result"].values()} == {"ran"}


def test_second_flow_run_skips_every_pipeline_as_up_to_date(medallion_runs: Any) -> None:
    plan, *_, runs = medallion_runs
    assert runs[1]["state"] == "COMPLETED"
    assert {r["status"] for r in runs[1]["result"].values()} == {"up_to_date"}
    assert len(runs[1]["result"]) == len(plan.tasks)


def test_failing_pipeline_fails_the_flow_and_its_dependents_do_not_run(
    medallion_runs: Any,
) -> None:
    plan, _, _, broken, failing, dependents, runs = medallion_runs
    assert runs[2]["state"] == "FAILED"
    assert runs[2]["tasks"][failing] == "Failed"
    for task_id in dependents:
        assert runs[2]["tasks"][task_id] != "Completed", task_id
        for relpath in plan.task(task_id).outputs:
            assert not (broken / relpath).exists(), f"{task_id} ran: {relpath} exists"


def test_a_flow_made_from_another_plan_fails_at_once_without_retries(medallion_runs: Any) -> None:
    plan, *_, runs = medallion_runs
    stale = runs[3]
    assert stale["state"] == "FAILED"
    assert "the workflow changed since this DAG was generated" in stale["message"]
    sources = [t.id for t in plan.tasks if t.stage == "bronze"]
    assert {stale["tasks"][t] for t in sources} == {"Failed"}
    assert {stale["attempts"][t] for t in sources} == {1}


def test_a_missing_file_is_not_retried(medallion_runs: Any) -> None:
    *_, failing, _, runs = medallion_runs
    assert runs[2]["attempts"][failing] == 1
