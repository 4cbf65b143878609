"""ExportOptions refuse what cannot be generated, with a message naming the option."""

from __future__ import annotations

from datetime import datetime

import pytest

from quicketl.errors import ExportError
from quicketl.export.options import ExportOptions, start_datetime


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dag_id": "my dag"}, r"--dag-id 'my dag': use only letters"),
        ({"dag_id": ""}, r"--dag-id ''"),
        ({"retries": -1}, r"--retries must be 0 or more, not -1"),
        ({"retry_delay_seconds": -5}, r"--retry-delay must be 0 or more seconds"),
        ({"workers": 0}, r"--workers must be 1 or more, not 0"),
        ({"schedule": "  "}, r"--schedule is empty"),
        ({"start_date": "yesterday"}, r"--start-date 'yesterday' is not an ISO date"),
    ],
)
def test_invalid_options_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ExportError, match=message):
        ExportOptions(**kwargs)  # type: ignore[arg-type]


def test_export_error_exits_2() -> None:
    assert ExportError("x").exit_code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-15", datetime(2025, 1, 15)),
        ("2025-01-15T06:30:00", datetime(2025, 1, 15, 6, 30)),
    ],
)
def test_start_date_accepts_a_date_or_a_datetime(text: str, expected: datetime) -> None:
    assert start_datetime(text) == expected
