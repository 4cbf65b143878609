"""Helpers for engine tests: writing inputs and reading outputs with DuckDB."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from quicketl.config.loader import LoadedPipeline

Loader = Callable[[str], LoadedPipeline]
Output = tuple[list[str], list[tuple[Any, ...]]]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def read_rows(path: Path, order: str | None = None) -> list[tuple[Any, ...]]:
    """Every row of a parquet, csv or json file (or a folder of parquet files)."""
    spec = str(path)
    if path.is_dir():
        spec = str(path / "**" / "*.parquet")
    suffix = path.suffix.lower()
    reader = "read_parquet" if path.is_dir() or suffix == ".parquet" else "read_csv"
    if suffix in (".json", ".jsonl"):
        reader = "read_json"
    options = ", hive_partitioning = true" if path.is_dir() else ""
    sql = f"SELECT * FROM {reader}('{spec}'{options})"
    if order:
        sql += f" ORDER BY {order}"
    with duckdb.connect() as con:
        return con.execute(sql).fetchall()


def columns_of(path: Path) -> list[str]:
    with duckdb.connect() as con:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]


def parquet(path: Path, sql: str) -> Path:
    """Write the rows of `sql` to a parquet file (exact types for transform tests)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(f"COPY ({sql}) TO '{path}' (FORMAT parquet)")
    return path
