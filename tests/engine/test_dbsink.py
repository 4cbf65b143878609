"""Database sinks: the four modes, one transaction each, the table created when missing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from quicketl.engine import dbsink, run_pipeline, validate_pipeline
from quicketl.engine.duckdb_session import Session
from quicketl.engine.pipeline_result import PipelineResult
from quicketl.errors import ConfigError

from .helpers import Loader, write

SINK = (
    'sink:\n  type: database\n  connection: "duckdb:///warehouse/gold.duckdb"\n  table: {table}\n'
)


def load_batch(load: Loader, project: Path, rows: str, sink: str) -> PipelineResult:
    write(project / "data/in.csv", "id,name,amount\n" + rows)
    text = f"name: db\nsource: {{path: data/in.csv}}\n{sink}"
    return run_pipeline(load(text))


def table(project: Path, name: str = "customers") -> list[tuple[Any, ...]]:
    with duckdb.connect(str(project / "warehouse/gold.duckdb"), read_only=True) as con:
        return con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()


def sink(mode: str, table: str = "customers", keys: str = "") -> str:
    return SINK.format(table=table) + f"  mode: {mode}\n" + keys


def test_append_creates_the_database_and_table_then_appends(load: Loader, project: Path) -> None:
    first = load_batch(load, project, "1,ann,10\n", sink("append"))
    assert first.succeeded, first.error
    assert first.outputs == ["warehouse/gold.duckdb"]
    second = load_batch(load, project, "2,bob,20\n", sink("append"))
    assert (first.rows_written, second.rows_written) == (1, 1)
    assert table(project) == [(1, "ann", 10), (2, "bob", 20)]


def test_truncate_keeps_the_table_definition(load: Loader, project: Path) -> None:
    path = project / "warehouse/gold.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE customers (id INTEGER, name VARCHAR, amount DECIMAL(10, 2))")
        con.execute("INSERT INTO customers VALUES (9, 'old', 1)")
    result = load_batch(load, project, "1,ann,10.5\n", sink("truncate"))
    assert result.succeeded, result.error
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT * FROM customers").fetchall()
        kind = con.execute("SELECT data_type FROM duckdb_columns() WHERE column_name='amount'")
        assert kind.fetchall() == [("DECIMAL(10,2)",)]
    assert [(r[0], r[1], float(r[2])) for r in rows] == [(1, "ann", 10.5)]


def test_replace_recreates_the_table(load: Loader, project: Path) -> None:
    load_batch(load, project, "1,ann,10\n", sink("append"))
    write(project / "data/in.csv", "code\nx\n")
    text = f"name: db\nsource: {{path: data/in.csv}}\n{sink('replace')}"
    assert run_pipeline(load(text)).succeeded
    assert table(project) == [("x",)]


def test_upsert_updates_matching_keys_and_inserts_new_ones(load: Loader, project: Path) -> None:
    keys = "  upsert_keys: [id]\n"
    load_batch(load, project, "1,ann,10\n2,bob,20\n", sink("upsert", keys=keys))
    result = load_batch(
        load, project, "2,bobby,25\n3,cy,30\n2,robert,26\n", sink("upsert", keys=keys)
    )
    assert result.succeeded, result.error
    assert result.rows_written == 2
    assert table(project) == [(1, "ann", 10), (2, "robert", 26), (3, "cy", 30)]


def test_upsert_into_a_table_without_a_primary_key(load: Loader, project: Path) -> None:
    path = project / "warehouse/gold.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA crm")
        con.execute("CREATE TABLE crm.customers (id BIGINT, name VARCHAR, amount BIGINT)")
        con.execute("INSERT INTO crm.customers VALUES (1, 'old', 0), (4, 'keep', 4)")
    keys = "  upsert_keys: [id, name]\n"
    result = load_batch(
        load, project, "1,old,11\n1,new,12\n", sink("upsert", "crm.customers", keys)
    )
    assert result.succeeded, result.error
    assert table(project, "crm.customers") == [(1, "new", 12), (1, "old", 11), (4, "keep", 4)]


def test_a_failed_write_rolls_back(load: Loader, project: Path) -> None:
    load_batch(load, project, "1,ann,10\n", sink("append"))
    write(project / "data/in.csv", "id,name,amount,extra\n2,bob,20,x\n")
    text = f"name: db\nsource: {{path: data/in.csv}}\n{sink('truncate')}"
    result = run_pipeline(load(text))
    assert result.status == "failed"
    assert "extra" in str(result.error)
    assert table(project) == [(1, "ann", 10)]


def test_a_database_this_run_created_is_removed_when_the_write_fails(
    load: Loader, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_done(session: Session, sink: Any, alias: str, final: Any) -> int:
        session.run(f'CREATE TABLE "{alias}".main.t AS SELECT 1 AS x')
        raise duckdb.IOException("disk full")

    monkeypatch.setitem(dbsink._MODES, "append", half_done)
    result = load_batch(load, project, "1,ann,10\n", sink("append"))
    assert (result.status, result.error) == ("failed", "disk full")
    assert os.listdir(project / "warehouse") == []


def test_the_sink_may_be_the_database_a_source_reads(load: Loader, project: Path) -> None:
    load_batch(load, project, "1,ann,10\n", sink("append"))
    text = (
        "name: db\nsource:\n  connection: duckdb:///warehouse/gold.duckdb\n  table: customers\n"
        "transforms:\n  - {op: derive_column, name: amount, expr: amount * 2}\n"
        + sink("append", "doubled")
    )
    assert run_pipeline(load(text)).succeeded
    assert table(project, "doubled") == [(1, "ann", 20)]


@pytest.mark.parametrize(
    ("sink_text", "field", "message"),
    [
        (
            "connection: mysql://h/db\n  table: t",
            "sink.connection",
            "unsupported connection scheme 'mysql'",
        ),
        (
            "connection: duckdb:///w.duckdb\n  table: t\n  mode: upsert\n  upsert_keys: [idd]",
            "sink.upsert_keys[0]",
            "did you mean 'id'",
        ),
    ],
)
def test_sink_problems_are_config_errors(
    load: Loader, project: Path, sink_text: str, field: str, message: str
) -> None:
    write(project / "data/in.csv", "id\n1\n")
    text = f"name: db\nsource: {{path: data/in.csv}}\nsink:\n  type: database\n  {sink_text}\n"
    with pytest.raises(ConfigError, match=message) as caught:
        validate_pipeline(load(text))
    assert caught.value.problems[0].field == field


def test_a_database_sink_naming_a_csv_file_is_refused_and_the_file_kept(
    load: Loader, project: Path
) -> None:
    orders = write(project / "data" / "orders.csv", "id,name,amount\n1,ann,10\n")
    loaded = load(
        "name: db\nsource: {path: data/orders.csv}\n"
        "sink:\n  type: database\n  connection: duckdb:///data/orders.csv\n  table: t\n"
    )
    for check in (validate_pipeline, run_pipeline):
        with pytest.raises(ConfigError) as caught:
            check(loaded)
        (problem,) = caught.value.problems
        assert (problem.field, problem.line) == ("sink.connection", 5)
        assert problem.message == (
            f"{orders} is a CSV file, not a DuckDB database; a duckdb:/// URL names a database "
            "file (write other files with a file sink)"
        )
    assert orders.read_text() == "id,name,amount\n1,ann,10\n"
