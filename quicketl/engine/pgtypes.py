"""Column types between DuckDB and PostgreSQL, both ways; what has no faithful mapping is refused.

DuckDB -> PostgreSQL (a sink), with the DuckDB cast that makes the Arrow type ADBC's binary COPY
writes for it:

| DuckDB | PostgreSQL |
| --- | --- |
| TINYINT, SMALLINT, UTINYINT | smallint |
| INTEGER, USMALLINT | integer |
| BIGINT, UINTEGER | bigint |
| UBIGINT, HUGEINT, UHUGEINT | numeric(20,0) / numeric(38,0) |
| DECIMAL(p,s) | numeric(p,s) |
| FLOAT / DOUBLE | real / double precision |
| VARCHAR | text |
| BOOLEAN | boolean |
| DATE | date |
| TIMESTAMP (any precision) | timestamp |
| TIMESTAMP WITH TIME ZONE | timestamptz |
| JSON | json |

PostgreSQL -> DuckDB (a source): ADBC maps most types itself; `numeric` arrives as text and is
cast to DECIMAL(p,s) from the column's declared precision and scale (DOUBLE when it declares
none, or more than DuckDB's 38 digits), and `json`/`jsonb` to JSON.
"""

from __future__ import annotations

from dataclasses import dataclass

from quicketl.engine.relation import Column
from quicketl.engine.sql import ident
from quicketl.locations.lazy_pattern import lazy_pattern
from quicketl.values import FrozenValue

_DECIMAL = lazy_pattern(r"DECIMAL\((\d+),\s*(\d+)\)")
# DuckDB type -> (PostgreSQL type, the DuckDB type to cast to before writing, if any).
_SIMPLE: dict[str, tuple[str, str | None]] = {
    "TINYINT": ("smallint", "SMALLINT"),
    "UTINYINT": ("smallint", "SMALLINT"),
    "SMALLINT": ("smallint", None),
    "USMALLINT": ("integer", "INTEGER"),
    "INTEGER": ("integer", None),
    "UINTEGER": ("bigint", "BIGINT"),
    "BIGINT": ("bigint", None),
    "UBIGINT": ("numeric(20,0)", "DECIMAL(20,0)"),
    "HUGEINT": ("numeric(38,0)", "DECIMAL(38,0)"),
    "UHUGEINT": ("numeric(38,0)", "DECIMAL(38,0)"),
    "FLOAT": ("real", None),
    "DOUBLE": ("double precision", None),
    "VARCHAR": ("text", None),
    "BOOLEAN": ("boolean", None),
    "DATE": ("date", None),
    "TIMESTAMP": ("timestamp", None),
    "TIMESTAMP_S": ("timestamp", "TIMESTAMP"),
    "TIMESTAMP_MS": ("timestamp", "TIMESTAMP"),
    "TIMESTAMP_NS": ("timestamp", "TIMESTAMP"),
    "TIMESTAMP WITH TIME ZONE": ("timestamptz", None),
    "JSON": ("json", "VARCHAR"),
}
SUPPORTED = (
    "integers, DECIMAL, FLOAT, DOUBLE, VARCHAR, BOOLEAN, DATE, TIMESTAMP, "
    "TIMESTAMP WITH TIME ZONE and JSON"
)


@dataclass(frozen=True, repr=False, eq=False)
class Mapped(FrozenValue):
    """One column as PostgreSQL declares it, and as DuckDB selects it for the write."""

    name: str
    pg_type: str
    expr: str  # the DuckDB expression for the column's values


class UnmappedType(ValueError):
    """A column whose DuckDB type has no PostgreSQL column type here."""


def pg_column(column: Column) -> Mapped:
    """How `column` is declared in PostgreSQL and selected from DuckDB; UnmappedType if not."""
    kind = column.type.upper()
    decimal = _DECIMAL.fullmatch(kind)
    if decimal:
        precision, scale = decimal.groups()
        return Mapped(column.name, f"numeric({precision},{scale})", ident(column.name))
    if kind not in _SIMPLE:
        raise UnmappedType(
            f"column '{column.name}' has type {column.type}, which has no PostgreSQL mapping "
            f"here (supported: {SUPPORTED}); cast it in a transform"
        )
    pg_type, cast = _SIMPLE[kind]
    name = ident(column.name)
    return Mapped(column.name, pg_type, f"CAST({name} AS {cast})" if cast else name)


def read_cast(name: str, pg_type: str, typmod: int) -> str:
    """The DuckDB select item for a column ADBC read with PostgreSQL type `pg_type`."""
    quoted = ident(name)
    if pg_type == "numeric":
        return f"CAST({quoted} AS {_numeric_type(typmod)}) AS {quoted}"
    if pg_type in ("json", "jsonb"):
        return f"CAST({quoted} AS JSON) AS {quoted}"
    return quoted


def _numeric_type(typmod: int) -> str:
    # PostgreSQL stores numeric(p,s) as ((p << 16) | s) + 4; -1 when undeclared.
    if typmod < 4:
        return "DOUBLE"
    precision, scale = ((typmod - 4) >> 16) & 0xFFFF, (typmod - 4) & 0xFFFF
    if precision > 38 or scale > precision:
        return "DOUBLE"
    return f"DECIMAL({precision},{scale})"
