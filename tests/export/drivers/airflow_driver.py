"""Load generated DAGs with the real Airflow and report what it sees, as JSON.

Runs inside .venv-airflow (Airflow 3) or .venv-airflow2 (Airflow 2.x), driven by
tests/export/test_airflow_*.py:

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
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 2.x
        from airflow.models.dagbag import DagBag

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
                # Airflow 2.x groups have no display name: the DAG makes the name the tooltip
                "group_display_name": getattr(t.task_group, "group_display_name", None),
                "group_tooltip": t.task_group.tooltip if t.task_group else None,
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
        "schedule": schedule(dag),
        "timetable": type(dag.timetable).__name__,
        "timetable_summary": str(getattr(dag.timetable, "summary", "")),
        "start_date": str(dag.start_date),
    }


def schedule(dag: Any) -> str:
    """The DAG's schedule as written; Airflow 2.x keeps only its timetable, or its datasets."""
    if hasattr(dag, "schedule"):
        return str(dag.schedule)
    if type(dag.timetable).__name__ == "DatasetTriggeredTimetable":
        return str(dag.timetable.dataset_condition)
    return str(dag.timetable.summary)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    import airflow
    from airflow.utils.session import create_session

    bag = load_bag()
    if airflow.__version__.startswith("2."):
        # Airflow 2's dag.test() records dataset events only for datasets the DAG processor
        # has stored; store them as it does in a deployment.
        bag.sync_to_db()
    dag = bag.get_dag(job["dag_id"])
    run = dag.test(run_conf=job.get("conf") or None)
    with create_session() as session:
        instances = run.get_task_instances(session=session)
        states = {ti.task_id: str(ti.state) for ti in instances}
        tries = {ti.task_id: ti.try_number for ti in instances}
        events = asset_events(session, dag.dag_id, run.run_id)
        xcoms = return_values(session, dag.dag_id, run.run_id)
    return {
        "dag_id": dag.dag_id,
        "state": str(run.state),
        "tasks": states,
        "tries": tries,
        "xcoms": xcoms,
        "asset_events": sorted([uri, task_id] for uri, task_id in events),
    }


def asset_events(session: Any, dag_id: str, run_id: str) -> list[Any]:
    """(uri, task id) of every asset event the run recorded: Airflow 2.x calls them datasets."""
    from sqlalchemy import select

    try:
        from airflow.models.asset import AssetEvent as Event
        from airflow.models.asset import AssetModel as Model

        key = Event.asset_id
    except ImportError:  # Airflow 2.x
        from airflow.models.dataset import DatasetEvent as Event
        from airflow.models.dataset import DatasetModel as Model

        key = Event.dataset_id
    query = (
        select(Model.uri, Event.source_task_id)
        .join(Model, Model.id == key)
        .where(Event.source_run_id == run_id, Event.source_dag_id == dag_id)
    )
    return list(session.execute(query).all())


def return_values(session: Any, dag_id: str, run_id: str) -> dict[str, Any]:
    """task id -> the XCom it returned."""
    try:
        from airflow.models.xcom import XComModel

        query = XComModel.get_many(run_id=run_id, dag_ids=dag_id, key="return_value")
        return {x.task_id: XComModel.deserialize_value(x) for x in session.scalars(query).all()}
    except ImportError:  # Airflow 2.x: get_many returns a Query, its rows' values loaded
        from airflow.models.xcom import XCom

        rows = XCom.get_many(run_id=run_id, dag_ids=dag_id, key="return_value", session=session)
        return {x.task_id: x.value for x in rows.all()}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
