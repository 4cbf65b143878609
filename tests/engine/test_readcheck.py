"""validate_pipeline of a pipeline that needs no source's columns: only its reads are bound.

Such a pipeline (no transforms, no checks, a sink naming no column, only file sources) can
meet a problem only in its reads and its sink's own settings, so its check binds each read
and creates no stand-in table. Anything that does not bind is checked the full way, so every
message stays as it was; these tests pin both halves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.engine import validate_pipeline
from quicketl.engine.readcheck import needs_no_schema
from quicketl.errors import ConfigError, Problem

from .helpers import Loader, write

PLAIN = """
name: p
source: {path: data/a.csv}
sink: {path: out/a.parquet}
"""


@pytest.fixture(autouse=True)
def data(project: Path) -> None:
    write(project / "data/a.csv", "id,value\n1,x\n2,y\n")


def problems(load: Loader, text: str) -> list[tuple[str | None, int | None, str]]:
    with pytest.raises(ConfigError) as caught:
        validate_pipeline(load(text))
    found: list[Problem] = caught.value.problems
    return [(p.field, p.line, p.message) for p in found]


def test_a_pipeline_needing_no_columns_binds_its_read_and_creates_nothing(
    load: Loader, statements: list[str]
) -> None:
    validate_pipeline(load(PLAIN))
    assert not [sql for sql in statements if sql.startswith(("CREATE", "DESCRIBE"))]
    reads = [sql for sql in statements if "read_csv(" in sql and "sniff_csv" not in sql]
    assert len(reads) == 1 and reads[0].endswith(" LIMIT 0")


def test_the_rule(load: Loader) -> None:
    assert needs_no_schema(load(PLAIN))
    outside = [
        PLAIN + "transforms: [{op: filter, predicate: id > 0}]\n",
        PLAIN + "checks: [{type: row_count, min: 1}]\n",
        PLAIN.replace("out/a.parquet}", "out/a, partition_by: [id]}"),
        PLAIN.replace(
            "sink: {path: out/a.parquet}",
            "sink: {type: database, "
            "connection: 'duckdb:///w.duckdb', table: t, mode: upsert, "
            "upsert_keys: [id]}",
        ),
        PLAIN.replace(
            "source: {path: data/a.csv}",
            "source: {type: database, connection: 'duckdb:///r.duckdb', table: t}",
        ),
    ]
    assert [needs_no_schema(load(text)) for text in outside] == [False] * len(outside)


def test_an_undetectable_csv_is_still_reported_where_it_is_read(
    load: Loader, project: Path
) -> None:
    (project / "data/a.csv").write_bytes(b"id,name\r\n1,a\r\n2,b\n3,c,d\n")
    ((field, line, message),) = problems(load, PLAIN)
    assert (field, line) == ("source.path", 3)
    assert message.startswith("DuckDB cannot detect this CSV file's layout")


def test_a_missing_file_is_still_reported(load: Loader) -> None:
    text = PLAIN.replace("data/a.csv", "data/nope.csv")
    ((field, line, message),) = problems(load, text)
    assert (field, line) == ("source.path", 3)
    assert message.startswith("file not found: ") and message.endswith("nope.csv")


def test_a_type_override_naming_a_missing_column_is_still_located(load: Loader) -> None:
    text = PLAIN.replace("path: data/a.csv}", "path: data/a.csv, options: {columns: {vlue: INT}}}")
    assert problems(load, text) == [
        ("source.options.columns.vlue", 3, "unknown column 'vlue'; did you mean 'value'?")
    ]


def test_an_unknown_encoding_is_still_located(load: Loader) -> None:
    text = PLAIN.replace("path: data/a.csv}", "path: data/a.csv, options: {encoding: klingon}}")
    ((field, _, message),) = problems(load, text)
    assert field == "source.options.encoding" and "klingon" in message


def test_a_sink_setting_is_still_reported(load: Loader, project: Path) -> None:
    (project / "out/a.parquet").mkdir(parents=True)
    ((field, line, message),) = problems(load, PLAIN)
    assert (field, line) == ("sink.path", 4)
    assert message.endswith("is a folder; give a file path, or set partition_by to write a folder")


def test_a_partition_column_the_source_lacks_is_still_reported(load: Loader) -> None:
    text = PLAIN.replace("out/a.parquet}", "out/a, partition_by: [vlue]}")
    assert problems(load, text) == [
        ("sink.partition_by[0]", 4, "unknown column 'vlue'; did you mean 'value'?")
    ]


def test_every_source_is_bound(load: Loader, project: Path) -> None:
    write(project / "data/b.csv", "id\n1\n")
    (project / "data/c.parquet").write_bytes(b"not a parquet file")
    text = """
        name: p
        sources:
          a: {path: data/a.csv}
          b: {path: data/b.csv}
          c: {path: data/c.parquet}
        sink: {path: out/a.parquet}
    """
    ((field, line, _),) = problems(load, text)
    assert (field, line) == ("sources.c.path", 6)
