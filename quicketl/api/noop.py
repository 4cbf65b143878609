"""The no-op fast path of `workflow run`, for `quicketl.cli.noop`: nothing heavy is imported.

Importing it loads neither YAML, pydantic, DuckDB, doit, rich nor typer (a test pins this),
nor yet the no-op path itself: that is imported by the first `try_noop_run`, so a caller can
pause the collector (`collector_paused`) first and import it, decide and print in one pause.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from quicketl.config.defaults import environment_defaults_valid
from quicketl.plan.collector import collector_paused

if TYPE_CHECKING:
    from quicketl.execute.outcomes import WorkflowResult
    from quicketl.plan.model import Plan

__all__ = ["collector_paused", "environment_defaults_valid", "try_noop_run"]


def try_noop_run(
    workflow_path: Path, cli_vars: Mapping[str, object], cache_dir: str | None = None
) -> tuple[Plan, WorkflowResult] | None:
    """The run's result when nothing needs to run, else None (nothing was changed)."""
    # Imported here: most of what a no-op run imports (the state store, the stored plan's
    # model, the decider), made while the caller's collector pause already holds.
    from quicketl.execute.noop import try_noop_run as answer

    return answer(workflow_path, cli_vars, cache_dir)
