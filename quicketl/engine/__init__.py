"""The engine: runs one resolved pipeline on DuckDB (sources, transforms, checks, a sink).

Importing it is cheap (the result types only); `run_pipeline` and `validate_pipeline` load
DuckDB on first use. What a pipeline reads and writes is the planner's business
(`quicketl.plan.io`), not the engine's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quicketl.engine.pipeline_result import CheckResult, PipelineResult, StepResult

if TYPE_CHECKING:
    from quicketl.engine.pipeline_run import run_pipeline
    from quicketl.engine.prepare import validate_pipeline


def __getattr__(name: str) -> Any:
    if name == "run_pipeline":
        from quicketl.engine.pipeline_run import run_pipeline

        return run_pipeline
    if name == "validate_pipeline":
        from quicketl.engine.prepare import validate_pipeline

        return validate_pipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CheckResult", "PipelineResult", "StepResult", "run_pipeline", "validate_pipeline"]
