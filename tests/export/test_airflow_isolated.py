"""`--execution virtualenv|docker|kubernetes`: each task's operator, with the real Airflow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quicketl import __version__
from quicketl.export import ExportOptions, render_airflow
from quicketl.plan.fingerprint import plan_fingerprint

from . import e2e, plans
from .orchestrators import REPO, airflow_env, airflow_task_ids, fresh_airflow_home, run_driver

pytestmark = pytest.mark.export

IMAGE = "registry.example/etl:{{ not a template }}"


@pytest.fixture(scope="module")
def operators(
    airflow_python: Path, airflow_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The awkward plan as docker and kubernetes DAGs, static and dynamic-free, in one DagBag."""
    home = fresh_airflow_home(airflow_db, tmp_path_factory.mktemp("isolated") / "home")
    for execution, project_dir in (("docker", "/srv/{{ p }}"), ("kubernetes", None)):
        options = ExportOptions(
            dag_id=execution, execution=execution, image=IMAGE, project_dir=project_dir
        )
        code = render_airflow(plans.awkward(), options)
        (home / "dags" / f"{execution}.py").write_text(code, "utf-8")
    env = airflow_env(home, home / "dags")
    args = ["operators", str(home / "operators.json")]
    return run_driver(airflow_python, "airflow_operators_driver.py", args, env)


def command(task_id: str) -> list[str]:
    """What the container runs, as Airflow renders it for a run with the default params."""
    params = {name: value for name, value in plans.awkward().variables.items()}
    return ["workflow", "run-task", "workflows/wf.yml", task_id, "--vars-json", json.dumps(params)]


def checks(arguments: list[str]) -> dict[str, str]:
    """The options after --vars-json: the DAG's fingerprint, version, thread share, command."""
    rest = arguments[arguments.index("--vars-json") + 2 :]
    return dict(zip(rest[::2], rest[1::2], strict=True))


def test_containers_get_the_dags_fingerprint_version_and_thread_share(operators: Any) -> None:
    plan = plans.awkward()
    for dag_id in ("docker", "kubernetes"):
        for task_id, airflow_id in airflow_task_ids(plan).items():
            rendered = operators["dags"][dag_id][airflow_id]["rendered"]
            given = checks(rendered.get("command") or rendered["arguments"])
            assert given["--fingerprint"] == plan_fingerprint(plan), task_id
            assert given["--generated-by"] == __version__
            assert given["--parallel"] == "4"
            assert given["--regenerate"].startswith("quicketl workflow generate workflows/wf.yml")
            assert f"--execution {dag_id}" in given["--regenerate"]


def test_docker_and_kubernetes_dags_load(operators: Any) -> None:
    assert operators["import_errors"] == {}
    ids = airflow_task_ids(plans.awkward())
    for dag_id in ("docker", "kubernetes"):
        assert sorted(operators["dags"][dag_id]) == sorted(ids.values())


def test_docker_tasks_run_quicketl_run_task_in_the_image(operators: Any) -> None:
    ids = airflow_task_ids(plans.awkward())
    for task_id, airflow_id in ids.items():
        task = operators["dags"]["docker"][airflow_id]
        assert "DockerOperator" in task["bases"]
        rendered = task["rendered"]
        assert rendered["image"] == IMAGE
        assert rendered["command"][0] == "quicketl"
        assert rendered["command"][1:5] == command(task_id)[:4]
        assert rendered["command"][5] == "--vars-json"
        assert json.loads(rendered["command"][6]) == plans.awkward().variables
        assert rendered["environment"] == {"QUICKETL_PROJECT_DIR": "/srv/{{ p }}"}
        assert task["attributes"]["mount_tmp_dir"] is False


