"""Model behaviour users rely on: QuickETL 1.x spellings, defaults, and cross-field rules."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from quicketl.config import (
    Aggregate,
    DatabaseSink,
    DatabaseSource,
    FileSink,
    FileSource,
    Filter,
    Join,
    NotNull,
    PipelineConfig,
    Rename,
    RowCount,
    Sort,
)


def pipeline(**parts: Any) -> PipelineConfig:
    data = {"name": "p", "source": {"path": "a.csv"}, "sink": {"path": "o.csv"}, **parts}
    return PipelineConfig.model_validate(data)


def test_tags_default_so_models_can_be_built_in_python() -> None:
    assert Filter(predicate="x > 1").op == "filter"
    assert NotNull(columns=["id"]).type == "not_null"


def test_yaml_still_needs_the_op_of_a_transform() -> None:
    with pytest.raises(ValidationError, match="op"):
        pipeline(transforms=[{"predicate": "x > 1"}])


def test_quicketl_1_spellings_are_accepted() -> None:
    assert Rename.model_validate({"op": "rename", "columns": {"a": "b"}}).mapping == {"a": "b"}
    aggregate = Aggregate.model_validate({"op": "aggregate", "aggregations": {"n": "count(*)"}})
    assert aggregate.aggs == {"n": "count(*)"}
    assert FileSink(path="o.csv", mode="replace").mode == "overwrite"  # type: ignore[arg-type]


def test_single_strings_become_lists() -> None:
    assert NotNull.model_validate({"type": "not_null", "columns": "id"}).columns == ["id"]
    assert Join.model_validate({"op": "join", "right": "r", "on": "id"}).on == ["id"]


def test_sort_keys_from_either_spelling() -> None:
    flags = Sort.model_validate({"op": "sort", "by": ["a", "b"], "descending": [True, False]})
    keyed = Sort.model_validate({"op": "sort", "by": [{"column": "a", "order": "desc"}, "b"]})
    assert flags.keys() == [("a", True), ("b", False)]
    assert keyed.keys() == [("a", True), ("b", False)]


def test_formats_come_from_extensions_unless_given() -> None:
    assert FileSource(path="data/x.CSV.gz").resolved_format == "csv"
    assert FileSource(path="data/*.parquet").resolved_format == "parquet"
    assert FileSource(path="data/x.dat", format="json").resolved_format == "json"
    assert FileSink(path="out/x").resolved_format == "parquet"


def test_source_type_defaults_from_its_keys() -> None:
    config = pipeline(source={"connection": "duckdb:///w.duckdb", "table": "t"})
    assert isinstance(config.source, DatabaseSource)


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (RowCount, {"type": "row_count", "min": 5, "max": 1}, "min \\(5\\) is greater than max"),
        (DatabaseSource, {"connection": "duckdb://", "query": "q", "table": "t"}, "exactly one"),
        (DatabaseSink, {"connection": "duckdb://", "table": "t", "mode": "upsert"}, "upsert_keys"),
        (DatabaseSink, {"connection": "duckdb://", "table": "t", "upsert_keys": ["id"]}, "only"),
        (FileSource, {"path": "a.parquet", "options": {"delimiter": ";"}}, "csv files only"),
    ],
)
def test_cross_field_rules(model: Any, data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        model.model_validate(data)


def test_named_sources_keep_their_order_and_the_first_is_primary() -> None:
    config = pipeline(
        source=None, sources={"orders": {"path": "o.csv"}, "customers": {"path": "c.csv"}}
    )
    assert list(config.named_sources()) == ["orders", "customers"]
    assert config.primary_name() == "orders"


def test_a_lone_source_is_named_source() -> None:
    assert pipeline().primary_name() == "source"


def test_models_are_frozen() -> None:
    step = Filter(predicate="x > 1")
    with pytest.raises(ValidationError):
        step.predicate = "y"  # type: ignore[misc]
