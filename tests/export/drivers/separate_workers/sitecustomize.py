"""Workers that share no disk, simulated inside one orchestrator process.

Put this folder on PYTHONPATH (Python imports `sitecustomize` at start-up) and set
QUICKETL_TEST_WORKERS to a folder: every call of quicketl.api.run_task then runs in a fresh,
empty copy of the project folder (its files, none of its outputs, no cache), as on a worker
of its own, and is recorded in QUICKETL_TEST_WORKERS/calls.jsonl. Only the remote cache that
the generated code passes can carry outputs from one task to the next.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

_lock = threading.Lock()


def _install(workers: Path) -> None:
    import quicketl.api

    real = quicketl.api.run_task

    def run_task(workflow_path: str, task_id: str, **kwargs: Any) -> dict[str, str]:
        project = kwargs.pop("project_dir")
        worker = workers / f"{task_id}-{uuid.uuid4().hex[:8]}"
        ignore = shutil.ignore_patterns(".quicketl-cache", "output", "warehouse")
        shutil.copytree(project, worker, ignore=ignore)
        summary = real(workflow_path, task_id, project_dir=str(worker), **kwargs)
        call = {"task_id": task_id, "worker": str(worker), "summary": summary, **kwargs}
        with _lock, open(workers / "calls.jsonl", "a", encoding="utf-8") as calls:
            calls.write(json.dumps(call, default=str) + "\n")
        return summary

    quicketl.api.run_task = run_task  # type: ignore[attr-defined]


if os.environ.get("QUICKETL_TEST_WORKERS"):
    _install(Path(os.environ["QUICKETL_TEST_WORKERS"]))
