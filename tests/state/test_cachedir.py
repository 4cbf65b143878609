"""Tests for quicketl.state.cachedir: --cache-dir, then $QUICKETL_CACHE_DIR, then the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.state.cachedir import CACHE_DIR_ENV, resolve_cache_dir


def test_default_is_in_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    assert resolve_cache_dir(tmp_path, None) == tmp_path / ".quicketl-cache"


def test_environment_beats_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "ci-cache"))
    assert resolve_cache_dir(tmp_path / "root", None) == tmp_path / "ci-cache"


def test_override_beats_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "ci-cache"))
    assert resolve_cache_dir(tmp_path, str(tmp_path / "mine")) == tmp_path / "mine"


def test_relative_values_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    assert resolve_cache_dir(Path("/elsewhere"), "cache") == tmp_path / "cache"
    assert resolve_cache_dir(Path("proj"), None) == tmp_path / "proj" / ".quicketl-cache"