def test_kubernetes_tasks_run_quicketl_run_task_in_a_pod(operators: Any) -> None:
    ids = airflow_task_ids(plans.awkward())
    for task_id, airflow_id in ids.items():
        task = operators["dags"]["kubernetes"][airflow_id]
        assert "KubernetesPodOperator" in task["bases"]
        rendered = task["rendered"]
        assert rendered["image"] == IMAGE
        assert rendered["cmds"] == ["quicketl"]
        assert rendered["arguments"][:4] == command(task_id)[:4]
        assert json.loads(rendered["arguments"][5]) == plans.awkward().variables
        assert task["attributes"]["get_logs"] is True


def test_a_container_that_would_fail_again_is_not_retried(operators: Any) -> None:
    # run-task exits 1 or 2 for a failed check, a missing file or a stale DAG, 75 otherwise.
    for dag_id in ("docker", "kubernetes"):
        assert operators["failures"][dag_id] == {
            "1": "AirflowFailException",
            "75": "AirflowException",
        }, dag_id


def test_names_reach_the_operators_as_literals_not_templates(operators: Any) -> None:
    written = operators["dags"]["kubernetes"][airflow_task_ids(plans.awkward())["bronze-1.数据"]]
    # A `.yml` string would be read as a template file by Airflow; a literal never is.
    assert written["written"]["arguments"][2] == '{{ "workflows/wf.yml" }}'
    assert written["written"]["arguments"][5] == "{{ params | tojson }}"


def test_virtualenv_tasks_run_quicketl_in_their_own_virtualenv(
    airflow_python: Path, airflow_db: Path, tmp_path: Path
) -> None:
    e2e.require_run_task()
    reference = e2e.copy_medallion(tmp_path / "reference")
    e2e.run_with_cli(reference)
    project = e2e.copy_medallion(tmp_path / "project")
    home = fresh_airflow_home(airflow_db, tmp_path / "home")
    # This checkout stands in for `quicketl==<version>` from the package index.
    requirement = f"quicketl @ {REPO.as_uri()}"
    options = ExportOptions(dag_id="isolated", execution="virtualenv", requirements=(requirement,))
    dag = render_airflow(e2e.plan_of(project), options)
    (home / "dags" / "isolated.py").write_text(dag, "utf-8")
    # A DAG whose workflow gained a stage since: it fails at once, tried once despite retries.
    stale = e2e.copy_medallion(tmp_path / "stale")
    options = ExportOptions(
        dag_id="stale",
        execution="virtualenv",
        requirements=(requirement,),
        project_dir=str(stale),
        retries=2,
        retry_delay_seconds=0,
    )
    (home / "dags" / "stale.py").write_text(render_airflow(e2e.plan_of(stale), options), "utf-8")
    e2e.add_a_stage(stale)
    jobs = [{"dag_id": "isolated"}, {"dag_id": "stale"}]
    (home / "jobs.json").write_text(json.dumps(jobs), "utf-8")
    env = airflow_env(
        home,
        home / "dags",
        QUICKETL_PROJECT_DIR=str(project),
        QUICKETL_VENV_CACHE=str(tmp_path / "venvs"),
    )
    args = ["test", str(home / "out.json"), str(home / "jobs.json")]
    run, stale_run = run_driver(airflow_python, "airflow_driver.py", args, env)
    assert run["state"] == "success", run
    assert {x["status"] for x in run["xcoms"].values()} == {"ran"}
    e2e.assert_same_outputs(e2e.plan_of(project), reference, project)
    # One virtualenv was built from REQUIREMENTS (QUICKETL_VENV_CACHE) and every task ran in it.
    venvs = [p for p in (tmp_path / "venvs").iterdir() if (p / "bin" / "python").exists()]
    assert len(venvs) == 1, list((tmp_path / "venvs").iterdir())
    assert stale_run["state"] == "failed", stale_run
    failed = [t for t, state in stale_run["tasks"].items() if state == "failed"]
    assert failed and {stale_run["tries"][t] for t in failed} == {1}
    assert "the workflow changed since this DAG was generated" in (home / "out.log").read_text(
        "utf-8"
    )
