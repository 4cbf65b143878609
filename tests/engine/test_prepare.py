"""validate_pipeline: every problem named by file, line and field, with close matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.engine import run_pipeline, validate_pipeline
from quicketl.errors import ConfigError, Problem

from .helpers import Loader, write

HEAD = """\
name: v
sources:
  orders: {path: data/orders.csv}
  customers: {path: data/customers.csv}
transforms:
"""


@pytest.fixture(autouse=True)
def data(project: Path) -> None:
    write(project / "data/orders.csv", "order_id,customer_id,amount,status\n1,C1,10.5,ok\n")
    write(project / "data/customers.csv", "customer_id,name\nC1,Acme\n")


def problems(load: Loader, transforms: str, tail: str = "sink: {path: out.csv}\n") -> list[Problem]:
    loaded = load(HEAD + transforms + tail)
    with pytest.raises(ConfigError) as caught:
        validate_pipeline(loaded)
    return caught.value.problems


def where(found: list[Problem]) -> list[tuple[str | None, int | None, str]]:
    return [(p.field, p.line, p.message) for p in found]


def test_unknown_column_in_a_predicate(load: Loader) -> None:
    found = problems(load, "  - op: filter\n    predicate: amout > 10\n")
    assert where(found) == [
        ("transforms[0].predicate", 7, "unknown column 'amout'; did you mean 'amount'?")
    ]
    assert str(found[0]).endswith(
        "p.yml:7: transforms[0].predicate: unknown column 'amout'; did you mean 'amount'?"
    )


def test_syntax_errors_quote_the_users_sql(load: Loader) -> None:
    found = problems(load, "  - {op: derive_column, name: x, expr: 'amount AND OR 1'}\n")
    assert where(found) == [
        ("transforms[0].expr", 6, "SQL syntax error at or near 'OR' in `amount AND OR 1`")
    ]
    found = problems(load, "  - {op: filter, predicate: '(amount > 1'}\n")
    assert found[0].message == "SQL syntax error: `(amount > 1` is incomplete"


def test_a_second_statement_is_refused(load: Loader) -> None:
    found = problems(load, "  - {op: filter, predicate: 'true); DROP TABLE x; SELECT (1'}\n")
    assert found[0].field == "transforms[0].predicate"
    assert "only one SQL expression" in found[0].message


def test_every_bad_name_of_a_step_is_reported(load: Loader) -> None:
    found = problems(load, "  - op: select\n    columns: [order_id, amout, stauts]\n")
    assert where(found) == [
        ("transforms[0].columns[1]", 7, "unknown column 'amout'; did you mean 'amount'?"),
        ("transforms[0].columns[2]", 7, "unknown column 'stauts'; did you mean 'status'?"),
    ]


def test_checking_goes_on_past_a_failing_step_that_keeps_the_columns(load: Loader) -> None:
    steps = "  - {op: filter, predicate: nope > 1}\n  - {op: select, columns: [also_nope]}\n"
    fields = [p.field for p in problems(load, steps)]
    assert fields == ["transforms[0].predicate", "transforms[1].columns[0]"]


def test_checking_stops_after_a_failing_step_that_changes_the_columns(load: Loader) -> None:
    steps = "  - {op: select, columns: [nope]}\n  - {op: filter, predicate: also_nope > 1}\n"
    assert [p.field for p in problems(load, steps)] == ["transforms[0].columns[0]"]


def test_later_steps_see_earlier_steps_columns(load: Loader) -> None:
    steps = "  - {op: rename, mapping: {amount: total}}\n  - {op: filter, predicate: amount > 1}\n"
    assert where(problems(load, steps)) == [
        (
            "transforms[1].predicate",
            7,
            "unknown column 'amount' (columns: order_id, customer_id, total, status)",
        )
    ]


def test_each_bad_aggregation_is_named(load: Loader) -> None:
    steps = (
        "  - op: aggregate\n    group_by: [status]\n    aggs:\n"
        "      total: sum(amout)\n      n: count(*)\n      first: order_id\n"
    )
    found = problems(load, steps)
    assert [p.field for p in found] == ["transforms[0].aggs.total", "transforms[0].aggs.first"]
    assert found[0].message == "unknown column 'amout'; did you mean 'amount'?"
    assert found[0].line == 9
    assert "GROUP BY" in found[1].message


def test_join_keys_are_checked_on_both_sides(load: Loader) -> None:
    found = problems(load, "  - {op: join, right: customers, on: [customer_id, name]}\n")
    assert where(found) == [
        (
            "transforms[0].on[1]",
            6,
            "unknown column 'name' (columns: order_id, customer_id, amount, status)",
        )
    ]
    found = problems(load, "  - {op: join, right: customers, on: {customer_id: customer}}\n")
    assert found[0].field == "transforms[0].on.customer_id"
    assert found[0].message == "unknown column 'customer'; did you mean 'customer_id'?"


@pytest.mark.parametrize(
    ("step", "field", "message"),
    [
        (
            "{op: cast, columns: {amount: dubble}}",
            "transforms[0].columns.amount",
            "unknown type 'dubble'",
        ),
        (
            "{op: fill_null, columns: {amount: lots}}",
            "transforms[0].columns.amount",
            "Could not convert string 'lots' to DOUBLE",
        ),
        ("{op: sort, by: [amount, statsu]}", "transforms[0].by[1]", "did you mean 'status'?"),
        ("{op: dedup, columns: [order]}", "transforms[0].columns[0]", "did you mean 'order_id'?"),
        ("{op: rename, columns: {amout: a}}", "transforms[0].columns.amout", "did you mean"),
        (
            "{op: rename, mapping: {amount: status}}",
            "transforms[0].mapping",
            "two columns named 'status'",
        ),
        (
            "{op: derive_column, name: x, expr: nosuchfn(amount)}",
            "transforms[0].expr",
            "unknown function 'nosuchfn'",
        ),
        (
            "{op: hash_key, name: k, columns: [order_id, nme]}",
            "transforms[0].columns[1]",
            "unknown column 'nme'",
        ),
        (
            "{op: window, columns: [{name: r, func: rnk, order_by: [amount]}]}",
            "transforms[0].columns[0]",
            "unknown function 'rnk'",
        ),
        (
            "{op: window, columns: [{name: p, func: lag, partition_by: [stat]}]}",
            "transforms[0].columns[0]",
            "needs 'column'",
        ),
        (
            "{op: pivot, index: status, columns: customer_id, values: amnt}",
            "transforms[0].values",
            "did you mean 'amount'?",
        ),
        (
            "{op: unpivot, id_vars: [order_id], value_vars: [amount, stat]}",
            "transforms[0].value_vars[1]",
            "did you mean 'status'?",
        ),
    ],
)
def test_step_problems(load: Loader, step: str, field: str, message: str) -> None:
    found = problems(load, f"  - {step}\n")
    assert found[0].field == field
    assert message in found[0].message


def test_sink_problems_are_collected_with_step_problems(load: Loader, project: Path) -> None:
    (project / "out").mkdir()
    found = problems(load, "  - {op: filter, predicate: amout > 1}\n", "sink: {path: out}\n")
    assert [p.field for p in found] == ["transforms[0].predicate", "sink.path"]
    assert "is a folder" in found[1].message


def test_sink_columns_are_checked_against_the_final_schema(load: Loader) -> None:
    tail = "sink: {path: out, partition_by: [stauts]}\n"
    found = problems(load, "  - {op: limit, n: 1}\n", tail)
    assert where(found) == [
        ("sink.partition_by[0]", 7, "unknown column 'stauts'; did you mean 'status'?")
    ]


def test_append_to_a_compressed_csv_is_refused(load: Loader) -> None:
    found = problems(load, "  - {op: limit, n: 1}\n", "sink: {path: o.csv.gz, mode: append}\n")
    assert [p.field for p in found] == ["sink.mode"]


def test_run_raises_the_same_problems_before_writing(load: Loader, project: Path) -> None:
    loaded = load(HEAD + "  - {op: filter, predicate: amout > 1}\nsink: {path: out.csv}\n")
    with pytest.raises(ConfigError, match="did you mean 'amount'"):
        run_pipeline(loaded)
    assert not (project / "out.csv").exists()


def test_a_valid_pipeline_passes(load: Loader) -> None:
    steps = (
        "  - {op: join, right: customers, on: [customer_id]}\n"
        "  - {op: aggregate, group_by: [name], aggs: {total: sum(amount)}}\n"
    )
    validate_pipeline(
        load(HEAD + steps + "checks:\n  - {type: unique, columns: [name]}\nsink: {path: out.csv}\n")
    )


@pytest.mark.parametrize("nested", ["(" * 5000 + "amount" + ")" * 5000, "NOT " * 5000 + "true"])
def test_a_deeply_nested_expression_is_one_located_problem(load: Loader, nested: str) -> None:
    found = problems(load, f"  - op: filter\n    predicate: '{nested} > 1'\n")
    assert where(found) == [
        (
            "transforms[0].predicate",
            7,
            "the expression is nested more than 1000 levels deep; simplify it",
        )
    ]
