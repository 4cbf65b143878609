"""The public Python API: load, validate and run pipeline files, or pipelines built in code.

Importing this module is cheap: pydantic, DuckDB and the engine load on first use, so the
command line can import it for every command and pay only for what a command does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from quicketl._builder import Pipeline

if TYPE_CHECKING:
    from quicketl.config.loader import LoadedPipeline
    from quicketl.engine.result import PipelineResult

PathLike = str | os.PathLike[str]
Variables = Mapping[str, object] | None

__all__ = [
    "Pipeline",
    "check_sink",
    "environment_info",
    "json_schema",
    "load_pipeline_file",
    "run_loaded_pipeline",
    "run_pipeline",
    "validate_pipeline",
]


def load_pipeline_file(path: PathLike, variables: Variables = None) -> LoadedPipeline:
    """Read a pipeline file, substitute its variables and validate its fields (no DuckDB).

    The project root is the nearest folder above the file holding `quicketl.yml`; variables
    resolve from `variables`, then the environment, then the root's `.env`.
    """
    from quicketl.config.loader import load_pipeline
    from quicketl.config.project import find_project_root
    from quicketl.config.variables import VariableScope

    file = Path(path)
    root = find_project_root(file)
    return load_pipeline(file, VariableScope.standard(variables, root=root), root)


def validate_pipeline(
    path: PathLike,
    variables: Variables = None,
    *,
    allow_outside_project: bool = False,
    cache_dir: PathLike | None = None,
) -> LoadedPipeline:
    """Load a pipeline, check where its sink writes, and check every column and expression
    against its real sources."""
    loaded = load_pipeline_file(path, variables)
    check_sink(loaded, allow_outside_project=allow_outside_project, cache_dir=cache_dir)
    from quicketl.engine.prepare import validate_pipeline as check_against_sources

    check_against_sources(loaded)
    _warn_volatile_sql(loaded)
    return loaded


def check_sink(
    loaded: LoadedPipeline,
    *,
    allow_outside_project: bool = False,
    cache_dir: PathLike | None = None,
) -> None:
    """Raise PlanError if the pipeline's sink would replace what quicketl did not write, or
    write outside the project without leave (see `quicketl.plan.sink_guard`)."""
    from quicketl.plan.single import single_task_plan
    from quicketl.plan.sink_guard import require_safe_sinks

    cache = Path(cache_dir) if cache_dir is not None else None
    plan = single_task_plan(loaded)
    require_safe_sinks(plan, cache_dir=cache, allow_outside=allow_outside_project)


def _warn_volatile_sql(loaded: LoadedPipeline) -> None:
    import warnings

    from quicketl.config.volatile import volatile_sql_warnings
    from quicketl.errors import VolatileSqlWarning

    for problem in volatile_sql_warnings(loaded.config, loaded.doc):
        warnings.warn(str(problem), VolatileSqlWarning, stacklevel=3)


def run_pipeline(
    path: PathLike,
    variables: Variables = None,
    dry_run: bool = False,
    fail_on_checks: bool = True,
    *,
    force: bool = False,
    cache_dir: PathLike | None = None,
    allow_outside_project: bool = False,
) -> PipelineResult:
    """Run a pipeline file, skipping it while nothing it depends on has changed.

    The pipeline is keyed like a workflow task (its resolved config, used variables and input
    contents) in the project's `.quicketl-cache/`; `force` runs it regardless. A dry run reads,
    transforms and checks but writes nothing and records nothing. A failed run is a result
    with status "failed", not an exception; invalid input raises `ConfigError`. A sink
    outside the project root is refused unless `quicketl.yml` allows its folder or
    `allow_outside_project` is set.
    """
    loaded = load_pipeline_file(path, variables)
    if dry_run:
        check_sink(loaded, allow_outside_project=allow_outside_project, cache_dir=cache_dir)
        return run_loaded_pipeline(loaded, dry_run=True, fail_on_checks=fail_on_checks)
    from quicketl.api_workflow import run_pipeline_cached

    return run_pipeline_cached(
        loaded,
        force=force,
        fail_on_checks=fail_on_checks,
        cache_dir=Path(cache_dir) if cache_dir is not None else None,
        allow_outside_project=allow_outside_project,
    )


def run_loaded_pipeline(
    loaded: LoadedPipeline, *, dry_run: bool = False, fail_on_checks: bool = True
) -> PipelineResult:
    """Run an already loaded pipeline on DuckDB."""
    from quicketl.engine.runner import run_pipeline as run_on_duckdb

    return run_on_duckdb(loaded, dry_run=dry_run, fail_on_checks=fail_on_checks)


def json_schema(kind: Literal["pipeline", "workflow"] = "pipeline") -> dict[str, Any]:
    """The JSON Schema of pipeline or workflow files, shaped for YAML editors."""
    from quicketl._schema import editor_schema

    return editor_schema(kind)


def environment_info() -> dict[str, str]:
    """quicketl's version, Python's, DuckDB's and the platform (without importing DuckDB)."""
    import platform
    import sys

    from quicketl import __version__

    return {
        "quicketl": __version__,
        "python": f"{platform.python_version()} ({sys.executable})",
        "duckdb": _installed_version("duckdb"),
        "platform": platform.platform(),
    }


def _installed_version(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


_LAZY = {
    "plan_workflow": "quicketl.api_workflow",
    "plan_for_run": "quicketl.api_workflow",
    "run_workflow": "quicketl.api_workflow",
    "execute_plan": "quicketl.api_workflow",
    "explain": "quicketl.api_workflow",
    "explain_plan": "quicketl.api_workflow",
    "run_task": "quicketl.api_workflow",
    "generate": "quicketl.api_workflow",
    "Workflow": "quicketl.api_workflow",
    "try_noop_run": "quicketl.execute.noop",
    "run_history": "quicketl.api_history",
    "run_record": "quicketl.api_history",
    "QueryProgress": "quicketl.engine.progress",
    "watching_queries": "quicketl.engine.progress",
    "cache_status": "quicketl.api_cache",
    "cache_clean": "quicketl.api_cache",
    "cache_gc": "quicketl.api_cache",
}


def __getattr__(name: str) -> Any:
    # Workflow and cache functions load YAML and pydantic; import them on first use only.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
