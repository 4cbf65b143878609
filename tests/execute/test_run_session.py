"""quicketl.execute.run_session: why a task must not start, as a typed Blocker."""

from __future__ import annotations

from pathlib import Path

from quicketl.execute.events import NullReporter
from quicketl.execute.run_session import Blocker, RunSession

from .test_select import make_plan


def session(tmp_path: Path) -> RunSession:
    return RunSession(make_plan(tmp_path), NullReporter())


def test_nothing_blocks_a_fresh_run(tmp_path: Path) -> None:
    run = session(tmp_path)
    assert all(run.blocker(task) is None for task in run.plan.tasks)


def test_a_failed_upstream_skips_its_downstream_only(tmp_path: Path) -> None:
    run = session(tmp_path)
    run.record_failure(run.plan.task("bronze.raw"), stop=False)
    assert run.blocker(run.plan.task("gold.report")) == Blocker(
        "skipped", "upstream bronze.raw failed"
    )
    assert run.blocker(run.plan.task("gold.other")) is None


def test_fail_fast_stops_every_other_task(tmp_path: Path) -> None:
    run = session(tmp_path)
    run.record_failure(run.plan.task("gold.other"), stop=True)
    assert run.blocker(run.plan.task("bronze.raw")) == Blocker(
        "not_run", "not started: gold.other failed and fail_fast is on"
    )


def test_an_interrupt_stops_every_task_not_started(tmp_path: Path) -> None:
    run = session(tmp_path)
    run.interrupt()
    assert run.blocker(run.plan.task("bronze.raw")) == Blocker(
        "not_run", "not started: the run was interrupted"
    )


def test_finish_records_the_outcome_with_its_fields(tmp_path: Path) -> None:
    run = session(tmp_path)
    task = run.plan.task("gold.other")
    run.finish(task, "failed", ["never run"], started_at=1.0, error="boom")
    outcome = run.outcomes["gold.other"]
    assert (outcome.status, outcome.reasons, outcome.error) == ("failed", ["never run"], "boom")
    assert outcome.started_at == 1.0 and outcome.finished_at is not None
