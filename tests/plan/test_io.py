"""What a pipeline reads and writes: database tables are named by their file, however spelt."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.config.pipeline import PipelineConfig
from quicketl.plan.io import pipeline_io


def database_reader(connection: str) -> PipelineConfig:
    return PipelineConfig.model_validate(
        {
            "name": "p",
            "source": {"type": "database", "connection": connection, "table": "Sales"},
            "sink": {"path": "out.csv"},
        }
    )


@pytest.mark.parametrize(
    "url", ["duckdb:///data/w.duckdb", "duckdb://data/w.duckdb", "duckdb:///./data/w.duckdb"]
)
def test_two_and_three_slashes_name_the_same_table(url: str, tmp_path: Path) -> None:
    assert pipeline_io(database_reader(url), tmp_path).inputs == ("table:data/w.duckdb#sales",)


def test_four_slashes_inside_the_root_are_made_relative(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path}/data/w.duckdb"
    assert pipeline_io(database_reader(url), tmp_path).inputs == ("table:data/w.duckdb#sales",)


def url_reader(url: str) -> PipelineConfig:
    return PipelineConfig.model_validate(
        {
            "name": "p",
            "source": {"type": "file", "path": url, "format": "csv"},
            "sink": {"path": "o.csv"},
        }
    )


@pytest.mark.parametrize(
    "url",
    ["https://example.com/data.csv", "s3://bucket/raw/*.csv", "gs://bucket/x.parquet"],
)
def test_a_url_source_is_an_external_input_not_a_file(url: str, tmp_path: Path) -> None:
    io = pipeline_io(url_reader(url), tmp_path)
    assert io.inputs == ()
    assert [str(e) for e in io.external] == [f"url:{url}"]
