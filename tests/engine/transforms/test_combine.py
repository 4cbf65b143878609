"""join and union: exact results, column naming and order."""

from __future__ import annotations

from collections.abc import Callable

from ..helpers import Output

Transformed = Callable[..., Output]
ORDERS = (
    "SELECT * FROM (VALUES (1, 'C1', 100), (2, 'C2', 200), (3, 'C3', 150), (4, 'C1', 50)) "
    "t(order_id, customer_id, amount)"
)
CUSTOMERS = (
    "SELECT * FROM (VALUES ('C2', 'Globex', 'x'), ('C1', 'Acme', 'y'), ('C9', 'Initech', 'z')) "
    "t(customer_id, name, amount)"
)


def test_left_join_on_a_list_keeps_the_key_once(transformed: Transformed) -> None:
    steps = "- {op: join, right: customers, on: [customer_id], how: left}"
    columns, rows = transformed(ORDERS, steps, customers=CUSTOMERS)
    assert columns == ["order_id", "customer_id", "amount", "name", "amount_right"]
    assert rows == [
        (1, "C1", 100, "Acme", "y"),
        (2, "C2", 200, "Globex", "x"),
        (3, "C3", 150, None, None),
        (4, "C1", 50, "Acme", "y"),
    ]


def test_inner_join_keeps_left_order(transformed: Transformed) -> None:
    steps = "- {op: join, right: customers, on: customer_id}"
    _, rows = transformed(ORDERS, steps, customers=CUSTOMERS)
    assert [row[0] for row in rows] == [1, 2, 4]


def test_right_and_full_joins_take_the_key_from_whichever_side_has_it(
    transformed: Transformed,
) -> None:
    right = "- {op: join, right: customers, on: [customer_id], how: right}"
    _, rows = transformed(ORDERS, right, customers=CUSTOMERS)
    assert [(r[0], r[1]) for r in rows] == [(1, "C1"), (2, "C2"), (4, "C1"), (None, "C9")]
    for how in ("full", "outer"):
        full = f"- {{op: join, right: customers, on: [customer_id], how: {how}}}"
        _, rows = transformed(ORDERS, full, customers=CUSTOMERS)
        assert [(r[0], r[1]) for r in rows] == [
            (1, "C1"),
            (2, "C2"),
            (3, "C3"),
            (4, "C1"),
            (None, "C9"),
        ]


def test_semi_and_anti_joins_keep_left_columns_only(transformed: Transformed) -> None:
    semi = "- {op: join, right: customers, on: [customer_id], how: semi}"
    columns, rows = transformed(ORDERS, semi, customers=CUSTOMERS)
    assert columns == ["order_id", "customer_id", "amount"]
    assert [row[0] for row in rows] == [1, 2, 4]
    anti = "- {op: join, right: customers, on: [customer_id], how: anti}"
    _, rows = transformed(ORDERS, anti, customers=CUSTOMERS)
    assert rows == [(3, "C3", 150)]


def test_join_on_a_map_keeps_both_sides_columns(transformed: Transformed) -> None:
    customers = "SELECT * FROM (VALUES ('C1', 'Acme')) t(id, customer_id)"
    steps = "- {op: join, right: customers, on: {customer_id: id}}"
    columns, rows = transformed(ORDERS, steps, customers=customers)
    assert columns == ["order_id", "customer_id", "amount", "id", "customer_id_right"]
    assert rows == [(1, "C1", 100, "C1", "Acme"), (4, "C1", 50, "C1", "Acme")]


def test_join_suffix_skips_names_already_taken(transformed: Transformed) -> None:
    left = "SELECT 1 AS k, 'a' AS v, 'b' AS v_right"
    right = "SELECT 1 AS k, 'c' AS v"
    columns, rows = transformed(left, "- {op: join, right: r, on: [k]}", r=right)
    assert columns == ["k", "v", "v_right", "v_right_2"]
    assert rows == [(1, "a", "b", "c")]


def test_union_appends_by_name_and_keeps_duplicates(transformed: Transformed) -> None:
    north = "SELECT * FROM (VALUES (1, 100), (2, 200)) t(id, amount)"
    south = "SELECT * FROM (VALUES (200, 2, 'x'), (300, 3, 'y')) t(amount, id, note)"
    columns, rows = transformed(north, "- {op: union, sources: [main, south]}", south=south)
    assert columns == ["id", "amount", "note"]
    assert rows == [(1, 100, None), (2, 200, None), (2, 200, "x"), (3, 300, "y")]


def test_union_distinct_removes_duplicates_keeping_first_order(transformed: Transformed) -> None:
    north = "SELECT * FROM (VALUES (2, 200), (1, 100), (2, 200)) t(id, amount)"
    south = "SELECT * FROM (VALUES (3, 300), (1, 100)) t(id, amount)"
    steps = "- {op: union, sources: [south], distinct: true}"
    _, rows = transformed(north, steps, south=south)
    assert rows == [(2, 200), (1, 100), (3, 300)]


def test_union_after_transforms_appends_to_the_transformed_table(transformed: Transformed) -> None:
    north = "SELECT * FROM (VALUES (1, 100), (2, 200)) t(id, amount)"
    south = "SELECT * FROM (VALUES (3, 300)) t(id, amount)"
    steps = "- {op: filter, predicate: id > 1}\n- {op: union, sources: [south]}"
    _, rows = transformed(north, steps, south=south)
    assert rows == [(2, 200), (3, 300)]
