"""The project root: nearest `quicketl.yml` above a file, else the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.project import (
    ProjectSettings,
    find_project_root,
    project_settings,
    resolve_data_path,
)
from quicketl.errors import ConfigError


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


def test_project_settings_resolve_allowed_roots(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text(
        "name: t\nallowed_input_roots: [../shared, /srv/lookups, '~/ref']\n"
    )
    settings = project_settings(tmp_path)
    assert settings.allowed_input_roots == (
        tmp_path.parent.resolve() / "shared",
        Path("/srv/lookups"),
        Path("~/ref").expanduser().resolve(),
    )
    assert settings.allowed_output_roots == ()


def test_project_settings_default_to_nothing_allowed(tmp_path: Path) -> None:
    assert project_settings(tmp_path) == ProjectSettings()
    (tmp_path / "quicketl.yml").write_text("name: t\n")
    assert project_settings(tmp_path) == ProjectSettings()


def test_a_bad_allowed_roots_value_is_located(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("name: t\nallowed_input_roots: /srv\n")
    with pytest.raises(ConfigError, match=r"quicketl\.yml:2: allowed_input_roots: expected a list"):
        project_settings(tmp_path)
