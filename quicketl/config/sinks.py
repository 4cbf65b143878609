"""Sink models: files (optionally hive-partitioned) and database tables."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from quicketl.config.base import StrictModel, as_list, new_list
from quicketl.config.sources import format_from_path

SinkFormat = Literal["parquet", "csv", "json"]


class FileSink(StrictModel):
    """A file, or a folder of `col=value/` partitions when `partition_by` is set."""

    type: Literal["file"] = "file"
    path: str = Field(min_length=1)
    format: SinkFormat | None = None
    partition_by: list[str] = Field(default_factory=new_list)
    mode: Literal["overwrite", "append"] = "overwrite"

    _partition_by = field_validator("partition_by", mode="before")(as_list)

    @field_validator("mode", mode="before")
    @classmethod
    def _replace_means_overwrite(cls, value: Any) -> Any:
        return "overwrite" if value == "replace" else value

    @property
    def resolved_format(self) -> SinkFormat:
        return self.format or format_from_path(self.path) or "parquet"


class DatabaseSink(StrictModel):
    """A table in a database, written in one transaction."""

    type: Literal["database"] = "database"
    connection: str = Field(min_length=1)
    table: str = Field(min_length=1)
    mode: Literal["append", "truncate", "replace", "upsert"] = "append"
    upsert_keys: list[str] = Field(default_factory=new_list)

    @model_validator(mode="after")
    def _upsert_needs_keys(self) -> DatabaseSink:
        if self.mode == "upsert" and not self.upsert_keys:
            raise ValueError("mode upsert needs upsert_keys")
        if self.mode != "upsert" and self.upsert_keys:
            raise ValueError("upsert_keys apply to mode upsert only")
        return self


Sink = Annotated[FileSink | DatabaseSink, Field(discriminator="type")]
