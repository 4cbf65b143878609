"""The Python API: loading and validating files, and building pipelines in code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from quicketl import api
from quicketl.api import Pipeline
from quicketl.config import (
    Aggregate,
    DatabaseSource,
    FileSink,
    FileSource,
    Filter,
    Join,
    NotNull,
    Rename,
    Sort,
    SortKey,
)
from quicketl.errors import ConfigError

PIPELINE = """\
name: orders
source: {path: '${DATA:-data/orders.csv}'}
transforms:
  - op: filter
    predicate: amount > 0
sink: {path: out/orders.parquet}
"""


def write_project(root: Path) -> Path:
    (root / "quicketl.yml").write_text("{}\n")
    (root / "pipelines").mkdir()
    (root / "pipelines" / "orders.yml").write_text(PIPELINE)
    return root / "pipelines" / "orders.yml"


def test_importing_the_api_is_cheap() -> None:
    heavy = "{'duckdb', '_duckdb', 'pydantic', 'doit', 'jinja2', 'rich', 'typer'}"
    code = f"import sys, quicketl.api; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_pipeline_file_finds_the_project_root(tmp_path: Path) -> None:
    loaded = api.load_pipeline_file(write_project(tmp_path), {"DATA": "data/x.csv"})
    assert loaded.root == tmp_path.resolve()
    assert loaded.config.name == "orders"
    assert loaded.used_vars == {"DATA": "data/x.csv"}


def test_load_errors_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        api.load_pipeline_file(tmp_path / "missing.yml")


def test_from_yaml_keeps_the_loaded_file(tmp_path: Path) -> None:
    pipeline = Pipeline.from_yaml(write_project(tmp_path))
    assert pipeline.load().path == tmp_path / "pipelines" / "orders.yml"
    assert pipeline.to_dict()["transforms"] == [{"op": "filter", "predicate": "amount > 0"}]


def test_changing_a_loaded_pipeline_revalidates_it(tmp_path: Path) -> None:
    pipeline = Pipeline.from_yaml(write_project(tmp_path))
    pipeline.transform(Sort(by=["amount"]))
    assert pipeline.config.transforms[-1] == Sort(by=["amount"])
    assert pipeline.load().path.name == "<pipeline orders>"


def test_builder_takes_models_and_dicts() -> None:
    pipeline = (
        Pipeline("orders", description="demo")
        .source(FileSource(path="data/orders.csv"))
        .transform(Filter(predicate="amount > 0"), {"op": "limit", "n": 10})
        .check(NotNull(columns=["id"]))
        .sink(FileSink(path="out/orders.parquet"))
    )
    assert pipeline.to_dict() == {
        "name": "orders",
        "description": "demo",
        "source": {"type": "file", "path": "data/orders.csv"},
        "transforms": [
            {"op": "filter", "predicate": "amount > 0"},
            {"op": "limit", "n": 10},
        ],
        "checks": [{"type": "not_null", "columns": ["id"]}],
        "sink": {"type": "file", "path": "out/orders.parquet"},
    }
    assert pipeline.config.primary_name() == "source"


def test_named_sources_become_a_sources_map() -> None:
    pipeline = (
        Pipeline("joined")
        .source(FileSource(path="o.csv"), name="orders")
        .source({"path": "c.csv"}, name="customers")
        .transform(Join(right="customers", on=["customer_id"], how="left"))
        .sink({"path": "out.parquet"})
    )
    assert list(pipeline.to_dict()["sources"]) == ["orders", "customers"]
    assert list(pipeline.config.named_sources()) == ["orders", "customers"]


def test_aliases_and_nested_models_round_trip() -> None:
    pipeline = (
        Pipeline("p")
        .source(DatabaseSource(connection="duckdb:///w.duckdb", table="t"))
        .transform(
            Rename(columns={"a": "b"}),  # type: ignore[call-arg]
            Sort(by=[SortKey(column="b", order="desc")]),
            Aggregate(group_by=["b"], aggs={"n": "count(*)"}),
        )
        .sink(FileSink(path="o.csv"))
    )
    config = pipeline.config
    assert [step.op for step in config.transforms] == ["rename", "sort", "aggregate"]
    assert yaml.safe_load(pipeline.to_yaml()) == pipeline.to_dict()


def test_builder_errors_are_located_by_field() -> None:
    pipeline = Pipeline("p").source({"path": "a.csv"}).transform({"op": "filtr"})
    with pytest.raises(ConfigError) as caught:
        pipeline.load()
    messages = [str(problem) for problem in caught.value.problems]
    assert messages == [
        "<pipeline p>: transforms[0]: unknown op 'filtr'; did you mean 'filter'? "
        "(expected one of: select, rename, filter, derive_column, cast, fill_null, dedup, "
        "sort, limit, join, aggregate, union, window, pivot, unpivot, hash_key, coalesce)",
        "<pipeline p>: sink: required field is missing",
    ]


def test_builder_substitutes_its_variables() -> None:
    pipeline = Pipeline("p", variables={"DAY": "2025-01-02"}).source({"path": "data/${DAY}.csv"})
    config = pipeline.sink({"path": "o.csv"}).config
    assert isinstance(config.source, FileSource)
    assert config.source.path == "data/2025-01-02.csv"


def test_a_second_unnamed_source_is_refused() -> None:
    pipeline = Pipeline("p").source({"path": "a.csv"})
    with pytest.raises(ValueError, match="already has a source named 'source'"):
        pipeline.source({"path": "b.csv"})


def test_steps_must_be_models_or_mappings() -> None:
    with pytest.raises(TypeError, match="expected a quicketl config model or a mapping"):
        Pipeline("p").transform("filter")  # type: ignore[arg-type]


def test_environment_info_names_versions() -> None:
    info = api.environment_info()
    assert list(info) == ["quicketl", "python", "duckdb", "platform"]
    assert info["quicketl"] == "2.0.0"


def test_json_schema_kinds() -> None:
    assert api.json_schema()["title"] == "quicketl pipeline file"
    assert api.json_schema("workflow")["title"] == "quicketl workflow file"


def orders_csv(root: Path) -> None:
    (root / "data").mkdir()
    (root / "data" / "orders.csv").write_text("id,amount\n1,5.0\n2,-1.0\n3,7.5\n")


def test_builder_runs_on_duckdb(tmp_path: Path) -> None:
    orders_csv(tmp_path)
    result = (
        Pipeline("positive", root=tmp_path)
        .source(FileSource(path="data/orders.csv"))
        .transform(Filter(predicate="amount > 0"))
        .check(NotNull(columns=["amount"]))
        .sink(FileSink(path="out/positive.csv"))
        .run()
    )
    assert (result.status, result.rows_read, result.rows_written) == ("success", 3, 2)
    assert (tmp_path / "out" / "positive.csv").read_text().splitlines() == [
        "id,amount",
        "1,5.0",
        "3,7.5",
    ]


def test_builder_validate_checks_columns_against_the_source(tmp_path: Path) -> None:
    orders_csv(tmp_path)
    pipeline = (
        Pipeline("p", root=tmp_path)
        .source({"path": "data/orders.csv"})
        .transform(Filter(predicate="amout > 0"))
        .sink({"path": "out/p.csv"})
    )
    with pytest.raises(ConfigError, match="unknown column 'amout'; did you mean 'amount'"):
        pipeline.validate()


def test_run_pipeline_file_and_failures_are_results(tmp_path: Path) -> None:
    orders_csv(tmp_path)
    (tmp_path / "quicketl.yml").write_text("{}\n")
    path = tmp_path / "p.yml"
    path.write_text(
        "name: p\nsource: {path: data/orders.csv}\n"
        "checks:\n  - type: expression\n    expr: amount > 0\n"
        "sink: {path: out/p.parquet}\n"
    )
    result = api.run_pipeline(path)
    assert result.status == "failed"
    assert result.checks[0].failed_rows == 1
    assert not (tmp_path / "out").exists()
    assert api.run_pipeline(path, fail_on_checks=False).succeeded
    assert api.validate_pipeline(path).config.name == "p"
