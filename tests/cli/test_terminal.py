"""The CLI on a real (pseudo-)terminal: live progress on, every run finishes in time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from projects import diamond, new_project

from .terminal import plain, run_on_pty

QUICKETL = Path(sys.executable).with_name("quicketl")
DEADLINE = 60.0  # a run of these takes a second or two; a hang takes forever


@pytest.mark.parametrize("workers", ["1", "4"])
def test_workflow_run_on_a_terminal_finishes(tmp_path: Path, workers: str) -> None:
    workflow = diamond(new_project(tmp_path))
    code, output = run_on_pty(
        [QUICKETL, "workflow", "run", workflow, "--workers", workers],
        cwd=tmp_path,
        timeout=DEADLINE,
    )
    assert code == 0, output
    assert "Pipelines: 4/4 succeeded (0 up to date, 4 ran)" in plain(output)


def test_single_pipeline_run_on_a_terminal_finishes(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv", rows=5)
    pipeline = project.pipeline("only", "data/raw.csv", "out/only.parquet")
    code, output = run_on_pty([QUICKETL, "run", pipeline], cwd=tmp_path, timeout=DEADLINE)
    assert code == 0, output
    assert "SUCCESS" in plain(output)
