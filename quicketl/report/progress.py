"""What a workflow run says while it runs: one line per task, and a live line on a terminal.

On a terminal each task's line is printed above a live progress line (done/total, running
now, elapsed). Without one (a CI log) plain lines are written as tasks start and end, never
wrapped. Quiet says nothing; verbose gives every reason. All of it goes to stderr: stdout
keeps the run's result.
"""

from __future__ import annotations

import threading
import time

from rich.console import Console
from rich.live import Live
from rich.text import Text

from quicketl.execute.outcomes import TaskOutcome
from quicketl.plan.model import Plan
from quicketl.report.task_lines import (
    STATUS_STYLES,
    TaskNumbers,
    finish_line,
    interrupted_line,
    start_line,
)


class LiveProgress:
    """A `RunReporter` for people (live) and for CI logs (plain lines)."""

    def __init__(self, console: Console, *, quiet: bool = False, verbose: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.verbose = verbose
        self.outcomes: list[TaskOutcome] = []
        self._live: Live | None = None
        self._total = 0
        self._running: list[str] = []
        self._numbers = TaskNumbers()
        self._started = time.monotonic()
        self._lock = threading.Lock()

    def run_started(self, plan: Plan, task_ids: list[str]) -> None:
        self._total = len(task_ids)
        self._started = time.monotonic()
        if self.console.is_terminal and not self.quiet:
            # get_renderable: the elapsed time moves on between events too
            self._live = Live(
                console=self.console,
                get_renderable=self._line,
                transient=True,
                refresh_per_second=8,
            )
            self._live.start()

    def task_started(self, task_id: str) -> None:
        number = self._numbers.of(task_id)
        with self._lock:
            self._running.append(task_id)
        if self._live is None:
            self._write(start_line(number, self._total, task_id))
        self._refresh()

    def task_finished(self, outcome: TaskOutcome) -> None:
        number = self._numbers.of(outcome.task_id)
        with self._lock:
            self.outcomes.append(outcome)
            if outcome.task_id in self._running:
                self._running.remove(outcome.task_id)
        line = finish_line(number, self._total, outcome, self.verbose)
        if self._live is not None:
            style = STATUS_STYLES.get(outcome.status, "")
            self._live.console.print(Text(line, style=style), highlight=False)
        else:
            self._write(line)
        self._refresh()

    def waiting_for_lock(self, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "another run"
        self._write(f"waiting for {holder} to release the cache lock...", always=True)

    def run_finished(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def interrupted(self) -> None:
        """Ctrl-C: one line saying what finished and what did not (quiet or not)."""
        self.run_finished()
        self._write(interrupted_line(list(self.outcomes), self._total), always=True)

    def _write(self, line: str, *, always: bool = False) -> None:
        # Written as it is, never wrapped: a CI log keeps one line per event.
        if self.quiet and not always:
            return
        self.console.file.write(line + "\n")
        self.console.file.flush()

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.refresh()

    def _line(self) -> Text:
        with self._lock:
            running = ", ".join(self._running) or "-"
            done = len(self.outcomes)
        elapsed = time.monotonic() - self._started
        # the running tasks last: on a narrow terminal it is they that are cropped
        text = f"{done}/{self._total} done  {elapsed:.1f}s  running: {running}"
        return Text(text, style="cyan", no_wrap=True, overflow="ellipsis")
