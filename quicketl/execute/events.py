"""The hooks a runner calls while it works; the runner itself never prints."""

from __future__ import annotations

from typing import Protocol

from quicketl.execute.outcomes import TaskOutcome
from quicketl.plan.model import Plan


class RunReporter(Protocol):
    def run_started(self, plan: Plan, task_ids: list[str]) -> None: ...

    def task_started(self, task_id: str) -> None: ...

    def task_finished(self, outcome: TaskOutcome) -> None: ...

    def waiting_for_lock(self, pid: int | None) -> None: ...

    def run_finished(self) -> None: ...


class NullReporter:
    """Reports nothing: for the API and for tests."""

    def run_started(self, plan: Plan, task_ids: list[str]) -> None:
        pass

    def task_started(self, task_id: str) -> None:
        pass

    def task_finished(self, outcome: TaskOutcome) -> None:
        pass

    def waiting_for_lock(self, pid: int | None) -> None:
        pass

    def run_finished(self) -> None:
        pass
