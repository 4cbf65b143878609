"""The no-op fast path of `workflow run`, for `quicketl.cli.noop`: nothing heavy is imported.

Importing it loads neither YAML, pydantic, DuckDB, doit, rich nor typer (a test pins this).
"""

from __future__ import annotations

from quicketl.config.defaults import environment_defaults_valid
from quicketl.execute.noop import try_noop_run
from quicketl.plan.collector import collector_paused

__all__ = ["collector_paused", "environment_defaults_valid", "try_noop_run"]
