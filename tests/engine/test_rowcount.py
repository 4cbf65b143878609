"""Rows read: exact in every shape, and free (no second scan) for a plain CSV pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from quicketl.engine import rowcount, run_pipeline
from quicketl.engine.duckdb_session import Session
from quicketl.engine.rowcount import Scan, scans
from quicketl.engine.sources import SourceTable

from .helpers import Loader, parquet, write


@pytest.fixture
def inputs(project: Path) -> None:
    write(project / "data/a.csv", "id,k\n" + "".join(f"{i},{i % 3}\n" for i in range(100)))
    write(project / "data/b.jsonl", "".join(f'{{"id": {i}, "k": 1}}\n' for i in range(7)))
    parquet(project / "data/c.parquet", "SELECT range AS id, 2 AS k FROM range(40)")
    db = project / "data/d.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS id, 3 AS k FROM range(11)")


SOURCES = """
sources:
  a: {path: data/a.csv}
  b: {path: data/b.jsonl}
  c: {path: data/c.parquet}
  d: {connection: "duckdb:///data/d.duckdb", query: "SELECT * FROM t WHERE id < 5"}
"""


@pytest.mark.parametrize(
    "transforms",
    [
        "- {op: filter, predicate: k = 1}",
        "- {op: union, sources: [b, c, d]}",
        "- {op: limit, n: 3}",
        "- {op: join, right: b, on: [id]}\n- {op: filter, predicate: 'false'}",
        "- {op: join, right: c, on: [id], how: semi}",
        "- {op: union, sources: [b, b]}",
        "- {op: filter, predicate: 'false'}",
    ],
)
def test_rows_read_is_exact(load: Loader, inputs: None, transforms: str) -> None:
    body = "\n".join("  " + line for line in transforms.splitlines())
    text = f"name: r\n{SOURCES}transforms:\n{body}\nsink: {{path: o.parquet}}\n"
    result = run_pipeline(load(text))
    assert result.succeeded, result.error
    assert [(s.name, s.rows) for s in result.steps if s.kind == "source"] == [
        ("a", 100),
        ("b", 7),
        ("c", 40),
        ("d", 5),
    ]
    assert result.rows_read == 152


def test_a_plain_csv_pipeline_counts_from_the_profile(
    load: Loader, inputs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_second_scan(session: Session, source: SourceTable) -> int:
        raise AssertionError(f"{source.name} was counted with a second query")

    monkeypatch.setattr(rowcount, "count_source", no_second_scan)
    text = (
        "name: r\nsources:\n  a: {path: data/a.csv}\n  b: {path: data/b.jsonl}\n"
        "transforms:\n  - {op: union, sources: [b]}\n  - {op: filter, predicate: k = 1}\n"
        "sink: {path: o.csv}\n"
    )
    result = run_pipeline(load(text))
    assert (result.rows_read, result.rows_written) == (107, 40)


def test_scans_reads_both_profile_layouts() -> None:
    new: dict[str, Any] = {
        "operator": [
            {
                "extra_info": {},
                "children": [
                    {
                        "extra_info": {"Function": "READ_CSV", "Filename(s)": "/x.csv"},
                        "intermediate_rows": 12,
                    },
                    {"extra_info": {"Function": "READ_PARQUET"}, "intermediate_rows": 3},
                ],
            }
        ]
    }
    old: dict[str, Any] = {
        "children": [
            {
                "extra_info": {"Function": "READ_JSON", "Filename(s)": "/y.json", "Filters": "x"},
                "operator_cardinality": 5,
            }
        ]
    }
    assert scans(new) == [Scan("READ_CSV", "/x.csv", 12, False)]
    assert scans(old) == [Scan("READ_JSON", "/y.json", 5, True)]
    assert scans(None) == []
