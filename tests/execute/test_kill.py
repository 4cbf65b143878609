"""kill -9 at random moments: finished tasks are never redone, no final output is ever partial."""

from __future__ import annotations

import random
import subprocess
import time
from itertools import pairwise
from pathlib import Path

import duckdb
from projects import Project, linear_three, new_project

from quicketl.state import hash_file, is_temp_name

from .support import (
    big_csv,
    cli,
    explain,
    json_tasks,
    pipeline_doc,
    popen,
    records,
    run,
    statuses,
    wait_for_lock,
)
from .support import write_yaml as write

ROWS = 200_000
KILLS = 4
CSV = "read_csv('{root}/data/big.csv')"
# What each output must hold, as SQL over the raw CSV, independent of quicketl.
EXPECTED = {
    "out/even.parquet": f"SELECT * FROM {CSV} WHERE id % 2 = 0",
    "out/odd.parquet": f"SELECT * FROM {CSV} WHERE id % 2 = 1",
    "out/both.parquet": f"SELECT * FROM {CSV}",
    # a HUGEINT sum is stored in parquet as DOUBLE
    "out/summary.parquet": f"SELECT grp, sum(amount)::DOUBLE AS total FROM {CSV} GROUP BY grp",
}
TASKS = {
    "split.even": "out/even.parquet",
    "split.odd": "out/odd.parquet",
    "merge.both": "out/both.parquet",
    "report.summary": "out/summary.parquet",
}


def fan_in(project: Project) -> Path:
    """big.csv -> (even, odd) -> both -> summary; each step a few hundred milliseconds."""
    big_csv(project.root / "data/big.csv", ROWS)
    for name, modulus in (("even", 0), ("odd", 1)):
        doc = pipeline_doc(name, ["data/big.csv"], f"out/{name}.parquet", f"id % 2 = {modulus}")
        write(project.root / f"pipelines/{name}.yml", doc)
    both = pipeline_doc("both", ["out/even.parquet", "out/odd.parquet"], "out/both.parquet")
    write(project.root / "pipelines/both.yml", both)
    summary = pipeline_doc(
        "summary",
        ["out/both.parquet"],
        "out/summary.parquet",
        transforms=[{"op": "aggregate", "group_by": ["grp"], "aggs": {"total": "sum(amount)"}}],
    )
    write(project.root / "pipelines/summary.yml", summary)
    return project.workflow(
        [
            {
                "name": "split",
                "parallel": True,
                "pipelines": ["pipelines/even.yml", "pipelines/odd.yml"],
            },
            {"name": "merge", "depends_on": ["split"], "pipelines": ["pipelines/both.yml"]},
            {"name": "report", "depends_on": ["merge"], "pipelines": ["pipelines/summary.yml"]},
        ]
    )


def fingerprint(conn: duckdb.DuckDBPyConnection, query: str) -> tuple[int, int]:
    """Row count and an order-free hash of every row."""
    row = conn.execute(f"SELECT count(*), sum(hash(t)) FROM ({query}) t").fetchone()
    assert row is not None
    return row[0], row[1]


def expected_fingerprints(root: Path) -> dict[str, tuple[int, int]]:
    with duckdb.connect() as conn:
        return {path: fingerprint(conn, q.format(root=root)) for path, q in EXPECTED.items()}


def check_invariants(root: Path, expected: dict[str, tuple[int, int]], seed: int) -> set[str]:
    """Every final output is complete; every record points at one. Returns the recorded ids."""
    with duckdb.connect() as conn:
        for path in EXPECTED:
            if (root / path).exists():
                query = f"SELECT * FROM read_parquet('{root / path}')"
                assert fingerprint(conn, query) == expected[path], (path, seed)
    for name in (p.name for p in (root / "out").iterdir()) if (root / "out").exists() else ():
        assert f"out/{name}" in EXPECTED or is_temp_name(name), (name, seed)
    recorded = records(root)
    for task_id, record in recorded.items():
        assert [o["path"] for o in record.outputs] == [TASKS[task_id]], seed
        (output,) = record.outputs
        assert (root / output["path"]).is_file(), (task_id, seed)
        assert hash_file(root / output["path"]) == output["hash"], (task_id, seed)
    preview = statuses(explain(root / "workflows/wf.yml"))
    assert preview == {t: "up_to_date" if t in recorded else "would_run" for t in TASKS}, seed
    return set(recorded)


def kill_after(process: subprocess.Popen[str], root: Path, delay: float) -> None:
    """kill -9, `delay` seconds after the run took the cache lock (start-up takes a while)."""
    if wait_for_lock(root / ".quicketl-cache", process):
        ready = time.monotonic() + delay
        while time.monotonic() < ready and process.poll() is None:
            time.sleep(0.005)
    process.kill()
    process.wait()


def kill_mid_write(process: subprocess.Popen[str], out: Path) -> bool:
    """kill -9 the moment a temporary output appears; False if the run ended first."""
    while process.poll() is None:
        if out.exists() and any(is_temp_name(p.name) for p in out.iterdir()):
            process.kill()
            process.wait()
            return True
        time.sleep(0.002)
    return False


def test_kill_9_at_random_moments_then_rerun(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    root = tmp_path
    workflow = fan_in(new_project(root))
    expected = expected_fingerprints(root)
    args = ("workflow", "run", workflow, "--workers", "2", "--json")

    process = popen(*args, cwd=root)
    assert kill_mid_write(process, root / "out"), "the run wrote no temporary file beside an output"
    seen = [check_invariants(root, expected, seed)]
    for _ in range(KILLS - 1):
        process = popen(*args, cwd=root)
        kill_after(process, root, rng.uniform(0.0, 1.0))
        seen.append(check_invariants(root, expected, seed))
    assert all(a <= b for a, b in pairwise(seen)), ("a record was lost", seen, seed)

    recorded = seen[-1]
    done = cli(*args, cwd=root)
    assert done.returncode == 0, (done.stderr, seed)
    final = json_tasks(done.stdout)
    assert {t for t, task in final.items() if task["status"] == "ran"} == set(TASKS) - recorded
    assert {t for t, task in final.items() if task["status"] == "up_to_date"} == recorded
    assert check_invariants(root, expected, seed) == set(TASKS)
    assert all((root / path).is_file() for path in EXPECTED)
    if recorded != set(TASKS):
        assert not [p for p in (root / "out").iterdir() if is_temp_name(p.name)], "stale temps"


def test_a_doit_file_left_by_an_older_version_is_neither_read_nor_written(
    tmp_path: Path,
) -> None:
    project = new_project(tmp_path)
    workflow = linear_three(project)
    assert run(workflow).succeeded
    leftover = tmp_path / ".quicketl-cache/doit.json"
    leftover.write_text('{"s1.a": {"_values_:')  # cut short by a killed run of an old version
    with (tmp_path / "data/raw.csv").open("a") as stream:
        stream.write("7,z7\n")
    result = run(workflow)
    assert statuses(result) == dict.fromkeys(["s1.a", "s2.b", "s3.c"], "ran")
    assert leftover.read_text() == '{"s1.a": {"_values_:'
