"""The knobs of `quicketl workflow generate` that are not in the workflow file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from quicketl.errors import ExportError
from quicketl.export.modes import check_modes
from quicketl.locations.urls import redacted, url_scheme
from quicketl.values import FrozenValue

_DAG_ID = re.compile(r"[A-Za-z0-9_.-]{1,250}")


@dataclass(frozen=True, repr=False, eq=False)
class ExportOptions(FrozenValue):
    """How a generated DAG or flow is scheduled and run.

    `dag_id` defaults to the workflow's name, sanitised. `start_date` is an ISO date or datetime
    (UTC when it has no offset); it is fixed, never "today", so the output is reproducible.
    `project_dir` bakes a path into the file; without it the task reads QUICKETL_PROJECT_DIR at
    run time. `select` keeps only the tasks it chooses (and the edges between them).
    `remote_cache` (a folder or an s3:// URL, never with credentials) makes each task pull the
    upstream outputs it reads from that cache and push its own (docs/deploy.md).
    """

    dag_id: str | None = None
    schedule: str | None = None
    start_date: str = "2025-01-01"
    retries: int = 0
    retry_delay_seconds: int = 300
    workers: int = 4
    project_dir: str | None = None
    select: tuple[str, ...] = ()  # `--select`, as `workflow run` takes it
    remote_cache: str | None = None
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
        if self.remote_cache is not None:
            _check_remote_cache(self.remote_cache)


def _check_remote_cache(url: str) -> None:
    """A URL baked into a generated file: never a credential, and one quicketl can open."""
    scheme = url_scheme(url)
    if scheme is not None and "@" in url.partition("://")[2].split("/", 1)[0]:
        raise ExportError(
            f"--remote-cache {scheme}://***@{redacted(url)}: a URL must not carry "
            "credentials; the workers take them from their environment (AWS_* variables)"
        )
    if scheme not in (None, "s3", "file") or not url.strip():
        raise ExportError(f"--remote-cache {url!r}: use a folder or an s3:// URL")


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
