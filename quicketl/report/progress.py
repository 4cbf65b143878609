"""Live progress on a terminal while a workflow runs: tasks done, and the ones running now."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.live import Live
from rich.text import Text

from quicketl.execute.result import TaskOutcome
from quicketl.plan.model import Plan


class LiveProgress:
    """A `RunReporter` that redraws one status line; silent when not on a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._live: Live | None = None
        self._total = 0
        self._done = 0
        self._running: list[str] = []
        self._lock = threading.Lock()

    def run_started(self, plan: Plan, task_ids: list[str]) -> None:
        self._total = len(task_ids)
        if self.console.is_terminal:
            self._live = Live(
                self._line(), console=self.console, transient=True, refresh_per_second=8
            )
            self._live.start()

    def task_started(self, task_id: str) -> None:
        with self._lock:
            self._running.append(task_id)
        self._refresh()

    def task_finished(self, outcome: TaskOutcome) -> None:
        with self._lock:
            self._done += 1
            if outcome.task_id in self._running:
                self._running.remove(outcome.task_id)
        self._refresh()

    def waiting_for_lock(self, pid: int | None) -> None:
        holder = f"pid {pid}" if pid else "another run"
        self.console.print(f"waiting for {holder} to release the cache lock...", highlight=False)

    def run_finished(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._line())

    def _line(self) -> Text:
        with self._lock:
            running = ", ".join(self._running) or "-"
            return Text(f"{self._done}/{self._total} done  running: {running}", style="cyan")
