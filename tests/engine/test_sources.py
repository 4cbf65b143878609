"""Sources: every CSV option, JSON, Parquet, globs, folders and DuckDB databases."""

from __future__ import annotations

import datetime
import os
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest
from deadline import DEADLINE_S, within

from quicketl.config.loader import LoadedPipeline
from quicketl.engine import run_pipeline, validate_pipeline
from quicketl.errors import ConfigError, Problem

from .helpers import Loader, parquet, read_rows, write


def run_source(load: Loader, project: Path, source: str) -> tuple[list[tuple[str, str]], list[Any]]:
    """Run `source:` (YAML mapping text) into a parquet file; its (name, type)s and rows."""
    body = textwrap.indent(textwrap.dedent(source).strip(), "  ")
    loaded = load(f"name: src\nsource:\n{body}\nsink: {{path: out/o.parquet}}\n")
    result = run_pipeline(loaded)
    assert result.succeeded, result.error
    out = project / "out" / "o.parquet"
    with duckdb.connect() as con:
        schema = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM '{out}'").fetchall()]
    return schema, read_rows(out)


def test_csv_with_detected_dialect(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id,name,amount\n1,ann,2.5\n2,bob,3\n")
    schema, rows = run_source(load, project, "path: data/a.csv")
    assert schema == [("id", "BIGINT"), ("name", "VARCHAR"), ("amount", "DOUBLE")]
    assert rows == [(1, "ann", 2.5), (2, "bob", 3.0)]


def test_csv_delimiter(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id|name\n1|a,b\n2|c\n")
    _, rows = run_source(load, project, "path: data/a.csv\noptions: {delimiter: '|'}")
    assert rows == [(1, "a,b"), (2, "c")]


def test_csv_without_header(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "1,x\n2,y\n")
    schema, rows = run_source(load, project, "path: data/a.csv\noptions: {header: false}")
    assert [name for name, _ in schema] == ["column0", "column1"]
    assert rows == [(1, "x"), (2, "y")]


def test_csv_header_true_keeps_a_numeric_looking_first_row_as_names(
    load: Loader, project: Path
) -> None:
    write(project / "data/a.csv", "1,2\n3,4\n")
    schema, rows = run_source(load, project, "path: data/a.csv\noptions: {header: true}")
    assert [name for name, _ in schema] == ["1", "2"]
    assert rows == [(3, 4)]


def test_csv_skip_rows(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "exported by tool\nid,v\n1,a\n")
    _, rows = run_source(load, project, "path: data/a.csv\noptions: {skip_rows: 1}")
    assert rows == [(1, "a")]


def test_csv_null_values(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id,v\n1,NA\n2,-\n3,x\n")
    options = "options: {null_values: ['NA', '-']}"
    _, rows = run_source(load, project, f"path: data/a.csv\n{options}")
    assert rows == [(1, None), (2, None), (3, "x")]


def test_csv_single_null_value(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id,v\n1,n/a\n2,x\n")
    _, rows = run_source(load, project, "path: data/a.csv\noptions: {null_values: n/a}")
    assert rows == [(1, None), (2, "x")]


def test_csv_quote(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id,v\n1,'a,b'\n2,'c'\n")
    _, rows = run_source(load, project, 'path: data/a.csv\noptions: {quote: "\'"}')
    assert rows == [(1, "a,b"), (2, "c")]


def test_csv_some_column_types_leave_the_rest_detected(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id,zip,amount\n1,00501,2.5\n")
    options = "options:\n  columns: {zip: string, id: int32}"
    schema, rows = run_source(load, project, f"path: data/a.csv\n{options}")
    assert schema == [("id", "INTEGER"), ("zip", "VARCHAR"), ("amount", "DOUBLE")]
    assert rows == [(1, "00501", 2.5)]


def test_csv_columns_name_every_column_of_a_headerless_file(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "1,00501\n2,10001\n")
    options = "options:\n  header: false\n  columns: {id: int, zip: varchar}"
    schema, rows = run_source(load, project, f"path: data/a.csv\n{options}")
    assert schema == [("id", "BIGINT"), ("zip", "VARCHAR")]
    assert rows == [(1, "00501"), (2, "10001")]


def test_csv_latin1_encoding(load: Loader, project: Path) -> None:
    (project / "data").mkdir()
    (project / "data/a.csv").write_bytes("id,city\n1,Málaga\n".encode("latin-1"))
    _, rows = run_source(load, project, "path: data/a.csv\noptions: {encoding: ISO-8859-1}")
    assert rows == [(1, "Málaga")]


def test_csv_utf16_encoding(load: Loader, project: Path) -> None:
    (project / "data").mkdir()
    (project / "data/a.csv").write_bytes("id,city\n1,Zürich\n".encode("utf-16"))
    _, rows = run_source(load, project, "path: data/a.csv\noptions: {encoding: utf-16}")
    assert rows == [(1, "Zürich")]


def test_csv_glob_reads_every_match_in_order(load: Loader, project: Path) -> None:
    write(project / "data/2025-01-02.csv", "id\n2\n")
    write(project / "data/2025-01-01.csv", "id\n1\n")
    write(project / "data/other.txt", "id\n99\n")
    result = run_pipeline(load("name: g\nsource: {path: data/2025-*.csv}\nsink: {path: o.csv}\n"))
    assert result.rows_read == 2
    assert read_rows(project / "o.csv") == [(1,), (2,)]


def test_json_and_parquet_sources(load: Loader, project: Path) -> None:
    write(project / "data/a.jsonl", '{"id": 1, "tags": ["x"]}\n{"id": 2, "tags": []}\n')
    _, rows = run_source(load, project, "path: data/a.jsonl")
    assert rows == [(1, ["x"]), (2, [])]
    parquet(project / "data/b.parquet", "SELECT DATE '2025-01-15' AS d")
    _, rows = run_source(load, project, "path: data/b.parquet")
    assert rows == [(datetime.date(2025, 1, 15),)]


def test_a_folder_source_reads_a_partitioned_folder(load: Loader, project: Path) -> None:
    parquet(project / "data/sales/region=north/part.parquet", "SELECT 1 AS id")
    parquet(project / "data/sales/region=south/part.parquet", "SELECT 2 AS id")
    _, rows = run_source(load, project, "path: data/sales\nformat: parquet")
    assert sorted(rows) == [(1, "north"), (2, "south")]


def test_a_glob_matching_only_dotfiles_reads_them_as_duckdb_does(
    load: Loader, project: Path
) -> None:
    write(project / "data/.late.csv", "id\n7\n")
    _, rows = run_source(load, project, "path: data/*.csv")
    assert rows == [(7,)]


@pytest.mark.parametrize(
    ("path", "message"),
    [("data/missing.csv", "file not found: "), ("data/none_*.csv", "no file matches ")],
)
def test_missing_input_is_a_config_error(load: Loader, path: str, message: str) -> None:
    loaded = load(f"name: m\nsource:\n  path: {path}\nsink: {{path: o.csv}}\n")
    with pytest.raises(ConfigError, match=message) as caught:
        run_pipeline(loaded)
    assert [(p.field, p.line) for p in caught.value.problems] == [("source.path", 3)]


def test_a_typed_column_the_file_lacks_is_named_with_a_close_match(
    load: Loader, project: Path
) -> None:
    write(project / "data/a.csv", "id,amount\n1,2\n")
    loaded = load(
        "name: m\nsource:\n  path: data/a.csv\n  options:\n    columns: {amout: double}\n"
        "sink: {path: o.csv}\n"
    )
    with pytest.raises(ConfigError) as caught:
        validate_pipeline(loaded)
    (problem,) = caught.value.problems
    assert problem.field == "source.options.columns.amout"
    assert problem.line == 5
    assert problem.message == "unknown column 'amout'; did you mean 'amount'?"


def test_an_unknown_encoding_is_a_config_error(load: Loader, project: Path) -> None:
    write(project / "data/a.csv", "id\n1\n")
    options = "options: {encoding: klingon}"
    loaded = load(f"name: m\nsource:\n  path: data/a.csv\n  {options}\nsink: {{path: o.csv}}\n")
    with pytest.raises(ConfigError, match="encoding") as caught:
        validate_pipeline(loaded)
    assert caught.value.problems[0].field == "source.options.encoding"


RAW = 'connection: "duckdb:///warehouse/raw.duckdb"'


@pytest.fixture
def warehouse(project: Path) -> Path:
    path = project / "warehouse" / "raw.duckdb"
    path.parent.mkdir()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE orders AS SELECT range AS id, range * 10 AS amount FROM range(5)")
        con.execute("CREATE SCHEMA crm")
        con.execute("CREATE TABLE crm.customers AS SELECT 1 AS id, 'ann' AS name")
    return path


def test_database_table_source(load: Loader, project: Path, warehouse: Path) -> None:
    source = 'connection: "duckdb:///warehouse/raw.duckdb"\ntable: orders'
    _, rows = run_source(load, project, source)
    assert rows == [(i, i * 10) for i in range(5)]
    _, rows = run_source(
        load, project, f"connection: 'duckdb:///{warehouse}'\ntable: crm.customers"
    )
    assert rows == [(1, "ann")]


def test_database_query_source_resolves_names_in_the_database(
    load: Loader, project: Path, warehouse: Path
) -> None:
    query = "query: SELECT id, amount FROM orders WHERE id >= 3 ORDER BY id;"
    _, rows = run_source(load, project, f'connection: "duckdb:///warehouse/raw.duckdb"\n{query}')
    assert rows == [(3, 30), (4, 40)]


def test_database_source_is_opened_read_only(load: Loader, project: Path, warehouse: Path) -> None:
    before = warehouse.read_bytes()
    run_source(load, project, 'connection: "duckdb:///warehouse/raw.duckdb"\ntable: orders')
    assert warehouse.read_bytes() == before


@pytest.mark.parametrize(
    ("source", "field", "message"),
    [
        (
            "connection: mysql://h/db\n  table: t",
            "source.connection",
            "postgresql://user@host:port/db",
        ),
        (
            "connection: duckdb:///nope.duckdb\n  table: t",
            "source.connection",
            "DuckDB database not found",
        ),
        ('connection: "duckdb:///warehouse/raw.duckdb"\n  table: ordres', "source.table", "ordres"),
        (
            'connection: "duckdb:///warehouse/raw.duckdb"\n  query: SELEC 1',
            "source.query",
            "syntax error",
        ),
    ],
)
def test_database_source_problems(
    load: Loader, warehouse: Path, source: str, field: str, message: str
) -> None:
    loaded = load(f"name: d\nsource:\n  {source}\nsink: {{path: o.csv}}\n")
    with pytest.raises(ConfigError, match=message) as caught:
        validate_pipeline(loaded)
    assert caught.value.problems[0].field == field


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ("id,status\n1,paid\n", "a CSV file, not a DuckDB database"),
        ("", "an empty file, not a DuckDB database"),
    ],
)
def test_a_database_url_naming_a_csv_file_blames_the_connection(
    load: Loader, project: Path, content: str, what: str
) -> None:
    orders = write(project / "data" / "orders.csv", content)
    loaded = load(
        "name: p\nsource:\n  connection: duckdb:///data/orders.csv\n  table: orders\n"
        "sink: {path: out/o.csv}\n"
    )
    for check in (validate_pipeline, run_pipeline):
        with pytest.raises(ConfigError) as caught:
            check(loaded)
        (problem,) = caught.value.problems
        assert (problem.field, problem.line) == ("source.connection", 3)
        assert problem.message == (
            f"{orders} is {what}; a duckdb:/// URL names a database file "
            "(read other files with a file source)"
        )
    assert orders.read_text() == content
    assert not (project / "out").exists()


def refusal(loaded: LoadedPipeline) -> Problem:
    """The single problem both validate and run give for `loaded`, each within a deadline."""
    found = []
    for check in (validate_pipeline, run_pipeline):
        with pytest.raises(ConfigError) as caught:
            within(DEADLINE_S, check, loaded)
        found.extend(caught.value.problems)
    assert found[0] == found[1]
    return found[0]


def test_a_named_pipe_source_is_refused_unread(load: Loader, project: Path) -> None:
    (project / "data").mkdir()
    os.mkfifo(project / "data" / "pipe.csv")
    loaded = load("name: p\nsource: {path: data/pipe.csv}\nsink: {path: out/o.csv}\n")
    problem = refusal(loaded)
    assert (problem.field, problem.line) == ("source.path", 2)
    assert problem.message == (
        f"{project / 'data' / 'pipe.csv'} is a named pipe (FIFO), not a regular file; "
        "quicketl reads only regular files"
    )


def test_dev_zero_as_a_source_is_refused_unread(load: Loader) -> None:
    loaded = load("name: p\nsource: {path: /dev/zero, format: csv}\nsink: {path: out/o.csv}\n")
    assert refusal(loaded).message.startswith("/dev/zero is a character device, not a regular")


def test_a_pipe_inside_a_folder_source_is_skipped_unread(load: Loader, project: Path) -> None:
    # DuckDB's glob lists regular files only, so a pipe in a folder is never read: the run
    # reads the folder's files and finishes, and the cache hashes what DuckDB reads.
    write(project / "data" / "a.csv", "id\n1\n")
    os.mkfifo(project / "data" / "late.csv")
    loaded = load("name: p\nsource: {path: data, format: csv}\nsink: {path: out/o.csv}\n")
    result = within(DEADLINE_S, run_pipeline, loaded)
    assert result.succeeded, result.error
    assert result.rows_read == 1


def test_a_folder_source_linking_to_its_parents_reads_its_own_files(
    load: Loader, project: Path
) -> None:
    write(project / "data" / "a.csv", "id\n1\n")
    (project / "data" / "up").symlink_to("..")
    (project / "data" / "up2").symlink_to("..")
    loaded = load("name: p\nsource: {path: data, format: csv}\nsink: {path: out/o.csv}\n")
    result = within(DEADLINE_S, run_pipeline, loaded)
    assert result.succeeded, result.error
    assert result.rows_read == 1
