"""The remote cache settings: --remote-cache(-mode) > QUICKETL_REMOTE_CACHE(_MODE) >
quicketl.yml's remote_cache(_mode) > none (and readwrite)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quicketl.config.defaults import effective_remote_cache
from quicketl.config.project import project_settings
from quicketl.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUICKETL_REMOTE_CACHE", "QUICKETL_REMOTE_CACHE_MODE"):
        monkeypatch.delenv(name, raising=False)


def project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "quicketl.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_no_remote_by_default(tmp_path: Path) -> None:
    assert effective_remote_cache(None, None, tmp_path) == (None, "readwrite")


def test_the_project_file_names_the_remote_and_mode(tmp_path: Path) -> None:
    root = project(tmp_path, "name: p\nremote_cache: s3://b/q\nremote_cache_mode: read\n")
    assert effective_remote_cache(None, None, root) == ("s3://b/q", "read")


def test_the_environment_beats_the_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, "remote_cache: s3://b/q\nremote_cache_mode: read\n")
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE", "s3://env/q")
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE_MODE", "Write")
    assert effective_remote_cache(None, None, root) == ("s3://env/q", "write")


def test_the_command_line_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE", "s3://env/q")
    monkeypatch.setenv("QUICKETL_REMOTE_CACHE_MODE", "write")
    assert effective_remote_cache("s3://cli/q", "read", tmp_path) == ("s3://cli/q", "read")


def test_a_folder_on_the_command_line_is_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    url, _ = effective_remote_cache("../shared/./cache", None, tmp_path / "elsewhere")
    assert url == os.path.join(tmp_path.parent, "shared", "cache")


@pytest.mark.parametrize(
    ("cli", "env", "message"),
    [
        ("ro", None, "--remote-cache-mode: expected read, write or readwrite, got 'ro'"),
        (
            None,
            "sometimes",
            "QUICKETL_REMOTE_CACHE_MODE: expected read, write or readwrite, got 'sometimes'",
        ),
    ],
)
def test_a_bad_mode_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: str | None, env: str | None, message: str
) -> None:
    if env:
        monkeypatch.setenv("QUICKETL_REMOTE_CACHE_MODE", env)
    with pytest.raises(ConfigError) as raised:
        effective_remote_cache(None, cli, tmp_path)
    assert str(raised.value) == message


def test_wrong_settings_in_the_project_file_are_located(tmp_path: Path) -> None:
    root = project(tmp_path, "name: p\nremote_cache: 3\nremote_cache_mode: sometimes\n")
    with pytest.raises(ConfigError) as raised:
        project_settings(root)
    assert str(raised.value).splitlines() == [
        f"{root / 'quicketl.yml'}:2: remote_cache: expected a folder or an s3:// URL, got 3",
        f"{root / 'quicketl.yml'}:3: remote_cache_mode: expected read, write or readwrite, "
        "got 'sometimes'",
    ]
