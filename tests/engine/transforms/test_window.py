"""window: ranking, offsets and running aggregates, with rows kept in input order."""

from __future__ import annotations

from collections.abc import Callable

from ..helpers import Output

Transformed = Callable[..., Output]
DAYS = (
    "SELECT * FROM (VALUES (1, 'a', DATE '2025-01-02', 20), (2, 'b', DATE '2025-01-01', 5), "
    "(3, 'a', DATE '2025-01-01', 10), (4, 'a', DATE '2025-01-03', 20), "
    "(5, 'b', DATE '2025-01-02', 7)) t(id, shop, day, sales)"
)


def window(transformed: Transformed, spec: str) -> list[tuple[object, ...]]:
    _, rows = transformed(DAYS, f"- op: window\n  columns:\n    - {spec}")
    return [(row[0], row[-1]) for row in rows]


def test_row_number_rank_and_dense_rank(transformed: Transformed) -> None:
    order = "partition_by: [shop], order_by: [sales desc]"
    assert window(transformed, f"{{name: n, func: row_number, {order}}}") == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 2),
        (5, 1),
    ]
    assert window(transformed, f"{{name: r, func: rank, {order}}}") == [
        (1, 1),
        (2, 2),
        (3, 3),
        (4, 1),
        (5, 1),
    ]
    assert window(transformed, f"{{name: r, func: dense_rank, {order}}}") == [
        (1, 1),
        (2, 2),
        (3, 2),
        (4, 1),
        (5, 1),
    ]


def test_lag_and_lead_with_offset_and_default(transformed: Transformed) -> None:
    over = "partition_by: shop, order_by: day"
    assert window(transformed, f"{{name: prev, func: lag, column: sales, {over}}}") == [
        (1, 10),
        (2, None),
        (3, None),
        (4, 20),
        (5, 5),
    ]
    spec = f"{{name: nxt, func: lead, column: sales, offset: 2, default: 0, {over}}}"
    assert window(transformed, spec) == [(1, 0), (2, 0), (3, 20), (4, 0), (5, 0)]


def test_running_and_whole_partition_aggregates(transformed: Transformed) -> None:
    running = "{name: running, func: sum, column: sales, partition_by: shop, order_by: day}"
    assert window(transformed, running) == [(1, 30), (2, 5), (3, 10), (4, 50), (5, 12)]
    total = "{name: total, func: sum, column: sales, partition_by: shop}"
    assert window(transformed, total) == [(1, 50), (2, 12), (3, 50), (4, 50), (5, 12)]
    count = "{name: n, func: count, partition_by: shop}"
    assert window(transformed, count) == [(1, 3), (2, 2), (3, 3), (4, 3), (5, 2)]


def test_first_and_last_value_see_the_whole_partition(transformed: Transformed) -> None:
    last = "{name: last, func: last_value, column: sales, partition_by: shop, order_by: day}"
    assert window(transformed, last) == [(1, 20), (2, 7), (3, 20), (4, 20), (5, 7)]
    first = "{name: first, func: first_value, column: id, partition_by: shop, order_by: day}"
    assert window(transformed, first) == [(1, 3), (2, 2), (3, 3), (4, 3), (5, 2)]


def test_several_window_columns_at_once(transformed: Transformed) -> None:
    steps = """
    - op: window
      columns:
        - {name: n, func: row_number, order_by: [id]}
        - {name: sales, func: max, column: sales, partition_by: [shop]}
    """
    columns, rows = transformed(DAYS, steps)
    assert columns == ["id", "shop", "day", "sales", "n"]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        (1, 20, 1),
        (2, 7, 2),
        (3, 20, 3),
        (4, 20, 4),
        (5, 7, 5),
    ]


def test_order_by_takes_1x_column_and_descending_entries(transformed: Transformed) -> None:
    spec = (
        "{name: n, func: row_number, partition_by: [shop], "
        "order_by: [{column: sales, descending: true}, {column: day}]}"
    )
    assert window(transformed, spec) == [(1, 1), (2, 2), (3, 3), (4, 2), (5, 1)]


def test_an_order_by_entry_without_column_is_located(
    transformed: Transformed, tmp_path: object
) -> None:
    import pytest

    from quicketl.errors import ConfigError

    with pytest.raises(ConfigError, match=r"columns\[0\]\.order_by\[0\]\.column: required"):
        window(transformed, "{name: n, func: row_number, order_by: [{descending: true}]}")
