"""Append intents: saved in the state store, superseded by the task record, read back by bytes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from quicketl.state.hashing import MISSING, hash_bytes, hash_path
from quicketl.state.intents import TABLE_INTENT, AppendIntent
from quicketl.state.store import StateStore

SCOPE = "workflows/wf.yml"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    with StateStore(tmp_path / "cache") as opened:
        yield opened


def intent(tmp_path: Path, task_id: str = "s.a", *, before: str = MISSING) -> AppendIntent:
    """An append of b"old+new" to out/a.csv, staged in a temp beside it."""
    return AppendIntent(
        SCOPE,
        task_id,
        "key1",
        '{"format":1}',
        '["out/a.csv"]',
        str(tmp_path / "out/a.csv"),
        str(tmp_path / "out/.a.csv.quicketl-tmp-1-00"),
        before=before,
        after=hash_bytes(b"old+new"),
        started_at=12.5,
    )


def put(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_an_intent_round_trips_through_the_store(store: StateStore, tmp_path: Path) -> None:
    saved = intent(tmp_path)
    store.save_intent(saved)
    assert store.intents(SCOPE) == [saved]
    assert store.intents() == [saved]
    assert store.intents("other.yml") == []
    assert (saved.components, saved.outputs) == ({"format": 1}, ["out/a.csv"])


def test_the_task_record_supersedes_its_intent_in_one_transaction(
    store: StateStore, tmp_path: Path
) -> None:
    store.save_intent(intent(tmp_path, "s.a"))
    store.save_intent(intent(tmp_path, "s.b"))
    store.record_success(SCOPE, "s.a", "key1", {"format": 1}, [])
    assert [i.task_id for i in store.intents()] == ["s.b"]


def test_dropping_and_clearing_remove_intents(store: StateStore, tmp_path: Path) -> None:
    store.save_intent(intent(tmp_path, "s.a"))
    store.save_intent(intent(tmp_path, "s.b"))
    store.drop_intent(SCOPE, "s.a")
    assert [i.task_id for i in store.intents()] == ["s.b"]
    store.clear(SCOPE)
    assert store.intents() == []


def test_the_target_holding_the_after_bytes_means_committed(tmp_path: Path) -> None:
    put(tmp_path / "out/a.csv", b"old+new")
    assert intent(tmp_path).outcome() == "committed"


def test_the_target_holding_anything_else_means_not_committed(tmp_path: Path) -> None:
    put(tmp_path / "out/a.csv", b"old")
    before = hash_path(tmp_path / "out/a.csv")
    assert intent(tmp_path, before=before).outcome() == "not_committed"
    put(tmp_path / "out/a.csv", b"edited by hand since")
    assert intent(tmp_path, before=before).outcome() == "not_committed"


def test_a_missing_target_with_the_staged_temp_means_staged(tmp_path: Path) -> None:
    saved = intent(tmp_path)
    assert saved.outcome() == "not_committed"  # neither target nor temp
    put(Path(saved.staged), b"old+new")
    assert saved.outcome() == "staged"
    put(Path(saved.staged), b"half")
    assert saved.outcome() == "not_committed"


def test_an_unreadable_intent_row_counts_as_none(store: StateStore, tmp_path: Path) -> None:
    store.save_intent(intent(tmp_path, "s.a"))
    store.save_intent(intent(tmp_path, "s.b"))
    raw = sqlite3.connect(store.path)
    with raw:
        raw.execute("UPDATE append_intents SET outputs = '{not json' WHERE task_id = 's.a'")
    raw.close()
    assert [i.task_id for i in store.intents()] == ["s.b"]


def test_a_table_intent_round_trips_with_its_token(store: StateStore) -> None:
    saved = AppendIntent(
        SCOPE,
        "s.t",
        "key1",
        '{"format":1}',
        "[]",
        "table:postgresql://etl:***@db:5432/shop#sales",
        "0123abcd",
        before=TABLE_INTENT,
        after="0123abcd",
        started_at=1.0,
    )
    store.save_intent(saved)
    (read,) = store.intents(SCOPE)
    assert read == saved
    assert read.is_table
    assert read.token == "0123abcd"
    assert not intent(Path("/p")).is_table
