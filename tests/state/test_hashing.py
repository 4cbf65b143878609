"""Tests for quicketl.state.hashing: digests, the stat cache, globs and canonical JSON."""

from __future__ import annotations

import os
import random
import socket
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import xxhash
from deadline import DEADLINE_S, within
from hypothesis import given, settings
from hypothesis import strategies as st

from quicketl.state import hashing
from quicketl.state.hashing import (
    BLOCK_SIZE,
    MISSING,
    RACY_WINDOW_NS,
    StatCache,
    StatEntry,
    canonical_json,
    hash_bytes,
    hash_dir,
    hash_file,
    hash_path,
    hash_paths,
    key_of,
)

ONE_HOUR_NS = 3600 * 10**9


class CountingHasher:
    """A file hasher that counts how often it actually reads a file."""

    def __init__(self) -> None:
        self.reads: list[str] = []

    def __call__(self, path: str) -> str:
        self.reads.append(path)
        return hash_file(path)


def write(path: Path, content: bytes, *, age_ns: int = 0) -> Path:
    """Write `content`, then date the file `age_ns` into the past (0: leave it as written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if age_ns:
        set_mtime(path, os.stat(path).st_mtime_ns - age_ns)
    return path


def set_mtime(path: Path, mtime_ns: int) -> None:
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.fixture
def an_hour_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stat cache's clock an hour ahead: every file's last change (its ctime, which a
    test cannot set back) is then settled."""
    later = time.time_ns() + ONE_HOUR_NS
    monkeypatch.setattr(hashing, "time", SimpleNamespace(time_ns=lambda: later))


def test_hash_bytes_is_xxh3_128_hex() -> None:
    assert hash_bytes(b"abc") == xxhash.xxh3_128_hexdigest(b"abc")
    assert len(hash_bytes(b"")) == 32


def test_hash_file_streams_blocks_to_the_digest_of_the_whole(tmp_path: Path) -> None:
    content = random.Random(7).randbytes(2 * BLOCK_SIZE + 12345)
    path = write(tmp_path / "big.bin", content)
    assert hash_file(path) == hash_bytes(content)


def test_stat_cache_hit_does_not_read_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"x,y\n1,2\n")
    hasher = CountingHasher()
    cache = StatCache(hasher=hasher)
    first = cache.hash_file(path)
    assert cache.hash_file(path) == first
    assert hasher.reads == [str(path)]


def same_size_edit_with_mtime_restored(path: Path, content: bytes) -> None:
    """What a careless tool (or `cp -p`, or `rsync -t`) does: new bytes, old size and mtime."""
    before = os.stat(path)
    with open(path, "r+b") as stream:
        stream.write(content)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def test_same_size_edit_with_mtime_restored_is_rehashed(tmp_path: Path) -> None:
    # Size, inode and mtime all as before: only ctime, which nobody can set back, tells.
    path = write(tmp_path / "a.csv", b"aaaa", age_ns=ONE_HOUR_NS)
    cache = StatCache()
    original = cache.hash_file(path)
    same_size_edit_with_mtime_restored(path, b"bbbb")
    assert cache.hash_file(path) == hash_bytes(b"bbbb") != original


def test_a_persisted_entry_is_not_trusted_after_a_same_size_edit(
    tmp_path: Path, an_hour_later: None
) -> None:
    path = write(tmp_path / "a.csv", b"aaaa", age_ns=ONE_HOUR_NS)
    first = StatCache()
    first.hash_file(path)
    persisted = first.take_dirty()
    assert len(persisted) == 1
    same_size_edit_with_mtime_restored(path, b"bbbb")
    assert StatCache(persisted).hash_file(path) == hash_bytes(b"bbbb")


def test_an_entry_with_a_recent_ctime_is_not_persisted(tmp_path: Path) -> None:
    # The mtime says settled, but the ctime says the bytes changed a moment ago.
    path = write(tmp_path / "a.csv", b"aaaa", age_ns=ONE_HOUR_NS)
    cache = StatCache()
    cache.hash_file(path)
    assert cache.take_dirty() == []


def test_touched_file_is_rehashed_once_to_the_same_digest(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"same bytes", age_ns=2 * ONE_HOUR_NS)
    hasher = CountingHasher()
    cache = StatCache(hasher=hasher)
    before = cache.hash_file(path)
    set_mtime(path, os.stat(path).st_mtime_ns + ONE_HOUR_NS)  # touched, still settled
    assert cache.hash_file(path) == before
    assert cache.hash_file(path) == before
    assert len(hasher.reads) == 2


