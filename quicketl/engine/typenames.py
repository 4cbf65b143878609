"""QuickETL's portable type names (int, float, string, ...) translated to DuckDB types.

QuickETL documents `int` as BIGINT and `float` as DOUBLE, and sized names in bits as Ibis and
pandas spell them (`int8` is 8 bits), which differs from DuckDB's own `INT8`/`FLOAT`. Any
other name is passed to DuckDB unchanged, so every DuckDB type (`DECIMAL(10,2)`, `DATE`, ...)
works too.
"""

from __future__ import annotations

_ALIASES = {
    "string": "VARCHAR",
    "str": "VARCHAR",
    "utf8": "VARCHAR",
    "int": "BIGINT",
    "int8": "TINYINT",
    "int16": "SMALLINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "uint8": "UTINYINT",
    "uint16": "USMALLINT",
    "uint32": "UINTEGER",
    "uint64": "UBIGINT",
    "float": "DOUBLE",
    "float32": "FLOAT",
    "float64": "DOUBLE",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMP",
}


def duckdb_type(name: str) -> str:
    """The DuckDB spelling of a type name from a pipeline file."""
    return _ALIASES.get(name.strip().lower(), name.strip())
