"""A pipeline file given to a workflow command, or a workflow file to `run`: one sentence."""

from __future__ import annotations

from pathlib import Path

from projects import linear_three, new_project

from .conftest import Invoke


def test_a_pipeline_file_given_to_workflow_run_names_the_command(
    tmp_path: Path, cli: Invoke, in_tmp: Path
) -> None:
    linear_three(new_project(tmp_path))
    result = cli("workflow", "run", "pipelines/a.yml")
    assert result.exit_code == 2
    assert result.stderr == (
        "pipelines/a.yml: this is a pipeline file, not a workflow; "
        "use `quicketl run pipelines/a.yml` (or `quicketl validate pipelines/a.yml`)\n"
    )
    assert not (tmp_path / ".quicketl-cache").exists()


def test_a_pipeline_file_given_to_workflow_validate_and_status(
    tmp_path: Path, cli: Invoke, in_tmp: Path
) -> None:
    linear_three(new_project(tmp_path))
    for command in ("validate", "status", "info", "graph"):
        result = cli("workflow", command, "pipelines/a.yml")
        assert result.exit_code == 2, command
        assert "this is a pipeline file, not a workflow; use `quicketl run" in result.stderr


def test_a_workflow_file_given_to_run_names_the_command(
    tmp_path: Path, cli: Invoke, in_tmp: Path
) -> None:
    linear_three(new_project(tmp_path))
    for command in ("run", "validate"):
        result = cli(command, "workflows/wf.yml")
        assert result.exit_code == 2
        assert result.stderr == (
            "workflows/wf.yml: this is a workflow file, not a pipeline; use "
            "`quicketl workflow run workflows/wf.yml` "
            "(or `quicketl workflow validate workflows/wf.yml`)\n"
        )
    assert not (tmp_path / ".quicketl-cache").exists()


def test_a_pipeline_with_a_typo_is_still_reported_as_a_pipeline(
    tmp_path: Path, cli: Invoke, in_tmp: Path
) -> None:
    linear_three(new_project(tmp_path))
    path = tmp_path / "pipelines" / "a.yml"
    path.write_text(path.read_text().replace("sink:", "snk:"))
    result = cli("run", "pipelines/a.yml")
    assert result.exit_code == 2
    assert "unknown key 'snk'" in result.stderr
