"""doit as the scheduler: the only module that imports doit.

doit orders the tasks and runs ready ones on threads; our `uptodate` callable decides run or
skip from the task key when a task becomes ready (after its upstream finished, which is what
early cutoff needs). Every task reports success to doit: failures, skips and fail-fast are
values in our `RunSession`, so doit never stops early or marks anything on its own, and its
state file is not the source of truth (it lives, unused, in the cache folder).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from doit.cmd_base import TaskLoader2
from doit.doit_cmd import DoitMain
from doit.reporter import ZeroReporter
from doit.task import Task as DoitTask

from quicketl.execute.barriers import schedule_links
from quicketl.plan.model import Plan


class _SilentReporter(ZeroReporter):  # type: ignore[misc]
    """Our reporter hooks do the talking; doit's stays quiet."""

    def add_failure(self, task: Any, exception: Any) -> None:
        raise RuntimeError(f"doit reported a failure for {task.name}: {exception}")


class _PlanLoader(TaskLoader2):  # type: ignore[misc]
    def __init__(self, tasks: list[DoitTask], config: dict[str, Any]) -> None:
        super().__init__()
        self._tasks = tasks
        self._config = config

    def setup(self, opt_values: dict[str, Any]) -> None:
        pass

    def load_doit_config(self) -> dict[str, Any]:
        return self._config

    def load_tasks(self, cmd: Any, pos_args: list[str]) -> list[DoitTask]:
        return self._tasks


def run_with_doit(
    plan: Plan,
    task_ids: Sequence[str],
    is_up_to_date: Callable[[str], bool],
    run_task: Callable[[str], None],
    workers: int,
    state_dir: Path,
) -> None:
    """Run the selected tasks in dependency order, `workers` at a time."""
    barriers, waits = schedule_links(plan, task_ids)
    tasks = [DoitTask(name, actions=None, task_dep=ups) for name, ups in barriers.items()]
    tasks += [_doit_task(t, waits[t], is_up_to_date, run_task) for t in task_ids]
    dep_file = state_dir / "doit.json"
    # doit rewrites this file in place at the end of a run; one left half-written by a killed
    # run would stop every later run. It holds nothing we need, so each run starts it afresh.
    dep_file.unlink(missing_ok=True)
    config = {
        "dep_file": str(dep_file),
        "backend": "json",
        "verbosity": 2,
        "reporter": _SilentReporter,
        "num_process": workers if workers > 1 else 0,
        "par_type": "thread",
        "continue": True,
        "default_tasks": list(task_ids),
    }
    code = DoitMain(_PlanLoader(tasks, config), config_filenames=()).run(["run", *task_ids])
    if code != 0:
        raise RuntimeError(f"doit exited with code {code}")


def _doit_task(
    task_id: str,
    upstream: list[str],
    is_up_to_date: Callable[[str], bool],
    run_task: Callable[[str], None],
) -> DoitTask:
    def action() -> bool:
        run_task(task_id)
        return True

    return DoitTask(
        task_id,
        actions=[action],
        task_dep=upstream,
        uptodate=[lambda: is_up_to_date(task_id)],
        verbosity=2,
    )
