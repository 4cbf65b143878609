"""Column types between DuckDB and PostgreSQL (engine/pgtypes.py), without a server."""

from __future__ import annotations

import pytest

from quicketl.engine.pgtypes import UnmappedType, pg_column, read_cast
from quicketl.engine.relation import Column


@pytest.mark.parametrize(
    ("duckdb_type", "pg_type", "expr"),
    [
        ("INTEGER", "integer", '"c"'),
        ("UTINYINT", "smallint", 'CAST("c" AS SMALLINT)'),
        ("UBIGINT", "numeric(20,0)", 'CAST("c" AS DECIMAL(20,0))'),
        ("DECIMAL(18,3)", "numeric(18,3)", '"c"'),
        ("TIMESTAMP_NS", "timestamp", 'CAST("c" AS TIMESTAMP)'),
        ("TIMESTAMP WITH TIME ZONE", "timestamptz", '"c"'),
        ("JSON", "json", 'CAST("c" AS VARCHAR)'),
        ("VARCHAR", "text", '"c"'),
    ],
)
def test_duckdb_types_map_to_postgresql(duckdb_type: str, pg_type: str, expr: str) -> None:
    mapped = pg_column(Column("c", duckdb_type))
    assert (mapped.pg_type, mapped.expr) == (pg_type, expr)


@pytest.mark.parametrize("duckdb_type", ["INTEGER[]", "STRUCT(a INTEGER)", "BLOB", "INTERVAL"])
def test_other_types_are_refused_with_a_way_out(duckdb_type: str) -> None:
    with pytest.raises(UnmappedType, match=r"has no PostgreSQL mapping here .* cast it in a"):
        pg_column(Column("c", duckdb_type))


@pytest.mark.parametrize(
    ("typmod", "duckdb_type"),
    [((12 << 16 | 2) + 4, "DECIMAL(12,2)"), (-1, "DOUBLE"), ((50 << 16 | 2) + 4, "DOUBLE")],
)
def test_numeric_reads_as_its_declared_decimal(typmod: int, duckdb_type: str) -> None:
    assert read_cast("n", "numeric", typmod) == f'CAST("n" AS {duckdb_type}) AS "n"'


def test_json_reads_as_json_and_the_rest_as_is() -> None:
    assert read_cast("j", "jsonb", -1) == 'CAST("j" AS JSON) AS "j"'
    assert read_cast("t", "text", -1) == '"t"'
