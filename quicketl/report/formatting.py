"""Small text formats shared by the reports: durations, row counts, sample rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_SAMPLES = 3


def duration(ms: float) -> str:
    """A duration as the seed's output spells it: `1234.5ms`."""
    return f"{ms:.1f}ms"


def rows(count: int | None) -> str:
    return "-" if count is None else str(count)


def sample_row(row: Mapping[str, Any]) -> str:
    """One failing row, compactly: `id=3, amount=NULL`."""
    return ", ".join(f"{key}={_value(value)}" for key, value in row.items())


def _value(value: Any) -> str:
    if value is None:
        return "NULL"
    return repr(value) if isinstance(value, str) else str(value)
