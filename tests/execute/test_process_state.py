"""Runs leave no process-wide trace: standard streams kept, no scheduler file, threads safe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from projects import Project, diamond, new_project

from quicketl import api

from .support import run

# Runs `run_task` CALLS times from a pool of 4 threads, as the generated Prefect flow does, and
# prints what it saw as JSON. Each call gets its own value of N, so every call really runs.
STRESS = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from quicketl import api

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
