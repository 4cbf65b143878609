"""filter, dedup, sort and limit: exact results, in a deterministic order."""

from __future__ import annotations

from collections.abc import Callable

from ..helpers import Output

Transformed = Callable[..., Output]
EVENTS = (
    "SELECT * FROM (VALUES (1, 'c1', 30), (2, 'c2', 10), (3, 'c1', 20), (4, NULL, 20), "
    "(5, 'c2', NULL), (6, 'c1', 30)) t(id, customer, amount)"
)


def test_filter_takes_full_duckdb_sql(transformed: Transformed) -> None:
    steps = "- {op: filter, predicate: \"amount >= 20 AND customer IN ('c1', 'c3')\"}"
    _, rows = transformed(EVENTS, steps)
    assert [row[0] for row in rows] == [1, 3, 6]


def test_expressions_may_end_with_a_comment(transformed: Transformed) -> None:
    steps = """
    - op: filter
      predicate: |
        amount >= 20 -- big ones only
    - {op: derive_column, name: x, expr: amount + 1 -- plus one}
    """
    _, rows = transformed(EVENTS, steps)
    assert [(row[0], row[-1]) for row in rows] == [(1, 31), (3, 21), (4, 21), (6, 31)]


def test_filter_drops_rows_where_the_predicate_is_null(transformed: Transformed) -> None:
    _, rows = transformed(EVENTS, "- {op: filter, predicate: amount < 25}")
    assert [row[0] for row in rows] == [2, 3, 4]


def test_dedup_on_columns_keeps_the_first_row_of_each_key(transformed: Transformed) -> None:
    _, rows = transformed(EVENTS, "- {op: dedup, columns: [customer]}")
    assert [row[0] for row in rows] == [1, 2, 4]


def test_dedup_without_columns_removes_exact_duplicates(transformed: Transformed) -> None:
    values = "(2, 'b'), (1, 'a'), (2, 'b'), (1, 'a'), (3, NULL), (3, NULL)"
    data = f"SELECT * FROM (VALUES {values}) t(x, y)"
    _, rows = transformed(data, "- op: dedup")
    assert rows == [(2, "b"), (1, "a"), (3, None)]


def test_sort_then_dedup_keeps_the_latest(transformed: Transformed) -> None:
    steps = """
    - {op: sort, by: [amount], descending: true}
    - {op: dedup, columns: [customer]}
    """
    _, rows = transformed(EVENTS, steps)
    assert [row[0] for row in rows] == [1, 4, 2]


def test_sort_is_stable_and_puts_nulls_last(transformed: Transformed) -> None:
    _, rows = transformed(EVENTS, "- {op: sort, by: amount}")
    assert [row[0] for row in rows] == [2, 3, 4, 1, 6, 5]
    _, rows = transformed(EVENTS, "- {op: sort, by: [amount], descending: true}")
    assert [row[0] for row in rows] == [1, 6, 3, 4, 2, 5]


def test_sort_with_a_direction_per_key(transformed: Transformed) -> None:
    _, rows = transformed(EVENTS, "- {op: sort, by: [customer, amount], descending: [false, true]}")
    assert [row[0] for row in rows] == [1, 6, 3, 2, 5, 4]


def test_sort_with_quicketl_column_order_keys(transformed: Transformed) -> None:
    steps = """
    - op: sort
      by:
        - {column: customer, order: desc}
        - {column: id}
    """
    _, rows = transformed(EVENTS, steps)
    assert [row[0] for row in rows] == [2, 5, 1, 3, 6, 4]


def test_limit_keeps_the_first_rows_in_order(transformed: Transformed) -> None:
    _, rows = transformed(EVENTS, "- {op: sort, by: id, descending: true}\n- {op: limit, n: 2}")
    assert [row[0] for row in rows] == [6, 5]
    _, rows = transformed(EVENTS, "- {op: limit, n: 0}")
    assert rows == []
