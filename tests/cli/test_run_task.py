"""`quicketl workflow run-task`: what a docker or kubernetes task of a generated DAG runs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.execute.support import CLI_ENV, QUICKETL, cli

WORKFLOW = """name: wf
variables:
  LIMIT: 1
stages:
  - name: s
    pipelines: [{path: p.yml}]
"""
PIPELINE = """name: p
source: {path: data.csv}
transforms:
  - op: limit
    n: ${LIMIT}
sink: {path: out/p.csv}
"""


def project(root: Path) -> Path:
    root.mkdir(exist_ok=True)
    (root / "quicketl.yml").write_text("name: t\n", "utf-8")
    (root / "data.csv").write_text("id\n1\n2\n3\n", "utf-8")
    (root / "p.yml").write_text(PIPELINE, "utf-8")
    (root / "wf.yml").write_text(WORKFLOW, "utf-8")
    return root


def test_runs_one_task_of_the_project_folder_from_anywhere(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    first = cli("workflow", "run-task", "wf.yml", "s.p", "--project-dir", root, cwd=elsewhere)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("s.p: ran (")
    assert (root / "out" / "p.csv").read_text("utf-8").split() == ["id", "1"]
    again = cli("workflow", "run-task", "wf.yml", "s.p", "--project-dir", root, cwd=elsewhere)
    assert again.stdout.startswith("s.p: up_to_date (")
    assert not (elsewhere / ".quicketl-cache").exists()


def test_the_project_folder_may_come_from_quicketl_project_dir(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    done = subprocess.run(
        [str(QUICKETL), "workflow", "run-task", "wf.yml", "s.p"],
        cwd=tmp_path,
        env={**os.environ, **CLI_ENV, "QUICKETL_PROJECT_DIR": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (root / "out" / "p.csv").exists()


def test_vars_json_passes_typed_variables(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = cli("workflow", "run-task", "wf.yml", "s.p", "--vars-json", '{"LIMIT": 2}', cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / "out" / "p.csv").read_text("utf-8").split() == ["id", "1", "2"]


def test_bad_vars_json_is_refused_with_exit_2(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = cli("workflow", "run-task", "wf.yml", "s.p", "--vars-json", "[1]", cwd=root)
    assert (done.returncode, done.stdout) == (2, "")
    assert "--vars-json must be a JSON object, not list" in done.stderr
    broken = cli("workflow", "run-task", "wf.yml", "s.p", "--vars-json", "{LIMIT", cwd=root)
    assert broken.returncode == 2
    assert "--vars-json is not valid JSON" in broken.stderr
    assert not (root / "out").exists()
    assert not (root / ".quicketl-cache").exists()


def test_an_unknown_task_exits_2_and_a_failed_one_exits_1(tmp_path: Path) -> None:
    root = project(tmp_path)
    unknown = cli("workflow", "run-task", "wf.yml", "s.q", cwd=root)
    assert unknown.returncode == 2
    assert "no task 's.q' in workflow wf" in unknown.stderr
    (root / "data.csv").unlink()
    failed = cli("workflow", "run-task", "wf.yml", "s.p", cwd=root)
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_project_folder_that_is_not_there_is_named(tmp_path: Path) -> None:
    project(tmp_path)
    done = cli("workflow", "run-task", "wf.yml", "s.p", "--project-dir", "/nowhere/p", cwd=tmp_path)
    assert done.returncode == 2
    assert "project folder '/nowhere/p' (--project-dir or QUICKETL_PROJECT_DIR)" in done.stderr
    assert not (tmp_path / ".quicketl-cache").exists()


def test_a_stale_fingerprint_exits_2_naming_the_command_and_runs_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = cli(
        "workflow", "run-task", "wf.yml", "s.p", "--fingerprint", "f1.0.0",
        "--regenerate", "quicketl workflow generate wf.yml --execution docker", cwd=root,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "wf.yml: the workflow changed since this DAG was generated" in done.stderr
    assert "run `quicketl workflow generate wf.yml --execution docker` again" in done.stderr
    assert not (root / "out").exists()


def test_the_fingerprint_of_the_current_plan_runs_the_task(tmp_path: Path) -> None:
    from quicketl.api import plan_workflow
    from quicketl.plan.fingerprint import plan_fingerprint

    root = project(tmp_path)
    fingerprint = plan_fingerprint(plan_workflow(root / "wf.yml", root=root))
    done = cli(
        "workflow", "run-task", "wf.yml", "s.p", "--fingerprint", fingerprint,
        "--select", "s.p", "--parallel", "2", cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (root / "out" / "p.csv").exists()


def test_another_quicketl_version_warns_and_still_runs(tmp_path: Path) -> None:
    root = project(tmp_path)
    done = cli("workflow", "run-task", "wf.yml", "s.p", "--generated-by", "0.0.1", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "warning: this DAG was generated by quicketl 0.0.1, but this image has" in done.stderr


def test_a_failure_a_retry_may_fix_exits_75(tmp_path: Path) -> None:
    import sys

    root = project(tmp_path)
    database = root / "shop.duckdb"
    make = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('CREATE TABLE t AS SELECT 1')"
    subprocess.run([sys.executable, "-c", make, str(database)], check=True)
    (root / "p.yml").write_text(
        f"name: p\nsource: {{type: database, connection: 'duckdb:///{database}', table: t}}\n"
        "sink: {type: file, path: out/p.parquet}\n",
        "utf-8",
    )
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True)"
    holder = subprocess.Popen(
        [sys.executable, "-c", hold + "; time.sleep(30)", str(database)], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        done = cli("workflow", "run-task", "wf.yml", "s.p", cwd=root)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 75, done.stderr
    assert "Traceback" not in done.stderr
    # A missing file fails the same way every time: 1, not 75.
    database.unlink()
    assert cli("workflow", "run-task", "wf.yml", "s.p", cwd=root).returncode != 75


def test_a_remote_cache_given_to_run_task_receives_the_tasks_outputs(tmp_path: Path) -> None:
    """What a docker or kubernetes task generated with --remote-cache runs: it pushes."""
    root = project(tmp_path / "project")
    remote = tmp_path / "remote"
    done = cli(
        "workflow",
        "run-task",
        "wf.yml",
        "s.p",
        "--project-dir",
        root,
        "--remote-cache",
        remote,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((remote / "entries").glob("*.json"))) == 1
    other = project(tmp_path / "other")  # another worker's empty copy: restored, not run
    again = cli(
        "workflow",
        "run-task",
        "wf.yml",
        "s.p",
        "--project-dir",
        other,
        "--remote-cache",
        remote,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("s.p: restored ("), again.stdout
    assert (other / "out" / "p.csv").read_bytes() == (root / "out" / "p.csv").read_bytes()
