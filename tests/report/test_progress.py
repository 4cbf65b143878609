"""What a run says while it runs: live on a terminal, plain lines elsewhere, -q and -v."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from quicketl.execute.outcomes import TaskOutcome
from quicketl.plan.model import Plan
from quicketl.report.progress import LiveProgress

PLAN = Plan("wf", Path("."), None, (), (), ())
RAN = TaskOutcome("s.a", "s", "a", "ran", ["never run", "--force"], 100.0, 101.25)
FAILED = TaskOutcome("s.b", "s", "b", "failed", ["never run"], 100.0, 100.5, error="boom\nmore")
SKIPPED = TaskOutcome("s.c", "s", "c", "skipped", ["upstream s.b failed"])
UP_TO_DATE = TaskOutcome("s.d", "s", "d", "up_to_date", ["up to date"])


def drive(console: Console, **options: bool) -> LiveProgress:
    progress = LiveProgress(console, **options)
    progress.run_started(PLAN, ["s.a", "s.b", "s.c", "s.d"])
    progress.task_started("s.a")
    progress.task_started("s.b")
    redraw(progress)
    progress.task_finished(RAN)
    redraw(progress)
    for outcome in (FAILED, SKIPPED, UP_TO_DATE):
        progress.task_finished(outcome)
    progress.run_finished()
    return progress


def redraw(progress: LiveProgress) -> None:
    """Draw now rather than on rich's refresh timer, so the test does not depend on timing."""
    live = progress._live
    if live is not None:
        live.refresh()


def plain_console(out: io.StringIO) -> Console:
    return Console(file=out, force_terminal=False, width=40)


def test_terminal_shows_each_task_above_the_live_line() -> None:
    out = io.StringIO()
    drive(Console(file=out, force_terminal=True, width=80))
    text = out.getvalue()
    assert re.search(r"0/4 done  \d+\.\ds  running: s\.a, s\.b", text)
    assert re.search(r"1/4 done  \d+\.\ds  running: s\.b", text)
    assert "1 of 4 ran s.a [1.25s] never run" in text
    assert "2 of 4 failed s.b [0.50s] boom" in text
    assert "started" not in text  # on a terminal the live line says what is running


def test_without_a_terminal_each_start_and_end_is_one_plain_line() -> None:
    out = io.StringIO()
    drive(plain_console(out))
    assert out.getvalue().splitlines() == [
        "1 of 4 started s.a",
        "2 of 4 started s.b",
        "1 of 4 ran s.a [1.25s] never run",
        "2 of 4 failed s.b [0.50s] boom",
        "3 of 4 skipped s.c upstream s.b failed",
        "4 of 4 up to date s.d",
    ]  # never wrapped, though the console is 40 columns wide


def test_verbose_gives_every_reason_and_the_whole_error() -> None:
    out = io.StringIO()
    drive(plain_console(out), verbose=True)
    lines = out.getvalue().splitlines()
    assert "1 of 4 ran s.a [1.25s] never run; --force" in lines
    assert "2 of 4 failed s.b [0.50s] boom more" in lines
    assert "4 of 4 up to date s.d" in lines


def test_quiet_says_nothing_on_a_terminal_or_off_it() -> None:
    for terminal in (True, False):
        out = io.StringIO()
        drive(Console(file=out, force_terminal=terminal, width=80), quiet=True)
        assert out.getvalue() == ""


def test_a_narrow_terminal_crops_the_live_line_instead_of_wrapping_it() -> None:
    out = io.StringIO()
    progress = LiveProgress(Console(file=out, force_terminal=True, width=40))
    progress.run_started(PLAN, ["s.a", "s.b"])
    progress.task_started("stage_with_a_long_name.pipeline_one")
    progress.task_started("stage_with_a_long_name.pipeline_two")
    redraw(progress)
    progress.run_finished()
    assert re.search(r"0/2 done  0\.\ds  running: stage_with_a_l…\x1b", out.getvalue())


def test_an_interrupted_run_says_what_finished_and_what_did_not() -> None:
    out = io.StringIO()
    progress = LiveProgress(plain_console(out), quiet=True)
    progress.run_started(PLAN, ["s.a", "s.b", "s.c"])
    progress.task_finished(RAN)
    progress.task_finished(TaskOutcome("s.b", "s", "b", "not_run", ["not started"]))
    progress.interrupted()
    assert out.getvalue() == (
        "interrupted: 1 of 3 tasks finished (s.a ran); 2 did not finish and will run next time\n"
    )


def test_an_interruption_before_the_run_counted_its_tasks_says_none_had_started() -> None:
    out = io.StringIO()
    LiveProgress(plain_console(out), quiet=True).interrupted()
    assert out.getvalue() == "interrupted: before any task started; nothing ran\n"
