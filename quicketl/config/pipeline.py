"""The pipeline file: sources, transforms, checks and a sink."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from quicketl.config.base import StrictModel, new_list
from quicketl.config.checks import Check
from quicketl.config.sinks import Sink
from quicketl.config.sources import Source, default_source_type
from quicketl.config.transforms import Transform

PRIMARY = "source"


def check_engine(value: Any) -> Any:
    """Only DuckDB is an engine; anything else gets a message that says so."""
    if isinstance(value, str) and value.strip().lower() == "duckdb":
        return "duckdb"
    raise ValueError(f"quicketl runs on DuckDB only; engine {value!r} is not supported")


class PipelineConfig(StrictModel):
    """A QuickETL pipeline file, as validated."""

    name: str = Field(min_length=1)
    description: str | None = None
    engine: str = "duckdb"
    source: Source | None = None
    sources: dict[str, Source] | None = None
    transforms: list[Transform] = Field(default_factory=new_list)
    checks: list[Check] = Field(default_factory=new_list)
    sink: Sink
    volatile: bool = False

    _engine = field_validator("engine", mode="before")(check_engine)

    @model_validator(mode="before")
    @classmethod
    def _default_types(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("source", "sink"):
            if key in data:
                data[key] = default_source_type(data[key])
        if isinstance(data.get("sources"), dict):
            data["sources"] = {k: default_source_type(v) for k, v in data["sources"].items()}
        return data

    @model_validator(mode="after")
    def _one_source_spelling(self) -> PipelineConfig:
        if (self.source is None) == (not self.sources):
            raise ValueError("give either 'source' or a non-empty 'sources' map")
        return self

    def named_sources(self) -> dict[str, Source]:
        """Every source by name; the first one is the primary table."""
        if self.sources:
            return dict(self.sources)
        assert self.source is not None
        return {PRIMARY: self.source}

    def primary_name(self) -> str:
        return next(iter(self.named_sources()))
