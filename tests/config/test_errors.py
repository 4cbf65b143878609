"""Pydantic errors translated into located problems: field path, line, readable message."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.errors import ConfigError, Problem

from .helpers import load_text


def problems(text: str, root: Path) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        load_text(text, root)
    return caught.value.problems


def only(text: str, root: Path) -> tuple[int | None, str | None, str]:
    (problem,) = problems(text, root)
    return problem.line, problem.field, problem.message


def test_a_source_without_type_is_located_without_the_member_name(tmp_path: Path) -> None:
    text = "name: p\nsource:\n  path: a.csv\n  delimter: ';'\nsink: {path: o.csv}\n"
    assert only(text, tmp_path) == (4, "source.delimter", "unknown key 'delimter'")


def test_a_missing_field_keeps_its_name(tmp_path: Path) -> None:
    text = "name: p\nsource: {format: csv}\nsink: {path: o.csv}\n"
    assert only(text, tmp_path) == (2, "source.path", "required field is missing")


def test_a_model_level_error_points_at_the_model(tmp_path: Path) -> None:
    text = "name: p\nsource:\n  path: a.dat\nsink: {path: o.csv}\n"
    line, field, message = only(text, tmp_path)
    assert (line, field) == (2, "source")
    assert message.startswith("cannot infer the format of 'a.dat'")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("many", "expected an integer, got 'many'"),
        ("[1]", "expected an integer, got a list"),
        ("2.5", "expected an integer, got 2.5"),
    ],
)
def test_wrong_types_say_what_was_expected_and_found(
    tmp_path: Path, value: str, expected: str
) -> None:
    text = f"name: p\nsource: {{path: a.csv}}\ntransforms:\n  - op: limit\n    n: {value}\n"
    text += "sink: {path: o.csv}\n"
    assert only(text, tmp_path) == (5, "transforms[0].n", expected)


def test_a_list_where_a_mapping_belongs(tmp_path: Path) -> None:
    text = "name: p\nsource: [a.csv]\nsink: {path: o.csv}\n"
    assert only(text, tmp_path) == (2, "source", "expected a mapping of keys, got a list")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        "name: p\nsourc: {path: a.csv}\ntransforms:\n  - op: filtr\n"
        "checks:\n  - type: not_nul\nsink: {path: o.csv, mode: upsert}\n"
    )
    fields = [problem.field for problem in problems(text, tmp_path)]
    assert fields == ["sourc", "transforms[0]", "checks[0]", "sink.mode"]


def test_join_to_an_unknown_source_suggests_the_declared_one(tmp_path: Path) -> None:
    text = (
        "name: p\nsources:\n  orders: {path: a.csv}\n  customers: {path: b.csv}\n"
        "transforms:\n  - op: join\n    right: customer\n    on: id\nsink: {path: o.csv}\n"
    )
    assert only(text, tmp_path) == (
        7,
        "transforms[0].right",
        "unknown source 'customer'; did you mean 'customers'? (sources: orders, customers)",
    )


def test_union_of_unknown_sources_names_each(tmp_path: Path) -> None:
    text = (
        "name: p\nsources:\n  a: {path: a.csv}\n  b: {path: b.csv}\n"
        "transforms:\n  - op: union\n    sources: [b, c]\nsink: {path: o.csv}\n"
    )
    (problem,) = problems(text, tmp_path)
    assert problem.field == "transforms[0].sources"
    assert "unknown source 'c'" in problem.message


def test_problem_renders_as_file_line_field_message(tmp_path: Path) -> None:
    text = "name: p\nsource: {path: a.csv}\nsink: {path: o.csv, mode: merge}\n"
    (problem,) = problems(text, tmp_path)
    assert str(problem) == (
        f"{tmp_path / 'p.yml'}:3: sink.mode: must be one of 'overwrite' or 'append'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "  - {op: limit, limit: 10}\n",
            (6, "transforms[0].limit", "unknown key 'limit'"),
        ),
        (
            "  - {op: limit, n: 1, limit: {limit: 2}}\n",
            (6, "transforms[0].limit", "unknown key 'limit'"),
        ),
    ],
)
def test_a_key_named_like_its_op_is_located(
    text: str, expected: tuple[int, str, str], tmp_path: Path
) -> None:
    source = "name: p\nsource: {path: a.csv}\nsink: {path: o.csv}\n\ntransforms:\n"
    line, field, message = only(source + text, tmp_path)
    assert (line, field) == expected[:2]
    assert message.startswith(expected[2])


def test_a_check_key_named_like_its_type_is_located(tmp_path: Path) -> None:
    text = (
        "name: p\nsource: {path: a.csv}\nsink: {path: o.csv}\nchecks:\n"
        "  - {type: expression, expression: 'amount >= 0'}\n"
    )
    line, field, message = only(text, tmp_path)
    assert (line, field) == (5, "checks[0].expression")
    assert message.startswith("unknown key 'expression'")
    assert "'expr'" in message


@pytest.mark.parametrize("source", ["{type: file, file: x.csv}", "{file: x.csv}"])
def test_a_source_key_named_like_its_type_is_located(source: str, tmp_path: Path) -> None:
    text = f"name: p\nsource: {source}\nsink: {{path: o.csv}}\n"
    found = problems(text, tmp_path)
    assert ("source.file", "unknown key 'file'") in {(p.field, p.message[:18]) for p in found}
    assert all(p.line == 2 for p in found)


def test_a_column_named_like_a_source_type_keeps_its_place(tmp_path: Path) -> None:
    text = "name: p\nsource:\n  path: a.csv\n  options:\n    columns: {file: 3}\n"
    text += "sink: {path: o.csv}\n"
    assert only(text, tmp_path) == (5, "source.options.columns.file", "expected a string, got 3")


def test_a_mapping_where_a_name_or_a_mapping_belongs_reports_only_the_mapping(
    tmp_path: Path,
) -> None:
    text = (
        "name: p\nsource: {path: a.csv}\nsink: {path: o.csv}\ntransforms:\n"
        "  - op: window\n    columns:\n"
        "      - {name: n, func: row_number, order_by: [{column: id, desc: true}]}\n"
    )
    assert only(text, tmp_path) == (
        7,
        "transforms[0].columns[0].order_by[0].desc",
        "unknown key 'desc'",
    )
