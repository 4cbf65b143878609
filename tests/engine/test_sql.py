"""Quoting: any identifier and any YAML value survives the trip through DuckDB unchanged."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from quicketl.engine.sql import ident, literal, string_literal, struct_literal, table_ref

CON = duckdb.connect()


def scalar(sql: str) -> object:
    row = CON.execute(f"SELECT {sql}").fetchone()
    assert row is not None
    return row[0]


@settings(deadline=None)
@given(st.text())
def test_string_literal_round_trips_any_text(text: str) -> None:
    assert scalar(string_literal(text)) == text


@settings(deadline=None)
@given(st.text(min_size=1).filter(lambda t: "\x00" not in t))
def test_ident_names_a_column_exactly(name: str) -> None:
    cursor = CON.execute(f"SELECT 1 AS {ident(name)}")
    assert cursor.description[0][0] == name


@settings(deadline=None)
@given(st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text()))
def test_literal_round_trips_scalars(value: object) -> None:
    assert scalar(literal(value)) == value


@settings(deadline=None)
@given(st.floats(allow_nan=False))
def test_literal_round_trips_floats(value: float) -> None:
    assert scalar(literal(value)) == value


def test_literal_spells_special_values() -> None:
    assert math.isnan(float(scalar(literal(float("nan")))))  # type: ignore[arg-type]
    assert scalar(literal(float("-inf"))) == float("-inf")
    assert scalar(literal(Decimal("12.50"))) == Decimal("12.50")
    assert scalar(literal(datetime.date(2025, 1, 15))) == datetime.date(2025, 1, 15)
    moment = datetime.datetime(2025, 1, 15, 14, 30)
    assert scalar(literal(moment)) == moment
    assert scalar(literal(["a", "b's"])) == ["a", "b's"]


def test_struct_literal_and_table_ref() -> None:
    assert struct_literal({"it's": "INTEGER"}) == "{'it''s': 'INTEGER'}"
    assert table_ref("sales") == 'main."sales"'
    assert table_ref("raw.sales") == '"raw"."sales"'
