"""What a workflow run says while it runs, without rich: one plain line as each task starts
and ends, on stderr, exactly as `LiveProgress` writes them when stderr is not a terminal.

The plain `workflow run` (cli/plain_run.py) takes it where no live line could be drawn, so
that a run in CI or under a pipe never imports rich.
"""

from __future__ import annotations

import sys
import threading

from quicketl.execute.outcomes import TaskOutcome
from quicketl.plan.model import Plan
from quicketl.report.task_lines import TaskNumbers, finish_line, interrupted_line, start_line


class PlainProgress:
    """A `RunReporter` writing CI-log lines; quiet says only what must be said."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.outcomes: list[TaskOutcome] = []
        self._total = 0
        self._numbers = TaskNumbers()
        self._lock = threading.Lock()

    def run_started(self, plan: Plan, task_ids: list[str]) -> None:
        self._total = len(task_ids)

    def task_started(self, task_id: str) -> None:
        self._write(start_line(self._numbers.of(task_id), self._total, task_id))

    def task_finished(self, outcome: TaskOutcome) -> None:
        number = self._numbers.of(outcome.task_id)
        with self._lock:
            self.outcomes.append(outcome)
        self._write(finish_line(number, self._total, outcome, self.verbose))

    def waiting_for_lock(self, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "another run"
        self._write(f"waiting for {holder} to release the cache lock...", always=True)

    def run_finished(self) -> None:
        """Nothing to take down: no live line was drawn."""

    def interrupted(self) -> None:
        """Ctrl-C: one line saying what finished and what did not (quiet or not)."""
        self._write(interrupted_line(list(self.outcomes), self._total), always=True)

    def _write(self, line: str, *, always: bool = False) -> None:
        if self.quiet and not always:
            return
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
