"""A recorded run as Chrome trace-event JSON: one track per worker, one slice per task.

The format of chrome://tracing, Perfetto, Bazel's --profile and ninjatracing: "X" (complete)
events with `ts` and `dur` in microseconds, on `pid`/`tid` tracks named by "M" metadata
events. Which worker ran a task is not recorded; as ninjatracing does, each task goes on the
first track free when it started, which gives exactly as many tracks as tasks ran at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

PID = 1


def trace_document(run: dict[str, Any]) -> dict[str, Any]:
    """The trace of one run's document (as the history keeps it)."""
    timed = sorted(
        (task for task in run.get("tasks", []) if task.get("started_at")),
        key=lambda task: _micros(task["started_at"]),
    )
    origin = _micros(run["started_at"]) if run.get("started_at") else 0
    slices, lanes = _slices(timed, origin)
    names = [_thread_name(tid) for tid in range(1, lanes + 1)]
    process = {"name": "process_name", "ph": "M", "pid": PID, "tid": 0}
    process["args"] = {"name": f"quicketl workflow {run.get('workflow', '')}"}
    return {"traceEvents": [process, *names, *slices], "displayTimeUnit": "ms"}


def _slices(tasks: list[dict[str, Any]], origin: int) -> tuple[list[dict[str, Any]], int]:
    free_at: list[int] = []  # per track, when its last task ended
    events = []
    for task in tasks:
        start = _micros(task["started_at"]) - origin
        duration = max(0, round(float(task.get("duration_ms") or 0) * 1000))
        tid = _lane(free_at, start, start + duration)
        events.append(
            {
                "name": task["task_id"],
                "cat": task.get("stage", ""),
                "ph": "X",
                "ts": start,
                "dur": duration,
                "pid": PID,
                "tid": tid,
                "args": {
                    "status": task.get("status"),
                    "reasons": task.get("reasons", []),
                    "rows_written": task.get("rows_written"),
                    "error": task.get("error"),
                },
            }
        )
    return events, len(free_at)


def _lane(free_at: list[int], start: int, end: int) -> int:
    for index, free in enumerate(free_at):
        if free <= start:
            free_at[index] = end
            return index + 1
    free_at.append(end)
    return len(free_at)


def _thread_name(tid: int) -> dict[str, Any]:
    return {
        "name": "thread_name",
        "ph": "M",
        "pid": PID,
        "tid": tid,
        "args": {"name": f"worker {tid}"},
    }


def _micros(iso: str) -> int:
    return round(datetime.fromisoformat(iso).timestamp() * 1_000_000)
