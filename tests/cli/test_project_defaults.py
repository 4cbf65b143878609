"""quicketl.yml run defaults through the real command line, the no-op fast path included."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from execute.support import cli
from projects import linear_three, new_project


def _set_project(root: Path, text: str) -> None:
    (root / "quicketl.yml").write_text("name: test\n" + text, encoding="utf-8")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUICKETL_")}
    return {**env, "COLUMNS": "200", "NO_COLOR": "1", **extra}


def test_cache_dir_of_the_project_file_is_used_by_run_and_by_the_no_op_path(
    tmp_path: Path,
) -> None:
    workflow = linear_three(new_project(tmp_path))
    _set_project(tmp_path, "cache_dir: build/cache\n")
    first = cli("workflow", "run", workflow, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "build" / "cache" / "state.db").is_file()
    assert not (tmp_path / ".quicketl-cache").exists()
    code = (
        "import sys\nfrom quicketl.cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('HEAVY=' + ','.join(m for m in ('duckdb', '_duckdb', 'typer', 'yaml')"
        " if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    args = [sys.executable, "-c", code, "workflow", "run", str(workflow), "--json"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout)["summary"]["up_to_date"] == 3
    assert "HEAVY=\n" in done.stderr


def test_fail_fast_false_in_the_project_file_lets_independent_work_go_on(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    project.pipeline(
        "bad", "data/raw.csv", "out/bad.parquet", checks=[{"type": "row_count", "max": 0}]
    )
    project.pipeline("indep", "data/raw.csv", "out/indep.parquet")
    workflow = project.workflow(
        [
            {"name": "first", "pipelines": ["pipelines/bad.yml"]},
            {"name": "second", "pipelines": ["pipelines/indep.yml"]},
        ]
    )
    _set_project(tmp_path, "fail_fast: false\n")
    result = cli("workflow", "run", workflow, "-j", "1", "--json", cwd=tmp_path)
    assert result.returncode == 1
    statuses = {t["task_id"]: t["status"] for t in json.loads(result.stdout)["tasks"]}
    assert statuses == {"first.bad": "failed", "second.indep": "ran"}
    (tmp_path / "out" / "indep.parquet").unlink()
    forced = cli("workflow", "run", workflow, "-j", "1", "--fail-fast", "--json", cwd=tmp_path)
    statuses = {t["task_id"]: t["status"] for t in json.loads(forced.stdout)["tasks"]}
    assert statuses == {"first.bad": "failed", "second.indep": "not_run"}


def test_project_variables_fill_a_pipeline_and_the_environment_overrides_them(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    project.csv("data/eu.csv")
    project.csv("data/us.csv")
    doc = {
        "name": "regional",
        "source": {"type": "file", "path": "data/${REGION}.csv"},
        "sink": {"type": "file", "path": "out/${REGION}.parquet"},
    }
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "regional.yml").write_text(yaml.safe_dump(doc))
    _set_project(tmp_path, "variables:\n  REGION: eu\n")
    pipeline = "pipelines/regional.yml"
    base = [str(Path(sys.executable).with_name("quicketl")), "run", pipeline]
    env = _clean_env()
    done = subprocess.run(base, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "eu.parquet").is_file()
    env["REGION"] = "us"
    done = subprocess.run(base, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "us.parquet").is_file()


def test_a_bad_environment_default_is_refused_before_the_cache_exists(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    command = [str(Path(sys.executable).with_name("quicketl")), "workflow", "run", str(workflow)]
    env = _clean_env(QUICKETL_WORKERS="0")
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "QUICKETL_WORKERS: expected a whole number of 1 or more, got '0'" in done.stderr
    assert not (tmp_path / ".quicketl-cache").exists()


def test_a_wrong_default_in_the_project_file_is_located(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    _set_project(tmp_path, "workers: many\n")
    done = cli("workflow", "run", workflow, cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "quicketl.yml:2: workers: expected a whole number of 1 or more, got 'many'" in done.stderr
    )


def test_a_bad_environment_default_is_refused_by_a_no_op_run_too(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    assert cli("workflow", "run", workflow, cwd=tmp_path).returncode == 0
    command = [str(Path(sys.executable).with_name("quicketl")), "workflow", "run", str(workflow)]
    for name, value in (("QUICKETL_WORKERS", "none"), ("QUICKETL_FAIL_FAST", "maybe")):
        env = _clean_env(**{name: value})
        done = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, (name, done.stdout)
        assert f"{name}: expected" in done.stderr
