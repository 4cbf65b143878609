"""Tests for quicketl.state.atomic: temp paths beside the target, commits, stale-temp cleanup."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from quicketl.state.atomic import cleanup_temps, commit_path, is_temp_name, temp_path_beside


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content)
    return path


def test_temp_path_is_a_hidden_fresh_name_beside_the_target(tmp_path: Path) -> None:
    final = tmp_path / "gold" / "summary.parquet"
    first, second = temp_path_beside(final), temp_path_beside(final)
    assert first.parent == final.parent
    assert final.parent.is_dir()
    assert first.name.startswith(f".summary.parquet.quicketl-tmp-{os.getpid()}-")
    assert first != second
    assert not first.exists()
    assert is_temp_name(first.name)
    assert not is_temp_name("summary.parquet")


def test_commit_file_replaces_the_target(tmp_path: Path) -> None:
    final = write(tmp_path / "out.csv", "old")
    tmp = write(temp_path_beside(final), "new")
    commit_path(tmp, final)
    assert final.read_text() == "new"
    assert os.listdir(tmp_path) == ["out.csv"]


def test_commit_folder_replaces_the_whole_old_folder(tmp_path: Path) -> None:
    final = tmp_path / "out"
    write(final / "year=2024" / "data_0.parquet", "old")
    write(final / "year=2023" / "data_0.parquet", "stale partition")
    tmp = temp_path_beside(final)
    write(tmp / "year=2024" / "data_0.parquet", "new")
    commit_path(tmp, final)
    assert os.listdir(final) == ["year=2024"]
    assert (final / "year=2024" / "data_0.parquet").read_text() == "new"
    assert os.listdir(tmp_path) == ["out"]


def test_commit_folder_to_a_new_target(tmp_path: Path) -> None:
    final = tmp_path / "out"
    tmp = temp_path_beside(final)
    write(tmp / "part.parquet", "new")
    commit_path(tmp, final)
    assert (final / "part.parquet").read_text() == "new"


def test_commit_file_over_a_folder(tmp_path: Path) -> None:
    final = tmp_path / "out"
    write(final / "part.parquet", "old")
    tmp = write(temp_path_beside(final), "single file now")
    commit_path(tmp, final)
    assert final.read_text() == "single file now"
    assert os.listdir(tmp_path) == ["out"]


def test_cleanup_removes_only_temps_of_dead_runs(tmp_path: Path) -> None:
    pid = dead_pid()
    dead_file = write(tmp_path / f".a.csv.quicketl-tmp-{pid}-0a1b2c3d", "half")
    dead_dir = tmp_path / f".out.quicketl-tmp-{pid}-deadbeef"
    write(dead_dir / "part.parquet", "half")
    live = write(temp_path_beside(tmp_path / "b.csv"), "in flight")
    user = write(tmp_path / ".a.csv.quicketl-tmp-notes", "not ours")
    write(tmp_path / "a.csv", "real output")
    assert cleanup_temps(tmp_path) == sorted([dead_file, dead_dir])
    assert sorted(os.listdir(tmp_path)) == sorted(["a.csv", live.name, user.name])


def test_cleanup_of_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    assert cleanup_temps(tmp_path / "nope") == []


def test_cleanup_keeps_the_temps_it_is_told_to_keep(tmp_path: Path) -> None:
    pid = dead_pid()
    staged = write(tmp_path / f".a.csv.quicketl-tmp-{pid}-0a1b2c3d", "finished, not renamed in")
    stale = write(tmp_path / f".a.csv.quicketl-tmp-{pid}-99999999", "half")
    assert cleanup_temps(tmp_path, keep=[Path("elsewhere/spelt") / staged.name]) == [stale]
    assert staged.read_text() == "finished, not renamed in"
