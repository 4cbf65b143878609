"""doit as the scheduler, driven through its library API: the only module that imports doit.

doit orders the tasks and runs ready ones on threads; our `uptodate` callable decides run or
skip from the task key when a task becomes ready (after its upstream finished, which is what
early cutoff needs). Every task reports success to doit: failures, skips and fail-fast are
values in our `RunSession`, so doit never stops early or marks anything on its own.

Nothing here is process-wide, so runs in threads and under a live terminal display are safe:
our action is called as it is (doit's own PythonAction swaps `sys.stdout`/`sys.stderr` for the
whole process while a task runs), doit's dependency records live in memory for one run (our
state store is the truth, so no file is shared between runs), and doit's reporter is ours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from doit.action import BaseAction
from doit.control import TaskControl
from doit.dependency import Dependency
from doit.exceptions import BaseFail, TaskError
from doit.runner import MThreadRunner, Runner
from doit.task import Stream
from doit.task import Task as DoitTask

from quicketl.execute.barriers import schedule_links
from quicketl.execute.on_thread import run_on_thread
from quicketl.plan.model import Plan


def run_with_doit(
    plan: Plan,
    task_ids: Sequence[str],
    is_up_to_date: Callable[[str], bool],
    run_task: Callable[[str], None],
    workers: int,
    on_interrupt: Callable[[], None],
) -> None:
    """Run the selected tasks in dependency order, `workers` at a time. On Ctrl-C,
    `on_interrupt` is called and the running tasks end before the KeyboardInterrupt goes on."""
    # One barrier per `depends_on` block instead of every pair (execute/barriers.py).
    barriers, waits = schedule_links(plan, task_ids)
    # doit's own names are positions: a task id may hold characters doit reads as syntax.
    names = {task_id: f"t{i}" for i, task_id in enumerate(task_ids)}
    names.update({barrier: f"b{i}" for i, barrier in enumerate(barriers)})
    tasks = [
        DoitTask(names[barrier], actions=None, task_dep=[names[up] for up in ups])
        for barrier, ups in barriers.items()
    ]
    tasks += [
        _doit_task(
            names[t], [names[w] for w in waits[t]], _check(is_up_to_date, t), _Call(t, run_task)
        )
        for t in task_ids
    ]
    control = TaskControl(tasks)
    control.process(None)  # every task given: they are exactly the selected ones
    reporter = _Reporter()
    runner = _runner(Dependency(_MemoryBackend, ":memory:"), reporter, workers)
    run_on_thread(lambda: runner.run_all(control.task_dispatcher()), on_interrupt)
    if reporter.errors:
        raise RuntimeError(f"the scheduler failed: {reporter.errors[0]}")


def _runner(deps: Dependency, reporter: _Reporter, workers: int) -> Runner:
    # continue_: a failure is a value for us, so doit must not stop scheduling on its own.
    # Stream(0): doit hands no output stream to actions (ours would ignore it anyway).
    if workers > 1:
        return MThreadRunner(deps, reporter, continue_=True, stream=Stream(0), num_process=workers)
    return Runner(deps, reporter, continue_=True, stream=Stream(0))


def _doit_task(
    name: str,
    upstream: list[str],
    is_up_to_date: Callable[[], bool],
    action: _Call,
) -> DoitTask:
    return DoitTask(name, actions=[action], task_dep=upstream, uptodate=[is_up_to_date])


def _check(is_up_to_date: Callable[[str], bool], task_id: str) -> Callable[[], bool]:
    # no parameters: doit would pass its own task object to one named `task`
    def check() -> bool:
        return is_up_to_date(task_id)

    return check


class _Call(BaseAction):  # type: ignore[misc]
    """Runs one of our tasks; unlike doit's PythonAction it never touches the standard streams."""

    def __init__(self, task_id: str, run_task: Callable[[str], None]) -> None:
        self.task_id = task_id
        self.run_task = run_task
        self.task: DoitTask | None = None  # set by doit when the task is built
        self.out: str | None = None
        self.err: str | None = None
        self.result: Any = None
        self.values: dict[str, Any] = {}

    def execute(self, out: Any = None, err: Any = None) -> BaseFail | None:
        try:
            self.run_task(self.task_id)
        except Exception as exc:  # a bug of ours: kept, and raised once the run is over
            return TaskError(f"{self.task_id}: {type(exc).__name__}: {exc}")
        return None


class _Reporter:
    """doit's reporter hooks: our own reporting happens in the session, so these only keep
    doit's internal errors, which are raised after the run instead of printed."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add_failure(self, task: DoitTask, fail: BaseFail) -> None:
        self.errors.append(fail.message)

    def runtime_error(self, message: str) -> None:
        self.errors.append(message)

    def cleanup_error(self, exception: BaseFail) -> None:
        self.errors.append(str(exception))

    def _ignore(self, *args: Any) -> None:
        pass

    initialize = get_status = execute_task = add_success = _ignore
    skip_uptodate = skip_ignore = teardown_task = complete_run = _ignore


class _MemoryBackend:
    """doit's dependency database, for one run in memory: nothing is written anywhere."""

    def __init__(self, name: str, codec: Any, *, module_name: str | None = None) -> None:
        self.name = name
        self._tasks: dict[str, dict[str, Any]] = {}

    def set(self, task_id: str, dependency: str, value: Any) -> None:
        self._tasks.setdefault(task_id, {})[dependency] = value

    def get(self, task_id: str, dependency: str) -> Any:
        return self._tasks.get(task_id, {}).get(dependency)

    def in_(self, task_id: str) -> bool:
        return task_id in self._tasks

    def remove(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)

    def remove_all(self) -> None:
        self._tasks.clear()

    def dump(self) -> None:
        pass  # nothing to keep: the next run decides from our state store
