"""`${VAR|filter}`: the safe forms of a variable inside SQL, and the syntax around them."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from quicketl.config.filters import sql_identifier, sql_string
from quicketl.config.transforms import DeriveColumn, Filter
from quicketl.errors import ConfigError

from .helpers import load_text

AWKWARD = [
    "x' OR '1'='1",
    "O''Brien",
    "back\\slash\\",
    "50% off_",
    "$1 $$dollar$$ ${NOT_A_VAR}",
    "ünïcødé ✓ 日本 🦆",
    "line\nbreak\ttab",
    "-- not a comment /* nor this */ ;",
    "",
    "nul\x00inside",
]


def derived(root: Path, template: str, variables: dict[str, object] | None = None) -> str:
    text = (
        "name: p\nsource: {path: in.csv}\ntransforms:\n"
        f"  - {{op: derive_column, name: v, expr: '{template}'}}\nsink: {{path: o.csv}}\n"
    )
    step = load_text(text, root, variables).config.transforms[0]
    assert isinstance(step, DeriveColumn)
    return step.expr


@pytest.mark.parametrize("value", AWKWARD)
def test_sql_string_round_trips_any_value_through_duckdb(tmp_path: Path, value: str) -> None:
    sql = derived(tmp_path, "${V|sql_string}", {"V": value})
    with duckdb.connect() as con:
        assert con.execute(f"SELECT {sql}").fetchall() == [(value,)]


@pytest.mark.parametrize("value", [v for v in AWKWARD if v and "\x00" not in v])
def test_sql_identifier_round_trips_as_a_column_name(value: str) -> None:
    with duckdb.connect() as con:
        con.execute(f"CREATE TABLE t AS SELECT 1 AS {sql_identifier(value)}")
        assert con.execute("DESCRIBE t").fetchall()[0][0] == value


def test_the_literal_is_plain_quoting() -> None:
    assert sql_string("it's") == "'it''s'"
    assert sql_string("a\x00b") == "('a' || chr(0) || 'b')"
    assert sql_identifier('my "col"') == '"my ""col"""'


def test_a_filter_comes_before_the_default_which_may_hold_anything(tmp_path: Path) -> None:
    assert derived(tmp_path, "${V|sql_string:-O''Brien | Co}") == "'O''Brien | Co'"
    assert derived(tmp_path, "${V|sql_string:-x}", {"V": "y"}) == "'y'"
    assert derived(tmp_path, "${V | sql_string}", {"V": "y"}) == "'y'"


def test_a_pipe_in_a_plain_default_is_still_text(tmp_path: Path) -> None:
    assert derived(tmp_path, "${SEP:-a|b}") == "a|b"


def test_the_used_value_is_the_raw_one(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: in.csv}\nsink: {path: o.csv}\ndescription: ${V|sql_string}\n"
    assert load_text(text, tmp_path, {"V": "it's"}).used_vars == {"V": "it's"}


def test_an_unknown_filter_is_a_located_error_with_a_suggestion(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: in.csv}\ntransforms:\n  - op: filter\n"
    text += "    predicate: region = ${R|sql_strng}\nsink: {path: o.csv}\n"
    with pytest.raises(ConfigError) as caught:
        load_text(text, tmp_path, {"R": "north"})
    assert str(caught.value) == (
        f"{tmp_path / 'p.yml'}:5: transforms[0].predicate: unknown filter 'sql_strng' in "
        "${R|sql_strng}; did you mean 'sql_string'? (filters: sql_identifier, sql_string)"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("${R|}", "missing filter name after '|' in ${R|}"),
        ("${R|sql_string|}", "missing filter name after '|' in ${R|sql_string|}"),
        ("${R|sql_string:x}", "unknown filter 'sql_string:x'"),
        ("${R|upper}", "unknown filter 'upper' in ${R|upper} (filters:"),
    ],
)
def test_a_malformed_filter_is_never_left_as_text(
    tmp_path: Path, template: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=rf"transforms\[0\]\.expr: {re.escape(message)}"):
        derived(tmp_path, template, {"R": "x"})


def test_a_filter_refusing_a_value_says_why(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\$\{R\|sql_identifier\}: variable R: an empty value"):
        derived(tmp_path, "${R|sql_identifier}", {"R": ""})


def test_an_unresolved_variable_with_a_filter_is_reported_as_before(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unresolved variable \$\{R\}: pass --var R=\.\.\."):
        derived(tmp_path, "${R|sql_string}")


def test_a_provider_prefix_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FILTER_HOME", "/h")
    assert derived(tmp_path, "${env:FILTER_HOME}") == "/h"


def test_filters_work_in_any_string_not_only_sql(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: in.csv}\ntransforms:\n  - op: filter\n"
    text += "    predicate: ${R|sql_string} = region\nsink: {path: o.csv}\n"
    step = load_text(text, tmp_path, {"R": "a'b"}).config.transforms[0]
    assert isinstance(step, Filter)
    assert step.predicate == "'a''b' = region"
