"""The cache's random key for keyed hashes of secrets: private, stable, one per cache."""

from __future__ import annotations

import stat
from pathlib import Path

from quicketl.state.secretkey import KEY_FILE, cache_secret_key


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
