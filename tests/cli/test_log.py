"""`quicketl workflow log`: recent runs, one run's tasks, the slowest, and traces."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projects import diamond, linear_three, new_project

from tests.execute.support import cli

COMPLETE_KEYS = {"name", "cat", "ph", "ts", "dur", "pid", "tid", "args"}


def assert_trace_format(document: dict[str, Any]) -> None:
    """The trace-event format: "X" events with ts/dur in µs, pid/tid, tracks named by "M"."""
    events = document["traceEvents"]
    complete = [e for e in events if e["ph"] == "X"]
    named = {e["tid"] for e in events if e["ph"] == "M" and e["name"] == "thread_name"}
    assert complete
    for event in complete:
        assert set(event) == COMPLETE_KEYS
        assert all(isinstance(event[k], int) for k in ("ts", "dur", "pid", "tid"))
        assert event["ts"] >= 0 and event["dur"] > 0 and event["tid"] in named


def test_log_lists_runs_and_shows_one(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    cli("workflow", "run", workflow, cwd=tmp_path)
    cli("workflow", "run", workflow, cwd=tmp_path)
    listed = cli("workflow", "log", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if "│ wf " in line]
    cells = [[cell.strip() for cell in row.split("│")[1:-1]] for row in rows]
    assert [c[0] for c in cells] == ["2", "1"]
    assert [c[3:6] for c in cells] == [["success", "3/3", "0"], ["success", "3/3", "3"]]
    one = cli("workflow", "log", "1", cwd=tmp_path)
    assert one.stdout.startswith("Run 1: wf success, started "), one.stdout
    assert "selection: all; 3 ran" in one.stdout
    assert "s2.b" in one.stdout and "never run" in one.stdout
    mine = cli("workflow", "log", workflow, "--json", cwd=tmp_path)
    assert [r["run_id"] for r in json.loads(mine.stdout)["runs"]] == [2, 1]


def test_slowest_lists_the_slowest_tasks_first(tmp_path: Path) -> None:
    workflow = diamond(new_project(tmp_path))
    cli("workflow", "run", workflow, cwd=tmp_path)
    document = json.loads(cli("workflow", "log", "1", "--json", cwd=tmp_path).stdout)
    by_time = sorted(document["tasks"], key=lambda t: -t["duration_ms"])
    done = cli("workflow", "log", "1", "--slowest", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Slowest 2 tasks" in done.stdout
    shown = [line.split("│")[1].strip() for line in done.stdout.splitlines() if "│ ran" in line]
    assert shown == [t["task_id"] for t in by_time[:2]]


def test_trace_of_a_run_and_of_a_recorded_run(tmp_path: Path) -> None:
    workflow = diamond(new_project(tmp_path))
    done = cli("workflow", "run", workflow, "--trace", "traces/run.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Wrote trace traces/run.json" in done.stderr
    fresh = json.loads((tmp_path / "traces/run.json").read_text())
    assert_trace_format(fresh)
    assert {e["name"] for e in fresh["traceEvents"] if e["ph"] == "X"} == {
        "first.top",
        "middle.left",
        "middle.right",
        "last.bottom",
    }
    again = cli("workflow", "log", "1", "--trace", "again.json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "again.json").read_text()) == fresh


def test_no_history_yet_is_said_and_creates_nothing(tmp_path: Path) -> None:
    new_project(tmp_path)
    done = cli("workflow", "log", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == "no runs recorded yet\n"
    assert not (tmp_path / ".quicketl-cache").exists()


def test_slowest_needs_a_run_number(tmp_path: Path) -> None:
    new_project(tmp_path)
    done = cli("workflow", "log", "--slowest", "3", cwd=tmp_path)
    assert done.returncode == 2
    assert "--slowest and --trace take a run number: quicketl workflow log RUN" in done.stderr


def test_a_no_op_run_is_stored_by_column_and_shown_as_if_listed_task_by_task(
    tmp_path: Path,
) -> None:
    import sqlite3

    from quicketl.state.history import _read
    from quicketl.state.history_columns import MARK

    workflow = linear_three(new_project(tmp_path))
    cli("workflow", "run", workflow, cwd=tmp_path)
    cli("workflow", "run", workflow, cwd=tmp_path)  # nothing to do: the no-op path
    commands = [["2"], ["2", "--json"], [], ["--json"], ["2", "--slowest", "2"]]
    shown = [cli("workflow", "log", *args, cwd=tmp_path).stdout for args in commands]
    db = tmp_path / ".quicketl-cache" / "state.db"
    with sqlite3.connect(db) as conn:
        (text,) = conn.execute("SELECT document FROM runs WHERE run_id = 2").fetchone()
        assert MARK in text
        listed = json.dumps(_read(text), separators=(",", ":"), sort_keys=True)
        assert MARK not in listed
        conn.execute("UPDATE runs SET document = ? WHERE run_id = 2", (listed,))
    assert [cli("workflow", "log", *args, cwd=tmp_path).stdout for args in commands] == shown