def test_changed_content_with_new_stat_is_rehashed(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"one")
    cache = StatCache()
    old = cache.hash_file(path)
    write(path, b"three")
    assert cache.hash_file(path) == hash_bytes(b"three") != old


def test_take_dirty_returns_new_settled_entries_once(tmp_path: Path, an_hour_later: None) -> None:
    path = write(tmp_path / "a.csv", b"abc", age_ns=ONE_HOUR_NS)
    cache = StatCache()
    digest = cache.hash_file(path)
    stat = os.stat(path)
    expected = StatEntry(
        str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, digest
    )
    assert cache.take_dirty() == [expected]
    assert cache.take_dirty() == []


def test_recently_modified_file_is_cached_in_memory_but_not_persisted(tmp_path: Path) -> None:
    # A file written within the racy window could change again without its stat changing.
    path = write(tmp_path / "fresh.csv", b"abc")
    hasher = CountingHasher()
    cache = StatCache(hasher=hasher)
    cache.hash_file(path)
    cache.hash_file(path)
    assert len(hasher.reads) == 1
    assert cache.take_dirty() == []
    assert RACY_WINDOW_NS < ONE_HOUR_NS


def test_loaded_entries_are_used_and_not_dirty(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"abc", age_ns=ONE_HOUR_NS)
    stat = os.stat(path)
    entry = StatEntry(
        str(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, "f" * 32
    )
    hasher = CountingHasher()
    cache = StatCache([entry], hasher=hasher)
    assert cache.hash_file(path) == "f" * 32
    assert hasher.reads == []
    assert cache.take_dirty() == []


def test_relative_and_absolute_spellings_share_one_entry(tmp_path: Path, monkeypatch: Any) -> None:
    write(tmp_path / "data" / "a.csv", b"abc")
    monkeypatch.chdir(tmp_path)
    hasher = CountingHasher()
    cache = StatCache(hasher=hasher)
    cache.hash_file("data/a.csv")
    cache.hash_file(tmp_path / "data" / "a.csv")
    assert len(cache) == 1
    assert len(hasher.reads) == 1


def test_hash_path_of_missing_file_is_the_sentinel(tmp_path: Path) -> None:
    assert hash_path(tmp_path / "nope.csv") == MISSING
    assert hash_path(tmp_path / "nope" / "deeper.csv", StatCache()) == MISSING


def test_hash_dir_depends_on_names_and_contents_not_on_location(tmp_path: Path) -> None:
    for base in ("a", "b"):
        write(tmp_path / base / "year=2024" / "part-0.parquet", b"p0")
        write(tmp_path / base / "year=2025" / "part-0.parquet", b"p1")
    assert hash_dir(tmp_path / "a") == hash_dir(tmp_path / "b")
    (tmp_path / "b" / "year=2025" / "part-0.parquet").rename(tmp_path / "b" / "year=2025" / "p")
    assert hash_dir(tmp_path / "a") != hash_dir(tmp_path / "b")


def test_hash_dir_changes_when_a_nested_file_changes(tmp_path: Path) -> None:
    write(tmp_path / "out" / "year=2024" / "part-0.parquet", b"p0")
    before = hash_path(tmp_path / "out")
    write(tmp_path / "out" / "year=2024" / "part-0.parquet", b"p9")
    assert hash_path(tmp_path / "out") != before


def test_hash_paths_expands_globs_sorted_relative_to_root(tmp_path: Path) -> None:
    write(tmp_path / "data" / "b.csv", b"b")
    write(tmp_path / "data" / "a.csv", b"a")
    write(tmp_path / "data" / "notes.txt", b"n")
    hashes = hash_paths(["data/*.csv"], tmp_path)
    assert list(hashes) == ["data/a.csv", "data/b.csv"]
    assert hashes["data/a.csv"] == hash_bytes(b"a")


def test_hash_paths_marks_missing_files_and_unmatched_globs(tmp_path: Path) -> None:
    hashes = hash_paths(["data/raw.csv", "data/*.parquet"], tmp_path)
    assert hashes == {"data/*.parquet": MISSING, "data/raw.csv": MISSING}


def test_hash_paths_hashes_a_directory_output_as_one_digest(tmp_path: Path) -> None:
    write(tmp_path / "gold" / "summary" / "region=eu" / "data_0.parquet", b"eu")
    hashes = hash_paths(["gold/summary"], tmp_path)
    assert hashes == {"gold/summary": hash_dir(tmp_path / "gold" / "summary")}


def test_hash_paths_recursive_glob_and_cache(tmp_path: Path) -> None:
    write(tmp_path / "raw" / "2024" / "01.csv", b"1")
    write(tmp_path / "raw" / "2024" / "02" / "x.csv", b"2")
    cache = StatCache()
    hashes = hash_paths(["raw/**/*.csv"], tmp_path, cache)
    assert list(hashes) == ["raw/2024/01.csv", "raw/2024/02/x.csv"]
    assert len(cache) == 2


def test_hash_paths_hashes_dotfiles_a_glob_matches_as_duckdb_reads_them(tmp_path: Path) -> None:
    write(tmp_path / "data" / "a.csv", b"a")
    write(tmp_path / "data" / ".late.csv", b"hidden")
    write(tmp_path / "data" / ".sub" / "b.csv", b"b")
    hashes = hash_paths(["data/*.csv", "data/**/b.csv"], tmp_path)
    assert list(hashes) == ["data/.late.csv", "data/.sub/b.csv", "data/a.csv"]


def test_hash_paths_does_not_enter_links_to_folders_under_double_star(tmp_path: Path) -> None:
    write(tmp_path / "data" / "a.csv", b"a")
    (tmp_path / "data" / "loop").symlink_to("..")
    assert list(hash_paths(["data/**/*.csv"], tmp_path)) == ["data/a.csv"]


def test_hash_paths_keeps_absolute_paths_as_given(tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere.csv", b"e")
    assert hash_paths([str(path)], tmp_path / "root") == {str(path): hash_bytes(b"e")}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=8), st.randoms())
