"""Which `--var` values pasted raw into SQL warn, and the warning's exact text."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from quicketl.config.rawsql import is_sql_field, sql_syntax
from quicketl.errors import UnsafeVariableWarning

from .helpers import load_text

FILTER = (
    "name: p\nsource: {{path: in.csv}}\ntransforms:\n  - op: filter\n"
    '    predicate: "{predicate}"\nsink: {{path: o.csv}}\n'
)


def warned(root: Path, predicate: str, variables: dict[str, object]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_text(FILTER.format(predicate=predicate), root, variables)
    return [str(w.message) for w in caught if issubclass(w.category, UnsafeVariableWarning)]


@pytest.mark.parametrize(
    "value",
    ["2025-01-15", "2025-01-15 10:30:00", "-12.5", "1e6", "north", "sales.amount", "a_b", "x + 1"],
)
def test_dates_numbers_identifiers_and_arithmetic_do_not_warn(value: str) -> None:
    assert sql_syntax(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("x'", "a quote '"),
        ('a"b', 'a double quote "'),
        ("1 -- rest", "a comment --"),
        ("1 /* c */", "a comment /*"),
        ("1; DROP TABLE t", "a semicolon"),
        ("x' OR '1'='1' --", "a quote ', a comment --, the keyword OR"),
        (
            "(SELECT content FROM read_text('/x'))",
            "a quote ', a function call read_text(, the keyword SELECT",
        ),
        ("read_csv ($p)", "a function call read_csv("),
        ("1 or 1", "the keyword OR"),
        ("0 UNION ALL", "the keyword UNION"),
    ],
)
def test_sql_syntax_names_what_it_found(value: str, reason: str) -> None:
    assert sql_syntax(value) == reason


@pytest.mark.parametrize(
    ("loc", "sql"),
    [
        (("transforms", 0, "predicate"), True),
        (("transforms", 1, "expr"), True),
        (("transforms", 2, "aggs", "total"), True),
        (("checks", 0, "expr"), True),
        (("sources", "orders", "query"), True),
        (("source", "freshness"), True),
        (("source", "path"), False),
        (("transforms", 0, "name"), False),
        (("sink", "path"), False),
    ],
)
def test_sql_fields(loc: tuple[str | int, ...], sql: bool) -> None:
    assert is_sql_field(loc) is sql


def test_inside_quotes_only_a_quote_warns(tmp_path: Path) -> None:
    assert warned(tmp_path, "region = '${R}'", {"R": "Portland OR Salem (x)"}) == []
    assert warned(tmp_path, "region = '${R}'", {"R": "O'Brien"}) == [
        f"{tmp_path / 'p.yml'}:5: transforms[0].predicate: --var R is pasted into SQL as raw "
        "text and contains SQL syntax (a quote '); to pass it as a value, write "
        "${R|sql_string} (without quotes around it), which inserts it as a quoted SQL string"
    ]


def test_outside_quotes_a_keyword_warns(tmp_path: Path) -> None:
    assert warned(tmp_path, "id = ${ID}", {"ID": "1 OR 1=1"}) == [
        f"{tmp_path / 'p.yml'}:5: transforms[0].predicate: --var ID is pasted into SQL as raw "
        "text and contains SQL syntax (the keyword OR); to pass it as a value, write "
        "${ID|sql_string}, which inserts it as a quoted SQL string"
    ]


def test_inside_double_quotes_the_identifier_form_is_named(tmp_path: Path) -> None:
    [message] = warned(tmp_path, '\\"${COL}\\" > 0', {"COL": 'a" OR "b'})
    assert message.endswith(
        '(a double quote "); to pass it as a value, write ${COL|sql_identifier} (without '
        "quotes around it), which inserts it as a quoted SQL identifier"
    )


def test_safe_forms_defaults_and_other_layers_do_not_warn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert warned(tmp_path, "region = ${R|sql_string}", {"R": "x' OR '1'='1"}) == []
    assert warned(tmp_path, "region = '${R:-it''s}'", {}) == []
    monkeypatch.setenv("R", "x' OR '1'='1")
    assert warned(tmp_path, "region = '${R}'", {}) == []


def test_a_value_outside_sql_fields_does_not_warn(tmp_path: Path) -> None:
    text = 'name: p\nsource: {path: "${P}"}\nsink: {path: o.csv}\n'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_text(text, tmp_path, {"P": "it's (1).csv"})
    assert caught == []
