"""A PostgreSQL table or query read into a temporary DuckDB table, as Arrow record batches.

The result streams from the server (binary COPY inside ADBC) into DuckDB, which scans the
record batches as they come: no row passes through Python. `numeric` and `json` columns are
cast on the way in (engine/pgtypes.py).
"""

from __future__ import annotations

import re
from typing import Any

from quicketl.engine.duckdb_session import Session
from quicketl.engine.pgtypes import read_cast
from quicketl.engine.postgres import connected
from quicketl.engine.sql import ident

_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def pg_ident(name: str) -> str:
    """A PostgreSQL identifier as the user meant it: a plain name folds to lower case, as it
    would unquoted in SQL; any other name is kept as written."""
    return ident(name.lower() if _SIMPLE.fullmatch(name) else name)


def pg_table(table: str) -> str:
    """`schema.table` or `table`, quoted for PostgreSQL."""
    schema, dot, name = table.partition(".")
    return f"{pg_ident(schema)}.{pg_ident(name)}" if dot else pg_ident(table)


def source_sql(table: str | None, query: str | None) -> str:
    """The SELECT that reads a source from PostgreSQL."""
    if table is not None:
        return f"SELECT * FROM {pg_table(table)}"
    text = (query or "").strip().rstrip(";")
    return f"SELECT * FROM ({text}\n) AS qetl_query"


def read_into(
    session: Session, pipeline: str, url: str, select: str, target: str, *, rows: bool
) -> int:
    """Read `select` into the temporary table `target`; with `rows` false, only its columns
    (one round trip, no rows). Returns the rows stored."""
    sql = select if rows else f"{select} LIMIT 0"
    with connected(pipeline, url) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        reader = cursor.fetch_record_batch()
        return _store(session, reader, target)


def _store(session: Session, reader: Any, target: str) -> int:
    scan = f"{target}_arrow"
    items = ", ".join(_select_item(field) for field in reader.schema) or "*"
    session.con.register(scan, reader)
    try:
        created = (
            f"CREATE OR REPLACE TEMP TABLE {ident(target)} AS SELECT {items} FROM {ident(scan)}"
        )
        return int(session.scalar(created))
    finally:
        session.con.unregister(scan)


def _select_item(field: Any) -> str:
    metadata = {bytes(k).decode(): bytes(v).decode() for k, v in (field.metadata or {}).items()}
    pg_type = metadata.get("POSTGRESQL:type", "")
    typmod = int(metadata.get("POSTGRESQL:typmod", "-1") or -1)
    return read_cast(str(field.name), pg_type, typmod)
