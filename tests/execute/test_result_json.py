"""The workflow result as JSON: lower-case statuses, ISO-8601 UTC times, honest dry-run counts."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from projects import linear_three, new_project

from execute.support import explain, run

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_a_dry_run_counts_up_to_date_tasks_as_up_to_date_not_as_succeeded(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    run(workflow)
    document = explain(workflow).to_dict()
    assert document["summary"] == {
        "total": 3,
        "succeeded": 0,
        "up_to_date": 3,
        "ran": 0,
        "restored": 0,
        "would_run": 0,
        "may_run": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert [s["status"] for s in document["stages"]] == ["up_to_date"] * 3
    assert [s["succeeded"] for s in document["stages"]] == [0, 0, 0]


def test_a_dry_run_counts_what_would_run(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    document = explain(workflow).to_dict()
    assert document["summary"]["would_run"] == 3
    assert document["summary"]["succeeded"] == 0
    assert [s["status"] for s in document["stages"]] == ["pending"] * 3


def test_stage_statuses_are_lower_case_and_times_iso_utc(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    document = run(workflow).to_dict()
    assert [s["status"] for s in document["stages"]] == ["ok"] * 3
    assert document["summary"]["succeeded"] == 3
    for task in document["tasks"]:
        assert ISO_UTC.match(task["started_at"]), task["started_at"]
        assert ISO_UTC.match(task["finished_at"]), task["finished_at"]
        start = datetime.fromisoformat(task["started_at"])
        assert start.utcoffset() is not None and start.utcoffset().total_seconds() == 0
        assert isinstance(task["duration_ms"], float)
