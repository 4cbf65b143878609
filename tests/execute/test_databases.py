"""Tasks sharing a DuckDB database file: serialised, linked by lineage, never skipped on a guess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
from projects import new_project

from quicketl.api import explain, plan_workflow, run_workflow


def warehouse_project(tmp_path: Path) -> Path:
    project = new_project(tmp_path)
    project.csv("data/a.csv", rows=5, salt="a")
    project.csv("data/b.csv", rows=7, salt="b")
    for name in ("a", "b"):
        project.write(
            f"pipelines/load_{name}.yml",
            f"""
name: load_{name}
source: {{type: file, path: data/{name}.csv}}
sink: {{type: database, connection: "duckdb:///wh.duckdb", table: {name}, mode: replace}}
""",
        )
    project.write(
        "pipelines/report.yml",
        """
name: report
source:
  type: database
  connection: "duckdb:///wh.duckdb"
  query: SELECT * FROM a UNION ALL SELECT * FROM b
sink: {type: file, path: out/report.parquet}
""",
    )
    return project.workflow(
        [
            {
                "name": "load",
                "parallel": True,
                "pipelines": ["pipelines/load_a.yml", "pipelines/load_b.yml"],
            },
            {"name": "report", "pipelines": ["pipelines/report.yml"]},
        ]
    )


def test_parallel_writers_of_one_database_file_both_succeed(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    result = run_workflow(workflow, workers=2)
    assert [t.status for t in result.tasks] == ["ran", "ran", "ran"]
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM a), (SELECT count(*) FROM b)"
        ).fetchone()
    assert counts == (5, 7)
    report = tmp_path / "out/report.parquet"
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{report}'").fetchone() == (12,)


def test_a_database_reader_waits_for_the_writers_by_lineage(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    plan = plan_workflow(workflow)
    assert {(e.upstream, e.downstream) for e in plan.edges} == {
        ("load.load_a", "report.report"),
        ("load.load_b", "report.report"),
    }


def test_database_source_always_runs(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    run_workflow(workflow, workers=2)
    again = {t.task_id: t for t in run_workflow(workflow, workers=2).tasks}
    assert again["load.load_a"].status == "up_to_date"
    assert again["report.report"].status == "ran"
    assert again["report.report"].reasons == ["reads duckdb:///wh.duckdb (not a file: always runs)"]


def test_a_deleted_database_file_makes_its_writers_run_again(tmp_path: Path) -> None:
    workflow = warehouse_project(tmp_path)
    run_workflow(workflow, workers=2)
    (tmp_path / "wh.duckdb").unlink()
    preview = {t.task_id: t.reasons for t in explain(workflow).tasks}
    for writer in ("load.load_a", "load.load_b"):
        assert preview[writer][0] == "output wh.duckdb missing"
    again = {t.task_id: t for t in run_workflow(workflow, workers=1).tasks}
    assert again["load.load_a"].status == "ran"
    assert again["load.load_a"].reasons == ["output wh.duckdb missing"]
    assert again["load.load_b"].status == "ran"
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM a").fetchone() == (5,)


def test_a_database_file_written_by_others_does_not_rerun_its_writers(tmp_path: Path) -> None:
    # Only the file's presence is recorded: other tables (here the other writer's) change its
    # bytes on every run, so its content says nothing about one table.
    workflow = warehouse_project(tmp_path)
    run_workflow(workflow, workers=2)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("CREATE TABLE unrelated AS SELECT 1 AS x")
    again = {t.task_id: t for t in run_workflow(workflow, workers=2).tasks}
    assert again["load.load_a"].status == "up_to_date"
    assert again["load.load_b"].status == "up_to_date"


def loaders_only(tmp_path: Path) -> Path:
    """The two writers of wh.duckdb, without the reader (a database source always runs)."""
    warehouse_project(tmp_path)
    loaders = ["pipelines/load_a.yml", "pipelines/load_b.yml"]
    return new_project(tmp_path).workflow(
        [{"name": "load", "parallel": True, "pipelines": loaders}]
    )


def test_a_dropped_table_makes_its_writer_run_again(tmp_path: Path) -> None:
    workflow = loaders_only(tmp_path)
    run_workflow(workflow, workers=2)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("DROP TABLE a")
    preview = {t.task_id: t.reasons for t in explain(workflow).tasks}
    assert preview["load.load_a"][0] == "output table a in wh.duckdb missing"
    again = {t.task_id: t for t in run_workflow(workflow, workers=2).tasks}
    assert again["load.load_a"].status == "ran"
    assert again["load.load_a"].reasons == ["output table a in wh.duckdb missing"]
    assert again["load.load_b"].status == "up_to_date"
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM a").fetchone() == (5,)
    assert [t.status for t in run_workflow(workflow).tasks] == ["up_to_date", "up_to_date"]


def test_a_table_in_a_schema_is_found_by_its_schema(tmp_path: Path) -> None:
    project = new_project(tmp_path)
    project.csv("data/a.csv", rows=2)
    project.write(
        "pipelines/load.yml",
        """
