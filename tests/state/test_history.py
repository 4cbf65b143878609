"""The history table: the last 100 runs kept, damaged rows and old caches read as no runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quicketl.state import StateStore
from quicketl.state.history import KEEP, find_run, recent_runs, record_run
from quicketl.state.sqlite_file import SCHEMA_VERSION


def test_only_the_last_runs_are_kept(tmp_path: Path) -> None:
    with StateStore(tmp_path) as store:
        for number in range(1, KEEP + 6):
            record_run(store, "wf", float(number), {"n": number})
        runs = recent_runs(store)
    assert len(runs) == KEEP == 100
    assert [r.run_id for r in runs[:2]] == [KEEP + 5, KEEP + 4]
    assert runs[-1].run_id == 6 and runs[-1].document == {"n": 6}


def test_a_cache_from_before_history_has_no_runs_and_keeps_its_schema_version(
    tmp_path: Path,
) -> None:
    with StateStore(tmp_path) as store:
        store.stat_entries()  # creates state.db, as a cache made before history was
    with StateStore(tmp_path) as store:
        assert recent_runs(store) == [] and find_run(store, 1) is None
    with sqlite3.connect(tmp_path / "state.db") as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)


def test_a_damaged_row_is_left_out(tmp_path: Path) -> None:
    with StateStore(tmp_path) as store:
        record_run(store, "wf", 1.0, {"n": 1})
        record_run(store, "wf", 2.0, {"n": 2})
    with sqlite3.connect(tmp_path / "state.db") as conn:
        conn.execute("UPDATE runs SET document = '{oops' WHERE run_id = 1")
    with StateStore(tmp_path) as store:
        assert [r.run_id for r in recent_runs(store)] == [2]
        assert recent_runs(store, "other") == []
