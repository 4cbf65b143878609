"""Run generated Prefect flows with the real Prefect and report what happened, as JSON.

Runs inside .venv-prefect, driven by tests/export/test_prefect_flow.py:

    prefect_driver.py run OUT.json JOBS.json [--stub CALLS.jsonl]

Each job is {"flow_file", "params"}: the flow defined in that file is called with those
parameters, in order, in this one process (so the ephemeral API server starts once). The
caller sets PREFECT_HOME to a temporary folder. `--stub` replaces quicketl.api.run_task by a
recorder that fails the task ids listed in QUICKETL_STUB_FAIL (comma-separated).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
from typing import Any

from stub_api import install_stub


def main(argv: list[str]) -> int:
    if not os.environ.get("PREFECT_HOME"):
        print("set PREFECT_HOME to a temporary folder before running this driver", file=sys.stderr)
        return 2
    if argv[0] != "run":
        print(f"unknown command {argv[0]!r}", file=sys.stderr)
        return 2
    out, jobs_file = argv[1], argv[2]
    if "--stub" in argv:
        install_stub(argv[argv.index("--stub") + 1])
    with open(jobs_file, encoding="utf-8") as handle:
        jobs = json.load(handle)
    report = [run_job(number, job) for number, job in enumerate(jobs)]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, default=str)
    return 0


def load_flow(path: str, number: int) -> Any:
    from prefect import Flow

    spec = importlib.util.spec_from_file_location(f"generated_flow_{number}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    flows = [value for value in vars(module).values() if isinstance(value, Flow)]
    assert len(flows) == 1, f"{path} defines {len(flows)} flows"
    return flows[0]


def run_job(number: int, job: dict[str, Any]) -> dict[str, Any]:
    flow = load_flow(job["flow_file"], number)
    state = flow(**job.get("params", {}), return_state=True)
    result = state.result(raise_on_failure=False) if state.is_completed() else None
    return {
        "flow_name": flow.name,
        "state": state.type.value,
        "message": state.message,
        "result": result if isinstance(result, dict) else None,
        **asyncio.run(task_states(state.state_details.flow_run_id)),
        "parameters": sorted(flow.parameters.properties),
        "parameter_types": {k: v.get("type") for k, v in flow.parameters.properties.items()},
    }


async def task_states(flow_run_id: Any) -> dict[str, dict[str, Any]]:
    """`tasks`: task run name -> final state name ("Completed", "Failed", "NotReady"...);
    `attempts`: task run name -> how many times it ran (the generated code names its runs)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async with get_client() as client:
        runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {
        "tasks": {run.name: run.state.name if run.state else "?" for run in runs},
        "attempts": {run.name: run.run_count for run in runs},
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
