"""Runs leave no process-wide trace: standard streams kept, no scheduler file, threads safe."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from projects import Project, diamond, new_project

from quicketl import api
from quicketl.execute.decide import Decision
from quicketl.execute.task_run import TaskRunner
from quicketl.plan.model import Task

from .support import run

# Runs `run_task` CALLS times from a pool of 4 threads, as the generated Prefect flow does, and
# prints what it saw as JSON. Each call gets its own value of N, so every call really runs.
STRESS = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from quicketl import api
from quicketl.execute.decide import Decision
from quicketl.execute.task_run import TaskRunner
from quicketl.plan.model import Task

root, calls = sys.argv[1], int(sys.argv[2])
tasks = ["fan.t0", "fan.t1", "fan.t2", "fan.t3"]
streams = (sys.stdout, sys.stderr)

def one(i):
    try:
        return api.run_task("workflows/wf.yml", tasks[i % 4], project_dir=root,
                            variables={"N": str(i)})["status"]
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"

with ThreadPoolExecutor(max_workers=4) as pool:
    statuses = list(pool.map(one, range(calls)))
same = sys.stdout is streams[0] and sys.stderr is streams[1]
sys.__stdout__.write(json.dumps({"statuses": statuses, "same_streams": same}))
"""


def fan_out(project: Project) -> Path:
    """raw -> t0..t3, independent tasks in one parallel stage, each filtered by `${N}`."""
    project.csv("data/raw.csv", rows=20)
    refs = [
        project.pipeline(
            f"t{i}",
            "data/raw.csv",
            f"out/t{i}.parquet",
            transforms=[{"op": "filter", "predicate": "id >= ${N} % 7"}],
        )
        for i in range(4)
    ]
    return project.workflow([{"name": "fan", "parallel": True, "pipelines": refs}])


def test_run_task_from_four_threads_never_crashes_fails_or_swaps_streams(tmp_path: Path) -> None:
    fan_out(new_project(tmp_path))
    calls = 100
    done = subprocess.run(
        [sys.executable, "-c", STRESS, str(tmp_path), str(calls)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"crashed with {done.returncode}: {done.stderr[-3000:]}"
    seen: dict[str, Any] = json.loads(done.stdout)
    errors = [s for s in seen["statuses"] if s != "ran"]
    assert errors == [], errors[:5]
    assert seen["same_streams"] is True


def test_runs_leave_no_scheduler_file_in_the_cache(tmp_path: Path) -> None:
    workflow = diamond(new_project(tmp_path))
    run(workflow, workers=4)
    run(workflow, workers=1, force=True)
    api.run_task("workflows/wf.yml", "middle.left", project_dir=str(tmp_path))
    cache = tmp_path / ".quicketl-cache"
    names = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert not [n for n in names if "doit" in n or n.startswith(".doit")], names


def test_one_selected_task_runs_without_importing_doit(tmp_path: Path) -> None:
    diamond(new_project(tmp_path))
    script = (
        "import sys\nfrom quicketl import api\n"
        "print(api.run_task('workflows/wf.yml', 'first.top', project_dir=sys.argv[1])['status'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'doit'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.splitlines() == ["ran", "[]"], done.stderr[-2000:]


def test_a_bug_in_a_scheduled_task_is_raised_after_every_worker_has_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workflow = diamond(new_project(tmp_path))
    real_run = TaskRunner.run

    def broken(self: TaskRunner, task: Task, decision: Decision) -> None:
        if task.id == "middle.left":
            raise ValueError("boom")
        real_run(self, task, decision)

    monkeypatch.setattr(TaskRunner, "run", broken)
    threads = threading.active_count()
    with pytest.raises(RuntimeError, match=r"middle\.left: ValueError: boom"):
        run(workflow, workers=4)
    assert threading.active_count() == threads  # no worker left waiting for work
    assert (tmp_path / "out/right.parquet").is_file()  # the other branch still ran
