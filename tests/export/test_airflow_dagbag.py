"""The real Airflow loads generated DAGs cleanly, with exactly the plan's edges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions, render_airflow
from quicketl.export.settings import ExportInputs, TaskSettings
from quicketl.plan.model import Plan

from . import plans
from .orchestrators import airflow_env, airflow_task_ids, fresh_airflow_home, run_driver

pytestmark = pytest.mark.export

OPTIONS = ExportOptions(retries=2, retry_delay_seconds=45, workers=3)
SCHEDULED = {"schedule": "0 3 * * *", "start_date": "2025-06-01T02:30:00", "project_dir": "/srv/p"}


def shapes() -> dict[str, Plan]:
    """dag_id -> plan; every shape the DagBag has to load."""
    return {
        "medallion_etl": plans.medallion(),
        "linear_three": plans.linear_three(variables={"n": 3, "day": "2025-01-15"}),
        "diamond": plans.diamond(),
        "lineage_only": plans.lineage_only(),
        "awkward": plans.awkward(),
        "unicode": UNICODE,
    }


UNICODE = plans.make_plan(
    "报告",
    [
        plans.Stage("报告", ["report", "数据"]),
        plans.Stage("silver", ["clean"], depends_on=["报告"]),
    ],
    io={
        "报告.report": (("data/raw.csv",), ("out/report.parquet",)),
        "silver.clean": (("out/report.parquet", "data/other.csv"), ("out/clean.parquet",)),
        "报告.数据": (("data/原始.csv",), ("out/数据.parquet",)),
    },
)
SETTINGS = ExportInputs(
    settings={
        "报告.report": TaskSettings(
            pool="etl", priority_weight=7, execution_timeout=1800, retries=4, owner="data"
        )
    }
)


@pytest.fixture(scope="module")
def bag(airflow_python: Path, airflow_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = fresh_airflow_home(airflow_db, tmp_path_factory.mktemp("dagbag") / "home")
    for dag_id, plan in shapes().items():
        scheduled = SCHEDULED if dag_id == "linear_three" else {}
        if dag_id == "unicode":
            scheduled = {"schedule": "asset"}
        options = ExportOptions(**{**OPTIONS.__dict__, **scheduled, "dag_id": dag_id})
        source = render_airflow(plan, options, SETTINGS if dag_id == "unicode" else None)
        (home / "dags" / f"{dag_id}.py").write_text(source, "utf-8")
    out = home / "report.json"
    return run_driver(
        airflow_python, "airflow_driver.py", ["dagbag", str(out)], airflow_env(home, home / "dags")
    )


def test_every_dag_loads_without_import_errors_or_warnings(bag: Any) -> None:
    assert bag["import_errors"] == {}
    assert bag["warnings"] == {}
    assert sorted(bag["dags"]) == sorted(shapes())


@pytest.mark.parametrize("dag_id", list(shapes()))
def test_edges_are_exactly_the_plans_edges(bag: Any, dag_id: str) -> None:
    plan = shapes()[dag_id]
    ids = airflow_task_ids(plan)
    expected = {(ids[e.upstream], ids[e.downstream]) for e in plan.edges}
    tasks = bag["dags"][dag_id]["tasks"]
    actual = {(up, task_id) for task_id, task in tasks.items() for up in task["upstream"]}
    assert actual == expected
    assert sorted(tasks) == sorted(ids.values())


@pytest.mark.parametrize("dag_id", list(shapes()))
def test_one_task_group_per_stage_holding_its_pipelines(bag: Any, dag_id: str) -> None:
    plan = shapes()[dag_id]
    ids = airflow_task_ids(plan)
    tasks = bag["dags"][dag_id]["tasks"]
    groups = {stage.name: {tasks[ids[t]]["group"] for t in stage.task_ids} for stage in plan.stages}
    assert all(len(group) == 1 for group in groups.values())
    assert len({next(iter(g)) for g in groups.values()}) == len(plan.stages)


def test_same_pipeline_file_in_two_stages_stays_two_tasks(bag: Any) -> None:
    tasks = bag["dags"]["awkward"]["tasks"]
    assert {"bronze_1.ingest_users", "bronze_1_2.ingest_users"} <= set(tasks)
    assert len(tasks) == len(plans.awkward().tasks)


def test_dag_settings_come_from_the_options(bag: Any) -> None:
    dag = bag["dags"]["medallion_etl"]
    assert dag["catchup"] is False
    assert dag["max_active_tasks"] == 3
    assert dag["retries"] == 2
    assert dag["retry_delay_seconds"] == 45
    assert "quicketl" in dag["tags"]
    assert dag["doc_md"] == "Bronze -> Silver data pipeline"
    assert dag["schedule"] == "None"


def test_schedule_and_start_date_reach_the_dag(bag: Any) -> None:
    dag = bag["dags"]["linear_three"]
    assert dag["schedule"] == "0 3 * * *"
    assert dag["start_date"].startswith("2025-06-01 02:30:00")


def test_variables_become_typed_params(bag: Any) -> None:
    params = bag["dags"]["awkward"]["params"]
    types = {name: p["schema"].get("type") for name, p in params.items()}
    assert types == {
        "run-date": "string",
        "limit": "integer",
        "ratio": "number",
        "dry run": "boolean",
        "quote'\"": "string",
        "variables": "string",
        "nothing": ["null", "string"],
    }
    assert params["quote'\""]["value"] == 'it\'s "x"\n'
    assert params["limit"]["value"] == 10


def test_non_ascii_names_are_shown_as_display_names(bag: Any) -> None:
    tasks = bag["dags"]["unicode"]["tasks"]
    if airflow2(bag):  # no group display names: the stage's name is the group's tooltip
        assert tasks["u62a5_u544a.report"]["group_display_name"] is None
        assert tasks["u62a5_u544a.report"]["group_tooltip"] == "报告"
        assert tasks["silver.clean"]["group_tooltip"] == ""
    else:
        assert tasks["u62a5_u544a.report"]["group_display_name"] == "报告"
        assert tasks["silver.clean"]["group_display_name"] in ("", "silver")
    assert tasks["u62a5_u544a.u6570_u636e"]["display_name"] == "数据"
    assert tasks["u62a5_u544a.report"]["display_name"] == "u62a5_u544a.report"  # id: ASCII


def test_orchestrator_settings_reach_the_task(bag: Any) -> None:
    tasks = bag["dags"]["unicode"]["tasks"]
    report = tasks["u62a5_u544a.report"]
    assert (report["pool"], report["priority_weight"], report["retries"]) == ("etl", 7, 4)
    assert (report["owner"], report["execution_timeout"]) == ("data", 1800.0)
    clean = tasks["silver.clean"]
    assert (clean["pool"], clean["retries"], clean["execution_timeout"]) == (
        "default_pool",
        2,
        None,
    )


def test_tasks_have_asset_outlets_and_inlets(bag: Any) -> None:
    clean = bag["dags"]["unicode"]["tasks"]["silver.clean"]
    assert clean["outlets"] == ["quicketl://project/out/clean.parquet"]
    assert clean["inlets"] == [
        "quicketl://project/data/other.csv",
        "quicketl://project/out/report.parquet",
    ]


def test_non_ascii_paths_are_assets_on_both_airflows(bag: Any) -> None:
    data = bag["dags"]["unicode"]["tasks"]["u62a5_u544a.u6570_u636e"]
    if airflow2(bag):  # Airflow 2.x datasets take ASCII URIs only: the rest is %-encoded
        assert data["outlets"] == ["quicketl://project/out/%E6%95%B0%E6%8D%AE.parquet"]
        assert data["inlets"] == ["quicketl://project/data/%E5%8E%9F%E5%A7%8B.csv"]
    else:
        assert data["outlets"] == ["quicketl://project/out/数据.parquet"]
        assert data["inlets"] == ["quicketl://project/data/原始.csv"]


def test_schedule_asset_waits_for_any_raw_input(bag: Any) -> None:
    dag = bag["dags"]["unicode"]
    # Airflow 2.x names assets datasets: the DAG file makes its Assets Datasets there
    assert dag["timetable"] == (
        "DatasetTriggeredTimetable" if airflow2(bag) else "AssetTriggeredTimetable"
    )
    assert "quicketl://project/data/raw.csv" in dag["schedule"]
    assert "quicketl://project/data/other.csv" in dag["schedule"]
    assert "out/report.parquet" not in dag["schedule"]


def airflow2(bag: Any) -> bool:
    """Whether the DagBag is Airflow 2.x's (.venv-airflow2), not Airflow 3's."""
    version: str = bag["airflow_version"]
    return version.startswith("2.")
