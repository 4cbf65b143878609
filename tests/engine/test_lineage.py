"""pipeline_io: what a pipeline reads and writes, relative to the project root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quicketl.engine import pipeline_io
from quicketl.errors import ConfigError

from .helpers import Loader


def test_file_sources_and_file_sink(load: Loader) -> None:
    loaded = load(
        """
        name: fan_in
        sources:
          orders: {path: data/raw/orders_*.csv}
          customers: {path: data/raw/customers.parquet}
        sink: {path: data/silver/orders.parquet}
        """
    )
    inputs, outputs, externals = pipeline_io(loaded)
    assert inputs == ["data/raw/orders_*.csv", "data/raw/customers.parquet"]
    assert outputs == ["data/silver/orders.parquet"]
    assert externals == []


def test_partitioned_sink_output_is_its_folder(load: Loader) -> None:
    loaded = load(
        """
        name: partitioned
        source: {path: data/in.csv}
        sink: {path: data/out/sales/, partition_by: [region]}
        """
    )
    assert pipeline_io(loaded)[1] == ["data/out/sales"]


def test_folder_source_reads_its_files_recursively(load: Loader, project: Path) -> None:
    (project / "data" / "out" / "sales").mkdir(parents=True)
    loaded = load(
        """
        name: reads_folder
        source: {path: data/out/sales, format: parquet}
        sink: {path: x.csv}
        """
    )
    assert pipeline_io(loaded)[0] == ["data/out/sales/**/*.parquet"]


def test_database_source_and_sink(load: Loader) -> None:
    loaded = load(
        """
        name: db
        source: {connection: "duckdb:///warehouse/raw.duckdb", table: orders}
        sink: {type: database, connection: "duckdb:///warehouse/gold.duckdb", table: t}
        """
    )
    inputs, outputs, externals = pipeline_io(loaded)
    assert inputs == ["warehouse/raw.duckdb"]
    assert outputs == ["warehouse/gold.duckdb"]
    assert externals == ["database:duckdb:///warehouse/raw.duckdb"]


def test_absolute_paths_outside_the_root_stay_absolute(load: Loader, tmp_path: Path) -> None:
    outside = tmp_path.parent / "elsewhere.csv"
    loaded = load(f"name: abs\nsource: {{path: {outside}}}\nsink: {{path: o.csv}}\n")
    assert pipeline_io(loaded)[0] == [outside.as_posix()]


def test_unsupported_schemes_are_config_errors_with_lines(load: Loader) -> None:
    loaded = load(
        """
        name: pg
        source:
          connection: postgresql://host/db
          table: t
        sink:
          type: database
          connection: mysql://host/db
          table: t
        """
    )
    with pytest.raises(ConfigError) as caught:
        pipeline_io(loaded)
    fields = [(p.field, p.line) for p in caught.value.problems]
    assert fields == [("source.connection", 4), ("sink.connection", 8)]
    assert "PostgreSQL support is planned" in str(caught.value)


def test_importing_the_engine_for_lineage_does_not_import_duckdb() -> None:
    code = (
        "import sys, quicketl.engine; quicketl.engine.pipeline_io; print('duckdb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
