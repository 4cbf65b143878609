"""The CSV sniff cache: keyed by content, so an entry for other bytes is never used."""

from __future__ import annotations

import os
from pathlib import Path

from quicketl.state import StatCache, StatEntry, StateStore, hash_file
from quicketl.state.sniffs import SniffCache, read_only_sniffs

DETECTED = [",", '"', '"', "\\n", "", 0, True, [{"name": "id", "type": "BIGINT"}], None, None]


def edit_same_size(path: Path, text: str) -> None:
    """New bytes of the same length, with the old mtime put back (ctime still moves)."""
    before = path.stat()
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def test_a_remembered_result_is_found_for_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    cache = SniffCache(StatCache())
    assert cache.detected(str(path), "opts") is None
    cache.remember(str(path), "opts", DETECTED)
    assert cache.detected(str(path), "opts") == DETECTED
    assert cache.detected(str(path), "other opts") is None


def test_a_same_size_edit_never_finds_the_old_entry(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    cache = SniffCache(StatCache())
    cache.detected(str(path), "opts")
    cache.remember(str(path), "opts", DETECTED)
    edit_same_size(path, "xy\n2\n")
    assert cache.detected(str(path), "opts") is None


def test_nothing_is_kept_when_the_file_changed_during_the_sniff(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    cache = SniffCache(StatCache())
    cache.detected(str(path), "opts")
    edit_same_size(path, "xy\n2\n")  # the sniff may have read either content
    cache.remember(str(path), "opts", DETECTED)
    assert cache.take_new() == []
    assert cache.detected(str(path), "opts") is None


def test_stored_entries_are_read_by_content_hash(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    stat_cache = StatCache()
    with StateStore(tmp_path / "cache") as store:
        first = SniffCache(stat_cache, store.csv_sniff)
        first.detected(str(path), "opts")
        first.remember(str(path), "opts", DETECTED)
        store.save_csv_sniffs(first.take_new())
        assert SniffCache(StatCache(), store.csv_sniff).detected(str(path), "opts") == DETECTED
        edit_same_size(path, "xy\n2\n")
        assert SniffCache(StatCache(), store.csv_sniff).detected(str(path), "opts") is None


def test_read_only_sniffs_use_only_files_the_stat_cache_knows(tmp_path: Path) -> None:
    known, unknown = tmp_path / "known.csv", tmp_path / "unknown.csv"
    known.write_text("id\n1\n")
    unknown.write_text("id\n1\n")  # the same bytes, but never hashed by a run
    stat_cache = StatCache()
    with StateStore(tmp_path / "cache") as store:
        cache = SniffCache(stat_cache, store.csv_sniff)
        cache.detected(str(known), "opts")
        cache.remember(str(known), "opts", DETECTED)
        store.save_csv_sniffs(cache.take_new())
        # As a run keeps it once the file is settled (older than the racy window).
        store.save_stat_entries([StatEntry.of(str(known), known.stat(), hash_file(known))])
    before = (tmp_path / "cache" / "state.db").read_bytes()
    looking = read_only_sniffs(tmp_path / "cache")
    assert looking is not None
    assert looking.detected(str(known), "opts") == DETECTED
    assert looking.detected(str(unknown), "opts") is None
    looking.remember(str(unknown), "opts", DETECTED)
    looking.close()
    assert (tmp_path / "cache" / "state.db").read_bytes() == before


def test_no_state_database_means_no_read_only_sniffs(tmp_path: Path) -> None:
    assert read_only_sniffs(tmp_path / "missing") is None
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "state.db").write_text("not sqlite")
    assert read_only_sniffs(tmp_path / "junk") is None
