"""Stale temps of killed runs are removed whenever a run holds the lock, even with no work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from projects import Project, linear_three, new_project

from quicketl import api
from quicketl.execute.noop import try_noop_run

from .support import cli, json_tasks, run, statuses


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def leave_temps(folder: Path, name: str) -> tuple[Path, Path, Path]:
    """A stale file temp and a stale folder temp (dead writer), and a live one (this process)."""
    stale_file = folder / f".{name}.quicketl-tmp-{dead_pid()}-0badf00d"
    stale_file.write_bytes(b"half written")
    stale_folder = folder / f".{name}.quicketl-tmp-{dead_pid()}-5ca1ab1e"
    (stale_folder / "region=x").mkdir(parents=True)
    (stale_folder / "region=x/part_0.parquet").write_bytes(b"half written")
    alive = folder / f".{name}.quicketl-tmp-{os.getpid()}-a11fe000"
    alive.write_bytes(b"still being written")
    return stale_file, stale_folder, alive


def files(root: Path) -> dict[str, bytes]:
    """Every file of the project outside the cache folder, with its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(".quicketl-cache"):
            found[relative] = path.read_bytes()
    return found


def assert_only_stale_temps_removed(
    root: Path, before: dict[str, bytes], temps: tuple[Path, ...]
) -> None:
    stale_file, stale_folder, alive = temps
    assert not stale_file.exists() and not stale_folder.exists()
    assert alive.read_bytes() == b"still being written"
    gone = {
        p.relative_to(root).as_posix()
        for p in (stale_file, stale_folder / "region=x/part_0.parquet")
    }
    assert files(root) == {path: data for path, data in before.items() if path not in gone}


@pytest.fixture
def done_three(tmp_path: Path) -> Path:
    """linear_three, run once: every task up to date, its plan stored."""
    workflow = linear_three(new_project(tmp_path))
    assert cli("workflow", "run", workflow, cwd=tmp_path).returncode == 0
    return workflow


def test_the_no_op_fast_path_removes_stale_temps(tmp_path: Path, done_three: Path) -> None:
    temps = leave_temps(tmp_path / "out", "b.parquet")
    before = files(tmp_path)
    answer = try_noop_run(done_three, {})
    assert answer is not None, "the fast path did not answer"
    assert_only_stale_temps_removed(tmp_path, before, temps)


def test_a_no_op_command_line_run_removes_stale_temps(tmp_path: Path, done_three: Path) -> None:
    temps = leave_temps(tmp_path / "out", "c.parquet")
    before = files(tmp_path)
    done = cli("workflow", "run", done_three, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {t["status"] for t in json_tasks(done.stdout).values()} == {"up_to_date"}
    assert_only_stale_temps_removed(tmp_path, before, temps)


def test_a_full_path_run_with_nothing_to_do_removes_stale_temps(
    tmp_path: Path, done_three: Path
) -> None:
    temps = leave_temps(tmp_path / "out", "a.parquet")
    before = files(tmp_path)
    result = run(done_three, select=["s2.b"])  # --select never takes the fast path
    assert statuses(result) == {"s2.b": "up_to_date"}
    assert_only_stale_temps_removed(tmp_path, before, temps)


def test_run_task_with_nothing_to_do_removes_stale_temps(tmp_path: Path, done_three: Path) -> None:
    temps = leave_temps(tmp_path / "out", "c.parquet")
    before = files(tmp_path)
    answer = api.run_task("workflows/wf.yml", "s3.c", project_dir=str(tmp_path))
    assert answer["status"] == "up_to_date"
    assert_only_stale_temps_removed(tmp_path, before, temps)


def test_a_no_op_single_pipeline_run_removes_stale_temps(tmp_path: Path) -> None:
    project: Project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline("a", "data/raw.csv", "out/a.parquet")
    assert cli("run", "pipelines/a.yml", cwd=tmp_path).returncode == 0
    temps = leave_temps(tmp_path / "out", "a.parquet")
    before = files(tmp_path)
    done = cli("run", "pipelines/a.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert_only_stale_temps_removed(tmp_path, before, temps)