def test_canonical_json_ignores_key_order(data: dict[str, Any], rnd: random.Random) -> None:
    items = list(data.items())
    rnd.shuffle(items)
    shuffled = dict(items)
    assert canonical_json(shuffled) == canonical_json(data)
    assert key_of(shuffled) == key_of(data)


def test_canonical_json_is_compact_sorted_and_unicode() -> None:
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert canonical_json({"p": Path("x/y")}) == '{"p":"x/y"}'


def test_canonical_json_sorts_sets_so_keys_are_stable_across_processes() -> None:
    assert canonical_json({"tags": {"b", "a", 3}}) == '{"tags":["a","b",3]}'


def test_key_of_changes_with_any_component() -> None:
    base = {"format": 1, "vars": {"RUN_DATE": "2025-01-14"}}
    changed = {"format": 1, "vars": {"RUN_DATE": "2025-01-15"}}
    assert key_of(base) != key_of(changed)
    assert key_of(base) == hash_bytes(canonical_json(base).encode())


def test_links_to_a_parent_folder_do_not_loop_a_recursive_glob(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("id\n1\n")
    (tmp_path / "data" / "up").symlink_to("..")
    (tmp_path / "data" / "up2").symlink_to("..")  # two links: 2**40 paths when followed
    hashes = within(DEADLINE_S, hash_paths, ["data/**/*.csv"], tmp_path)
    assert list(hashes) == ["data/a.csv"]


def test_a_recursive_glob_does_not_enter_linked_folders_as_duckdb_does(tmp_path: Path) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "data" / "sub" / "a.csv").write_text("1\n")
    (tmp_path / "other" / "b.csv").write_text("2\n")
    (tmp_path / "data" / "link").symlink_to("../other")
    (tmp_path / "data" / "file_link.csv").symlink_to("../other/b.csv")
    assert list(hash_paths(["data/**/*.csv"], tmp_path)) == ["data/file_link.csv", "data/sub/a.csv"]
    assert list(hash_paths(["data/*/*.csv"], tmp_path)) == ["data/link/b.csv", "data/sub/a.csv"]


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "socket"])
def test_a_pipe_or_device_is_not_read(tmp_path: Path, special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "pipe.csv"
        os.mkfifo(path)
    if special == "socket":
        path = tmp_path / "s.csv"
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
    digest = within(DEADLINE_S, hash_path, path)
    assert digest.startswith("not-a-file:")
    assert within(DEADLINE_S, StatCache().hash_file, path) == digest


def test_a_pipe_inside_a_hashed_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("1\n")
    os.mkfifo(tmp_path / "data" / "pipe.csv")
    assert within(DEADLINE_S, hash_path, tmp_path / "data") != MISSING
