"""A standalone `quicketl run` of a workflow's pipeline is quicketl's own write, not an edit."""

from __future__ import annotations

from pathlib import Path

from projects import linear_three, new_project

from execute.support import cli, explain, reasons, run

RESTORABLE_START = "would be restored from the local cache (entry written at "


def test_a_standalone_run_is_not_reported_as_a_change_outside_quicketl(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    project.csv("data/raw.csv", rows=5)
    done = cli("run", "pipelines/a.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    why = reasons(explain(workflow))["s1.a"]
    assert not any("outside quicketl" in reason for reason in why), why
    assert why[:2] == [
        "input data/raw.csv changed",
        "output out/a.parquet rewritten by `quicketl run pipelines/a.yml`",
    ]
    # the standalone run stored the outputs of this key
    assert len(why) == 3 and why[2].startswith(RESTORABLE_START)


def test_a_hand_edit_is_still_a_change_outside_quicketl(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    run(workflow)
    cli("run", "pipelines/a.yml", "--force", cwd=tmp_path)
    (tmp_path / "out" / "a.parquet").write_bytes(b"edited by hand")
    why = reasons(explain(workflow))["s1.a"]
    assert why[:1] == ["output out/a.parquet changed outside quicketl"]
    assert why[1].startswith("would be restored from the local cache")
