"""`workflow generate`'s --mode, --execution and --deployment options on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.export.test_render_modes import requirements

from .conftest import Invoke


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "quicketl.yml").write_text("name: t\n")
    (in_tmp / "data.csv").write_text("id\n1\n")
    (in_tmp / "p.yml").write_text("name: p\nsource: {path: data.csv}\nsink: {path: o.csv}\n")
    (in_tmp / "wf.yml").write_text(
        "name: wf\nstages:\n  - name: s\n    pipelines: [{path: p.yml}]\n"
    )
    return in_tmp


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "live"], "--mode must be static or dynamic, not 'live'"),
        (["--execution", "ssh"], "--execution must be local, virtualenv, docker or kubernetes"),
        (["--execution", "docker"], "--execution docker needs --image"),
        (["--execution", "kubernetes"], "--execution kubernetes needs --image"),
        (["--image", "etl:1"], "--image is only for --execution docker or kubernetes"),
        (["--requirements", "quicketl"], "--requirements is only for --execution virtualenv"),
        (
            ["--execution", "virtualenv", "--requirements", "./quicketl"],
            "--requirements './quicketl': give a requirement that starts with the package name",
        ),
        (["--target", "prefect", "--mode", "dynamic"], "--mode dynamic is for --target airflow"),
        (
            ["--target", "prefect", "--execution", "virtualenv"],
            "--execution is for --target airflow",
        ),
        (["--deployment", "--work-pool", "p"], "--deployment is for --target prefect"),
        (["--target", "prefect", "--deployment"], "--deployment needs --work-pool NAME"),
        (["--target", "prefect", "--work-pool", "p"], "--work-pool is only for --deployment"),
    ],
)
def test_bad_combinations_exit_2_with_a_message_and_write_nothing(
    cli: Invoke, project: Path, args: list[str], message: str
) -> None:
    result = cli("workflow", "generate", "wf.yml", *args, "-o", "out/dag.py")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (project / "out").exists()
    assert not (project / ".quicketl-cache").exists()


def test_the_options_reach_the_generated_file(cli: Invoke, project: Path) -> None:
    result = cli(
        "workflow", "generate", "wf.yml", "--execution", "VirtualEnv",
        "--requirements", "quicketl==2.0.0", "--requirements", "boto3",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert requirements(result.stdout) == ["quicketl==2.0.0", "boto3"]
    dynamic = cli("workflow", "generate", "wf.yml", "--mode", "dynamic")
    assert "LAYOUT = airflow_layout(WORKFLOW_PATH, _project_dir(), SELECT)" in dynamic.stdout
