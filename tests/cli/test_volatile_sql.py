"""`validate` and `workflow status` name SQL that changes between runs of a skippable pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PIPELINE = """\
name: stamped
source: {type: file, path: data/orders.csv}
transforms:
  - op: derive_column
    name: loaded_at
    expr: now()
sink: {type: file, path: out/stamped.csv}
"""
WORKFLOW = "name: wf\nstages:\n  - name: load\n    pipelines:\n      - path: p.yml\n"
WARNING = "p.yml:6: transforms[0].expr: now() changes on every run, but this pipeline is skipped"
WAY_OUT = "add `volatile: true` to the pipeline to run it (and refresh the value) every time"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script, so warnings reach stderr as users see them."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("quicketl")), *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1", "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def project(tmp_path: Path, pipeline: str = PIPELINE) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "quicketl.yml").write_text("name: t\n")
    (tmp_path / "data" / "orders.csv").write_text("id,amount\n1,5\n")
    (tmp_path / "p.yml").write_text(pipeline)
    (tmp_path / "wf.yml").write_text(WORKFLOW)
    return tmp_path


def test_validate_names_the_field_and_the_way_out(tmp_path: Path) -> None:
    done = cli("validate", "p.yml", cwd=project(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"warning: {WARNING}" in done.stderr
    assert WAY_OUT in done.stderr


def test_workflow_status_and_validate_say_so(tmp_path: Path) -> None:
    root = project(tmp_path)
    for command in (["workflow", "status", "wf.yml"], ["workflow", "validate", "wf.yml"]):
        done = cli(*command, cwd=root)
        assert done.returncode == 0, done.stderr
        output = " ".join((done.stdout + done.stderr).split())
        assert WARNING in output and WAY_OUT in output, command


def test_a_volatile_pipeline_is_not_warned_about(tmp_path: Path) -> None:
    root = project(tmp_path, PIPELINE + "volatile: true\n")
    done = cli("validate", "p.yml", cwd=root)
    assert "warning" not in done.stderr
