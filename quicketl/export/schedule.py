"""`--schedule`: a five-field cron expression, a preset, or `asset`, checked at generate time."""

from __future__ import annotations

import re

from quicketl.errors import ExportError

# Presets both orchestrators understand (Prefect hands `cron=` to croniter, which knows these).
PRESETS = frozenset(
    {"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"}
)
AIRFLOW_ONLY_PRESETS = frozenset({"@once", "@continuous"})
ASSET = "asset"  # Airflow: run when the workflow's raw inputs' Assets are updated

_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC"
_DAYS = "SUN MON TUE WED THU FRI SAT"
_FIELDS = (
    ("minute", 0, 59, ""),
    ("hour", 0, 23, ""),
    ("day of month", 1, 31, ""),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_PART = re.compile(r"(?P<range>\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:/(?P<step>[0-9]+))?")


def check_schedule(schedule: str, target: str) -> None:
    """Raise ExportError, naming what is wrong, unless `schedule` works on `target`."""
    text = schedule.strip()
    if text in PRESETS:
        return
    if text in AIRFLOW_ONLY_PRESETS or text == ASSET:
        if target == "airflow":
            return
        raise ExportError(f"--schedule {schedule!r} exists only for --target airflow")
    if text.startswith("@"):
        known = ", ".join(sorted(PRESETS | AIRFLOW_ONLY_PRESETS))
        raise ExportError(f"--schedule {schedule!r}: unknown preset; use one of {known}")
    fields = text.split()
    if len(fields) != 5:
        raise ExportError(
            f"--schedule {schedule!r}: not a cron expression or preset; a cron expression has"
            " five fields (minute hour day-of-month month day-of-week), e.g. '0 3 * * *',"
            " or use a preset such as @daily"
        )
    for field, spec in zip(fields, _FIELDS, strict=True):
        problem = _field_problem(field, *spec)
        if problem:
            raise ExportError(f"--schedule {schedule!r}: {problem}")


def _field_problem(text: str, name: str, low: int, high: int, names: str) -> str | None:
    for part in text.split(","):
        match = _PART.fullmatch(part)
        if match is None:
            return f"{name} field {text!r} is not valid cron syntax"
        if match["step"] is not None and int(match["step"]) == 0:
            return f"{name} field {text!r} has a step of 0"
        if match["range"] == "*":
            continue
        for value in match["range"].split("-"):
            number = _value(value, names)
            if number is None:
                return f"{name} {value!r} is not a number"
            if not low <= number <= high:
                return f"{name} {number} is out of range {low}-{high}"
    return None


def _value(text: str, names: str) -> int | None:
    """A number, or a month or weekday name (JAN is 1, SUN is 0)."""
    if text.isdigit():
        return int(text)
    listed = names.split()
    upper = text.upper()
    if upper in listed:
        return listed.index(upper) + (1 if names == _MONTHS else 0)
    return None
