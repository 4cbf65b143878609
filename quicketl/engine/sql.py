"""Quoting of identifiers and values for the SQL the engine generates."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal


def ident(name: str) -> str:
    """A double-quoted identifier; embedded quotes are doubled, so any name is safe."""
    return '"' + name.replace('"', '""') + '"'


def user_sql(text: str) -> str:
    """User SQL in parentheses; the newline ends a trailing `-- comment` before the `)`."""
    return f"({text}\n)"


def table_ref(table: str) -> str:
    """`schema.table` or `table` (in schema main), quoted."""
    schema, dot, name = table.partition(".")
    return f"{ident(schema)}.{ident(name)}" if dot else f"main.{ident(table)}"


def idents(names: Iterable[str]) -> str:
    return ", ".join(ident(name) for name in names)


def string_literal(text: str) -> str:
    """A single-quoted string literal. NUL cannot appear inside one, so it is spliced in."""
    parts = ["'" + part.replace("'", "''") + "'" for part in text.split("\x00")]
    return " || chr(0) || ".join(parts) if len(parts) > 1 else parts[0]


def literal(value: object) -> str:
    """A Python value from YAML as a SQL literal of the matching DuckDB type."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_literal(value)
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else f"{string_literal(str(value))}::DOUBLE"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return _temporal_literal(value) or string_literal(str(value))


def _float_literal(value: float) -> str:
    # repr round-trips exactly; the cast keeps it a DOUBLE (DuckDB reads 0.6 as a DECIMAL);
    # NaN and infinities have no numeric spelling in SQL.
    if math.isfinite(value):
        return f"{value!r}::DOUBLE"
    return f"{string_literal(str(value))}::DOUBLE"


def _temporal_literal(value: object) -> str | None:
    if isinstance(value, datetime):
        kind = "TIMESTAMPTZ" if value.tzinfo else "TIMESTAMP"
        return f"{kind} {string_literal(value.isoformat(sep=' '))}"
    if isinstance(value, date):
        return f"DATE {string_literal(value.isoformat())}"
    if isinstance(value, time):
        return f"TIME {string_literal(value.isoformat())}"
    return None


def struct_literal(mapping: dict[str, str]) -> str:
    """`{'name': 'TYPE', ...}`, the spelling read_csv takes for column types."""
    items = (f"{string_literal(k)}: {string_literal(v)}" for k, v in mapping.items())
    return "{" + ", ".join(items) + "}"
