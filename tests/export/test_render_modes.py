"""The isolated and dynamic Airflow templates, read as Python (the real Airflow is in the
test_airflow_* tests)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from quicketl import __version__
from quicketl.export import ExportOptions, render_airflow

from . import plans

COMBINATIONS = {
    "virtualenv": ExportOptions(execution="virtualenv"),
    "docker": ExportOptions(execution="docker", image="etl:1", project_dir="/srv/p"),
    "kubernetes": ExportOptions(execution="kubernetes", image="etl:1"),
    "dynamic": ExportOptions(mode="dynamic"),
    "dynamic_docker": ExportOptions(mode="dynamic", execution="docker", image="etl:1"),
}


@pytest.mark.parametrize("name", list(COMBINATIONS))
@pytest.mark.parametrize("make_plan", [plans.awkward, plans.medallion, plans.linear_three])
def test_every_combination_gives_valid_python(name: str, make_plan: object) -> None:
    compile(render_airflow(make_plan(), COMBINATIONS[name]), f"<{name}>", "exec")  # type: ignore[operator]


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_generated_files_pass_ruffs_default_rules(name: str, tmp_path: Path) -> None:
    dag = tmp_path / f"{name}.py"
    dag.write_text(render_airflow(plans.awkward(), COMBINATIONS[name]), "utf-8")
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff), "check", "--isolated", "--select", "E4,E7,E9,F", str(dag)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout


def test_a_dynamic_dag_holds_no_task_of_the_workflow() -> None:
    code = render_airflow(plans.medallion(), ExportOptions(mode="dynamic"))
    assert "ingest_users" not in code
    assert "LAYOUT = airflow_layout(WORKFLOW_PATH, _project_dir())" in code
    assert "from quicketl.api import airflow_layout" in code


def test_a_virtualenv_installs_this_quicketl_version_unless_told_otherwise() -> None:
    default = render_airflow(plans.medallion(), ExportOptions(execution="virtualenv"))
    assert requirements(default) == [f"quicketl=={__version__}"]
    given = ExportOptions(execution="virtualenv", requirements=("quicketl[s3]==2.0.0", "boto3"))
    assert requirements(render_airflow(plans.medallion(), given)) == [
        "quicketl[s3]==2.0.0",
        "boto3",
    ]


def test_isolated_dags_import_only_their_operator() -> None:
    for name, operator in (
        ("virtualenv", "PythonVirtualenvOperator"),
        ("docker", "DockerOperator"),
        ("kubernetes", "KubernetesPodOperator"),
    ):
        code = render_airflow(plans.medallion(), COMBINATIONS[name])
        assert operator in code
        others = {"PythonVirtualenvOperator", "DockerOperator", "KubernetesPodOperator"}
        assert not any(other in code for other in others - {operator}), name


def requirements(code: str) -> list[str]:
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "REQUIREMENTS":
            value: list[str] = ast.literal_eval(node.value)  # type: ignore[arg-type]
            return value
    raise AssertionError("no REQUIREMENTS")
