"""What `workflow run` prints without a terminal (a CI log), character for character.

stdout holds the result (header, panel, Stages table, summary); stderr the heartbeat, one
plain line as each task starts and ends, and the warnings.
"""

from __future__ import annotations

import re
from pathlib import Path

from projects import linear_three, new_project

from tests.execute.support import cli

SECONDS = re.compile(r"\[\d+\.\d\ds\]")
MS = re.compile(r"\d+\.\dms")


def normal(text: str) -> str:
    """Durations change from run to run: the rest must not."""
    return MS.sub("Nms", SECONDS.sub("[Ns]", text))


def test_a_first_run_prints_a_heartbeat_on_stderr_and_the_result_on_stdout(
    tmp_path: Path,
) -> None:
    workflow = linear_three(new_project(tmp_path))
    done = cli("workflow", "run", workflow, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert normal(done.stderr).splitlines() == [
        "1 of 3 started s1.a",
        "1 of 3 ran s1.a [Ns] never run",
        "2 of 3 started s2.b",
        "2 of 3 ran s2.b [Ns] never run",
        "3 of 3 started s3.c",
        "3 of 3 ran s3.c [Ns] never run",
    ]
    assert normal(done.stdout).splitlines()[:4] == [
        "Running workflow: wf",
        "  Stages: 3",
        "  Pipelines: 3",
        "",
    ]
    assert done.stdout.splitlines()[-1] == "Pipelines: 3/3 succeeded (0 up to date, 3 ran)"


def test_a_no_op_run_prints_one_up_to_date_line_per_task(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    cli("workflow", "run", workflow, cwd=tmp_path)
    done = cli("workflow", "run", workflow, cwd=tmp_path)
    assert done.stderr.splitlines() == [
        "1 of 3 up to date s1.a",
        "2 of 3 up to date s2.b",
        "3 of 3 up to date s3.c",
    ]
    verbose = cli("workflow", "run", workflow, "-v", cwd=tmp_path)
    assert verbose.stderr == done.stderr  # an up-to-date task has no reason beyond that


def test_quiet_prints_only_the_result(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    first = cli("workflow", "run", workflow, "-q", cwd=tmp_path)
    assert first.returncode == 0 and first.stderr == ""
    assert "Pipelines: 3/3 succeeded (0 up to date, 3 ran)" in first.stdout
    again = cli("workflow", "run", workflow, "--quiet", cwd=tmp_path)  # the fast path
    assert again.returncode == 0 and again.stderr == ""


def test_a_failure_says_its_error_and_what_it_skipped(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    (tmp_path / "pipelines/b.yml").write_text(
        "name: b\nsource: {type: file, path: out/a.parquet}\n"
        "checks: [{type: not_null, columns: [value]}, {type: row_count, min: 100}]\n"
        "sink: {type: file, path: out/b.parquet}\n"
    )
    done = cli("workflow", "run", workflow, cwd=tmp_path)
    assert done.returncode == 1
    lines = normal(done.stderr).splitlines()
    assert lines[3].startswith("2 of 3 failed s2.b [Ns] "), lines
    assert lines[4:] == ["3 of 3 skipped s3.c upstream s2.b failed"]


def test_a_lineage_warning_goes_to_stderr_whole_and_unwrapped(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    a = project.pipeline("a", "data/raw.csv", "out/a.parquet")
    b = project.pipeline(
        "b_with_a_rather_long_name_to_pass_80_columns", "out/a.parquet", "out/b.parquet"
    )
    workflow = project.workflow(
        [
            {"name": "late", "pipelines": [{"path": b}]},
            {"name": "early", "pipelines": [{"path": a}]},
        ]
    )
    for command in ("run", "status", "validate"):
        done = cli("workflow", command, workflow, cwd=tmp_path)
        warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
        assert len(warnings) == 1 and len(warnings[0]) > 80, (command, done.stderr)
        assert re.search(r"^warning: \S*workflows/wf.yml:\d+: stages", warnings[0])
        assert "warning" not in done.stdout, command
