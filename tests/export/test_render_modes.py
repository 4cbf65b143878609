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
    "dynamic_kubernetes": ExportOptions(mode="dynamic", execution="kubernetes", image="etl:1"),
    "dynamic_virtualenv": ExportOptions(mode="dynamic", execution="virtualenv"),
    "local": ExportOptions(),
    "remote_local": ExportOptions(remote_cache="s3://team/cache"),
    "remote_virtualenv": ExportOptions(execution="virtualenv", remote_cache="s3://team/cache"),
    "remote_docker": ExportOptions(execution="docker", image="etl:1", remote_cache="/mnt/c"),
    "remote_dynamic": ExportOptions(mode="dynamic", remote_cache="s3://team/cache"),
}


@pytest.mark.parametrize("name", list(COMBINATIONS))
@pytest.mark.parametrize("make_plan", [plans.awkward, plans.medallion, plans.linear_three])
def test_every_combination_gives_valid_python(name: str, make_plan: object) -> None:
    compile(render_airflow(make_plan(), COMBINATIONS[name]), f"<{name}>", "exec")  # type: ignore[operator]


@pytest.mark.parametrize("name", list(COMBINATIONS))
def test_generated_files_pass_ruff_format_and_ruff_check_with_defaults(
    name: str, tmp_path: Path
) -> None:
    for make_plan in (plans.awkward, plans.medallion, plans.linear_three):
        code = render_airflow(make_plan(), COMBINATIONS[name])
        (tmp_path / f"{make_plan.__name__}.py").write_text(code, "utf-8")
    ruff = Path(sys.executable).with_name("ruff")
    for command in (["format", "--check"], ["check"]):
        done = subprocess.run(
            [str(ruff), *command, "--isolated", "--no-cache", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_mode_carries_the_static_dags_checks() -> None:
    """Display names, the version, the thread share and the selection in every mode."""
    for name, options in COMBINATIONS.items():
        code = render_airflow(plans.awkward(), options)
        for line in ("MAX_ACTIVE_TASKS = 4", f'QUICKETL_VERSION = "{__version__}"', "SELECT = []"):
            assert f"\n{line}\n" in code, (name, line)
        assert "AirflowFailException" in code, name
        if options.mode == "static":
            assert "task_display_name=" in code, name
            assert "PLAN_FINGERPRINT = None" not in code, name


@pytest.mark.parametrize("name", [name for name in COMBINATIONS if name.startswith("remote_")])
def test_every_execution_passes_the_remote_cache_on(name: str) -> None:
    """`--remote-cache` reaches the api call (local, virtualenv, dynamic) or the command."""
    options = COMBINATIONS[name]
    code = render_airflow(plans.medallion(), options)
    url = f'"{options.remote_cache}"'
    if options.execution == "docker":
        assert f'command += ["--remote-cache", _literal({url})]' in code
    elif options.execution == "virtualenv":
        assert f'"remote_cache": _literal({url}),' in code
        assert 'remote_cache=generated["remote_cache"],' in code
    else:
        assert f"remote_cache={url}," in code
    assert "remote_cache" not in render_airflow(
        plans.medallion(),
        ExportOptions(**{k: v for k, v in vars(options).items() if k != "remote_cache"}),
    )


def test_a_dynamic_dag_holds_no_task_of_the_workflow() -> None:
    code = render_airflow(plans.medallion(), ExportOptions(mode="dynamic"))
    assert "ingest_users" not in code
    assert "LAYOUT = airflow_layout(WORKFLOW_PATH, _project_dir(), SELECT)" in code
    # It follows the workflow at each parse, so it has no fingerprint to go stale against.
    assert "\nPLAN_FINGERPRINT = None\n" in code
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
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "REQUIREMENTS":
            value: list[str] = ast.literal_eval(node.value)
            return value
    raise AssertionError("no REQUIREMENTS")
