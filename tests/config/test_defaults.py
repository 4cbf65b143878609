"""Run defaults: command line > QUICKETL_* environment > quicketl.yml > built-in, per setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.defaults import (
    effective_fail_fast,
    effective_workers,
    has_run_defaults,
    planned_fail_fast,
    project_cache_dir,
    project_variables,
    simple_cache_dir,
)
from quicketl.config.project import project_settings
from quicketl.config.variables import VariableScope
from quicketl.errors import ConfigError
from quicketl.state.cachedir import resolve_cache_dir


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUICKETL_WORKERS", "QUICKETL_FAIL_FAST", "QUICKETL_CACHE_DIR", "REGION"):
        monkeypatch.delenv(name, raising=False)


def project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "quicketl.yml").write_text(text, encoding="utf-8")
    return tmp_path


# workers


def test_workers_builtin_is_none_meaning_the_cpu_count(tmp_path: Path) -> None:
    assert effective_workers(None, project(tmp_path, "name: p\n")) is None


def test_workers_from_the_project_file(tmp_path: Path) -> None:
    assert effective_workers(None, project(tmp_path, "workers: 3\n")) == 3


def test_workers_environment_beats_the_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_WORKERS", "5")
    assert effective_workers(None, project(tmp_path, "workers: 3\n")) == 5


def test_workers_command_line_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_WORKERS", "5")
    assert effective_workers(2, project(tmp_path, "workers: 3\n")) == 2


def test_a_bad_workers_environment_value_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_WORKERS", "many")
    with pytest.raises(
        ConfigError, match="QUICKETL_WORKERS: expected a whole number of 1 or more, got 'many'"
    ):
        effective_workers(None, tmp_path)


# fail_fast


def test_fail_fast_builtin_is_true(tmp_path: Path) -> None:
    assert planned_fail_fast(None, project(tmp_path, "name: p\n")) is True


def test_fail_fast_from_the_project_file(tmp_path: Path) -> None:
    assert planned_fail_fast(None, project(tmp_path, "fail_fast: false\n")) is False


def test_fail_fast_of_the_workflow_file_beats_the_project_file(tmp_path: Path) -> None:
    assert planned_fail_fast(True, project(tmp_path, "fail_fast: false\n")) is True


def test_fail_fast_environment_beats_the_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUICKETL_FAIL_FAST", "false")
    assert effective_fail_fast(None, True) is False


def test_fail_fast_command_line_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUICKETL_FAIL_FAST", "false")
    assert effective_fail_fast(True, False) is True


def test_a_bad_fail_fast_environment_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUICKETL_FAIL_FAST", "maybe")
    with pytest.raises(
        ConfigError, match="QUICKETL_FAIL_FAST: expected true or false, got 'maybe'"
    ):
        effective_fail_fast(None, True)


# cache folder


def test_cache_dir_builtin(tmp_path: Path) -> None:
    root = project(tmp_path, "name: p\n")
    assert resolve_cache_dir(root, None, project_cache_dir(root)) == root / ".quicketl-cache"


def test_cache_dir_from_the_project_file_is_relative_to_the_root(tmp_path: Path) -> None:
    root = project(tmp_path, "cache_dir: build/cache  # shared by CI\n")
    assert resolve_cache_dir(root, None, project_cache_dir(root)) == root / "build" / "cache"


def test_cache_dir_environment_beats_the_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, "cache_dir: build/cache\n")
    monkeypatch.setenv("QUICKETL_CACHE_DIR", str(tmp_path / "env-cache"))
    assert resolve_cache_dir(root, None, project_cache_dir(root)) == tmp_path / "env-cache"


def test_cache_dir_command_line_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, "cache_dir: build/cache\n")
    monkeypatch.setenv("QUICKETL_CACHE_DIR", str(tmp_path / "env-cache"))
    cli = tmp_path / "cli-cache"
    assert resolve_cache_dir(root, cli, project_cache_dir(root)) == cli


def test_a_quoted_cache_dir_is_read_with_yaml_and_agrees(tmp_path: Path) -> None:
    root = project(tmp_path, 'cache_dir: "build/my cache"\n')
    assert simple_cache_dir(root) is None
    assert project_cache_dir(root) == root / "build" / "my cache"


# variables


def test_project_variables_come_after_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, "variables:\n  REGION: eu\n  LIMIT: 10\n")
    assert project_variables(root) == {"REGION": "eu", "LIMIT": "10"}
    assert VariableScope.standard(None, root=root).lookup("REGION") == "eu"
    monkeypatch.setenv("REGION", "us")
    assert VariableScope.standard(None, root=root).lookup("REGION") == "us"
    assert VariableScope.standard({"REGION": "ap"}, root=root).lookup("REGION") == "ap"


def test_project_variables_come_after_dotenv(tmp_path: Path) -> None:
    root = project(tmp_path, "variables:\n  REGION: eu\n")
    (root / ".env").write_text("REGION=dotenv\n", encoding="utf-8")
    assert VariableScope.standard(None, root=root).lookup("REGION") == "dotenv"


def test_project_variables_are_not_environment_variables(tmp_path: Path) -> None:
    root = project(tmp_path, "variables:\n  REGION: eu\n")
    assert VariableScope.standard(None, root=root).lookup("env:REGION") is None


# the project file


def test_wrong_defaults_are_located_problems(tmp_path: Path) -> None:
    root = project(tmp_path, "workers: 0\nfail_fast: sometimes\ncache_dir: ''\nvariables: [a]\n")
    with pytest.raises(ConfigError) as caught:
        project_settings(root)
    assert [str(p) for p in caught.value.problems] == [
        f"{root / 'quicketl.yml'}:4: variables: expected a mapping of names to values",
        f"{root / 'quicketl.yml'}:1: workers: expected a whole number of 1 or more, got 0",
        f"{root / 'quicketl.yml'}:2: fail_fast: expected true or false, got 'sometimes'",
        f"{root / 'quicketl.yml'}:3: cache_dir: expected a folder path, got ''",
    ]


def test_defaults_are_found_without_yaml(tmp_path: Path) -> None:
    root = project(
        tmp_path, "name: p\nworkers: 2\n'fail_fast': true\nenvironments:\n  x:\n    variables: {}\n"
    )
    assert has_run_defaults(root) == {"workers", "fail_fast"}


def test_a_cache_dir_yaml_reads_as_a_number_or_null_is_left_to_yaml(tmp_path: Path) -> None:
    for text in ("cache_dir: 12\n", "cache_dir: null\n", "cache_dir: ~\n"):
        assert simple_cache_dir(project(tmp_path, text)) is None, text
    assert project_cache_dir(project(tmp_path, "cache_dir: null\n")) is None
