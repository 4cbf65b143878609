"""Live progress: drawn on a terminal while tasks run, silent elsewhere."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from quicketl.execute.result import TaskOutcome
from quicketl.plan.model import Plan
from quicketl.report.progress import LiveProgress

PLAN = Plan("wf", Path("."), None, (), (), ())


def drive(console: Console) -> None:
    progress = LiveProgress(console)
    progress.run_started(PLAN, ["s.a", "s.b"])
    progress.task_started("s.a")
    progress.task_started("s.b")
    redraw(progress)
    progress.task_finished(TaskOutcome("s.a", "s", "a", "ran"))
    redraw(progress)
    progress.run_finished()


def redraw(progress: LiveProgress) -> None:
    """Draw now rather than on rich's refresh timer, so the test does not depend on timing."""
    live = progress._live
    if live is not None:
        live.refresh()


def test_terminal_shows_done_and_running_tasks() -> None:
    out = io.StringIO()
    drive(Console(file=out, force_terminal=True, width=80))
    text = out.getvalue()
    assert "0/2 done  running: s.a, s.b" in text
    assert "1/2 done  running: s.b" in text


def test_not_a_terminal_prints_nothing() -> None:
    out = io.StringIO()
    drive(Console(file=out, force_terminal=False, width=80))
    assert out.getvalue() == ""
