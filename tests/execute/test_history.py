"""Every workflow run is recorded: selection, each task's outcome, reasons, times, rows, errors."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from projects import diamond, linear_three, new_project

from quicketl import api
from quicketl.config import secrets
from quicketl.execute.history import save_run
from quicketl.execute.outcomes import TaskOutcome
from quicketl.plan.model import Plan
from quicketl.state import StateStore

from .support import run
from .test_interrupt import CtrlCWhenStarting, ctrl_c  # noqa: F401 (a fixture)


def test_a_run_is_recorded_with_each_task(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    result = run(workflow)
    [recorded] = api.run_history(workflow)
    assert recorded["run_id"] == result.run_id == 1
    assert recorded["workflow"] == "wf" and recorded["status"] == "success"
    assert recorded["selection"] == []
    assert [t["task_id"] for t in recorded["tasks"]] == ["s1.a", "s2.b", "s3.c"]
    first = recorded["tasks"][0]
    assert first["status"] == "ran" and first["reasons"] == ["never run"]
    assert first["rows_written"] == 3 and first["error"] is None
    start = datetime.fromisoformat(first["started_at"])
    assert start.utcoffset() is not None and first["started_at"].endswith("Z")
    assert first["duration_ms"] > 0


def test_runs_are_listed_most_recent_first_and_a_no_op_run_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a workflow's name is looked up in this project's cache
    workflow = linear_three(new_project(tmp_path))
    run(workflow)
    run(workflow, select=["b"])
    listed = api.run_history(workflow)
    assert [r["run_id"] for r in listed] == [2, 1]
    assert listed[0]["selection"] == ["b"]
    assert [t["status"] for t in listed[0]["tasks"]] == ["up_to_date"]
    assert api.run_history("wf") == listed  # by the workflow's name too
    assert api.run_history("another") == []


def test_a_failure_keeps_its_error_and_a_dry_run_or_a_single_run_is_not_recorded(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    (tmp_path / "pipelines/b.yml").write_text(
        "name: b\nsource: {type: file, path: out/a.parquet}\n"
        "checks: [{type: row_count, min: 100}]\nsink: {type: file, path: out/b.parquet}\n"
    )
    api.run_workflow(workflow, dry_run=True)
    run(workflow)
    [recorded] = api.run_history(workflow)
    assert recorded["status"] == "failed"
    b = recorded["tasks"][1]
    assert b["status"] == "failed" and "row_count" in b["error"]
    assert recorded["tasks"][2]["reasons"] == ["upstream s2.b failed"]


def test_an_interrupted_run_is_recorded_as_such(
    tmp_path: Path,
    ctrl_c: CtrlCWhenStarting,  # noqa: F811
) -> None:
    workflow = diamond(new_project(tmp_path))
    with pytest.raises(KeyboardInterrupt):
        run(workflow, workers=1, reporter=ctrl_c)
    [recorded] = api.run_history(workflow)
    assert recorded["status"] == "interrupted" and recorded["total"] == 4
    statuses = {t["task_id"]: t["status"] for t in recorded["tasks"]}
    assert statuses["first.top"] == "ran"
    assert set(statuses.values()) == {"ran", "not_run"}


def test_secrets_never_reach_the_history(tmp_path: Path) -> None:
    secrets.remember("hunter2-very-secret")
    outcome = TaskOutcome(
        "s.a",
        "s",
        "a",
        "failed",
        ["var X changed: hunter2-very-secret"],
        1.0,
        2.0,
        error="could not connect with password hunter2-very-secret",
    )
    plan = Plan("wf", tmp_path, None, (), (), ())
    with StateStore(tmp_path / "cache") as store:
        save_run(store, plan, (), [outcome], (1.0, 2.0), "failed")
    database = (tmp_path / "cache/state.db").read_bytes()
    assert b"hunter2" not in database
    with sqlite3.connect(tmp_path / "cache/state.db") as conn:
        [(text,)] = conn.execute("SELECT document FROM runs").fetchall()
    assert "***" in text


def test_a_history_that_cannot_be_written_does_not_fail_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from quicketl.errors import StateError
    from quicketl.execute import plan_run

    def broken(*args: object, **kwargs: object) -> int:
        raise StateError("state database is unusable: disk I/O error")

    monkeypatch.setattr(plan_run, "save_run", broken)
    result = run(linear_three(new_project(tmp_path)))
    assert result.succeeded and result.run_id is None
    assert {t.status for t in result.tasks} == {"ran"}
