"""Pipeline, workflow and project files: models, YAML loading with lines, variables.

The models are importable from here (`from quicketl.config import FileSource, Filter`), but
loaded on first use, so importing a light submodule such as `quicketl.config.yamlfile` does
not import pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quicketl.config.checks import AcceptedValues, Expression, NotNull, RowCount, Unique
    from quicketl.config.pipeline import PipelineConfig
    from quicketl.config.sinks import DatabaseSink, FileSink
    from quicketl.config.sources import DatabaseSource, FileOptions, FileSource
    from quicketl.config.transforms import (
        Aggregate,
        Cast,
        Coalesce,
        Dedup,
        DeriveColumn,
        FillNull,
        Filter,
        HashKey,
        Join,
        Limit,
        Pivot,
        Rename,
        Select,
        Sort,
        SortKey,
        Union,
        Unpivot,
        Window,
        WindowColumn,
        WindowOrder,
    )
    from quicketl.config.workflow import PipelineRef, StageConfig, WorkflowConfig

_HOME = {
    "checks": "AcceptedValues Expression NotNull RowCount Unique",
    "pipeline": "PipelineConfig",
    "sinks": "DatabaseSink FileSink",
    "sources": "DatabaseSource FileOptions FileSource",
    "transforms": "Aggregate Cast Coalesce Dedup DeriveColumn FillNull Filter HashKey Join "
    "Limit Pivot Rename Select Sort SortKey Union Unpivot Window WindowColumn WindowOrder",
    "workflow": "PipelineRef StageConfig WorkflowConfig",
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names.split()}

__all__ = [
    "AcceptedValues",
    "Aggregate",
    "Cast",
    "Coalesce",
    "DatabaseSink",
    "DatabaseSource",
    "Dedup",
    "DeriveColumn",
    "Expression",
    "FileOptions",
    "FileSink",
    "FileSource",
    "FillNull",
    "Filter",
    "HashKey",
    "Join",
    "Limit",
    "NotNull",
    "PipelineConfig",
    "PipelineRef",
    "Pivot",
    "Rename",
    "RowCount",
    "Select",
    "Sort",
    "SortKey",
    "StageConfig",
    "Union",
    "Unique",
    "Unpivot",
    "Window",
    "WindowColumn",
    "WindowOrder",
    "WorkflowConfig",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"quicketl.config.{module}"), name)
