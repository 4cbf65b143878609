"""Append marks: an append into a table writes its token in the same transaction as its rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from quicketl.engine import run_pipeline
from quicketl.engine.appendmarks import AppendMark, was_appended
from quicketl.errors import EngineError

from .helpers import Loader, write

SINK = 'sink:\n  type: database\n  connection: "duckdb:///wh/gold.duckdb"\n  table: {table}\n'


def pipeline(load: Loader, project: Path, mode: str, table: str = "main.sales") -> str:
    write(project / "data/in.csv", "id,amount\n1,10\n2,20\n")
    return f"name: db\nsource: {{path: data/in.csv}}\n{SINK.format(table=table)}  mode: {mode}\n"


def marks(project: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(project / "wh/gold.duckdb"), read_only=True) as con:
        sql = "SELECT token, task_id, key, table_name, rows FROM quicketl.appends ORDER BY ALL"
        return con.execute(sql).fetchall()


def test_an_append_writes_its_mark_and_the_token_is_found(load: Loader, project: Path) -> None:
    loaded = load(pipeline(load, project, "append"))
    result = run_pipeline(loaded, mark_append=lambda: AppendMark("t1", "load.db", "k1"))
    assert result.succeeded, result.error
    assert marks(project) == [("t1", "load.db", "k1", "main.sales", 2)]
    assert was_appended(loaded, "t1")
    assert not was_appended(loaded, "t2")


@pytest.mark.parametrize("mode", ["truncate", "replace"])
def test_other_modes_never_ask_for_a_mark(load: Loader, project: Path, mode: str) -> None:
    def refuse() -> AppendMark:
        raise AssertionError("only append marks")

    loaded = load(pipeline(load, project, mode))
    assert run_pipeline(loaded, mark_append=refuse).succeeded
    assert not was_appended(loaded, "t1")


def test_a_failed_intent_rolls_the_append_back(load: Loader, project: Path) -> None:
    loaded = load(pipeline(load, project, "append"))
    assert run_pipeline(loaded).succeeded

    def state_store_down() -> AppendMark:
        raise EngineError("cannot save the intent")

    result = run_pipeline(loaded, mark_append=state_store_down)
    assert not result.succeeded
    with duckdb.connect(str(project / "wh/gold.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM main.sales").fetchone() == (2,)
        schemas = con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()
    assert ("quicketl",) not in schemas


def test_a_missing_database_file_holds_no_token(load: Loader, project: Path) -> None:
    loaded = load(pipeline(load, project, "append"))
    assert not was_appended(loaded, "t1")
    assert not (project / "wh").exists()  # asking created nothing


def test_a_database_that_cannot_be_read_raises(load: Loader, project: Path) -> None:
    loaded = load(pipeline(load, project, "append"))
    write(project / "wh/gold.duckdb", "not a database")
    with pytest.raises(EngineError, match=r"gold\.duckdb"):
        was_appended(loaded, "t1")
