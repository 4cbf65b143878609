"""Checking planned pipelines while planning goes on (execute/check_ahead.py).

The planner hands each task it makes to `CheckAhead.on_task`; here the tests hand them the
plan's tasks in its order, as the planner does. Validate then skips exactly the tasks checked
ahead and found right, and says what it always said about every other one.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from projects import Project

import quicketl.engine.readbatch as readbatch
from quicketl.api.workflow import plan_workflow
from quicketl.errors import ConfigError
from quicketl.execute.check_ahead import CheckAhead
from quicketl.execute.validate import check_against_sources
from quicketl.plan.model import Plan

from .test_validate_batches import GOOD, good_project, mixed, statements

__all__ = ["mixed", "statements"]  # fixtures


def planned_ahead(batch: int = 2) -> tuple[Plan, CheckAhead]:
    ahead = CheckAhead(batch)
    plan = plan_workflow(Path("workflows/wf.yml"))
    for task in plan.tasks:
        ahead.on_task(task)
    return plan, ahead


def problems_of(plan: Plan, ahead: CheckAhead | None = None) -> str:
    try:
        check_against_sources(plan, None, ahead)
    except ConfigError as exc:
        return str(exc)
    return ""


def test_tasks_checked_ahead_are_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    good_project(tmp_path, monkeypatch)
    plan, ahead = planned_ahead()
    threads = threading.active_count()
    assert problems_of(plan, ahead) == ""
    assert threading.active_count() == threads - 1  # the ahead thread has ended
    assert len(statements) == GOOD  # one detection and one bind per batch of 2, all ahead
    assert len(ahead.passed()) == GOOD


def test_every_problem_is_reported_as_without_checking_ahead(mixed: Project) -> None:
    plan, ahead = planned_ahead()
    with_ahead = problems_of(plan, ahead)
    assert with_ahead and with_ahead == problems_of(plan_workflow(Path("workflows/wf.yml")))
    assert "ragged.yml" not in " ".join(ahead.passed())
    assert len(ahead.passed()) >= GOOD


def test_a_verdict_is_used_only_for_the_pipeline_it_was_made_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    good_project(tmp_path, monkeypatch)
    _, ahead = planned_ahead()
    ahead.passed()
    (tmp_path / "data/r3.csv").write_text("id,name\r\n1,a\r\n2,b\n3,c,d\n")  # now ragged
    replanned = plan_workflow(Path("workflows/wf.yml"))
    statements.clear()
    assert "p3.yml:" in problems_of(replanned, ahead)
    assert statements  # checked again: the plan's pipelines are not those checked ahead


def test_a_failure_ahead_leaves_everything_to_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statements: list[str]
) -> None:
    good_project(tmp_path, monkeypatch)

    def broken(*args: object) -> list[bool]:
        raise RuntimeError("out of order")

    monkeypatch.setattr(readbatch, "quickly_checked", broken)
    plan, ahead = planned_ahead()
    assert ahead.passed() == {}
    monkeypatch.undo()
    (tmp_path / "data/r6.csv").unlink()
    assert "p6.yml:" in problems_of(plan, ahead)


def test_close_ends_the_batch_under_way_and_starts_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good_project(tmp_path, monkeypatch)
    started = threading.Event()
    release = threading.Event()
    calls: list[int] = []
    original = readbatch.quickly_checked

    def held(*args: object) -> list[bool]:
        calls.append(1)
        started.set()
        release.wait(10)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(readbatch, "quickly_checked", held)
    threads = threading.active_count()
    plan, ahead = planned_ahead(batch=1)
    assert started.wait(10)
    closer = threading.Thread(target=ahead.close)
    closer.start()
    release.set()
    closer.join(10)
    assert not closer.is_alive()
    assert threading.active_count() == threads
    assert len(calls) == 1
    ahead.on_task(plan.tasks[0])  # after close: nothing starts
    assert threading.active_count() == threads
