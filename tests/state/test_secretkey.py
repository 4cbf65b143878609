"""The cache's random key for keyed hashes of secrets: private, stable, one per cache."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from quicketl.errors import ConfigError
from quicketl.state.secretkey import (
    KEY_FILE,
    SHARED_KEY_MIN_CHARS,
    SHARED_KEY_VARIABLE,
    cache_secret_key,
)


def test_the_key_is_made_once_readable_only_by_its_owner(tmp_path: Path) -> None:
    key = cache_secret_key(tmp_path)
    assert len(key) == 32
    assert cache_secret_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]


def test_each_cache_has_its_own_key(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert cache_secret_key(tmp_path / "a") != cache_secret_key(tmp_path / "b")


def test_a_shared_key_is_used_instead_and_no_key_file_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SHARED_KEY_VARIABLE, "s" * SHARED_KEY_MIN_CHARS)
    assert cache_secret_key(tmp_path) == b"s" * SHARED_KEY_MIN_CHARS
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv(SHARED_KEY_VARIABLE, "")  # empty is unset
    assert len(cache_secret_key(tmp_path)) == 32 and (tmp_path / KEY_FILE).is_file()


def test_a_shared_key_shorter_than_32_characters_is_refused_unshown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SHARED_KEY_VARIABLE, "abc" * 10 + "Q")  # 31 characters
    with pytest.raises(ConfigError) as raised:
        cache_secret_key(tmp_path)
    assert "at least 32 characters, got 31" in str(raised.value) and "abc" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []
