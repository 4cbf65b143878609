"""A sink written despite failed error-level checks (`--no-fail-on-checks`) is recorded so:
the next run says so, and a run that requires the checks runs them again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quicketl.state import TaskRecord

if TYPE_CHECKING:  # the no-op path imports this module, and nothing of the engine
    from quicketl.engine.pipeline_result import PipelineResult

CHECKS_FAILED = "checks_failed: "


def checks_status(result: PipelineResult) -> str:
    """The record status of a successful run: `success`, or the error-level checks that
    failed while the sink was written anyway."""
    failed = [c.name for c in result.checks if c.severity == "error" and not c.passed]
    return CHECKS_FAILED + ", ".join(failed) if failed else "success"


def failed_checks_note(record: TaskRecord | None) -> str | None:
    """What to say about a record whose checks failed; None for a clean one."""
    if record is None or not record.status.startswith(CHECKS_FAILED):
        return None
    names = record.status.removeprefix(CHECKS_FAILED)
    return f"the last run's error-level checks failed (written with --no-fail-on-checks): {names}"
