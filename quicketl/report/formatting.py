"""Small text formats shared by the reports: durations, row counts, sample rows."""

from __future__ import annotations

from typing import Any

MAX_SAMPLES = 3


def duration(ms: float) -> str:
    """A duration as the workflow report in README.md spells it: `1234.5ms`."""
    return f"{ms:.1f}ms"


def step_duration(ms: float) -> str:
    """A step's duration, or `-` when it was not timed on its own (it ran in one query)."""
    return duration(ms) if ms > 0 else "-"


def rows(count: int | None) -> str:
    return "-" if count is None else str(count)


def cell_text(value: Any) -> str:
    """A value of a sample row as a table cell: NULL spelt out, everything else as text."""
    return "NULL" if value is None else str(value)
