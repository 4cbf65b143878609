"""Load generated DAGs with the real Airflow and report what it sees, as JSON.

Runs inside .venv-airflow, driven by tests/export/test_airflow_*.py:

    airflow_driver.py dagbag OUT.json
    airflow_driver.py test OUT.json JOBS.json [--stub CALLS.jsonl]

The environment (AIRFLOW_HOME, AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, AIRFLOW__CORE__DAGS_FOLDER,
AIRFLOW__CORE__LOAD_EXAMPLES=False) must be set before Airflow is imported, so the caller sets it.
`test` runs `dag.test()` once per job ({"dag_id", "conf"}), in order, in this one process.
`--stub` replaces quicketl.api.run_task by a recorder that fails the task ids listed in the
QUICKETL_STUB_FAIL environment variable (comma-separated), to test wiring without a real run.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from typing import Any

from stub_api import install_stub

REQUIRED_ENV = (
    "AIRFLOW_HOME",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__LOAD_EXAMPLES",
)


def main(argv: list[str]) -> int:
    missing = [name for name in REQUIRED_ENV if not os.environ.get(name)]
    if missing:
        print(f"set {', '.join(missing)} before running this driver", file=sys.stderr)
        return 2
    command, out = argv[0], argv[1]
    if command == "dagbag":
        report: Any = dagbag_report()
    elif command == "test":
        if "--stub" in argv:
            install_stub(argv[argv.index("--stub") + 1])
        with open(argv[2], encoding="utf-8") as jobs:
            report = [run_job(job) for job in json.load(jobs)]
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, default=str)
    return 0


def load_bag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])


def dagbag_report() -> dict[str, Any]:
    import airflow

    bag = load_bag()
    return {
        "airflow_version": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "warnings": {
            str(k): [str(w) for w in v] for k, v in getattr(bag, "captured_warnings", {}).items()
        },
        "dags": {dag_id: describe(dag) for dag_id, dag in bag.dags.items()},
    }


def describe(dag: Any) -> dict[str, Any]:
    retry_delay = dag.default_args.get("retry_delay")
    return {
        "fileloc": dag.fileloc,
        "tasks": {
            t.task_id: {
                "upstream": sorted(t.upstream_task_ids),
                "group": t.task_group.group_id if t.task_group else None,
                "display_name": t.task_display_name,
                "group_display_name": t.task_group.group_display_name if t.task_group else None,
                "pool": t.pool,
                "priority_weight": t.priority_weight,
                "retries": t.retries,
                "owner": t.owner,
                "execution_timeout": (
                    t.execution_timeout.total_seconds() if t.execution_timeout else None
                ),
                "outlets": sorted(a.uri for a in t.outlets),
                "inlets": sorted(a.uri for a in t.inlets),
            }
            for t in dag.tasks
        },
        "groups": [g for g in dag.task_group.get_task_group_dict() if g],
        "params": {k: dict(dag.params.get_param(k).dump()) for k in dag.params},
        "catchup": dag.catchup,
        "max_active_tasks": dag.max_active_tasks,
        "max_active_runs": dag.max_active_runs,
        "retries": dag.default_args.get("retries"),
        "retry_delay_seconds": (
            retry_delay.total_seconds() if isinstance(retry_delay, timedelta) else None
        ),
        "tags": sorted(dag.tags),
        "doc_md": dag.doc_md,
        "schedule": str(getattr(dag, "schedule", None)),
        "timetable": type(dag.timetable).__name__,
        "timetable_summary": str(getattr(dag.timetable, "summary", "")),
        "start_date": str(dag.start_date),
    }


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    dag = load_bag().get_dag(job["dag_id"])
    run = dag.test(run_conf=job.get("conf") or None)
    with create_session() as session:
        instances = run.get_task_instances(session=session)
        states = {ti.task_id: str(ti.state) for ti in instances}
        tries = {ti.task_id: ti.try_number for ti in instances}
        events = session.execute(
            select(AssetModel.uri, AssetEvent.source_task_id)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .where(AssetEvent.source_run_id == run.run_id, AssetEvent.source_dag_id == dag.dag_id)
        ).all()
        query = XComModel.get_many(run_id=run.run_id, dag_ids=dag.dag_id, key="return_value")
        xcoms = {x.task_id: XComModel.deserialize_value(x) for x in session.scalars(query).all()}
    return {
        "dag_id": dag.dag_id,
        "state": str(run.state),
        "tasks": states,
        "tries": tries,
        "xcoms": xcoms,
        "asset_events": sorted([uri, task_id] for uri, task_id in events),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
