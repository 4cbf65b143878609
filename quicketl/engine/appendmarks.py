"""Append marks: a token written into the target database in the same transaction as the rows.

A table cannot be hashed cheaply, so an append into one is made exact another way: just before
the COMMIT the caller saves an intent carrying a fresh token (`MarkAppend`), and the sink
inserts that token into `quicketl.appends` of the target database inside the transaction. The
token is then committed if and only if the rows are, and a later run asks the database
(`was_appended`). Only `append` writes a mark: `truncate`, `replace` and `upsert` give the same
table when repeated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quicketl.config.connections import postgres_url
from quicketl.config.loader import LoadedPipeline
from quicketl.config.sinks import DatabaseSink
from quicketl.engine.dburl import duckdb_file
from quicketl.engine.duckdb_module import duckdb
from quicketl.engine.postgres import connected
from quicketl.engine.sql import ident, string_literal
from quicketl.errors import EngineError
from quicketl.state.notices import cache_warning
from quicketl.values import FrozenValue

SCHEMA = "quicketl"
TABLE = "appends"
_COLUMNS = (
    "token VARCHAR PRIMARY KEY, task_id VARCHAR, key VARCHAR, table_name VARCHAR, "
    "rows BIGINT, committed_at TIMESTAMP"
)
_PG_COLUMNS = (
    "token text PRIMARY KEY, task_id text, key text, table_name text, rows bigint, "
    "committed_at timestamptz"
)


@dataclass(frozen=True, repr=False, eq=False)
class AppendMark(FrozenValue):
    """What an append's transaction writes into `quicketl.appends` (never a connection)."""

    token: str
    task_id: str
    key: str


MarkAppend = Callable[[], AppendMark]
"""Called inside an append's transaction, just before its COMMIT: saves the intent and returns
the mark to write."""


def _values(mark: AppendMark, table: str, rows: int, now: str) -> str:
    texts = ", ".join(string_literal(text) for text in (mark.token, mark.task_id, mark.key, table))
    return f"({texts}, {int(rows)}, {now})"


def mark_duckdb(
    run: Callable[[str], Any], alias: str, mark: AppendMark, table: str, rows: int
) -> None:
    """Write `mark` into the attached DuckDB file `alias`, inside the open transaction."""
    target = f"{ident(alias)}.{ident(SCHEMA)}.{ident(TABLE)}"
    run(f"CREATE SCHEMA IF NOT EXISTS {ident(alias)}.{ident(SCHEMA)}")
    run(f"CREATE TABLE IF NOT EXISTS {target} ({_COLUMNS})")
    run(f"INSERT INTO {target} VALUES {_values(mark, table, rows, 'current_timestamp')}")


def mark_postgres(cursor: Any, mark: AppendMark, table: str, rows: int, where: str) -> None:
    """Write `mark` into `quicketl.appends` on the server, inside the open transaction.

    A role that may not create or write that table appends as QuickETL 1.x did, without the
    token, and `where` (the masked connection) is named in a warning: the pipeline still runs
    unchanged, but a run killed at this COMMIT would append again. Rights are asked of the
    catalog first, since a refused statement would abort the append's transaction. An existing
    table is only written to, so an admin may create it for a role without CREATE rights.
    """
    cursor.execute(_RIGHTS)
    found = cursor.fetchone()
    table_ok, schema_ok, database_ok = found if found else (None, None, False)
    exists, schema_exists = table_ok is not None, schema_ok is not None
    allowed = table_ok if exists else schema_ok if schema_exists else database_ok
    if not allowed:
        cache_warning(_unmarked_warning(where))
        return
    target = f"{ident(SCHEMA)}.{ident(TABLE)}"
    if not exists:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(SCHEMA)}")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {target} ({_PG_COLUMNS})")
    cursor.execute(f"INSERT INTO {target} VALUES {_values(mark, table, rows, 'now()')}")


# By oid, never by name: naming an object in a schema the role may not use is itself an error.
_RIGHTS = f"""
SELECT
  (SELECT has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'INSERT')
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = '{SCHEMA}' AND c.relname = '{TABLE}'),
  (SELECT has_schema_privilege(oid, 'CREATE') FROM pg_catalog.pg_namespace
    WHERE nspname = '{SCHEMA}'),
  has_database_privilege(current_database(), 'CREATE')
"""


def _unmarked_warning(where: str) -> str:
    return (
        f"{where}: this role may not create or write {SCHEMA}.{TABLE}, so the append was made "
        "without the token that keeps a retry after a kill from appending again (as in "
        f"QuickETL 1.x); let it create schema {SCHEMA}, or create {SCHEMA}.{TABLE} for it and "
        "grant it INSERT and SELECT (docs/databases.md)"
    )


def was_appended(loaded: LoadedPipeline, token: str) -> bool:
    """Whether the append that wrote `token` committed in the pipeline's sink database. An
    unreachable database raises EngineError: the caller must not guess."""
    sink = loaded.config.sink
    if not isinstance(sink, DatabaseSink):
        return False  # the sink is no table now: nothing there can hold the token
    url = postgres_url(sink.connection, loaded.root)
    if url is not None:
        return _in_postgres(loaded.config.name, url, token)
    return _in_duckdb(duckdb_file(sink.connection, loaded.root), token)


def _lookup(table: str, token: str) -> str:
    return f"SELECT count(*) FROM {table} WHERE token = {string_literal(token)}"


def _in_duckdb(path: Path, token: str) -> bool:
    if not path.exists():
        return False  # no file, no rows: whatever was committed is gone with it
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            found = conn.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
                [SCHEMA, TABLE],
            ).fetchone()
            if not found or not found[0]:
                return False
            row = conn.execute(_lookup(f"{ident(SCHEMA)}.{ident(TABLE)}", token)).fetchone()
    except duckdb.Error as exc:
        raise EngineError(f"{path}: {exc}") from None
    return bool(row and row[0])


def _in_postgres(pipeline: str, url: str, token: str) -> bool:
    with connected(pipeline, url) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT to_regclass({string_literal(f'{SCHEMA}.{TABLE}')}) IS NOT NULL")
        exists = cursor.fetchone()
        if not exists or not exists[0]:
            return False
        cursor.execute(_lookup(f"{ident(SCHEMA)}.{ident(TABLE)}", token))
        row = cursor.fetchone()
        conn.rollback()
    return bool(row and row[0])
