"""The project part of the public API: versions, engines, the JSON Schemas of the files.

Cheap to import (everything heavy loads inside the functions), like `quicketl.api.pipeline`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

__all__ = ["backends_info", "environment_info", "json_schema"]


def json_schema(kind: Literal["pipeline", "workflow", "results"] = "pipeline") -> dict[str, Any]:
    """The JSON Schema of pipeline or workflow files, shaped for YAML editors; `results`: of
    every document the command line prints with --json."""
    if kind == "results":
        from quicketl.report.json_schema import results_schema

        return results_schema()
    from quicketl.config.editor_schema import editor_schema

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


def backends_info(start: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Each engine with whether it is supported: DuckDB, and every other engine a YAML file
    of the project holding `start` (default: the working directory) names."""
    from quicketl.config.engines import engines_named
    from quicketl.config.project import find_project_root

    root = find_project_root(Path(start) if start is not None else Path.cwd())
    duckdb_version = _installed_version("duckdb")
    rows = {"duckdb": f"supported (DuckDB {duckdb_version}); the only engine"}
    for engine, files in engines_named(root).items():
        rows[engine] = f"not supported: named in {', '.join(p.as_posix() for p in files)}"
    return rows


def _installed_version(distribution: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"
