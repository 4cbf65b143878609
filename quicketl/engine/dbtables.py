"""The tables a DuckDB database file holds, read without writing it (docs/architecture.md,
"Outputs": a table dropped from a file quicketl wrote into makes its writer run again)."""

from __future__ import annotations

from quicketl.engine.duckdb_module import duckdb

_TABLES = "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?"


def tables_in(path: str) -> frozenset[str] | None:
    """`schema.table` of every table in the file at `path`, lower case as task references
    name them; None when the file cannot be opened (held by another process, not a
    database): the caller then cannot tell, and must not guess that a table is gone."""
    try:
        with duckdb.connect(path, read_only=True) as conn:
            name = conn.execute("SELECT current_database()").fetchone()
            rows = conn.execute(_TABLES, [name[0] if name else ""]).fetchall()
    except duckdb.Error:
        return None
    return frozenset(f"{schema}.{table}".lower() for schema, table in rows)
