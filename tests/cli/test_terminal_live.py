"""The live display on a real (pseudo-)terminal: task lines, -q, -v, 40 columns, NO_COLOR."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from projects import diamond, new_project

from .terminal import plain, run_on_pty

QUICKETL = Path(sys.executable).with_name("quicketl")
DEADLINE = 60.0  # a run of these takes a second or two; a hang takes forever
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"
COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-9](;[0-9]+)*m")
TASKS = ("first.top", "middle.left", "middle.right", "last.bottom")


def run(tmp_path: Path, *options: str, **kw: object) -> str:
    workflow = diamond(new_project(tmp_path))
    command = [QUICKETL, "workflow", "run", workflow, *options]
    code, output = run_on_pty(command, cwd=tmp_path, timeout=DEADLINE, **kw)  # type: ignore[arg-type]
    assert code == 0, output
    assert "Traceback" not in output
    return output


def test_each_task_is_printed_above_the_live_line(tmp_path: Path) -> None:
    output = run(tmp_path, "--workers", "2")
    text = plain(output)
    for task in TASKS:
        assert re.search(rf"\d of 4 ran {re.escape(task)} \[\d+\.\d\ds\] never run", text), text
    assert re.search(r"0/4 done  \d+\.\ds  running: ", text), text
    assert " started " not in text  # the live line says what runs; no heartbeat lines
    assert output.rindex(SHOW_CURSOR) > output.rindex(HIDE_CURSOR)
    assert text.rstrip().endswith("Pipelines: 4/4 succeeded (0 up to date, 4 ran)")


def test_quiet_shows_neither_task_lines_nor_the_live_line(tmp_path: Path) -> None:
    text = plain(run(tmp_path, "-q"))
    assert " of 4 " not in text and "done  " not in text
    assert "Pipelines: 4/4 succeeded (0 up to date, 4 ran)" in text


def test_verbose_gives_every_reason(tmp_path: Path) -> None:
    workflow = diamond(new_project(tmp_path))
    run_on_pty([QUICKETL, "workflow", "run", workflow], cwd=tmp_path, timeout=DEADLINE)
    code, output = run_on_pty(
        [QUICKETL, "workflow", "run", workflow, "--force", "-v"], cwd=tmp_path, timeout=DEADLINE
    )
    assert code == 0, output
    assert re.search(r"1 of 4 ran first\.top \[\d+\.\d\ds\] --force", plain(output))


def test_a_40_column_terminal_crops_the_live_line(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/raw.csv")
    refs = [
        project.pipeline(f"pipeline_with_a_long_name_{i}", "data/raw.csv", f"out/{i}.parquet")
        for i in range(3)
    ]
    workflow = project.workflow([{"name": "stage", "parallel": True, "pipelines": refs}])
    code, output = run_on_pty(
        [QUICKETL, "workflow", "run", workflow, "--workers", "3"],
        cwd=tmp_path,
        timeout=DEADLINE,
        size=(24, 40),
    )
    assert code == 0, output
    text = plain(output)
    assert re.search(r"0/3 done  \d+\.\ds  running: stage\.pipelin[^\n]*…", text), text
    assert "Pipelines: 3/3 succeeded (0 up to date, 3 ran)" in " ".join(text.split())


def test_no_color_draws_the_same_without_colours(tmp_path: Path) -> None:
    output = run(tmp_path, env={"NO_COLOR": "1"})
    assert not COLOUR.search(output), repr(output[:400])
    assert re.search(r"1 of 4 ran first\.top \[", plain(output))
    again = run_on_pty(
        [QUICKETL, "workflow", "run", tmp_path / "workflows/wf.yml"],
        cwd=tmp_path,
        timeout=DEADLINE,
        env={"NO_COLOR": "1"},
    )[1]  # the no-op fast path
    assert not COLOUR.search(again), repr(again[:400])
    assert "1 of 4 up to date first.top" in plain(again)


def test_a_long_single_run_shows_duckdbs_query_progress(tmp_path: Path) -> None:
    from tests.execute.support import big_csv

    project = new_project(tmp_path)
    big_csv(tmp_path / "data/big.csv", 1_000_000)
    slow = {"op": "derive_column", "name": "h", "expr": "md5(md5(md5(CAST(id AS VARCHAR))))"}
    pipeline = project.pipeline("big", "data/big.csv", "out/big.parquet", transforms=[slow])
    code, output = run_on_pty(
        [QUICKETL, "run", pipeline],
        cwd=tmp_path,
        timeout=DEADLINE,
    )
    assert code == 0, output
    assert re.search(r"query +\d+\.\d% ━", plain(output)), plain(output)[-800:]
    assert output.rindex(SHOW_CURSOR) > output.rindex(HIDE_CURSOR)
    assert "SUCCESS" in plain(output)


def test_ctrl_c_in_a_single_run_exits_130_and_leaves_its_output_alone(tmp_path: Path) -> None:
    from tests.execute.support import big_csv

    project = new_project(tmp_path)
    big_csv(tmp_path / "data/big.csv", 2_000_000)
    slow = {"op": "derive_column", "name": "h", "expr": "md5(md5(md5(CAST(id AS VARCHAR))))"}
    pipeline = project.pipeline("big", "data/big.csv", "out/big.parquet", transforms=[slow])
    (tmp_path / "out").mkdir()
    (tmp_path / "out/big.parquet").write_bytes(b"what the last run wrote")
    code, output = run_on_pty(
        [QUICKETL, "run", pipeline, "--force"],
        cwd=tmp_path,
        timeout=DEADLINE,
        interrupt_on="query ",
    )
    assert code == 130, output
    assert "Traceback" not in output and "internal error" not in output
    assert output.rindex(SHOW_CURSOR) > output.rindex(HIDE_CURSOR)
    assert (
        plain(output)
        .rstrip()
        .endswith("interrupted: pipelines/big.yml did not finish and its output was not replaced")
    )
    assert (tmp_path / "out/big.parquet").read_bytes() == b"what the last run wrote"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["big.parquet"]


NOT_REPLACED = "interrupted: pipelines/big.yml did not finish and its output was not replaced"
FINISHED = "interrupted: pipelines/big.yml had finished: its output was written and recorded"


def test_ctrl_c_at_any_moment_of_a_single_run_is_an_interruption(tmp_path: Path) -> None:
    # Ctrl-C at stepped moments over a whole run: while Python starts, while the first run
    # checks the pipeline against its sources, inside the query, as the output is committed
    # and recorded. Every time: exit 130 and one "interrupted" line, the output as it was
    # or whole and recorded, no temp left. (Once, under load, it said "Query interrupted",
    # exit 1: a Ctrl-C inside the first run's check of its sources.)
    import shutil
    import time

    from tests.execute.support import big_csv

    project = new_project(tmp_path)
    big_csv(tmp_path / "data/big.csv", 500_000)
    slow = {"op": "derive_column", "name": "h", "expr": "md5(md5(CAST(id AS VARCHAR)))"}
    pipeline = project.pipeline("big", "data/big.csv", "out/big.parquet", transforms=[slow])
    command = [QUICKETL, "run", pipeline, "--force"]
    started = time.monotonic()
    assert run_on_pty(command, cwd=tmp_path, timeout=DEADLINE)[0] == 0
    whole = time.monotonic() - started
    for step in range(1, 9):
        if step % 2:  # half of them the first run, which checks the sources before it runs
            shutil.rmtree(tmp_path / ".quicketl-cache", ignore_errors=True)
        (tmp_path / "out/big.parquet").write_bytes(b"what the last run wrote")
        code, output = run_on_pty(
            command, cwd=tmp_path, timeout=DEADLINE, interrupt_after=whole * step / 8
        )
        _assert_interrupted_whole(tmp_path, code, plain(output).strip(), step)


def _assert_interrupted_whole(root: Path, code: int, text: str, step: int) -> None:
    import signal

    import duckdb

    assert "Traceback" not in text and "error" not in text, (step, text[-600:])
    assert sorted(p.name for p in (root / "out").iterdir()) == ["big.parquet"], step
    written = (root / "out/big.parquet").read_bytes() != b"what the last run wrote"
    if "SUCCESS" in text:  # the run had ended: the Ctrl-C came later, or not at all
        # -2: it reached the interpreter as it shut down, which dies by SIGINT (a shell
        # shows 130); the run's work was whole and reported.
        assert code in (0, -signal.SIGINT) and written, (step, code, text[-600:])
        return
    assert code == 130, (step, text[-600:])
    if not text.endswith(FINISHED):  # Ctrl-C as Python starts says nothing (as typer does)
        assert not written and (text.endswith(NOT_REPLACED) or " of 1 " not in text), (
            step,
            text[-600:],
        )
        return
    rows = duckdb.sql(f"SELECT count(*) FROM '{root / 'out/big.parquet'}'").fetchall()
    assert rows == [(500_000,)], step
