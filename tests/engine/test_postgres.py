"""PostgreSQL sources and sinks against a real server (tests/pgserver.py): round trips for every
mode, types both ways, and failures that leave the table exactly as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from quicketl.engine import run_pipeline
from quicketl.engine.pipeline_result import PipelineResult

from .helpers import Loader, write


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


def execute(url: str, sql: str) -> None:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(sql)


def load_csv(load: Loader, project: Path, url: str, csv: str, sink: str) -> PipelineResult:
    write(project / "data/in.csv", "id,name,amount\n" + csv)
    text = f"name: pg_load\nsource: {{path: data/in.csv}}\nsink:\n  connection: '{url}'\n{sink}"
    return run_pipeline(load(text))


def ok(result: PipelineResult) -> PipelineResult:
    assert result.status == "success", result.error
    return result


def test_append_creates_the_table_then_appends(load: Loader, project: Path, pg_url: str) -> None:
    sink = "  table: customers\n  mode: append\n"
    assert ok(load_csv(load, project, pg_url, "1,ann,10.5\n", sink)).rows_written == 1
    ok(load_csv(load, project, pg_url, "2,bob,20\n", sink))
    assert rows(pg_url, "SELECT id, name, amount FROM customers ORDER BY id") == [
        (1, "ann", 10.5),
        (2, "bob", 20.0),
    ]


def test_truncate_keeps_the_definition_and_replace_recreates(
    load: Loader, project: Path, pg_url: str
) -> None:
    execute(pg_url, "CREATE TABLE t (id bigint, name text, amount numeric(10,2), extra text)")
    execute(pg_url, "INSERT INTO t VALUES (9, 'old', 1, 'x')")
    ok(load_csv(load, project, pg_url, "1,ann,10.5\n", "  table: t\n  mode: truncate\n"))
    assert rows(pg_url, "SELECT id, name, amount::text, extra FROM t") == [
        (1, "ann", "10.50", None)
    ]
    ok(load_csv(load, project, pg_url, "2,bob,3\n", "  table: t\n  mode: replace\n"))
    assert rows(pg_url, "SELECT * FROM t") == [(2, "bob", 3.0)]  # the columns are the new ones


def test_upsert_updates_existing_rows_and_inserts_new_ones(
    load: Loader, project: Path, pg_url: str
) -> None:
    execute(pg_url, "CREATE SCHEMA crm")
    execute(
        pg_url, "CREATE TABLE crm.c (id bigint PRIMARY KEY, name text, amount double precision)"
    )
    execute(pg_url, "INSERT INTO crm.c VALUES (1, 'ann', 1), (2, 'bob', 2)")
    sink = "  table: crm.c\n  mode: upsert\n  upsert_keys: [id]\n"
    result = ok(load_csv(load, project, pg_url, "2,bobby,20\n3,cy,30\n3,cyd,31\n", sink))
    assert result.rows_written == 2  # the last row of a repeated key wins
    assert rows(pg_url, "SELECT * FROM crm.c ORDER BY id") == [
        (1, "ann", 1.0),
        (2, "bobby", 20.0),
        (3, "cyd", 31.0),
    ]


def test_upsert_into_a_missing_table_is_refused(load: Loader, project: Path, pg_url: str) -> None:
    sink = "  table: nowhere\n  mode: upsert\n  upsert_keys: [id]\n"
    result = load_csv(load, project, pg_url, "1,a,1\n", sink)
    assert result.status == "failed"
    assert "table nowhere does not exist; mode upsert needs it created first" in str(result.error)
    assert rows(pg_url, "SELECT to_regclass('nowhere') IS NULL") == [(True,)]


def test_types_round_trip(load: Loader, project: Path, pg_url: str) -> None:
    execute(
        pg_url,
        "CREATE TABLE src AS SELECT 1::smallint s, 2::int i, 3::bigint b, 12.34::numeric(8,2) n,"
        " 'txt'::text t, true AS f, DATE '2024-02-29' d, TIMESTAMP '2024-01-02 03:04:05' ts,"
        " TIMESTAMPTZ '2024-01-02 03:04:05+00' tz, '{\"a\": 1}'::json j, 1.5::float8 x",
    )
    text = (
        f"name: copy\nsource:\n  connection: '{pg_url}'\n  table: src\n"
        f"sink:\n  connection: '{pg_url}'\n  table: dst\n  mode: replace\n"
    )
    ok(run_pipeline(load(text)))
    types = rows(
        pg_url,
        "SELECT column_name, data_type, numeric_precision, numeric_scale"
        " FROM information_schema.columns WHERE table_name = 'dst' ORDER BY ordinal_position",
    )
    assert [t[1] for t in types] == [
        "smallint",
        "integer",
        "bigint",
        "numeric",
        "text",
        "boolean",
        "date",
        "timestamp without time zone",
        "timestamp with time zone",
        "json",
        "double precision",
    ]
    assert types[3][2:] == (8, 2)
    assert rows(
        pg_url, "SELECT s, i, b, n::text, t, f, d, j::text, tz = ts AT TIME ZONE 'UTC' FROM dst"
    ) == [(1, 2, 3, "12.34", "txt", True, date(2024, 2, 29), '{"a": 1}', True)]


def test_an_unmapped_type_is_refused_before_anything_is_written(
    load: Loader, project: Path, pg_url: str
) -> None:
    write(project / "data/in.csv", "id\n1\n")
    text = (
        "name: lists\nsource: {path: data/in.csv}\n"
        "transforms:\n  - op: derive_column\n    name: l\n    expr: '[id, id]'\n"
        f"sink:\n  connection: '{pg_url}'\n  table: l\n  mode: replace\n"
    )
    result = run_pipeline(load(text))
    assert result.status == "failed"
    assert "column 'l' has type BIGINT[], which has no PostgreSQL mapping" in str(result.error)
    assert "pipeline lists: postgresql://postgres:***@" in str(result.error)
    assert rows(pg_url, "SELECT to_regclass('l') IS NULL") == [(True,)]


def test_a_failure_mid_write_leaves_the_table_unchanged(
    load: Loader, project: Path, pg_url: str
) -> None:
    # The 40,000th row breaks a constraint: the truncate and the rows before it are rolled back.
    execute(pg_url, "CREATE TABLE big (id bigint CHECK (id <> 40000), name text, amount float8)")
    execute(pg_url, "INSERT INTO big VALUES (-1, 'kept', 0)")
    csv = "".join(f"{n},n{n},{n}\n" for n in range(1, 50_001))
    for mode in ("truncate", "append", "replace"):
        result = load_csv(load, project, pg_url, csv, f"  table: big\n  mode: {mode}\n")
        if mode == "replace":  # replace drops the constraint with the table: it succeeds
            assert result.status == "success"
            break
        assert result.status == "failed", mode
        assert 'violates check constraint "big_id_check"' in str(result.error)
        assert rows(pg_url, "SELECT * FROM big") == [(-1, "kept", 0.0)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("url_port", "cannot connect: Connection refused"),
        ("password", 'password authentication failed for user "postgres"'),
        ("table", 'relation "nope" does not exist'),
        ("column", 'column "nocol" does not exist'),
    ],
)
def test_source_failures_name_the_pipeline_and_the_masked_connection(
    load: Loader, project: Path, pg_url: str, pg_server: Any, change: str, message: str
) -> None:
    from pgserver import PASSWORD, free_port

    url = pg_url
    body = "  table: t\n"
    execute(pg_url, "CREATE TABLE t (id int)")
    if change == "url_port":
        url = pg_url.replace(f":{pg_server.port}/", f":{free_port()}/")
    elif change == "password":
        url = pg_url.replace(PASSWORD, "wrong-password")
    elif change == "table":
        body = "  table: nope\n"
    else:
        body = "  query: SELECT nocol FROM t\n"
    write(project / "out.csv", "kept\n")
    text = f"name: reader\nsource:\n  connection: '{url}'\n{body}sink: {{path: out.csv}}\n"
    result = run_pipeline(load(text))
    assert result.status == "failed"
    error = str(result.error)
    assert error.startswith("pipeline reader: postgresql://postgres:***@127.0.0.1:")
    assert message in error
    assert PASSWORD not in error and "wrong-password" not in error
    assert (project / "out.csv").read_text() == "kept\n"


def test_a_unique_violation_in_append_writes_nothing(
    load: Loader, project: Path, pg_url: str
) -> None:
    execute(pg_url, "CREATE TABLE u (id bigint PRIMARY KEY, name text, amount float8)")
    execute(pg_url, "INSERT INTO u VALUES (2, 'two', 2)")
    result = load_csv(load, project, pg_url, "1,a,1\n2,b,2\n", "  table: u\n")
    assert result.status == "failed"
    assert "duplicate key value violates unique constraint" in str(result.error)
    assert "Key (id)=(2) already exists" in str(result.error)
    assert rows(pg_url, "SELECT id FROM u") == [(2,)]


def test_a_value_that_will_not_convert_writes_nothing(
    load: Loader, project: Path, pg_url: str
) -> None:
    execute(pg_url, "CREATE TABLE v (id bigint, name date, amount float8)")
    result = load_csv(load, project, pg_url, "1,notadate,1\n", "  table: v\n")
    assert result.status == "failed"
    assert "invalid input syntax for type date" in str(result.error) or "type date" in str(
        result.error
    )
    assert rows(pg_url, "SELECT count(*) FROM v") == [(0,)]


def test_a_profile_names_the_connection(
    load: Loader, project: Path, pg_server: Any, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pgserver import PASSWORD

    database = pg_url.rsplit("/", 1)[1]
    monkeypatch.setenv("PG_PASSWORD", PASSWORD)
    (project / "quicketl.yml").write_text(
        "name: test\nprofiles:\n  warehouse:\n    type: postgres\n    host: 127.0.0.1\n"
        f"    port: {pg_server.port}\n    database: {database}\n    user: postgres\n"
        "    password: ${secret:PG_PASSWORD}\n"
    )
    execute(pg_url, "CREATE TABLE p AS SELECT 7 AS id")
    text = "name: prof\nsource:\n  connection: warehouse\n  query: SELECT id FROM p\n"
    text += "sink:\n  connection: warehouse\n  table: q\n  mode: replace\n"
    ok(run_pipeline(load(text)))
    assert rows(pg_url, "SELECT id FROM q") == [(7,)]


def test_mixed_case_columns_fold_as_unquoted_names_do(
    load: Loader, project: Path, pg_url: str
) -> None:
    write(project / "data/in.csv", "CustomerID,Full Name\n1,Ann\n")
    for mode in ("replace", "append"):
        text = (
            "name: cased\nsource: {path: data/in.csv}\n"
            f"sink:\n  connection: '{pg_url}'\n  table: Customers\n  mode: {mode}\n"
        )
        ok(run_pipeline(load(text)))
    assert rows(pg_url, 'SELECT customerid, "Full Name" FROM customers') == [(1, "Ann")] * 2


def test_upsert_without_a_unique_key_says_what_it_needs(
    load: Loader, project: Path, pg_url: str
) -> None:
    execute(pg_url, "CREATE TABLE nokey (id bigint, name text, amount float8)")
    execute(pg_url, "INSERT INTO nokey VALUES (1, 'a', 1)")
    sink = "  table: nokey\n  mode: upsert\n  upsert_keys: [id]\n"
    result = load_csv(load, project, pg_url, "1,b,2\n", sink)
    assert result.status == "failed"
    assert str(result.error).endswith(
        "mode upsert needs a primary key or unique constraint on (id) in table nokey; "
        "it has none on exactly these columns"
    )
    assert rows(pg_url, "SELECT name FROM nokey") == [("a",)]


def test_a_connect_timeout_is_added_unless_the_url_sets_one() -> None:
    from quicketl.engine.postgres import with_timeout

    assert with_timeout("postgresql://h/db") == "postgresql://h/db?connect_timeout=15"
    assert with_timeout("postgresql://h/db?sslmode=require").endswith("&connect_timeout=15")
    assert (
        with_timeout("postgresql://h/db?connect_timeout=3") == "postgresql://h/db?connect_timeout=3"
    )
