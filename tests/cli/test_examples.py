"""Every bundled example runs as its README says, from its own folder, via the CLI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from .conftest import Invoke

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def example(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A copy of the example named by the test's parameter, as the working directory."""
    folder = tmp_path / request.param
    shutil.copytree(EXAMPLES / request.param, folder, ignore=shutil.ignore_patterns("output"))
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(before)


def rows(path: Path) -> list[tuple[object, ...]]:
    return duckdb.sql(f"SELECT * FROM '{path}'").fetchall()


@pytest.mark.parametrize("example", ["single_csv"], indirect=True)
def test_single_csv(cli: Invoke, example: Path) -> None:
    result = cli("run", "pipelines/clean_orders.yml")
    assert result.exit_code == 0, result.output
    assert "SUCCESS" in result.stdout
    written = rows(example / "output" / "clean_orders.parquet")
    assert [row[0] for row in written] == [1001, 1002, 1005, 1006, 1008, 1009, 1010]
    assert written[0][1:5] == ("Ana", "DE", 120.0, 144.0)
    assert str(written[0][5]) == "2025-01-02"


@pytest.mark.parametrize("example", ["multi_source_join"], indirect=True)
def test_multi_source_join(cli: Invoke, example: Path) -> None:
    result = cli("run", "pipelines/revenue_by_segment.yml")
    assert result.exit_code == 0, result.output
    csv_text = (example / "output" / "revenue_by_segment.csv").read_text()
    assert csv_text.splitlines() == [
        "segment,orders,customers,revenue",
        "business,3,2,307.6",
        "retail,4,3,280.15",
        "unknown,1,1,9.99",
    ]
    readme = (EXAMPLES / "multi_source_join" / "README.md").read_text()
    assert "\n".join(f"    {line}" for line in csv_text.splitlines()) in readme


@pytest.mark.parametrize("example", ["single_csv", "multi_source_join"], indirect=True)
def test_examples_validate_and_have_a_project_file(cli: Invoke, example: Path) -> None:
    assert (example / "quicketl.yml").is_file()
    readme = (example / "README.md").read_text()
    for path in sorted((example / "pipelines").glob("*.yml")):
        relative = path.relative_to(example).as_posix()
        assert f"quicketl run {relative}" in readme
        result = cli("validate", relative)
        assert result.exit_code == 0, result.output


def test_every_example_is_tested() -> None:
    tested = {"single_csv", "multi_source_join", "medallion"}
    assert {p.name for p in EXAMPLES.iterdir() if p.is_dir()} <= tested
