"""Ctrl-C during a run: the running tasks finish and are recorded, no other starts."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from projects import diamond, new_project

from quicketl.execute.events import NullReporter

from .support import explain, run, statuses


class CtrlCWhenStarting(NullReporter):
    """Presses Ctrl-C as the first task starts, and gives it time to arrive before the task
    runs, so the interrupt lands while that task is running."""

    def __init__(self) -> None:
        self.pressed = False

    def task_started(self, task_id: str) -> None:
        if not self.pressed:
            self.pressed = True
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_lets_the_running_task_finish_and_starts_no_other(
    tmp_path: Path, workers: int
) -> None:
    workflow = diamond(new_project(tmp_path))
    threads = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        run(workflow, workers=workers, reporter=CtrlCWhenStarting())
    assert threading.active_count() == threads  # every worker has ended
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["top.parquet"]
    assert statuses(explain(workflow)) == {
        "first.top": "up_to_date",
        "middle.left": "would_run",
        "middle.right": "would_run",
        "last.bottom": "would_run",
    }
