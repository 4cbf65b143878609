"""`--mode dynamic`: the real Airflow builds the DAG from the workflow each time it parses it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions, render_airflow

from . import e2e
from .orchestrators import airflow_env, airflow_task_ids, fresh_airflow_home, run_driver

pytestmark = pytest.mark.export

GOLD_STAGE = """
  - name: gold
    depends_on: [silver]
    orchestrator: {pool: etl, priority_weight: 7, execution_timeout: 30m}
    pipelines:
      - path: pipelines/gold/user_report.yml
      - path: pipelines/gold/报告.yml
"""
GOLD_PIPELINE = """name: user_report
engine: duckdb
source:
  type: file
  path: output/silver/users.parquet
sink:
  type: file
  path: output/gold/user_report.parquet
"""


def dynamic_dag(project: Path, dags: Path, dag_id: str = "medallion_dynamic") -> None:
    options = ExportOptions(dag_id=dag_id, mode="dynamic")
    (dags / f"{dag_id}.py").write_text(render_airflow(e2e.plan_of(project), options), "utf-8")


def dagbag(python: Path, home: Path, project: Path | None) -> Any:
    extra = {"QUICKETL_PROJECT_DIR": str(project)} if project else {}
    env = airflow_env(home, home / "dags", **extra)
    return run_driver(python, "airflow_driver.py", ["dagbag", str(home / "bag.json")], env)


def add_gold_stage(project: Path) -> None:
    workflow = project / e2e.WORKFLOW
    workflow.write_text(workflow.read_text("utf-8") + GOLD_STAGE, "utf-8")
    (project / "pipelines" / "gold").mkdir()
    (project / "pipelines" / "gold" / "user_report.yml").write_text(GOLD_PIPELINE, "utf-8")
    report = GOLD_PIPELINE.replace("user_report", "报告")
    (project / "pipelines" / "gold" / "报告.yml").write_text(report, "utf-8")


@pytest.fixture(scope="module")
def parsed(
    airflow_python: Path, airflow_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The same DAG file parsed three times: as generated, after a new stage, after a YAML typo."""
    e2e.require_run_task()
    work = tmp_path_factory.mktemp("dynamic")
    project = e2e.copy_medallion(work / "project")
    home = fresh_airflow_home(airflow_db, work / "home")
    dynamic_dag(project, home / "dags")
    dag_file = (home / "dags" / "medallion_dynamic.py").read_bytes()
    first = dagbag(airflow_python, home, project)
    wrote_nothing = not (project / ".quicketl-cache").exists()
    add_gold_stage(project)
    second = dagbag(airflow_python, home, project)
    workflow = project / e2e.WORKFLOW
    typo = workflow.read_text("utf-8").replace("depends_on: [silver]", "depends_on: [silvr]")
    workflow.write_text(typo, "utf-8")
    broken = dagbag(airflow_python, home, project)
    no_project = dagbag(airflow_python, home, None)
    return {
        "no_project": no_project,
        "project": project,
        "first": first,
        "second": second,
        "broken": broken,
        "wrote_nothing": wrote_nothing,
        "unchanged": (home / "dags" / "medallion_dynamic.py").read_bytes() == dag_file,
    }


def edges(dag: dict[str, Any]) -> set[tuple[str, str]]:
    return {(up, task_id) for task_id, task in dag["tasks"].items() for up in task["upstream"]}


def test_dynamic_dag_loads_with_the_static_dags_ids_and_edges(parsed: dict[str, Any]) -> None:
    bag = parsed["first"]
    assert bag["import_errors"] == {}
    assert bag["warnings"] == {}
    plan = e2e.plan_of(e2e.MEDALLION)
    ids = airflow_task_ids(plan)
    dag = bag["dags"]["medallion_dynamic"]
    assert sorted(dag["tasks"]) == sorted(ids.values())
    assert edges(dag) == {(ids[e.upstream], ids[e.downstream]) for e in plan.edges}
    assert dag["groups"] == ["bronze", "silver"]
    assert dag["doc_md"] == plan.description
    assert dag["max_active_runs"] == 1


def test_parsing_a_dynamic_dag_writes_nothing_into_the_project(parsed: dict[str, Any]) -> None:
    assert parsed["wrote_nothing"]


def test_a_stage_added_to_the_yaml_shows_up_without_regenerating(parsed: dict[str, Any]) -> None:
    assert parsed["unchanged"]
    dag = parsed["second"]["dags"]["medallion_dynamic"]
    assert dag["groups"] == ["bronze", "silver", "gold"]
    assert dag["tasks"]["gold.user_report"]["upstream"] == [
        "silver.clean_events",
        "silver.clean_users",
    ]


def test_new_tasks_get_their_settings_assets_and_display_names(parsed: dict[str, Any]) -> None:
    tasks = parsed["second"]["dags"]["medallion_dynamic"]["tasks"]
    report = tasks["gold.user_report"]
    assert (report["pool"], report["priority_weight"], report["execution_timeout"]) == (
        "etl",
        7,
        1800,
    )
    assert report["outlets"] == ["quicketl://medallion-example/output/gold/user_report.parquet"]
    assert report["inlets"] == ["quicketl://medallion-example/output/silver/users.parquet"]
    [named] = [t for t in tasks.values() if t["display_name"] == "报告"]
    assert named["group"] == "gold"


def test_a_yaml_error_is_the_dags_import_error_naming_file_field_and_line(
    parsed: dict[str, Any],
) -> None:
    broken = parsed["broken"]
    assert "medallion_dynamic" not in broken["dags"]
    [(dag_file, error)] = broken["import_errors"].items()
    assert dag_file.endswith("medallion_dynamic.py")
    assert "workflows/medallion.yml:21: stages[2].depends_on[0]: unknown stage 'silvr'" in error


def test_without_a_project_folder_the_import_error_says_what_to_set(
    parsed: dict[str, Any],
) -> None:
    [error] = parsed["no_project"]["import_errors"].values()
    assert "QUICKETL_PROJECT_DIR is not set: point it at the quicketl project folder" in error


def test_dynamic_dag_runs_with_dag_test(
    airflow_python: Path, airflow_db: Path, tmp_path: Path
) -> None:
    e2e.require_run_task()
    reference = e2e.copy_medallion(tmp_path / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(tmp_path / "project")
    home = fresh_airflow_home(airflow_db, tmp_path / "home")
    dynamic_dag(project, home / "dags")
    (home / "jobs.json").write_text(json.dumps([{"dag_id": "medallion_dynamic"}]), "utf-8")
    env = airflow_env(home, home / "dags", QUICKETL_PROJECT_DIR=str(project))
    args = ["test", str(home / "out.json"), str(home / "jobs.json")]
    [run] = run_driver(airflow_python, "airflow_driver.py", args, env)
    assert run["state"] == "success", run
    assert {x["status"] for x in run["xcoms"].values()} == {"ran"}
    e2e.assert_same_outputs(e2e.plan_of(project), reference, project)
