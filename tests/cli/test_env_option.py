"""`--env NAME` selects an environment of quicketl.yml for `run` and `workflow run`, as in 1.x."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.execute.support import cli

PROJECT = """\
environments:
  base: {variables: {MIN: 2}}
  dev: {extends: base}
  prod: {extends: base, variables: {MIN: 3}}
"""
PIPELINE = """\
name: p
source: {path: data/in.csv}
transforms:
  - {op: filter, predicate: "id >= ${MIN}"}
sink: {path: out/p.parquet}
"""
WORKFLOW = "name: wf\nstages:\n  - name: s\n    pipelines: [{path: p.yml}]\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("QUICKETL_ENV", raising=False)
    monkeypatch.delenv("MIN", raising=False)
    (tmp_path / "quicketl.yml").write_text(PROJECT)
    (tmp_path / "data").mkdir()
    (tmp_path / "data/in.csv").write_text("id\n1\n2\n3\n4\n")
    (tmp_path / "p.yml").write_text(PIPELINE)
    (tmp_path / "wf.yml").write_text(WORKFLOW)
    return tmp_path


def rows(project: Path) -> int:
    path = str(project / "out/p.parquet")
    return int(duckdb.sql(f"SELECT count(*) FROM '{path}'").fetchall()[0][0])


def test_run_env_selects_the_environment_variables(project: Path) -> None:
    assert cli("run", "p.yml", "--env", "prod", cwd=project).returncode == 0
    assert rows(project) == 2
    assert cli("run", "--env=dev", "p.yml", cwd=project).returncode == 0
    assert rows(project) == 3


def test_workflow_run_reruns_when_the_environment_changes(project: Path) -> None:
    assert cli("workflow", "run", "wf.yml", "--env", "dev", cwd=project).returncode == 0
    again = cli("workflow", "run", "wf.yml", "--env", "dev", cwd=project)
    assert "1 up to date" in again.stdout
    prod = cli("workflow", "run", "wf.yml", "--env", "prod", cwd=project)
    assert prod.returncode == 0, prod.stderr
    assert rows(project) == 2
    status = cli("workflow", "status", "wf.yml", "--env", "dev", cwd=project)
    assert "1 will run" in status.stdout


def test_an_unknown_environment_exits_2_with_a_suggestion(project: Path) -> None:
    result = cli("run", "p.yml", "--env", "prd", cwd=project)
    assert result.returncode == 2
    assert "unknown environment 'prd'; did you mean 'prod'?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / ".quicketl-cache").exists()
