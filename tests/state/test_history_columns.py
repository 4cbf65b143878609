"""The history's task lists stored by column: read back exactly as written, and small."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quicketl.state import StateStore
from quicketl.state.history import recent_runs, record_run
from quicketl.state.history_columns import MARK, packed, unpacked


def _stored(tasks: object) -> object:
    """What a list reads back as when stored as JSON text with sorted keys (as before)."""
    return json.loads(json.dumps(tasks, sort_keys=True))


def _round_trip(tasks: object) -> object:
    return unpacked(json.loads(json.dumps(packed(tasks), sort_keys=True)))


def _text(value: object) -> str:  # key order and types included: True and 1 differ here
    return json.dumps(value, indent=2)


def _noop_tasks(count: int) -> list[dict[str, Any]]:
    return [
        {
            "task_id": f"{stage}.p{i}",
            "stage": stage,
            "pipeline": f"p{i}",
            "status": "up_to_date",
            "reasons": ["up to date"],
            "started_at": None,
            "finished_at": None,
            "duration_ms": 0.0,
            "rows_read": None,
            "rows_written": None,
            "error": None,
        }
        for stage in ("ingest", "clean")
        for i in range(count // 2)
    ]


def test_a_noop_list_reads_back_as_written_and_packs_small() -> None:
    tasks = _noop_tasks(1000)
    assert _text(_round_trip(tasks)) == _text(_stored(tasks))
    assert len(json.dumps(packed(tasks))) * 10 < len(json.dumps(tasks))


def test_values_equal_but_not_the_same_text_are_kept_apart() -> None:
    tasks = [
        {"a": 1, "b": 0.0, "c": ["x", 1], "d": "s.t", "s": "s", "t": "t"},
        {"a": True, "b": -0.0, "c": ["x", True], "d": "s.t", "s": "s", "t": "t"},
        {"a": 1.0, "b": 0.0, "c": ["x", 1.0], "d": "s.u", "s": "s", "t": "u"},
    ]
    assert _text(_round_trip(tasks)) == _text(_stored(tasks))


def test_each_task_gets_its_own_list() -> None:
    read = _round_trip(_noop_tasks(4))
    assert isinstance(read, list)
    read[0]["reasons"].append("changed")
    assert read[1]["reasons"] == ["up to date"]


@pytest.mark.parametrize(
    "tasks",
    [[], [{"a": 1}], [{"a": 1}, {"b": 1}], [{"a": 1}, "x"], [{1: 2}, {1: 2}], {"a": 1}],
    ids=["empty", "one", "other keys", "not all dicts", "int keys", "not a list"],
)
def test_what_cannot_be_packed_is_stored_as_it_is(tasks: object) -> None:
    assert packed(tasks) is tasks


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from("ab.")
values = scalars | st.lists(scalars, max_size=3) | st.dictionaries(st.text(max_size=2), scalars)


@given(st.lists(st.fixed_dictionaries({"x": values, "y": values, "z": values}), max_size=20))
def test_any_list_reads_back_as_written(tasks: list[dict[str, Any]]) -> None:
    assert _text(_round_trip(tasks)) == _text(_stored(tasks))


def test_the_history_row_of_a_noop_run_is_small_and_reads_back_the_same(tmp_path: Path) -> None:
    document = {"workflow": "wf", "status": "success", "tasks": _noop_tasks(1000)}
    with StateStore(tmp_path) as store:
        record_run(store, "wf", 1.0, document)
        (entry,) = recent_runs(store)
    assert _text(entry.document) == _text(_stored(document))
    with sqlite3.connect(tmp_path / "state.db") as conn:
        (size,) = conn.execute("SELECT length(document) FROM runs").fetchone()
    assert size < 20_000  # 1,000 tasks listed one by one are about 200 KB


def test_a_damaged_packed_row_is_left_out(tmp_path: Path) -> None:
    with StateStore(tmp_path) as store:
        record_run(store, "wf", 1.0, {"tasks": _noop_tasks(4)})
        record_run(store, "wf", 2.0, {"tasks": _noop_tasks(4)})
    damaged = json.dumps({"tasks": {MARK: 1, "count": 4, "columns": {"a": {"each": [1]}}}})
    with sqlite3.connect(tmp_path / "state.db") as conn:
        conn.execute("UPDATE runs SET document = ? WHERE run_id = 1", (damaged,))
    with StateStore(tmp_path) as store:
        assert [r.run_id for r in recent_runs(store)] == [2]
