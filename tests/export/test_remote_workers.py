"""Generated DAGs and flows with --remote-cache, on workers that share nothing but the cache:
each task runs in its own empty copy of the project folder (drivers/separate_workers), and
the outputs equal `quicketl workflow run`'s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions
from quicketl.plan.model import Plan

from . import e2e
from .orchestrators import DRIVERS, fresh_airflow_home, read_calls
from .test_airflow_run import run_dags
from .test_prefect_flow import run_flows

pytestmark = pytest.mark.export

SHIM = str(DRIVERS / "separate_workers")


def _setup(work: Path) -> tuple[Plan, Path, Path, Path, Path]:
    e2e.require_run_task()
    reference = e2e.copy_medallion(work / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(work / "project")
    workers = work / "workers"
    workers.mkdir()
    return e2e.plan_of(project), reference, project, workers, work / "remote-cache"


def _assert_each_task_built_alone(
    plan: Plan, reference: Path, project: Path, workers: Path
) -> None:
    calls = read_calls(workers / "calls.jsonl")
    first = {}
    for call in calls:
        first.setdefault(call["task_id"], call)
    assert sorted(first) == sorted(t.id for t in plan.tasks)
    for task in plan.tasks:
        call = first[task.id]
        assert call["summary"]["status"] == "ran", call
        worker = Path(call["worker"])
        for output in task.outputs:  # each task's outputs, from its own worker's folder
            assert e2e.rows(worker / output) == e2e.rows(reference / output), output
    assert not (project / "output").exists()  # nothing was shared through the project folder
    # A second run on fresh workers restores every task from the remote cache.
    again = [c for c in calls if c is not first[c["task_id"]]]
    assert sorted(c["task_id"] for c in again) == sorted(t.id for t in plan.tasks)
    assert {c["summary"]["status"] for c in again} == {"restored"}


def test_airflow_dag_on_separate_workers(
    airflow_python: Path, airflow_db: Path, tmp_path: Path
) -> None:
    plan, reference, project, workers, remote = _setup(tmp_path)
    home = fresh_airflow_home(airflow_db, tmp_path / "home")
    options = ExportOptions(dag_id="medallion", remote_cache=str(remote))
    jobs = [{"dag_id": "medallion"}, {"dag_id": "medallion"}]
    env = {"QUICKETL_PROJECT_DIR": str(project), "QUICKETL_TEST_WORKERS": str(workers)}
    runs: list[dict[str, Any]] = run_dags(
        airflow_python, home, {"medallion": (plan, options)}, jobs, PYTHONPATH=SHIM, **env
    )
    assert [r["state"] for r in runs] == ["success", "success"], runs
    _assert_each_task_built_alone(plan, reference, project, workers)


def test_prefect_flow_on_separate_workers(
    prefect_python: Path, prefect_home: Path, tmp_path: Path
) -> None:
    plan, reference, project, workers, remote = _setup(tmp_path)
    flows = {"medallion": (plan, ExportOptions(remote_cache=str(remote)))}
    jobs = [{"flow": "medallion"}, {"flow": "medallion"}]
    env = {"QUICKETL_PROJECT_DIR": str(project), "QUICKETL_TEST_WORKERS": str(workers)}
    runs = run_flows(prefect_python, prefect_home, tmp_path, flows, jobs, PYTHONPATH=SHIM, **env)
    assert [r["state"] for r in runs] == ["COMPLETED", "COMPLETED"], runs
    _assert_each_task_built_alone(plan, reference, project, workers)
