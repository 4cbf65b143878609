"""Results as JSON documents: exactly one per command on stdout, stable keys, no markup."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from quicketl.errors import ConfigError, QuickETLError
from quicketl.report.json_text import indented_json

if TYPE_CHECKING:  # the no-op run's --json output has no use for the engine's modules
    from quicketl.engine.pipeline_result import PipelineResult


def to_json(document: dict[str, Any]) -> str:
    """Indented JSON; dates, decimals and other values from DuckDB become strings."""
    # The text of json.dumps(document, indent=2, ensure_ascii=False, default=str), faster.
    return indented_json(document, default=str)


def pipeline_document(result: PipelineResult) -> dict[str, Any]:
    """A pipeline run: name, status, timings, rows, steps, checks (with counts) and error."""
    return result.document()


def error_document(exc: BaseException) -> dict[str, Any]:
    """An error: `invalid` (exit 2) with every problem located, else `failed`."""
    invalid = isinstance(exc, QuickETLError) and exc.exit_code == 2
    problems = list(dict.fromkeys(exc.problems)) if isinstance(exc, ConfigError) else []
    return {
        "status": "invalid" if invalid else "failed",
        "error": str(exc) if isinstance(exc, QuickETLError) else f"{type(exc).__name__}: {exc}",
        "problems": [asdict(problem) for problem in problems],
    }
