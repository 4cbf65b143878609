"""The 1.x spellings of `init`, `schema`, `info` and `workflow generate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Invoke

pytestmark = pytest.mark.usefixtures("in_tmp")


def test_init_output_creates_the_project_inside_that_folder(cli: Invoke, tmp_path: Path) -> None:
    result = cli("init", "shop", "-o", "projects")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "projects/shop/quicketl.yml").is_file()
    assert not (tmp_path / "shop").exists()


def test_init_output_without_a_name_scaffolds_that_folder(cli: Invoke, tmp_path: Path) -> None:
    result = cli("init", "--output", "here")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "here/pipelines/sample.yml").is_file()


def test_init_pipeline_output_writes_into_that_project(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p/quicketl.yml").write_text("name: p\n")
    result = cli("init", "daily", "--pipeline", "-o", "p")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p/pipelines/daily.yml").is_file()


def test_schema_indent_sets_the_indentation(cli: Invoke) -> None:
    result = cli("schema", "--indent", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('{\n    "')
    assert json.loads(result.stdout)["title"] == "quicketl pipeline file"
    assert cli("schema", "-i", "0").stdout.startswith('{\n"')


def test_info_backends_says_duckdb(cli: Invoke) -> None:
    result = cli("info", "--backends")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("duckdb  supported (DuckDB ")


def test_info_backends_lists_engines_named_in_files_as_not_supported(
    cli: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "quicketl.yml").write_text("environments:\n  prod:\n    engine: snowflake\n")
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines/a.yml").write_text("name: a\nengine: polars\n")
    (tmp_path / "pipelines/b.yml").write_text("name: b\nengine: duckdb\n")
    result = cli("info", "-b")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "polars     not supported: named in pipelines/a.yml" in lines
    assert "snowflake  not supported: named in quicketl.yml" in lines
    assert len(lines) == 3


def test_generate_defaults_to_airflow(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "quicketl.yml").write_text("name: t\n")
    (tmp_path / "data.csv").write_text("id\n1\n")
    (tmp_path / "p.yml").write_text("name: p\nsource: {path: data.csv}\nsink: {path: o.csv}\n")
    (tmp_path / "wf.yml").write_text(
        "name: wf\nstages:\n  - name: s\n    pipelines: [{path: p.yml}]\n"
    )
    result = cli("workflow", "generate", "wf.yml")
    assert result.exit_code == 0, result.output
    assert "from airflow" in result.stdout


@pytest.mark.parametrize("text", ["${TOP_N}", "${secret:TOP_N}", "${env:N:-5}", "${var:N|x}"])
def test_schema_accepts_provider_references_where_a_number_goes(cli: Invoke, text: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(cli("schema").stdout)
    pipeline = {
        "name": "p",
        "source": {"path": "in.csv"},
        "transforms": [{"op": "limit", "n": text}],
        "sink": {"path": "o.csv"},
    }
    jsonschema.validate(pipeline, schema)
