"""quicketl.locations.refs: which outputs a read pattern covers, by DuckDB's glob rules."""

from __future__ import annotations

import pytest

from quicketl.locations.refs import reads_output


@pytest.mark.parametrize(
    ("pattern", "output"),
    [
        ("data/x.csv", "data/x.csv"),
        ("data/*.csv", "data/x.csv"),
        ("data/*.csv", "data/.x.csv"),
        ("data/**/*.csv", "data/x.csv"),  # `**` matches zero folders too
        ("data/**/*.csv", "data/a/b/x.csv"),
        ("data/**", "data/a/x.csv"),
        ("*/x.csv", "data/x.csv"),
        ("data/x[0-9].csv", "data/x1.csv"),
        ("data/gold/summary/**/*.parquet", "data/gold/summary"),  # a folder of partitions
    ],
)
def test_a_pattern_covers_what_duckdb_would_read(pattern: str, output: str) -> None:
    assert reads_output(pattern, output)


@pytest.mark.parametrize(
    ("pattern", "output"),
    [
        ("data/*.csv", "data/sub/x.csv"),  # `*` never crosses a folder
        ("*.csv", "data/x.csv"),
        ("data/x?.csv", "data/x.csv"),
        ("data/**/*.csv", "other/x.csv"),
    ],
)
def test_a_pattern_does_not_cover_what_duckdb_would_not_read(pattern: str, output: str) -> None:
    assert not reads_output(pattern, output)
