"""A PostgreSQL table or query read into a temporary DuckDB table, as Arrow record batches.

The result streams from the server (binary COPY inside ADBC) into DuckDB, which scans the
record batches as they come: no row passes through Python. `numeric` and `json` columns are
cast on the way in (engine/pgtypes.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from quicketl.engine.duckdb_module import load_python_layer
from quicketl.engine.duckdb_session import Session
from quicketl.engine.pgtypes import read_cast
from quicketl.engine.postgres import connected
from quicketl.engine.sql import ident
from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.values import FrozenValue

_SIMPLE = lazy_pattern(r"[A-Za-z_][A-Za-z0-9_$]*")


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
    (no rows are read). Returns the rows stored."""
    with connected(pipeline, url) as conn, conn.cursor() as cursor:
        schema = cursor.adbc_execute_schema(select)
        fields = [_Field.of(field) for field in schema]
        wire = _wire_sql(select, fields) + ("" if rows else " LIMIT 0")
        cursor.execute(wire)
        return _store(session, cursor.fetch_record_batch(), fields, target)


@dataclass(frozen=True, repr=False, eq=False)
class _Field(FrozenValue):
    name: str
    pg_type: str
    typmod: int

    @classmethod
    def of(cls, field: Any) -> _Field:
        meta = {bytes(k).decode(): bytes(v).decode() for k, v in (field.metadata or {}).items()}
        typmod = int(meta.get("POSTGRESQL:typmod", "-1") or -1)
        return cls(str(field.name), meta.get("POSTGRESQL:type", ""), typmod)

    @property
    def as_text(self) -> bool:
        # ADBC decodes binary numeric digit by digit, slowly: as text it costs a third, and
        # DuckDB's cast from text is exact.
        return self.pg_type in _AS_TEXT


_AS_TEXT = ("numeric", "json", "jsonb")


def _wire_sql(select: str, fields: list[_Field]) -> str:
    """`select`, with the columns better sent as text cast on the server."""
    names = [f.name for f in fields]
    if not any(f.as_text for f in fields) or len(set(names)) != len(names):
        return select
    items = ", ".join(
        f"{ident(f.name)}::text AS {ident(f.name)}" if f.as_text else ident(f.name) for f in fields
    )
    return f"SELECT {items} FROM ({select}) AS qetl_wire"


def _store(session: Session, reader: Any, fields: list[_Field], target: str) -> int:
    scan = f"{target}_arrow"
    items = ", ".join(read_cast(f.name, f.pg_type, f.typmod) for f in fields) or "*"
    load_python_layer()  # scanning an Arrow reader is the package's, from DuckDB 2
    session.con.register(scan, reader)
    try:
        created = f"CREATE OR REPLACE TEMP TABLE {ident(target)} AS SELECT {items}"
        return int(session.run(f"{created} FROM {ident(scan)}")[0][0])
    finally:
        session.con.unregister(scan)
