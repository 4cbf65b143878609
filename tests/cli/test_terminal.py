"""The CLI on a real (pseudo-)terminal: live progress on, every run finishes in time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from projects import diamond, new_project

from tests.execute.support import big_csv, explain

from .terminal import plain, run_on_pty

QUICKETL = Path(sys.executable).with_name("quicketl")
DEADLINE = 60.0  # a run of these takes a second or two; a hang takes forever
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
SLOW = {"op": "derive_column", "name": "h", "expr": "md5(md5(md5(CAST(id AS VARCHAR))))"}


@pytest.mark.parametrize("workers", ["1", "4"])
def test_workflow_run_on_a_terminal_finishes(tmp_path: Path, workers: str) -> None:
    workflow = diamond(new_project(tmp_path))
    command = [QUICKETL, "workflow", "run", workflow, "--workers", workers]
    code, output = run_on_pty(command, cwd=tmp_path, timeout=DEADLINE)
    assert code == 0, output
    assert "Pipelines: 4/4 succeeded (0 up to date, 4 ran)" in plain(output)
    code, output = run_on_pty(command, cwd=tmp_path, timeout=DEADLINE)  # the no-op fast path
    assert code == 0, output
    assert "Pipelines: 4/4 succeeded (4 up to date, 0 ran)" in plain(output)


def test_single_pipeline_run_on_a_terminal_finishes(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv", rows=5)
    pipeline = project.pipeline("only", "data/raw.csv", "out/only.parquet")
    code, output = run_on_pty([QUICKETL, "run", pipeline], cwd=tmp_path, timeout=DEADLINE)
    assert code == 0, output
    assert "SUCCESS" in plain(output)


def test_ctrl_c_lets_running_tasks_finish_starts_no_other_and_gives_the_terminal_back(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    big_csv(tmp_path / "data/big.csv", 1_000_000)
    refs = [
        project.pipeline(f"p{i}", "data/big.csv", f"out/p{i}.parquet", transforms=[SLOW])
        for i in range(4)
    ]
    workflow = project.workflow([{"name": "s", "parallel": True, "pipelines": refs}])
    code, output = run_on_pty(
        [QUICKETL, "workflow", "run", workflow, "--workers", "2"],
        cwd=tmp_path,
        timeout=DEADLINE,
        interrupt_on="running: s.p",
    )
    assert code == 130, output  # the exit code of Ctrl-C, not an abort (-6)
    assert "FATAL" not in output and "Traceback" not in output
    assert output.rindex(SHOW_CURSOR) > output.rindex(HIDE_CURSOR)
    [said] = [line for line in plain(output).splitlines() if line.startswith("interrupted: ")]
    assert said.endswith("did not finish and will run next time"), said
    finished = {p.stem for p in (tmp_path / "out").glob("*.parquet")}
    assert finished in ({"p0"}, {"p0", "p1"}, {"p1"}), output  # the ones that had started
    after = {t.task_id: t.status for t in explain(workflow).tasks}
    assert {t for t, status in after.items() if status == "up_to_date"} == {
        f"s.{name}" for name in finished
    }
    assert f"interrupted: {len(finished)} of 4 tasks finished (" in said
