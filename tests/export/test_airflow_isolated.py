"""`--execution virtualenv|docker|kubernetes`: the operators each task becomes, with the real Airflow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quicketl.export import ExportOptions, render_airflow

from . import e2e
from .orchestrators import REPO, airflow_env, fresh_airflow_home, run_driver

pytestmark = pytest.mark.export


def test_virtualenv_tasks_run_quicketl_in_their_own_virtualenv(
    airflow_python: Path, airflow_db: Path, tmp_path: Path
) -> None:
    e2e.require_run_task()
    reference = e2e.copy_medallion(tmp_path / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(tmp_path / "project")
    home = fresh_airflow_home(airflow_db, tmp_path / "home")
    # This checkout stands in for `quicketl==<version>` from the package index.
    options = ExportOptions(dag_id="isolated", execution="virtualenv", requirements=(f"quicketl @ {REPO.as_uri()}",))
    dag = render_airflow(e2e.plan_of(project), options)
    (home / "dags" / "isolated.py").write_text(dag, "utf-8")
    (home / "jobs.json").write_text(json.dumps([{"dag_id": "isolated"}]), "utf-8")
    env = airflow_env(
        home,
        home / "dags",
        QUICKETL_PROJECT_DIR=str(project),
        QUICKETL_VENV_CACHE=str(tmp_path / "venvs"),
    )
    args = ["test", str(home / "out.json"), str(home / "jobs.json")]
    [run] = run_driver(airflow_python, "airflow_driver.py", args, env)
    assert run["state"] == "success", run
    assert {x["status"] for x in run["xcoms"].values()} == {"ran"}
    e2e.assert_same_outputs(e2e.plan_of(project), reference, project)
    # One virtualenv was built from REQUIREMENTS (QUICKETL_VENV_CACHE) and every task ran in it.
    venvs = [p for p in (tmp_path / "venvs").iterdir() if (p / "bin" / "python").exists()]
    assert len(venvs) == 1, list((tmp_path / "venvs").iterdir())
