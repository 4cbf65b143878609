"""The workflow file: stages of pipeline references with dependencies."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, field_validator

from quicketl.config.base import StrictModel, as_list, new_dict, new_list
from quicketl.config.orchestrator import OrchestratorSettings
from quicketl.config.pipeline import check_engine

Scalar = str | int | float | bool | None


def dates_as_iso(value: Any) -> Any:
    """An unquoted YAML date (`RUN_DATE: 2025-01-15`) is the ISO string it was written as."""
    if isinstance(value, dict):
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in value.items()}
    return value


class PipelineRef(StrictModel):
    """One pipeline entry of a stage."""

    path: str = Field(min_length=1)
    name: str | None = None
    variables: dict[str, Scalar] = Field(default_factory=new_dict)
    orchestrator: OrchestratorSettings | None = None

    _variables = field_validator("variables", mode="before")(dates_as_iso)


class StageConfig(StrictModel):
    name: str = Field(min_length=1)
    description: str | None = None
    depends_on: list[str] = Field(default_factory=new_list)
    parallel: bool = False
    continue_on_failure: bool = False
    orchestrator: OrchestratorSettings | None = None
    pipelines: list[PipelineRef] = Field(min_length=1)

    _depends_on = field_validator("depends_on", mode="before")(as_list)

    @field_validator("pipelines", mode="before")
    @classmethod
    def _bare_paths(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"path": v} if isinstance(v, str) else v for v in value]
        return value


class WorkflowConfig(StrictModel):
    """A QuickETL workflow file, as validated."""

    name: str = Field(min_length=1)
    description: str | None = None
    variables: dict[str, Scalar] = Field(default_factory=new_dict)
    fail_fast: bool = True
    engine: str = "duckdb"
    stages: list[StageConfig] = Field(min_length=1)

    _engine = field_validator("engine", mode="before")(check_engine)
    _variables = field_validator("variables", mode="before")(dates_as_iso)
