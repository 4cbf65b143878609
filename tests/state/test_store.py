"""Tests for quicketl.state.store: task records and the persisted stat cache in SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from quicketl.errors import StateError
from quicketl.state import notices
from quicketl.state.hashing import StatCache, StatEntry, key_of
from quicketl.state.outputs import OutputRecord
from quicketl.state.store import SCHEMA_VERSION, SinkOwner, StateStore

SCOPE = "workflows/medallion.yml"
COMPONENTS = {"format": 1, "vars": {"RUN_DATE": "2025-01-15"}, "inputs": {"data/raw.csv": "ab"}}
OUTPUT: OutputRecord = {"path": "data/out.parquet", "size": 10, "mtime_ns": 5, "hash": "cd"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore(tmp_path / "cache") as opened:
        yield opened


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache warnings are said once per process; each test is a process of its own here."""
    monkeypatch.setattr(notices, "_said", set())


def set_schema_version(path: Path, version: str) -> None:
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    raw.close()


def record(store: StateStore, task_id: str, scope: str = SCOPE) -> None:
    store.record_success(scope, task_id, key_of(COMPONENTS), COMPONENTS, [OUTPUT])


def test_nothing_is_created_until_first_use(tmp_path: Path) -> None:
    StateStore(tmp_path / "cache").close()
    assert not (tmp_path / "cache").exists()


def test_database_is_created_in_wal_mode(store: StateStore) -> None:
    assert store.get(SCOPE, "t") is None
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        version = raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
    finally:
        raw.close()


def test_recorded_success_round_trips(store: StateStore) -> None:
    store.record_success(
        SCOPE, "silver.clean", "k1", COMPONENTS, [OUTPUT], started_at=100.0, finished_at=100.5
    )
    got = store.get(SCOPE, "silver.clean")
    assert got is not None
    assert (got.key, got.status, got.outputs, got.components) == (
        "k1",
        "success",
        (OUTPUT,),
        COMPONENTS,
    )
    assert (got.started_at, got.finished_at, got.duration_ms) == (100.0, 100.5, 500.0)


