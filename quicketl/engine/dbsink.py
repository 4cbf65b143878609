"""Database sinks: a table in a DuckDB file, written in one transaction.

The table is created when missing. `append` inserts; `truncate` empties the table first and
keeps its definition; `replace` recreates it from the new rows; `upsert` deletes the rows whose
`upsert_keys` match a new row and inserts the new rows, so it needs no primary key (NULL keys
match each other, and when the new rows repeat a key the last one wins). Columns are matched
by name. On any error the transaction is rolled back and a database file this run created is
removed.

An append with a `mark_append` also writes its token into `quicketl.appends` of the same file,
in the same transaction (engine/appendmarks.py), so a retry can tell whether it committed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from quicketl.config.sinks import DatabaseSink
from quicketl.engine.appendmarks import MarkAppend, mark_duckdb
from quicketl.engine.duckdb_session import Session
from quicketl.engine.interrupts import hold_ctrl_c
from quicketl.engine.relation import Relation
from quicketl.engine.sql import ident, idents, table_ref
from quicketl.engine.staging import remove
from quicketl.engine.written import Written


def write_table(
    session: Session,
    sink: DatabaseSink,
    final: Relation,
    path: Path,
    mark_append: MarkAppend | None = None,
) -> Written:
    """Write the materialised `final` table into `sink.table` of the DuckDB file at `path`."""
    created = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    session.detach_all()  # a source may be this very file, attached read-only
    try:
        alias = session.attach(path, read_only=False)
        marked = mark_append if sink.mode == "append" else None

        def write() -> int:
            rows = _MODES[sink.mode](session, sink, alias, final)
            if marked is not None:  # just before the COMMIT, inside the transaction
                mark_duckdb(session.run, alias, marked(), sink.table, rows)
            return rows

        rows = _in_transaction(session, write)
    except BaseException:
        session.detach_all()
        if created:
            remove(path)
            remove(path.with_name(path.name + ".wal"))
        raise
    session.detach_all()
    return Written(rows, [path])


def _in_transaction(session: Session, write: Callable[[], int]) -> int:
    session.run("BEGIN TRANSACTION")
    try:
        rows = write()
    except BaseException:
        session.run("ROLLBACK")
        raise
    commit_table(session)
    return rows


def commit_table(session: Session) -> None:
    """The COMMIT: the one moment the rows (and an append's token) become durable."""
    hold_ctrl_c()  # from here the rows and their record go together
    session.run("COMMIT")


def _target(sink: DatabaseSink, alias: str) -> str:
    return f"{ident(alias)}.{table_ref(sink.table)}"


def _ensure_schema(session: Session, sink: DatabaseSink, alias: str) -> str:
    schema, dot, _ = sink.table.partition(".")
    if dot:
        session.run(f"CREATE SCHEMA IF NOT EXISTS {ident(alias)}.{ident(schema)}")
    return _target(sink, alias)


def _ensure_table(session: Session, sink: DatabaseSink, alias: str, final: Relation) -> str:
    target = _ensure_schema(session, sink, alias)
    session.run(f"CREATE TABLE IF NOT EXISTS {target} AS SELECT * FROM {final.ref} LIMIT 0")
    return target


def _insert(session: Session, target: str, source: str) -> int:
    return int(session.scalar(f"INSERT INTO {target} BY NAME {source}"))


def _append(session: Session, sink: DatabaseSink, alias: str, final: Relation) -> int:
    target = _ensure_table(session, sink, alias, final)
    return _insert(session, target, f"SELECT * FROM {final.ref}")


def _truncate(session: Session, sink: DatabaseSink, alias: str, final: Relation) -> int:
    target = _ensure_table(session, sink, alias, final)
    session.run(f"DELETE FROM {target}")
    return _insert(session, target, f"SELECT * FROM {final.ref}")


def _replace(session: Session, sink: DatabaseSink, alias: str, final: Relation) -> int:
    target = _ensure_schema(session, sink, alias)
    return int(session.scalar(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM {final.ref}"))


def _upsert(session: Session, sink: DatabaseSink, alias: str, final: Relation) -> int:
    target = _ensure_table(session, sink, alias, final)
    keys = sink.upsert_keys
    same = " AND ".join(f"t.{ident(k)} IS NOT DISTINCT FROM n.{ident(k)}" for k in keys)
    session.run(
        f"DELETE FROM {target} AS t WHERE EXISTS (SELECT 1 FROM {final.ref} AS n WHERE {same})"
    )
    latest = (
        f"SELECT * FROM {final.ref} QUALIFY row_number() OVER "
        f"(PARTITION BY {idents(keys)} ORDER BY rowid DESC) = 1 ORDER BY rowid"
    )
    return _insert(session, target, latest)


_MODES: dict[str, Callable[[Session, DatabaseSink, str, Relation], int]] = {
    "append": _append,
    "truncate": _truncate,
    "replace": _replace,
    "upsert": _upsert,
}
