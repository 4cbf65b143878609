"""Tests for quicketl.state.dbstamps: what quicketl last saw inside a database file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from quicketl.state.dbstamps import DatabaseStamp, load_stamps, prune_stamps, save_stamps
from quicketl.state.store import StateStore


def test_stamps_read_back_as_saved_and_a_cache_without_them_has_none(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as store:
        assert load_stamps(store) == {}
        stamp = DatabaseStamp((10, 20, 30), frozenset({"main.a", "s.b"}))
        save_stamps(store, {str(tmp_path / "w.duckdb"): stamp})
        assert load_stamps(store) == {str(tmp_path / "w.duckdb"): stamp}


def test_a_damaged_row_is_left_out(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as store:
        save_stamps(store, {"/a": DatabaseStamp((1, 2, 3), frozenset({"main.a"}))})
        save_stamps(store, {"/b": DatabaseStamp((1, 2, 3), frozenset())})
    with closing(sqlite3.connect(tmp_path / "cache" / "state.db")) as db:
        db.execute("UPDATE database_tables SET tables = '{not json' WHERE path = '/a'")
        db.execute("UPDATE database_tables SET size = 'big' WHERE path = '/b'")
        db.commit()
    with StateStore(tmp_path / "cache") as store:
        assert load_stamps(store) == {}


def test_gc_forgets_the_stamps_of_deleted_files(tmp_path: Path) -> None:
    kept = tmp_path / "kept.duckdb"
    kept.write_bytes(b"x")
    with StateStore(tmp_path / "cache") as store:
        stamp = DatabaseStamp((1, 2, 3), frozenset())
        save_stamps(store, {str(kept): stamp, str(tmp_path / "gone.duckdb"): stamp})
        assert prune_stamps(store) == 1
        assert list(load_stamps(store)) == [str(kept)]
