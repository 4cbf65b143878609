"""aggregate, pivot and unpivot: exact results, ordered by their group columns."""

from __future__ import annotations

from collections.abc import Callable

from ..helpers import Output

Transformed = Callable[..., Output]
SALES = (
    "SELECT * FROM (VALUES ('South', 'Home', 75), ('North', 'Elec', 100), ('North', 'Elec', 200), "
    "('North', 'Home', 50), ('South', 'Elec', 150), (NULL, 'Home', 5)) t(region, category, amount)"
)


def test_aggregate_groups_and_orders_by_the_group_columns(transformed: Transformed) -> None:
    steps = """
    - op: aggregate
      group_by: [region, category]
      aggs:
        total_sales: sum(amount)
        order_count: count(*)
        avg_order: avg(amount)
    """
    columns, rows = transformed(SALES, steps)
    assert columns == ["region", "category", "total_sales", "order_count", "avg_order"]
    assert rows == [
        ("North", "Elec", 300, 2, 150.0),
        ("North", "Home", 50, 1, 50.0),
        ("South", "Elec", 150, 1, 150.0),
        ("South", "Home", 75, 1, 75.0),
        (None, "Home", 5, 1, 5.0),
    ]


def test_aggregate_without_groups_and_with_the_aggregations_spelling(
    transformed: Transformed,
) -> None:
    steps = "- {op: aggregate, aggregations: {n: count(*), regions: count(DISTINCT region)}}"
    assert transformed(SALES, steps) == (["n", "regions"], [(6, 2)])


def test_pivot_spreads_values_into_sorted_columns(transformed: Transformed) -> None:
    steps = "- {op: pivot, index: region, columns: category, values: amount, aggfunc: sum}"
    columns, rows = transformed(SALES, steps)
    assert columns == ["region", "Elec", "Home"]
    assert rows == [("North", 300, 50), ("South", 150, 75), (None, None, 5)]


def test_pivot_with_mean(transformed: Transformed) -> None:
    steps = "- {op: pivot, index: [category], columns: region, values: amount, aggfunc: mean}"
    columns, rows = transformed(SALES, steps)
    assert columns == ["category", "North", "South"]
    assert rows == [("Elec", 150.0, 150.0), ("Home", 50.0, 75.0)]


def test_pivot_of_no_rows_keeps_the_index(transformed: Transformed) -> None:
    steps = """
    - {op: filter, predicate: 'false'}
    - {op: pivot, index: region, columns: category, values: amount}
    """
    assert transformed(SALES, steps) == (["region"], [])


def test_unpivot_melts_value_columns_and_keeps_nulls(transformed: Transformed) -> None:
    wide = "SELECT * FROM (VALUES (1, 10, NULL, 'x'), (2, 30, 40, 'y')) t(id, q1, q2, note)"
    steps = "- {op: unpivot, id_vars: [id], value_vars: [q1, q2], var_name: quarter, value_name: v}"
    assert transformed(wide, steps) == (
        ["id", "quarter", "v"],
        [(1, "q1", 10), (1, "q2", None), (2, "q1", 30), (2, "q2", 40)],
    )


def test_unpivot_of_mixed_types_uses_text(transformed: Transformed) -> None:
    wide = "SELECT 1 AS id, 2.5 AS price, 'red' AS colour"
    steps = "- {op: unpivot, id_vars: id, value_vars: [price, colour]}"
    assert transformed(wide, steps) == (
        ["id", "variable", "value"],
        [(1, "price", "2.5"), (1, "colour", "red")],
    )


def test_aggregate_takes_the_1x_function_names(transformed: Transformed) -> None:
    steps = """
    - op: aggregate
      group_by: [region]
      aggs:
        categories: count_distinct(category)
        unique_amounts: nunique(amount)
        amounts: collect(amount)
        listed: collect_list(category)
        some: any(category)
        spread: round(std(amount), 3)
        variance: var(amount)
    """
    columns, rows = transformed(SALES, steps)
    assert columns[1:] == [
        "categories",
        "unique_amounts",
        "amounts",
        "listed",
        "some",
        "spread",
        "variance",
    ]
    assert rows == [
        ("North", 2, 3, [100, 200, 50], ["Elec", "Elec", "Home"], "Elec", 76.376, 17500 / 3),
        ("South", 2, 2, [75, 150], ["Home", "Elec"], "Home", 53.033, 2812.5),
        (None, 1, 1, [5], ["Home"], "Home", None, None),
    ]


def test_first_and_last_follow_input_order(transformed: Transformed) -> None:
    steps = "- {op: aggregate, group_by: region, aggs: {f: first(category), l: last(amount)}}"
    assert transformed(SALES, steps)[1] == [
        ("North", "Elec", 50),
        ("South", "Home", 150),
        (None, "Home", 5),
    ]


def test_pivot_without_aggfunc_takes_the_first_value_in_input_order(
    transformed: Transformed,
) -> None:
    steps = "- {op: pivot, index: region, columns: category, values: amount}"
    columns, rows = transformed(SALES, steps)
    assert columns == ["region", "Elec", "Home"]
    assert rows == [("North", 100, 50), ("South", 150, 75), (None, None, 5)]


def test_pivot_takes_the_1x_function_names(transformed: Transformed) -> None:
    steps = "- {op: pivot, index: region, columns: category, values: amount, aggfunc: nunique}"
    assert transformed(SALES, steps)[1] == [("North", 2, 1), ("South", 1, 1), (None, 0, 1)]
