"""QuickETL's portable type names map to the DuckDB types its docs promise."""

from __future__ import annotations

import pytest

from quicketl.engine.typenames import duckdb_type


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("int", "BIGINT"),
        ("float", "DOUBLE"),
        ("string", "VARCHAR"),
        ("bool", "BOOLEAN"),
        ("int8", "TINYINT"),
        ("int32", "INTEGER"),
        ("float32", "FLOAT"),
        ("datetime", "TIMESTAMP"),
        (" Int64 ", "BIGINT"),
        ("DECIMAL(10, 2)", "DECIMAL(10, 2)"),
        ("date", "date"),
    ],
)
def test_duckdb_type(name: str, expected: str) -> None:
    assert duckdb_type(name) == expected
