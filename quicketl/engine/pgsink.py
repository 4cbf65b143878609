"""PostgreSQL sinks: a table written in one transaction, whatever the mode.

- `append` inserts; `truncate` empties the table first and keeps its definition; `replace`
  drops and recreates it from the new rows' columns; `upsert` inserts, updating the rows whose
  `upsert_keys` already exist (`INSERT ... ON CONFLICT`), so the table needs a primary key or
  unique constraint on exactly those columns. When the new rows repeat a key, the last one wins.
- A missing table is created from the columns (engine/pgtypes.py maps the types and refuses the
  rest before anything is sent), except in upsert mode, which needs the key declared.
- Rows go over binary COPY (ADBC). Into a table this transaction created, directly; into an
  existing one through a temporary staging table and one INSERT, so PostgreSQL converts each
  column to the table's own type and matches columns by name.
- Any error rolls the transaction back: the table is exactly as it was, or not there.
- An append with a `mark_append` also writes its token into `quicketl.appends` in the same
  transaction (engine/appendmarks.py), so a retry can tell whether it committed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from quicketl.config.secrets import mask
from quicketl.config.sinks import DatabaseSink
from quicketl.engine.appendmarks import MarkAppend, mark_postgres
from quicketl.engine.duckdb_module import load_python_layer
from quicketl.engine.duckdb_session import Session
from quicketl.engine.interrupts import hold_ctrl_c
from quicketl.engine.pgread import pg_ident, pg_table
from quicketl.engine.pgtypes import Mapped, UnmappedType, pg_column
from quicketl.engine.postgres import adbc_error, connected, failure
from quicketl.engine.relation import Relation
from quicketl.engine.sql import ident, string_literal
from quicketl.engine.written import Written
from quicketl.values import FrozenValue

_STAGE = "qetl_stage"
_NO_UNIQUE_KEY = "42P10"  # ON CONFLICT names columns without a unique index
_BATCH_ROWS = 122_880  # DuckDB's row group: batches as DuckDB stores them


@dataclass(frozen=True, repr=False, eq=False)
class _Write(FrozenValue):
    """One sink write: where, which columns, and how to stream the rows."""

    session: Session
    sink: DatabaseSink
    columns: list[Mapped]
    select: str  # the DuckDB query producing the rows to send
    pipeline: str
    url: str

    @property
    def target(self) -> str:
        return pg_table(self.sink.table)

    @property
    def names(self) -> str:
        return ", ".join(pg_ident(c.name) for c in self.columns)

    def reader(self) -> Any:
        load_python_layer()  # relations (`sql`) are the package's, from DuckDB 2
        return self.session.con.sql(self.select).to_arrow_reader(_BATCH_ROWS)


def write_postgres(
    session: Session,
    pipeline: str,
    url: str,
    sink: DatabaseSink,
    final: Relation,
    mark_append: MarkAppend | None = None,
) -> Written:
    """Write the materialised `final` into `sink.table` on the server at `url`."""
    try:
        columns = [pg_column(column) for column in final.columns]
    except UnmappedType as exc:
        raise failure(pipeline, url, f"{sink.table}: {exc}") from None
    write = _Write(session, sink, columns, _rows_query(sink, final, columns), pipeline, url)
    rows = int(session.run(f"SELECT count(*) FROM ({write.select})")[0][0])
    with connected(pipeline, url) as conn:
        try:
            with conn.cursor() as cursor:
                _MODES[sink.mode](cursor, write)
                if mark_append is not None and sink.mode == "append":
                    where = f"pipeline {pipeline}: {mask(url)}"
                    mark_postgres(cursor, mark_append(), sink.table, rows, where)
            commit_table(conn)
        except BaseException:
            _rollback(conn)
            raise
    return Written(rows, [])


def commit_table(conn: Any) -> None:
    """The COMMIT: the one moment the rows (and an append's token) become durable."""
    hold_ctrl_c()  # from here the rows and their record go together
    conn.commit()


def _rows_query(sink: DatabaseSink, final: Relation, columns: list[Mapped]) -> str:
    # Named as PostgreSQL will name them: COPY lists the Arrow field names, quoted.
    items = ", ".join(f"{c.expr} AS {pg_ident(c.name)}" for c in columns)
    if sink.mode != "upsert":
        return f"SELECT {items} FROM {final.ref}"
    keys = ", ".join(ident(k) for k in sink.upsert_keys)
    # ON CONFLICT cannot touch a row twice in one statement: the last new row of a key wins.
    return (
        f"SELECT {items} FROM {final.ref} QUALIFY row_number() OVER "
        f"(PARTITION BY {keys} ORDER BY rowid DESC) = 1 ORDER BY rowid"
    )


def _rollback(conn: Any) -> None:
    with suppress(Exception):  # a dead connection rolls back on its own
        conn.rollback()


def _exists(cursor: Any, write: _Write) -> bool:
    cursor.execute(f"SELECT to_regclass({string_literal(write.target)}) IS NOT NULL")
    row = cursor.fetchone()
    return bool(row and row[0])


def _create(cursor: Any, write: _Write) -> None:
    schema, dot, _ = write.sink.table.partition(".")
    if dot:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {pg_ident(schema)}")
    declared = ", ".join(f"{pg_ident(c.name)} {c.pg_type}" for c in write.columns)
    cursor.execute(f"CREATE TABLE {write.target} ({declared})")


def _ingest(cursor: Any, write: _Write, *, table: str, schema: str | None, temp: bool) -> None:
    cursor.adbc_ingest(table, write.reader(), mode="append", db_schema_name=schema, temporary=temp)


def _into_new(cursor: Any, write: _Write) -> None:
    """Rows straight into the table this transaction created (its columns are ours)."""
    schema, dot, name = write.sink.table.partition(".")
    folded = _folded(name if dot else schema)
    _ingest(cursor, write, table=folded, schema=_folded(schema) if dot else None, temp=False)


def _folded(name: str) -> str:
    return pg_ident(name)[1:-1].replace('""', '"')


def _staged(cursor: Any, write: _Write) -> None:
    """Rows into a temporary table shaped like ours, dropped when the transaction ends."""
    declared = ", ".join(f"{pg_ident(c.name)} {c.pg_type}" for c in write.columns)
    cursor.execute(f"CREATE TEMP TABLE {_STAGE} ({declared}) ON COMMIT DROP")
    _ingest(cursor, write, table=_STAGE, schema=None, temp=True)


def _insert_staged(cursor: Any, write: _Write, conflict: str = "") -> None:
    names = write.names
    cursor.execute(f"INSERT INTO {write.target} ({names}) SELECT {names} FROM {_STAGE}{conflict}")


def _append(cursor: Any, write: _Write) -> None:
    if not _exists(cursor, write):
        _create(cursor, write)
        _into_new(cursor, write)
        return
    _staged(cursor, write)
    _insert_staged(cursor, write)


def _truncate(cursor: Any, write: _Write) -> None:
    if _exists(cursor, write):
        cursor.execute(f"TRUNCATE {write.target}")
    _append(cursor, write)


def _replace(cursor: Any, write: _Write) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {write.target}")
    _create(cursor, write)
    _into_new(cursor, write)


def _upsert(cursor: Any, write: _Write) -> None:
    sink = write.sink
    if not _exists(cursor, write):
        keys = ", ".join(sink.upsert_keys)
        raise failure(
            write.pipeline,
            write.url,
            f"table {sink.table} does not exist; mode upsert needs it created first, with a "
            f"primary key or unique constraint on ({keys})",
        )
    _staged(cursor, write)
    key_names = {k.casefold() for k in sink.upsert_keys}
    others = [c for c in write.columns if c.name.casefold() not in key_names]
    update = ", ".join(f"{pg_ident(c.name)} = EXCLUDED.{pg_ident(c.name)}" for c in others)
    action = f"DO UPDATE SET {update}" if others else "DO NOTHING"
    target = ", ".join(pg_ident(k) for k in sink.upsert_keys)
    try:
        _insert_staged(cursor, write, f" ON CONFLICT ({target}) {action}")
    except adbc_error() as exc:
        if getattr(exc, "sqlstate", None) != _NO_UNIQUE_KEY:
            raise
        keys = ", ".join(sink.upsert_keys)
        message = (
            f"mode upsert needs a primary key or unique constraint on ({keys}) in table "
            f"{sink.table}; it has none on exactly these columns"
        )
        raise failure(write.pipeline, write.url, message) from None


_MODES: dict[str, Callable[[Any, _Write], None]] = {
    "append": _append,
    "truncate": _truncate,
    "replace": _replace,
    "upsert": _upsert,
}