def test_record_survives_reopen(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as first:
        record(first, "bronze.ingest")
    with StateStore(tmp_path / "cache") as second:
        got = second.get(SCOPE, "bronze.ingest")
    assert got is not None
    assert got.key == key_of(COMPONENTS)


def test_record_success_replaces_the_previous_record(store: StateStore) -> None:
    store.record_success(SCOPE, "t", "old", {"v": 1}, [])
    store.record_success(SCOPE, "t", "new", {"v": 2}, [OUTPUT])
    got = store.get(SCOPE, "t")
    assert got is not None
    assert (got.key, got.components, got.outputs) == ("new", {"v": 2}, (OUTPUT,))


def test_get_all_is_per_scope(store: StateStore) -> None:
    for task_id in ("a", "b", "c"):
        record(store, task_id)
    record(store, "a", scope="pipeline:pipelines/one.yml")
    assert sorted(store.get_all(SCOPE)) == ["a", "b", "c"]
    assert list(store.get_all("pipeline:pipelines/one.yml")) == ["a"]
    assert store.get_all("other") == {}
    assert store.scopes() == sorted([SCOPE, "pipeline:pipelines/one.yml"])


def test_clear_a_scope_then_everything(store: StateStore) -> None:
    record(store, "a")
    record(store, "b")
    record(store, "a", scope="pipeline:p.yml")
    store.clear(SCOPE)
    assert store.scopes() == ["pipeline:p.yml"]
    store.save_stat_entries([StatEntry("/x", 1, 2, 2, 3, "h")])
    store.clear()
    assert (store.scopes(), store.stat_entries()) == ([], [])


def test_concurrent_records_from_eight_threads_all_land(store: StateStore) -> None:
    def worker(n: int) -> None:
        for i in range(25):
            record(store, f"t{n}.{i}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.get_all(SCOPE)) == 200


def test_two_connections_writing_at_once_wait_instead_of_failing(tmp_path: Path) -> None:
    # Two stores stand for two processes: each has its own SQLite connection.
    stores = [StateStore(tmp_path / "cache") for _ in range(2)]

    def writer(n: int) -> None:
        for i in range(50):
            record(stores[n], f"{n}.{i}")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stores[0].get_all(SCOPE)) == 100
    for opened in stores:
        opened.close()


def test_stat_entries_persist_and_feed_a_stat_cache(tmp_path: Path) -> None:
    huge_inode = 2**64 - 5  # inode numbers are unsigned 64-bit; SQLite's integers are signed
    entries = [
        StatEntry(
            "/data/a.csv", 3, 1_700_000_000_000_000_000, 1_700_000_000_000_000_001, huge_inode, "aa"
        )
    ]
    with StateStore(tmp_path / "cache") as first:
        first.save_stat_entries(entries)
        first.save_stat_entries([])
    with StateStore(tmp_path / "cache") as second:
        loaded = second.stat_entries()
    assert loaded == entries
    assert len(StatCache(loaded)) == 1


def test_prune_drops_entries_of_deleted_files(store: StateStore, tmp_path: Path) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("k")
    store.save_stat_entries(
        [StatEntry(str(kept), 1, 1, 1, 1, "k"), StatEntry("/gone", 1, 1, 1, 1, "g")]
    )
    assert store.prune_stat_entries() == 1
    assert [e.path for e in store.stat_entries()] == [str(kept)]


def test_older_schema_is_dropped_and_rebuilt(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as first:
        record(first, "a")
    raw = sqlite3.connect(tmp_path / "cache" / "state.db")
    with raw:
        raw.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    raw.close()
    with StateStore(tmp_path / "cache") as second:
        assert second.get(SCOPE, "a") is None
        record(second, "a")
        assert second.get(SCOPE, "a") is not None


def test_a_file_that_is_not_a_database_is_set_aside_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = b"this is not sqlite" * 100
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "state.db").write_bytes(garbage)
    with StateStore(tmp_path / "cache") as store:
        assert store.get(SCOPE, "a") is None
        record(store, "a")
        assert store.get(SCOPE, "a") is not None
    assert (tmp_path / "cache" / "state.db.unreadable").read_bytes() == garbage
    err = capsys.readouterr().err
    assert err.count("warning: ") == 1
    assert "was not a SQLite database; moved it to state.db.unreadable" in err


def test_runs_finding_a_garbage_database_at_once_keep_each_others_records(
    tmp_path: Path,
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "state.db").write_bytes(b"garbage " * 500)
    start = threading.Barrier(6)

    def one_run(index: int) -> None:
        start.wait()
        with StateStore(tmp_path / "cache") as store:
            record(store, f"t{index}")

    threads = [threading.Thread(target=one_run, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with StateStore(tmp_path / "cache") as store:
        assert sorted(store.get_all(SCOPE)) == [f"t{i}" for i in range(6)]
    assert (tmp_path / "cache" / "state.db.unreadable").read_bytes() == b"garbage " * 500


def test_a_folder_in_place_of_the_database_is_a_state_error_naming_cache_clean(
    tmp_path: Path,
) -> None:
    (tmp_path / "cache" / "state.db").mkdir(parents=True)
    with StateStore(tmp_path / "cache") as store, pytest.raises(StateError, match="cache clean"):
        store.get(SCOPE, "a")
    assert (tmp_path / "cache" / "state.db").is_dir()


def test_a_newer_schema_is_refused_naming_cache_clean_and_left_untouched(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as first:
        record(first, "a")
    set_schema_version(tmp_path / "cache" / "state.db", "999")
    before = (tmp_path / "cache" / "state.db").read_bytes()
    with StateStore(tmp_path / "cache") as second, pytest.raises(StateError) as raised:
        second.get(SCOPE, "a")
    assert "newer quicketl (schema 999" in str(raised.value)
    assert "quicketl cache clean" in str(raised.value)
    assert (tmp_path / "cache" / "state.db").read_bytes() == before


def test_an_unreadable_schema_version_is_refused_naming_cache_clean(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as first:
        record(first, "a")
    set_schema_version(tmp_path / "cache" / "state.db", "two")
    with StateStore(tmp_path / "cache") as second, pytest.raises(StateError, match="cache clean"):
        second.get(SCOPE, "a")


SCHEMA_1 = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE tasks (scope TEXT NOT NULL, task_id TEXT NOT NULL, key TEXT NOT NULL,
        components TEXT NOT NULL, outputs TEXT NOT NULL, status TEXT NOT NULL,
        started_at REAL, finished_at REAL, duration_ms REAL,
        PRIMARY KEY (scope, task_id)) WITHOUT ROWID""",
    """CREATE TABLE stat_cache (path TEXT PRIMARY KEY, size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID""",
)


def test_a_schema_1_cache_is_upgraded_keeping_its_task_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cache").mkdir()
    raw = sqlite3.connect(tmp_path / "cache" / "state.db")
    with raw:
        for statement in SCHEMA_1:
            raw.execute(statement)
        raw.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        raw.execute(
            "INSERT INTO tasks VALUES (?, 't', 'k1', ?, ?, 'success', 1.0, 2.0, 1000.0)",
            (SCOPE, json.dumps(COMPONENTS), json.dumps([OUTPUT])),
        )
        raw.execute("INSERT INTO stat_cache VALUES ('/data/a.csv', 1, 2, 3, 'h')")
    raw.close()
    with StateStore(tmp_path / "cache") as store:
        kept = store.get(SCOPE, "t")
        assert kept is not None and kept.components == COMPONENTS
        assert store.stat_entries() == []
        store.save_stat_entries([StatEntry("/data/a.csv", 1, 2, 4, 3, "h")])
        assert [e.ctime_ns for e in store.stat_entries()] == [4]
    assert capsys.readouterr().err == ""


def corrupt_rows(path: Path, sql: str) -> None:
    raw = sqlite3.connect(path)
    with raw:
        raw.execute(sql)
    raw.close()


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE tasks SET outputs = '{not json'",
        "UPDATE tasks SET outputs = '[{\"path\": 1}]'",
        "UPDATE tasks SET outputs = '{}'",
        "UPDATE tasks SET key = x'0102'",
        "UPDATE tasks SET started_at = 'yesterday'",
    ],
)
def test_unreadable_task_rows_are_no_record_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    with StateStore(tmp_path / "cache") as store:
        for task_id in ("a", "b", "c"):
            record(store, task_id)
    corrupt_rows(tmp_path / "cache" / "state.db", damage)
    with StateStore(tmp_path / "cache") as store:
        assert store.get_all(SCOPE) == {}
        assert store.get(SCOPE, "a") is None
    err = capsys.readouterr().err
    assert err.count("warning: ") == 1
    assert "task records in the cache could not be read" in err


@pytest.mark.parametrize("components", ["{not json", "[]", '{"inputs": []}', "null"])
def test_unreadable_components_read_as_none_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], components: str
) -> None:
    with StateStore(tmp_path / "cache") as store:
        record(store, "a")
        record(store, "b")
    corrupt_rows(tmp_path / "cache" / "state.db", f"UPDATE tasks SET components = '{components}'")
    with StateStore(tmp_path / "cache") as store:
        records = store.get_all(SCOPE)
    assert [r.components for r in records.values()] == [None, None]
    assert capsys.readouterr().err.count("warning: ") == 1


def test_stat_rows_of_the_wrong_types_are_dropped_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = StatEntry("/good", 1, 2, 3, 4, "h")
    with StateStore(tmp_path / "cache") as store:
        store.save_stat_entries([good, StatEntry("/bad1", 1, 2, 3, 4, "h")])
        store.save_stat_entries([StatEntry("/bad2", 1, 2, 3, 4, "h")])
    corrupt_rows(
        tmp_path / "cache" / "state.db",
        "UPDATE stat_cache SET size = 'big', hash = 5 WHERE path != '/good'",
    )
    with StateStore(tmp_path / "cache") as store:
        assert store.stat_entries() == [good]
    assert capsys.readouterr().err.count("warning: ") == 1


def test_a_database_locked_too_long_is_a_state_error_saying_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("quicketl.state.store.BUSY_TIMEOUT_S", 0.05)
    with StateStore(tmp_path / "cache") as store:
        record(store, "a")
        raw = sqlite3.connect(store.path, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            other = StateStore(tmp_path / "cache")
            with other, pytest.raises(StateError, match="stayed locked by another process"):
                record(other, "b")
        finally:
            raw.execute("ROLLBACK")
            raw.close()


def test_a_schema_2_cache_gains_the_sniff_table_keeping_everything_else(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as store:
        store.record_success(SCOPE, "t", "k1", COMPONENTS, [OUTPUT])
        store.save_stat_entries([StatEntry("/data/a.csv", 1, 2, 4, 3, "h")])
    raw = sqlite3.connect(tmp_path / "cache" / "state.db")
    with raw:  # what a schema 2 database holds: no sniff table
        raw.execute("DROP TABLE csv_sniffs")
        raw.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    raw.close()
    with StateStore(tmp_path / "cache") as store:
        assert store.get(SCOPE, "t") is not None
        assert [e.hash for e in store.stat_entries()] == ["h"]
        store.save_csv_sniffs([("h", "opts", "[1]")])
        assert store.csv_sniff("h", "opts") == "[1]"


def test_csv_sniffs_are_kept_by_content_hash_and_options(tmp_path: Path) -> None:
    with StateStore(tmp_path / "cache") as store:
        store.save_csv_sniffs([("h1", "a", "[1]"), ("h1", "b", "[2]"), ("h2", "a", "[3]")])
        assert store.csv_sniff("h1", "a") == "[1]"
        assert store.csv_sniff("h1", "b") == "[2]"
        assert store.csv_sniff("h2", "b") is None
        store.clear()
        assert store.csv_sniff("h1", "a") is None


def test_prune_drops_sniffs_of_contents_no_file_has(store: StateStore, tmp_path: Path) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("k")
    store.save_stat_entries(
        [StatEntry(str(kept), 1, 1, 1, 1, "k"), StatEntry("/gone", 1, 1, 1, 1, "g")]
    )
    store.save_csv_sniffs([("k", "o", "[1]"), ("g", "o", "[2]"), ("never", "o", "[3]")])
    store.prune_stat_entries()
    assert store.prune_csv_sniffs() == 2
    assert store.csv_sniff("k", "o") == "[1]"
    assert store.csv_sniff("g", "o") is None


def test_a_record_and_its_sink_owners_are_one_transaction(store: StateStore) -> None:
    owner = SinkOwner("/abs/out.parquet", SCOPE, "t", 7)
    assert store.get(SCOPE, "t") is None  # opened
    statements: list[str] = []
    assert store._conn is not None
    store._conn.set_trace_callback(statements.append)
    store.record_success(SCOPE, "t", "k", COMPONENTS, [OUTPUT], owners=[owner])
    store._conn.set_trace_callback(None)
    # one commit per finished task: a run of tiny tasks paid for two
    assert [s for s in statements if s.startswith(("BEGIN", "COMMIT"))] == [
        "BEGIN IMMEDIATE",
        "COMMIT",
    ]
    assert store.owners() == {owner.path: owner}
    record = store.get(SCOPE, "t")
    assert record is not None and record.key == "k"
