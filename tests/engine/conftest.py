"""Fixtures for engine tests: pipelines from YAML text in a project folder under tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from projects import pipeline_from_text

from quicketl.config.loader import LoadedPipeline
from quicketl.config.variables import VariableScope
from quicketl.engine import run_pipeline

from .helpers import Loader, Output, columns_of, parquet, read_rows


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "quicketl.yml").write_text("name: test\n")
    return tmp_path


@pytest.fixture
def load(project: Path) -> Loader:
    """Validate a pipeline written as YAML text, as if it were pipelines/p.yml of the project."""

    def loader(text: str) -> LoadedPipeline:
        path = project / "pipelines" / "p.yml"
        return pipeline_from_text(textwrap.dedent(text), path, VariableScope([]), project)

    return loader


@pytest.fixture
def transformed(project: Path, load: Loader) -> Callable[..., Output]:
    """Run `transforms` (YAML list text) over a table given as SQL; returns (columns, rows).

    Extra sources are given as name=SQL keyword arguments; the first source is `main`.
    """

    def run(input_sql: str, transforms: str, **others: str) -> Output:
        sources = {"main": input_sql, **others}
        lines = ["name: t", "sources:"]
        for name, sql in sources.items():
            parquet(project / "data" / f"{name}.parquet", sql)
            lines.append(f"  {name}: {{path: data/{name}.parquet}}")
        lines.append("transforms:")
        lines += ["  " + line for line in textwrap.dedent(transforms).strip().splitlines()]
        lines.append("sink: {path: out/out.parquet}")
        result = run_pipeline(load("\n".join(lines) + "\n"))
        assert result.succeeded, result.error
        out = project / "out" / "out.parquet"
        return columns_of(out), read_rows(out)

    return run
