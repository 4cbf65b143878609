"""SQL that reads the clock or a random source, in a pipeline that may be skipped, warns."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.volatile import volatile_names, volatile_sql_warnings

from .helpers import load_text

PIPELINE = """\
name: p
source: {path: data/in.csv}
transforms:
  - op: derive_column
    name: loaded_at
    expr: current_timestamp
  - {op: filter, predicate: "note <> 'now()'"}
  - {op: derive_column, name: id, expr: gen_random_uuid()}
sink: {path: out/o.csv}
"""


@pytest.mark.parametrize(
    ("sql", "names"),
    [
        ("now()", ["now()"]),
        ("CURRENT_DATE - 1", ["CURRENT_DATE"]),
        ("created_at <= current_date()", ["current_date()"]),
        ("random() < 0.5 AND uuid() IS NOT NULL", ["random()", "uuid()"]),
        ("'now()' || \"current_date\" -- random()", []),
        ("s.now() + nowhere", []),
    ],
)
def test_volatile_names(sql: str, names: list[str]) -> None:
    assert volatile_names(sql) == names


def test_each_field_is_named_with_its_line(tmp_path: Path) -> None:
    loaded = load_text(PIPELINE, tmp_path)
    found = volatile_sql_warnings(loaded.config, loaded.doc)
    assert [(p.line, p.field) for p in found] == [
        (6, "transforms[0].expr"),
        (8, "transforms[2].expr"),
    ]
    assert found[0].message.startswith(
        "current_timestamp changes on every run, but this pipeline is skipped while its inputs "
        "are unchanged, so its output keeps the value of the run that wrote it; add "
        "`volatile: true`"
    )


def test_a_volatile_pipeline_does_not_warn(tmp_path: Path) -> None:
    loaded = load_text(PIPELINE + "volatile: true\n", tmp_path)
    assert volatile_sql_warnings(loaded.config, loaded.doc) == []


def test_a_database_source_without_freshness_always_runs(tmp_path: Path) -> None:
    text = PIPELINE.replace(
        "{path: data/in.csv}", "{connection: 'duckdb:///w.duckdb', query: 'SELECT now()'}"
    )
    loaded = load_text(text, tmp_path)
    assert volatile_sql_warnings(loaded.config, loaded.doc) == []


def test_a_check_reading_the_clock_does_not_warn(tmp_path: Path) -> None:
    # A check shapes no output; one that fails writes nothing and is never recorded as done.
    text = PIPELINE.replace(
        "transforms:", "checks:\n  - {type: expression, expr: 'd <= now()'}\ntransforms:"
    )
    loaded = load_text(text, tmp_path)
    fields = [p.field for p in volatile_sql_warnings(loaded.config, loaded.doc)]
    assert fields == ["transforms[0].expr", "transforms[2].expr"]


def test_a_name_written_with_an_escape_still_warns(tmp_path: Path) -> None:
    # The text holds no name as written; the string YAML makes of it does.
    text = (
        "name: p\nsource: {path: data/in.csv}\ntransforms:\n"
        '  - {op: derive_column, name: t, expr: "\\x6eow()"}\nsink: {path: out/o.csv}\n'
    )
    loaded = load_text(text, tmp_path)
    assert [p.field for p in volatile_sql_warnings(loaded.config, loaded.doc)] == [
        "transforms[0].expr"
    ]


def test_a_file_naming_none_warns_of_none(tmp_path: Path) -> None:
    loaded = load_text(PIPELINE.replace("current_timestamp", "x").replace("gen_", "x_"), tmp_path)
    assert volatile_sql_warnings(loaded.config, loaded.doc) == []
