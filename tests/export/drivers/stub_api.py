"""A stand-in for quicketl.api.run_task, for testing generated code's wiring (no real runs).

QUICKETL_STUB_FAIL lists task ids that fail for good (a failed check: not retryable);
QUICKETL_STUB_TRANSIENT lists task ids whose first attempt fails with a TransientError.
"""

from __future__ import annotations

import json
import os
import sys
import types
from typing import Any


def install_stub(calls_path: str) -> None:
    """A stand-in quicketl.api whose run_task records each call and fails on request."""
    import quicketl
    from quicketl.errors import EngineError, TransientError

    failing = set(filter(None, os.environ.get("QUICKETL_STUB_FAIL", "").split(",")))
    transient = set(filter(None, os.environ.get("QUICKETL_STUB_TRANSIENT", "").split(",")))
    attempts: dict[str, int] = {}

    def run_task(
        workflow_path: str,
        task_id: str,
        *,
        project_dir: str | None = None,
        variables: dict[str, object] | None = None,
        cache_dir: str | None = None,
        **generated: Any,
    ) -> dict[str, Any]:
        attempts[task_id] = attempts.get(task_id, 0) + 1
        call = {
            "workflow_path": workflow_path,
            "task_id": task_id,
            "project_dir": project_dir,
            "variables": variables,
            "variable_types": {k: type(v).__name__ for k, v in (variables or {}).items()},
            "cache_dir": cache_dir,
            "generated": generated,
            "attempt": attempts[task_id],
        }
        with open(calls_path, "a", encoding="utf-8") as calls:
            calls.write(json.dumps(call) + "\n")
        if task_id in failing:
            raise EngineError(f"{task_id}: stub failure")
        if task_id in transient and attempts[task_id] == 1:
            raise TransientError(f"{task_id}: stub transient failure")
        return {"task_id": task_id, "status": "ran", "reason": "never run"}

    api = types.ModuleType("quicketl.api")
    api.run_task = run_task  # type: ignore[attr-defined]
    sys.modules["quicketl.api"] = api
    quicketl.api = api  # type: ignore[attr-defined]
