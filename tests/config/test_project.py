"""The project root: nearest `quicketl.yml` above a file, else the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.project import ProjectSettings, find_project_root, project_settings
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


def test_without_a_project_file_nothing_is_allowed_outside(tmp_path: Path) -> None:
    assert project_settings(tmp_path) == ProjectSettings()


def test_allowed_roots_resolve_against_the_root_and_expand_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    root = tmp_path / "proj"
    root.mkdir()
    (root / "quicketl.yml").write_text(
        "name: p\nallowed_output_roots: [../shared, ~/exports, /srv/out]\n"
        "allowed_input_roots: ../inbox\n"
    )
    settings = project_settings(root)
    assert settings.allowed_output_roots == (
        tmp_path / "shared",
        tmp_path / "home" / "exports",
        Path("/srv/out"),
    )
    assert settings.allowed_input_roots == (tmp_path / "inbox",)


def test_quicketl_1x_project_keys_are_tolerated(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text(
        'version: "1.0"\nname: p\nenvironments: {dev: {engine: duckdb}}\n'
        "profiles: {wh: {type: postgres}}\nsecrets: {provider: env}\ndefaults: {}\n"
        "plugins: []\ntelemetry: {}\nlogging: {level: INFO}\n"
    )
    assert project_settings(tmp_path) == ProjectSettings()


def test_a_misspelt_setting_is_located_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("name: p\nallowed_outputs_roots: [x]\n")
    with pytest.raises(ConfigError) as info:
        project_settings(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'quicketl.yml'}:2: allowed_outputs_roots: unknown setting "
        "'allowed_outputs_roots'; did you mean 'allowed_output_roots'?"
    )


def test_a_root_that_is_not_a_path_is_located(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("allowed_output_roots:\n  - out\n  - {a: 1}\n")
    with pytest.raises(ConfigError, match=r"quicketl.yml:3: allowed_output_roots\[1\]: give a"):
        project_settings(tmp_path)


def test_a_project_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match=r"quicketl\.yml:1: the project file must be a mapping"):
        project_settings(tmp_path)


def test_a_project_file_with_bad_yaml_is_located(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("name: [p\n")
    with pytest.raises(ConfigError, match=r"quicketl\.yml.*YAML syntax error"):
        project_settings(tmp_path)


def test_an_empty_project_file_allows_nothing(tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("# only a comment\n")
    assert project_settings(tmp_path) == ProjectSettings()
