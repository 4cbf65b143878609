"""Collecting an output store: what is current is kept first, orphans and old entries go."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quicketl.errors import ConfigError
from quicketl.state.objects import OutputSource, local_output_store
from quicketl.state.objects.backend import entry_name
from quicketl.state.objects.upkeep import collect, parse_days, parse_size, store_usage

DAY = 86_400.0


def _keyed(n: int) -> str:
    return f"{n:032x}"


def _store_with_three(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three entries, 10, 5 and 1 days old, each with a 1000-byte blob of its own."""
    root = tmp_path / "p"
    (root / "out").mkdir(parents=True)
    store = local_output_store(root / "cache")
    keys = []
    for n, age in enumerate((10, 5, 1)):
        (root / "out/x.bin").write_bytes(bytes([n]) * 1000)
        key = _keyed(n + 1)
        store.save(key, [OutputSource("out/x.bin")], root, pipeline="x")
        old = 1_000_000.0 - age * DAY
        os.utime(root / "cache/objects" / entry_name(key), (old, old))
        keys.append(key)
    return root / "cache/objects", keys


def _keys_left(objects: Path) -> list[str]:
    return sorted(p.stem for p in (objects / "entries").glob("*.json"))


def test_orphan_blobs_go_and_entries_stay(tmp_path: Path) -> None:
    objects, keys = _store_with_three(tmp_path)
    store = local_output_store(objects.parent)
    (objects / "objects/ff").mkdir()
    (objects / "objects/ff" / ("f" * 32)).write_bytes(b"orphan")
    done = collect(store.backend, [], now=1_000_000.0)
    assert (done.entries, done.objects, done.freed_bytes) == (0, 1, 6)
    assert _keys_left(objects) == keys
    assert store_usage(store.backend).objects == 3


def test_older_than_keeps_what_the_current_records_use(tmp_path: Path) -> None:
    objects, keys = _store_with_three(tmp_path)
    backend = local_output_store(objects.parent).backend
    done = collect(backend, [keys[0]], older_than_days=3, now=1_000_000.0)
    assert _keys_left(objects) == [keys[0], keys[2]]  # 10 days old but current; 1 day old
    assert (done.entries, done.objects) == (1, 1)


def test_max_size_drops_the_oldest_not_current_first(tmp_path: Path) -> None:
    objects, keys = _store_with_three(tmp_path)
    backend = local_output_store(objects.parent).backend
    entry_size = (objects / entry_name(keys[0])).stat().st_size
    collect(backend, [keys[0]], max_size=2 * (1000 + entry_size) + 50, now=1_000_000.0)
    assert _keys_left(objects) == [keys[0], keys[2]]
    collect(backend, [keys[0]], max_size=1000 + entry_size + 50, now=1_000_000.0)
    assert _keys_left(objects) == [keys[0]]
    collect(backend, [keys[0]], max_size=0, now=1_000_000.0)
    assert _keys_left(objects) == []
    assert store_usage(backend).size_bytes == 0


def test_an_unreadable_entry_is_collected(tmp_path: Path) -> None:
    objects, keys = _store_with_three(tmp_path)
    backend = local_output_store(objects.parent).backend
    backend.put_bytes(entry_name(_keyed(99)), b"{broken")
    done = collect(backend, [], now=1_000_000.0)
    assert done.notes == [f"unreadable entry {entry_name(_keyed(99))}"]
    assert _keys_left(objects) == keys


@pytest.mark.parametrize(
    ("text", "size"), [("100", 100), ("1K", 1024), ("500M", 500 << 20), ("1.5GiB", 3 << 29)]
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["lots", "-1", "1X", ""])
def test_a_bad_size_is_refused_naming_the_option(text: str) -> None:
    with pytest.raises(ConfigError, match=r"--max-size: not a size: .*e\.g\. 500M"):
        parse_size(text)


@pytest.mark.parametrize("text", ["x", "-1", "nan", "inf"])
def test_a_bad_age_is_refused_naming_the_option(text: str) -> None:
    with pytest.raises(ConfigError, match="--older-than: not a number of days"):
        parse_days(text)
