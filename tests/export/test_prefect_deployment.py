"""`generate --deployment`: a prefect.yaml that Prefect's own deployment loader accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.execute.support import cli

from .orchestrators import prefect_env, run_driver

WORKFLOW = """name: nightly sales
description: Sales, every night
variables:
  RUN_DATE: "2025-01-15"
  LIMIT: 10
  run-mode: full
stages:
  - name: load
    pipelines: [{path: p.yml}]
"""


def project(root: Path) -> Path:
    (root / "quicketl.yml").write_text("name: t\n", "utf-8")
    (root / "data.csv").write_text("id\n1\n", "utf-8")
    (root / "p.yml").write_text(
        "name: p\nsource: {path: data.csv}\nsink: {path: 'out/${RUN_DATE}.csv'}\n", "utf-8"
    )
    (root / "wf.yml").write_text(WORKFLOW, "utf-8")
    (root / "flows").mkdir()
    return root


def generate(root: Path, *extra: str) -> Any:
    return cli(
        "workflow", "generate", "wf.yml", "--target", "prefect", "--deployment",
        "--work-pool", "etl-pool", "-o", "flows/sales_flow.py", *extra, cwd=root,
    )  # fmt: skip


@pytest.mark.export
def test_prefect_loads_the_deployment_and_its_flow(
    prefect_python: Path, prefect_home: Path, tmp_path: Path
) -> None:
    root = project(tmp_path)
    done = generate(root, "--schedule", "30 2 * * *", "--project-dir", str(root))
    assert done.returncode == 0, done.stderr
    out = tmp_path / "report.json"
    env = prefect_env(prefect_home)
    args = ["load", str(out), str(root / "flows" / "prefect.yaml")]
    report = run_driver(prefect_python, "prefect_deploy_driver.py", args, env)
    [deployment] = report["deployments"]
    config = deployment["config"]
    assert config["name"] == "nightly_sales"
    assert config["entrypoint"] == "sales_flow.py:nightly_sales"
    assert config["work_pool"] == {
        "name": "etl-pool",
        "job_variables": {"env": {"QUICKETL_PROJECT_DIR": str(root.resolve())}},
    }
    assert config["tags"] == ["quicketl"]
    assert deployment["flow_name"] == "nightly_sales"
    assert deployment["validated_parameters"] == {
        "RUN_DATE": "2025-01-15",
        "LIMIT": 10,
        "run_mode": "full",
    }
    [schedule] = deployment["schedules"]
    assert (schedule["cron"], schedule["timezone"]) == ("30 2 * * *", "UTC")
    assert report["actions"]["pull"] is None  # prefect deploy adds its default pull step


def test_a_second_flow_adds_its_deployment_and_keeps_the_first(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert generate(root).returncode == 0
    again = cli(
        "workflow", "generate", "wf.yml", "--target", "prefect", "--deployment",
        "--work-pool", "other", "--dag-id", "sales_copy", "-o", "flows/copy_flow.py", cwd=root,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert generate(root).returncode == 0  # the same flow again replaces its own deployment
    import yaml

    document = yaml.safe_load((root / "flows" / "prefect.yaml").read_text("utf-8"))
    assert [d["name"] for d in document["deployments"]] == ["sales_copy", "nightly_sales"]
    assert [d["work_pool"]["name"] for d in document["deployments"]] == ["other", "etl-pool"]


def test_a_prefect_yaml_quicketl_did_not_write_is_left_alone(tmp_path: Path) -> None:
    root = project(tmp_path)
    theirs = root / "flows" / "prefect.yaml"
    theirs.write_bytes(b"name: mine\ndeployments: []  # by hand\n")
    done = generate(root)
    assert done.returncode == 2
    assert "prefect.yaml exists and was not written by quicketl" in done.stderr
    assert theirs.read_bytes() == b"name: mine\ndeployments: []  # by hand\n"
    assert sorted(p.name for p in (root / "flows").iterdir()) == ["prefect.yaml"]
    assert not (root / ".quicketl-cache").exists()


def test_deployment_without_an_output_file_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = cli(
        "workflow", "generate", "wf.yml", "--target", "prefect", "--deployment",
        "--work-pool", "p", cwd=root,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--deployment needs -o FILE: prefect.yaml is written beside the flow" in done.stderr
    assert done.stdout == ""
