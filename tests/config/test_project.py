"""The project root: nearest `quicketl.yml` above a file, else the working directory."""

from __future__ import annotations

from pathlib import Path

from quicketl.config.project import find_project_root, resolve_data_path


def test_nearest_project_file_above_the_file_wins(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("{}\n")
    inner = tmp_path / "sub"
    (inner / "pipelines").mkdir(parents=True)
    (inner / "quicketl.yml").write_text("name: inner\n")
    assert find_project_root(inner / "pipelines" / "p.yml") == inner.resolve()


def test_without_a_project_file_the_working_directory_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "pipelines").mkdir()
    cwd = tmp_path / "elsewhere"
    assert find_project_root(tmp_path / "pipelines" / "p.yml", cwd=cwd) == cwd.resolve()


def test_relative_data_paths_resolve_against_the_root(tmp_path: Path) -> None:
    assert resolve_data_path("data/a.csv", tmp_path) == tmp_path / "data" / "a.csv"
    assert resolve_data_path("/srv/a.csv", tmp_path) == Path("/srv/a.csv")
