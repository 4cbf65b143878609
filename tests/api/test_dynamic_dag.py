"""airflow_layout: what a --mode dynamic DAG reads from its workflow while Airflow parses it."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from quicketl.api.dynamic_dag import DagParam, airflow_layout
from quicketl.errors import QuickETLError
from tests.export.orchestrators import airflow_task_ids

MEDALLION = Path(__file__).resolve().parents[2] / "examples" / "medallion"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns(".quicketl-cache", "output", "warehouse")
    shutil.copytree(MEDALLION, tmp_path / "p", ignore=ignore)
    return tmp_path / "p"


def test_the_layout_has_the_static_dags_ids_and_the_plans_edges(project: Path) -> None:
    from quicketl.api import plan_workflow

    layout = airflow_layout("workflows/medallion.yml", str(project))
    plan = plan_workflow(project / "workflows/medallion.yml")
    static_ids = airflow_task_ids(plan)
    ids = {t.quicketl_id: f"{g.group_id}.{t.task_id}" for g in layout.groups for t in g.tasks}
    assert ids == static_ids
    assert set(layout.edges) == {(e.upstream, e.downstream) for e in plan.edges}
    assert layout.description == plan.description


def test_variables_become_params_with_their_json_type(project: Path) -> None:
    workflow = project / "workflows/medallion.yml"
    text = workflow.read_text("utf-8").replace(
        "stages:", "variables:\n  N: 3\n  RATIO: 0.5\n  NAME: x\nstages:"
    )
    workflow.write_text(text, "utf-8")
    layout = airflow_layout("workflows/medallion.yml", str(project))
    assert layout.params == (
        DagParam("N", 3, {"type": "integer"}),
        DagParam("RATIO", 0.5, {"type": "number"}),
        DagParam("NAME", "x", {"type": "string"}),
    )
    assert layout.variable_names == ("N", "RATIO", "NAME")


def test_a_workflow_error_names_the_file_field_and_line(project: Path) -> None:
    workflow = project / "workflows/medallion.yml"
    workflow.write_text(workflow.read_text("utf-8").replace("[bronze]", "[brnze]"), "utf-8")
    with pytest.raises(QuickETLError) as error:
        airflow_layout("workflows/medallion.yml", str(project))
    assert "medallion.yml:14: stages[1].depends_on[0]: unknown stage 'brnze'" in str(error.value)


def test_planning_for_a_layout_writes_nothing(project: Path) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    airflow_layout("workflows/medallion.yml", str(project))
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_tasks_carry_their_orchestrator_settings_assets_and_display_names(project: Path) -> None:
    workflow = project / "workflows/medallion.yml"
    text = workflow.read_text("utf-8").replace(
        "  - name: silver\n",
        "  - name: silver\n    orchestrator: {pool: etl, execution_timeout: 2m, owner: data}\n",
    )
    workflow.write_text(text.replace("name: bronze", "name: 青铜"), "utf-8")
    workflow.write_text(workflow.read_text("utf-8").replace("[bronze]", "[青铜]"), "utf-8")
    layout = airflow_layout("workflows/medallion.yml", str(project))
    groups = {g.group_id: g for g in layout.groups}
    bronze = next(g for g in layout.groups if g.settings)
    assert bronze.settings == {"group_display_name": "青铜"}
    clean = next(t for t in groups["silver"].tasks if t.quicketl_id == "silver.clean_events")
    assert clean.settings == {
        "pool": "etl",
        "owner": "data",
        "execution_timeout": timedelta(seconds=120),
    }
    assert clean.outlets == ("quicketl://medallion-example/output/silver/events.parquet",)
    assert "quicketl://medallion-example/output/bronze/events.parquet" in clean.inlets


def test_the_selection_keeps_its_tasks_and_the_raw_inputs_trigger(project: Path) -> None:
    layout = airflow_layout(
        "workflows/medallion.yml", str(project), ["ingest_users"], asset_schedule=True
    )
    assert [t.quicketl_id for g in layout.groups for t in g.tasks] == ["bronze.ingest_users"]
    assert layout.schedule_assets and all("quicketl://" in u for u in layout.schedule_assets)
    assert airflow_layout("workflows/medallion.yml", str(project)).schedule_assets == ()
