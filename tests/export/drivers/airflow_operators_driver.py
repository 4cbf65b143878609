"""Load generated DAGs with the real Airflow and report each task's operator and its arguments.

Runs inside .venv-airflow, driven by tests/export/test_airflow_isolated.py:

    airflow_operators_driver.py operators OUT.json

For every task: the operator class, the templated fields as written, and as Airflow renders
them for a run with the DAG's default params (a `.yml` string would be loaded as a template
file, and `{{ }}` rendered, if the DAG did not guard them). Same environment as airflow_driver.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from airflow_driver import load_bag

FIELDS = ("image", "command", "environment", "cmds", "arguments", "env_vars", "op_kwargs")


def main(argv: list[str]) -> int:
    bag = load_bag()
    report: dict[str, Any] = {
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "dags": {dag_id: describe(dag) for dag_id, dag in bag.dags.items()},
        "failures": {dag_id: failures(dag) for dag_id, dag in bag.dags.items()},
    }
    with open(argv[1], "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, default=str)
    return 0


def failures(dag: Any) -> dict[str, str]:
    """What a task raises when its container exits 1 (a failed check) or 75 (a busy lock).

    The operator's own execute is replaced by what it raises for that exit code, since no
    docker daemon or cluster runs here: a listed `skip_on_exit_code` raises a skip exception.
    """
    from airflow.exceptions import AirflowException, AirflowSkipException

    task = dag.tasks[0]
    base = type(task).__mro__[1]
    raised = {}
    for code, error in ((1, AirflowSkipException), (75, AirflowException)):
        if code not in task.skip_on_exit_code and error is AirflowSkipException:
            error = AirflowException
        original = base.execute

        def fail(self: Any, context: Any, error: type = error) -> Any:
            raise error("container exited")

        base.execute = fail
        try:
            task.execute({})
        except Exception as exc:
            raised[str(code)] = type(exc).__name__
        finally:
            base.execute = original
    return raised


def describe(dag: Any) -> dict[str, Any]:
    params = {name: dag.params[name] for name in dag.params}
    return {task.task_id: operator(task, params) for task in dag.tasks}


def operator(task: Any, params: dict[str, Any]) -> dict[str, Any]:
    fields = [f for f in FIELDS if f in task.template_fields]
    return {
        "class": type(task).__name__,
        "bases": [cls.__name__ for cls in type(task).__mro__],
        "written": {f: getattr(task, f) for f in fields},
        "rendered": {f: task.render_template(getattr(task, f), {"params": params}) for f in fields},
        "attributes": {
            name: getattr(task, name)
            for name in (
                "mount_tmp_dir",
                "get_logs",
                "requirements",
                "system_site_packages",
                "skip_on_exit_code",
            )
            if hasattr(task, name)
        },
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