name: load
source: {type: file, path: data/a.csv}
sink: {type: database, connection: "duckdb:///wh.duckdb", table: main.Sales, mode: replace}
""",
    )
    workflow = project.workflow([{"name": "load", "pipelines": ["pipelines/load.yml"]}])
    run_workflow(workflow)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("CREATE TABLE other AS SELECT 1 AS x")  # the file changes, not the table
    assert [t.status for t in run_workflow(workflow).tasks] == ["up_to_date"]
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("DROP TABLE sales")
    again = run_workflow(workflow).tasks[0]
    assert (again.status, again.reasons) == (
        "ran",
        ["output table main.sales in wh.duckdb missing"],
    )


NO_OP_PROBE = """
import sys
from quicketl.cli.main import main
try:
    main(["workflow", "run", "workflows/wf.yml", "--json"])
except SystemExit as exit:
    loaded = "duckdb" in sys.modules or "_duckdb" in sys.modules
    print("duckdb imported" if loaded else "no duckdb", file=sys.stderr)
"""


def no_op_probe(root: Path) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", NO_OP_PROBE], cwd=root, capture_output=True, text=True, timeout=120
    )
    return done.stdout, done.stderr.splitlines()[-1]


def test_the_run_after_one_that_wrote_a_database_file_stays_on_the_no_op_path(
    tmp_path: Path,
) -> None:
    # The run stamps the files it wrote into, so the next one needs no DuckDB to know their
    # tables; a dropped table is then seen by the full path, which looks inside the file.
    workflow = loaders_only(tmp_path)
    run_workflow(workflow, workers=2)
    stdout, imported = no_op_probe(tmp_path)
    assert imported == "no duckdb"
    assert json.loads(stdout)["summary"]["up_to_date"] == 2
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("DROP TABLE b")
    stdout, imported = no_op_probe(tmp_path)
    assert imported == "duckdb imported"
    ran = {t["task_id"]: t["reasons"] for t in json.loads(stdout)["tasks"] if t["status"] == "ran"}
    assert ran == {"load.load_b": ["output table b in wh.duckdb missing"]}
    assert workflow.is_file()


def test_a_database_file_held_by_another_process_is_not_taken_as_missing_a_table(
    tmp_path: Path,
) -> None:
    workflow = loaders_only(tmp_path)
    run_workflow(workflow, workers=2)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "wh.duckdb")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        preview = {t.task_id: t.reasons for t in explain(workflow).tasks}
    finally:
        holder.kill()
        holder.wait()
    assert preview == {"load.load_a": ["up to date"], "load.load_b": ["up to date"]}


HOLDER = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])
conn.execute("CREATE TABLE c AS SELECT 1 AS x")  # the file changes: its stamp is out of date
conn.execute("CHECKPOINT")
print("holding", flush=True)
time.sleep(60)
"""
