"""Ctrl-C during a run: the running tasks finish and are recorded, no other starts."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from projects import diamond, new_project

from quicketl.execute.events import NullReporter

from .support import explain, run, statuses


class CtrlCWhenStarting(NullReporter):
    """Presses Ctrl-C as the first task starts, and holds that task until the main thread has
    seen the interrupt, so it lands while the task is running however loaded the machine is."""

    def __init__(self) -> None:
        self.pressed = False
        self.seen = threading.Event()

    def task_started(self, task_id: str) -> None:
        if not self.pressed:
            self.pressed = True
            os.kill(os.getpid(), signal.SIGINT)
            assert self.seen.wait(30), "the main thread never saw Ctrl-C"

    def on_sigint(self, signum: int, frame: object) -> None:
        self.seen.set()
        raise KeyboardInterrupt  # what Python's own handler does


@pytest.fixture
def ctrl_c() -> Iterator[CtrlCWhenStarting]:
    presser = CtrlCWhenStarting()
    previous = signal.signal(signal.SIGINT, presser.on_sigint)
    try:
        yield presser
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_lets_the_running_task_finish_and_starts_no_other(
    tmp_path: Path, workers: int, ctrl_c: CtrlCWhenStarting
) -> None:
    workflow = diamond(new_project(tmp_path))
    threads = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        run(workflow, workers=workers, reporter=ctrl_c)
    assert threading.active_count() == threads  # every worker has ended
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["top.parquet"]
    assert statuses(explain(workflow)) == {
        "first.top": "up_to_date",
        "middle.left": "would_run",
        "middle.right": "would_run",
        "last.bottom": "would_run",
    }


def test_ctrl_c_while_the_only_task_to_run_among_several_runs_lets_it_finish(
    tmp_path: Path, ctrl_c: CtrlCWhenStarting
) -> None:
    # One task of four to run is scheduled without doit (execute/plan_run.py): Ctrl-C still
    # lets it finish and be recorded.
    project = new_project(tmp_path)
    workflow = diamond(project)
    run(workflow, workers=2)
    project.pipeline(
        "bottom",
        ["out/left.parquet", "out/right.parquet"],
        "out/bottom.parquet",
        description="edited",
    )
    before = (tmp_path / "out" / "bottom.parquet").stat().st_mtime_ns
    with pytest.raises(KeyboardInterrupt):
        run(workflow, workers=2, reporter=ctrl_c)
    assert (tmp_path / "out" / "bottom.parquet").stat().st_mtime_ns != before
    assert set(statuses(explain(workflow)).values()) == {"up_to_date"}
