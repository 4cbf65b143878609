"""The knobs of `quicketl workflow generate` that are not in the workflow file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from quicketl.errors import ExportError
from quicketl.export.modes import check_modes

_DAG_ID = re.compile(r"[A-Za-z0-9_.-]{1,250}")


@dataclass(frozen=True)
class ExportOptions:
    """How a generated DAG or flow is scheduled and run.

    `dag_id` defaults to the workflow's name, sanitised. `start_date` is an ISO date or datetime
    (UTC when it has no offset); it is fixed, never "today", so the output is reproducible.
    `project_dir` bakes a path into the file; without it the task reads QUICKETL_PROJECT_DIR at
    run time. `select` keeps only the tasks it chooses (and the edges between them).
    """

    dag_id: str | None = None
    schedule: str | None = None
    start_date: str = "2025-01-01"
    retries: int = 0
    retry_delay_seconds: int = 300
    workers: int = 4
    project_dir: str | None = None
    select: tuple[str, ...] = ()  # `--select`, as `workflow run` takes it
    # --mode, --execution and --deployment: quicketl/export/modes.py checks them.
    mode: str = "static"
    execution: str = "local"
    image: str | None = None
    requirements: tuple[str, ...] = ()
    deployment: bool = False
    work_pool: str | None = None

    def __post_init__(self) -> None:
        if self.dag_id is not None and not _DAG_ID.fullmatch(self.dag_id):
            raise ExportError(
                f"--dag-id {self.dag_id!r}: use only letters, digits, '_', '.' and '-'"
            )
        if self.retries < 0:
            raise ExportError(f"--retries must be 0 or more, not {self.retries}")
        if self.retry_delay_seconds < 0:
            raise ExportError(
                f"--retry-delay must be 0 or more seconds, not {self.retry_delay_seconds}"
            )
        if self.workers < 1:
            raise ExportError(f"--workers must be 1 or more, not {self.workers}")
        if self.schedule is not None and not self.schedule.strip():
            raise ExportError("--schedule is empty: give a cron expression or a preset")
        start_datetime(self.start_date)
        check_modes(self)


def start_datetime(text: str) -> datetime:
    """Parse `--start-date` as an ISO date or datetime; a naive value is taken as UTC."""
    try:
        if "T" in text or " " in text.strip():
            return datetime.fromisoformat(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ExportError(
            f"--start-date {text!r} is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
        ) from None
    return datetime(day.year, day.month, day.day)
