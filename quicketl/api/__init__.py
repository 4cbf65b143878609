"""The public Python API of quicketl, and the only part of it the command line uses.

Every name is imported on first use, so `import quicketl.api` costs nothing and
`quicketl --version` or the no-op `workflow run` pay only for what they touch (workflows,
the cache and the result types load YAML, pydantic or DuckDB). Type checkers see every name,
with its real signature, through the `TYPE_CHECKING` imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quicketl import __version__
    from quicketl.api.cache import (
        CacheReport,
        cache_clean,
        cache_gc,
        cache_gc_remote,
        cache_status,
    )
    from quicketl.api.deployment import prefect_deployment
    from quicketl.api.dynamic_dag import airflow_layout
    from quicketl.api.history import run_history, run_record
    from quicketl.api.noop import try_noop_run
    from quicketl.api.one_task import run_task
    from quicketl.api.pipeline import (
        Pipeline,
        check_sink,
        explain_pipeline,
        load_pipeline_file,
        run_loaded_pipeline,
        run_pipeline,
        validate_pipeline,
    )
    from quicketl.api.project import backends_info, environment_info, json_schema
    from quicketl.api.workflow import (
        Workflow,
        check_workflow_sources,
        execute_plan,
        explain,
        explain_plan,
        generate,
        plan_for_run,
        plan_workflow,
        run_workflow,
    )
    from quicketl.config.loader import LoadedPipeline
    from quicketl.config.project import PROJECT_FILE, find_project_root
    from quicketl.config.secrets import mask as mask_secrets
    from quicketl.config.variables import parse_var_assignments
    from quicketl.engine.pipeline_result import PipelineResult
    from quicketl.engine.progress import QueryProgress, watching_queries
    from quicketl.errors import (
        ConfigError,
        EngineError,
        ExportError,
        InterruptedAfterCommit,
        PlanError,
        Problem,
        QuickETLError,
        QuickETLWarning,
        StalePlanError,
        StateError,
        TransientError,
        UnsafeVariableWarning,
        VolatileSqlWarning,
    )
    from quicketl.execute.events import RunReporter
    from quicketl.execute.outcomes import TaskOutcome, WorkflowResult
    from quicketl.export.options import ExportOptions
    from quicketl.plan.model import Plan, Task
    from quicketl.state.atomic import write_text_atomically

# Name -> (module, name there) of everything imported on first use; the TYPE_CHECKING block
# above must list the same names (a test compares them).
_LAZY: dict[str, tuple[str, str]] = {
    "__version__": ("quicketl", "__version__"),
    "CacheReport": ("quicketl.api.cache", "CacheReport"),
    "cache_clean": ("quicketl.api.cache", "cache_clean"),
    "cache_gc": ("quicketl.api.cache", "cache_gc"),
    "cache_gc_remote": ("quicketl.api.cache", "cache_gc_remote"),
    "cache_status": ("quicketl.api.cache", "cache_status"),
    "try_noop_run": ("quicketl.api.noop", "try_noop_run"),
    "airflow_layout": ("quicketl.api.dynamic_dag", "airflow_layout"),
    "prefect_deployment": ("quicketl.api.deployment", "prefect_deployment"),
    "run_history": ("quicketl.api.history", "run_history"),
    "run_record": ("quicketl.api.history", "run_record"),
    "Pipeline": ("quicketl.api.pipeline", "Pipeline"),
    "check_sink": ("quicketl.api.pipeline", "check_sink"),
    "load_pipeline_file": ("quicketl.api.pipeline", "load_pipeline_file"),
    "run_loaded_pipeline": ("quicketl.api.pipeline", "run_loaded_pipeline"),
    "run_pipeline": ("quicketl.api.pipeline", "run_pipeline"),
    "validate_pipeline": ("quicketl.api.pipeline", "validate_pipeline"),
    "backends_info": ("quicketl.api.project", "backends_info"),
    "environment_info": ("quicketl.api.project", "environment_info"),
    "json_schema": ("quicketl.api.project", "json_schema"),
    "Workflow": ("quicketl.api.workflow", "Workflow"),
    "check_workflow_sources": ("quicketl.api.workflow", "check_workflow_sources"),
    "execute_plan": ("quicketl.api.workflow", "execute_plan"),
    "explain": ("quicketl.api.workflow", "explain"),
    "explain_pipeline": ("quicketl.api.pipeline", "explain_pipeline"),
    "explain_plan": ("quicketl.api.workflow", "explain_plan"),
    "generate": ("quicketl.api.workflow", "generate"),
    "plan_for_run": ("quicketl.api.workflow", "plan_for_run"),
    "plan_workflow": ("quicketl.api.workflow", "plan_workflow"),
    "run_task": ("quicketl.api.one_task", "run_task"),
    "run_workflow": ("quicketl.api.workflow", "run_workflow"),
    "LoadedPipeline": ("quicketl.config.loader", "LoadedPipeline"),
    "PROJECT_FILE": ("quicketl.config.project", "PROJECT_FILE"),
    "find_project_root": ("quicketl.config.project", "find_project_root"),
    "mask_secrets": ("quicketl.config.secrets", "mask"),
    "parse_var_assignments": ("quicketl.config.variables", "parse_var_assignments"),
    "QueryProgress": ("quicketl.engine.progress", "QueryProgress"),
    "watching_queries": ("quicketl.engine.progress", "watching_queries"),
    "PipelineResult": ("quicketl.engine.pipeline_result", "PipelineResult"),
    "ConfigError": ("quicketl.errors", "ConfigError"),
    "EngineError": ("quicketl.errors", "EngineError"),
    "ExportError": ("quicketl.errors", "ExportError"),
    "InterruptedAfterCommit": ("quicketl.errors", "InterruptedAfterCommit"),
    "PlanError": ("quicketl.errors", "PlanError"),
    "Problem": ("quicketl.errors", "Problem"),
    "QuickETLError": ("quicketl.errors", "QuickETLError"),
    "QuickETLWarning": ("quicketl.errors", "QuickETLWarning"),
    "StalePlanError": ("quicketl.errors", "StalePlanError"),
    "StateError": ("quicketl.errors", "StateError"),
    "TransientError": ("quicketl.errors", "TransientError"),
    "UnsafeVariableWarning": ("quicketl.errors", "UnsafeVariableWarning"),
    "VolatileSqlWarning": ("quicketl.errors", "VolatileSqlWarning"),
    "RunReporter": ("quicketl.execute.events", "RunReporter"),
    "TaskOutcome": ("quicketl.execute.outcomes", "TaskOutcome"),
    "WorkflowResult": ("quicketl.execute.outcomes", "WorkflowResult"),
    "ExportOptions": ("quicketl.export.options", "ExportOptions"),
    "Plan": ("quicketl.plan.model", "Plan"),
    "Task": ("quicketl.plan.model", "Task"),
    "write_text_atomically": ("quicketl.state.atomic", "write_text_atomically"),
}

__all__ = [
    "PROJECT_FILE",
    "CacheReport",
    "ConfigError",
    "EngineError",
    "ExportError",
    "ExportOptions",
    "InterruptedAfterCommit",
    "LoadedPipeline",
    "Pipeline",
    "PipelineResult",
    "Plan",
    "PlanError",
    "Problem",
    "QueryProgress",
    "QuickETLError",
    "QuickETLWarning",
    "RunReporter",
    "StalePlanError",
    "StateError",
    "Task",
    "TaskOutcome",
    "TransientError",
    "UnsafeVariableWarning",
    "VolatileSqlWarning",
    "Workflow",
    "WorkflowResult",
    "__version__",
    "airflow_layout",
    "backends_info",
    "cache_clean",
    "cache_gc",
    "cache_gc_remote",
    "cache_status",
    "check_sink",
    "check_workflow_sources",
    "environment_info",
    "execute_plan",
    "explain",
    "explain_pipeline",
    "explain_plan",
    "find_project_root",
    "generate",
    "json_schema",
    "load_pipeline_file",
    "mask_secrets",
    "parse_var_assignments",
    "plan_for_run",
    "plan_workflow",
    "prefect_deployment",
    "run_history",
    "run_loaded_pipeline",
    "run_pipeline",
    "run_record",
    "run_task",
    "run_workflow",
    "try_noop_run",
    "validate_pipeline",
    "watching_queries",
    "write_text_atomically",
]

if not TYPE_CHECKING:
    # Hidden from type checkers on purpose: they see the imports above instead, so a name
    # not exported here is a type error, not an `Any`.

    def __getattr__(name: str) -> object:
        if name not in _LAZY:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(_LAZY))
