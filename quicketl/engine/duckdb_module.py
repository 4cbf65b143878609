"""The DuckDB module the engine uses: the compiled `_duckdb` alone, where the package has one.

From DuckDB 2 the `duckdb` package is its compiled module plus a Python layer (relations,
expressions, Arrow and Polars sources) that takes about 70 ms to import, more than a tiny
pipeline's whole run. The engine sends SQL text and needs none of it (docs/architecture.md,
"DuckDB sessions"). Before DuckDB 2 the compiled module is `duckdb.duckdb` and the package is
light, so the package is used. Its exceptions and connection class are the compiled module's
either way, so `duckdb.Error` here is the one a user's `import duckdb` sees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
else:
    try:
        import _duckdb as duckdb
    except ImportError:  # DuckDB 1.x
        import duckdb

__all__ = ["COMPILED_ONLY", "column_types", "duckdb", "load_python_layer"]

# True when the package's Python layer is not loaded: no relations (`con.sql`).
COMPILED_ONLY: bool = duckdb.__name__ == "_duckdb"


def column_types(con: duckdb.DuckDBPyConnection, select: str) -> list[tuple[str, str]]:
    """The names and DuckDB type names of the columns of `select`, without reading its rows."""
    if COMPILED_ONLY:  # a LIMIT 0 result is planned away; its description names DuckDB types
        described = con.execute(f"SELECT * FROM ({select}) LIMIT 0").description or []
        return [(str(column[0]), str(column[1])) for column in described]
    bound = con.sql(select)  # DuckDB 1.x: binding a relation runs nothing
    return [(str(c), str(t)) for c, t in zip(bound.columns, bound.types, strict=True)]


def load_python_layer() -> None:
    """Import the duckdb package, for the two things of its Python layer the engine uses, both
    for PostgreSQL: scanning an Arrow reader (a source) and a relation's Arrow batches (a sink).
    Importing it once gives every connection, already open or not, those abilities."""
    import duckdb  # noqa: F401
