"""A run as Chrome trace events: the trace-event format, one track per worker."""

from __future__ import annotations

from typing import Any

from quicketl.report.trace import trace_document

RUN = {
    "workflow": "wf",
    "started_at": "2026-01-01T00:00:00.000000Z",
    "tasks": [
        {
            "task_id": "s.a",
            "stage": "s",
            "status": "ran",
            "duration_ms": 1000.0,
            "started_at": "2026-01-01T00:00:00.100000Z",
            "reasons": ["never run"],
        },
        {
            "task_id": "s.b",
            "stage": "s",
            "status": "ran",
            "duration_ms": 500.0,
            "started_at": "2026-01-01T00:00:00.200000Z",
            "reasons": ["never run"],
        },
        {
            "task_id": "t.c",
            "stage": "t",
            "status": "failed",
            "duration_ms": 250.0,
            "started_at": "2026-01-01T00:00:01.100000Z",
            "reasons": [],
            "error": "boom",
        },
        {
            "task_id": "t.d",
            "stage": "t",
            "status": "up_to_date",
            "duration_ms": 0.0,
            "started_at": None,
            "reasons": ["up to date"],
        },
    ],
}


def events(kind: str) -> list[dict[str, Any]]:
    return [e for e in trace_document(RUN)["traceEvents"] if e["ph"] == kind]


def test_each_task_that_ran_is_a_complete_event_in_microseconds() -> None:
    slices = {e["name"]: e for e in events("X")}
    assert set(slices) == {"s.a", "s.b", "t.c"}  # a task that never started takes no time
    assert (slices["s.a"]["ts"], slices["s.a"]["dur"]) == (100_000, 1_000_000)
    assert (slices["s.b"]["ts"], slices["s.b"]["dur"]) == (200_000, 500_000)
    assert slices["t.c"]["args"]["error"] == "boom" and slices["t.c"]["cat"] == "t"
    for event in slices.values():
        assert isinstance(event["pid"], int) and isinstance(event["tid"], int)


def test_tasks_at_the_same_time_are_on_separate_named_tracks() -> None:
    slices = {e["name"]: e["tid"] for e in events("X")}
    assert slices["s.a"] != slices["s.b"]
    assert slices["t.c"] == slices["s.a"]  # s.a's track is free again when t.c starts
    names = {e["tid"]: e["args"]["name"] for e in events("M") if e["name"] == "thread_name"}
    assert names == {1: "worker 1", 2: "worker 2"}
    assert set(slices.values()) == set(names)
