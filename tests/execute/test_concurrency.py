"""Two runs on one cache: one waits for the other, nothing is lost or recorded twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from projects import Project, new_project

from quicketl.state import hash_file

from .support import (
    big_csv,
    invoke,
    json_tasks,
    pipeline_doc,
    popen,
    records,
    wait_for_lock,
    write_yaml,
)

ROWS = 300_000
TASKS = {"first.a": "out/a.parquet", "first.b": "out/b.parquet", "second.c": "out/c.parquet"}


def three_heavy(project: Project) -> Path:
    """(a, b) -> c over a big CSV: long enough that a second run meets the first one."""
    big_csv(project.root / "data/big.csv", ROWS)
    for name, predicate in (("a", "id % 3 = 0"), ("b", "id % 3 = 1")):
        doc = pipeline_doc(name, ["data/big.csv"], f"out/{name}.parquet", predicate)
        write_yaml(project.root / f"pipelines/{name}.yml", doc)
    doc = pipeline_doc("c", ["out/a.parquet", "out/b.parquet"], "out/c.parquet")
    write_yaml(project.root / "pipelines/c.yml", doc)
    return project.workflow(
        [
            {
                "name": "first",
                "parallel": True,
                "pipelines": ["pipelines/a.yml", "pipelines/b.yml"],
            },
            {"name": "second", "depends_on": ["first"], "pipelines": ["pipelines/c.yml"]},
        ]
    )


def assert_recorded_once_and_intact(root: Path) -> None:
    with sqlite3.connect(root / ".quicketl-cache/state.db") as conn:
        counts = dict(conn.execute("SELECT task_id, count(*) FROM tasks GROUP BY task_id"))
    assert counts == dict.fromkeys(TASKS, 1)
    for task_id, record in records(root).items():
        (output,) = record.outputs
        assert output["path"] == TASKS[task_id]
        assert hash_file(root / output["path"]) == output["hash"]


def test_two_runs_at_once_each_task_runs_once(tmp_path: Path) -> None:
    workflow = three_heavy(new_project(tmp_path))
    args = ("workflow", "run", workflow, "--workers", "2", "--json")
    one, two = popen(*args, cwd=tmp_path), popen(*args, cwd=tmp_path)
    (out_one, err_one), (out_two, err_two) = one.communicate(60), two.communicate(60)
    assert (one.returncode, two.returncode) == (0, 0), (err_one, err_two)
    first, second = json_tasks(out_one), json_tasks(out_two)
    for task_id in TASKS:
        pair = sorted([first[task_id]["status"], second[task_id]["status"]])
        assert pair == ["ran", "up_to_date"], (task_id, first, second)
    runs = [
        [(t["started_at"], t["finished_at"]) for t in doc.values() if t["status"] == "ran"]
        for doc in (first, second)
    ]
    if all(runs):  # both ran something: the lock must have kept them apart
        early, late = sorted(runs, key=min)
        assert max(end for _, end in early) <= min(start for start, _ in late), "runs overlapped"
    assert_recorded_once_and_intact(tmp_path)


def test_no_wait_fails_naming_the_holder_and_a_waiting_run_finds_the_work_done(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    workflow = three_heavy(new_project(tmp_path))
    holder = popen("workflow", "run", workflow, "--workers", "1", "--json", cwd=tmp_path)
    assert wait_for_lock(tmp_path / ".quicketl-cache", holder), "the first run ended too soon"

    code, out, err = invoke(capsys, "workflow", "run", workflow, "--no-wait")
    assert holder.poll() is None, "the holder must still be running for this to prove anything"
    assert code == 1, out + err
    assert f"another quicketl run (pid {holder.pid}) holds the cache lock" in err
    assert "Traceback" not in out + err
    assert not (tmp_path / "out/c.parquet").exists()

    code, out, err = invoke(capsys, "workflow", "run", workflow)
    holder_out, holder_err = holder.communicate(timeout=60)
    assert holder.returncode == 0, holder_err
    assert code == 0, out + err
    assert f"waiting for pid {holder.pid} to release the cache lock" in err  # a diagnostic
    assert "Pipelines: 3/3 succeeded (3 up to date, 0 ran)" in out
    assert {t["status"] for t in json_tasks(holder_out).values()} == {"ran"}
    assert_recorded_once_and_intact(tmp_path)
