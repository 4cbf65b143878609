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
