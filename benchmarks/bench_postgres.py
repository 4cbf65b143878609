"""PostgreSQL benchmark: PostgreSQL -> DuckDB -> PostgreSQL against `psql \\copy`.

A throwaway cluster (tests/pgserver.py) holds a table of 1 million rows (bigint, numeric(12,2),
text, timestamp, boolean). Each way is timed on its own, best of N, interleaved with the
reference on the same machine:

- read: quicketl's PostgreSQL source into a DuckDB table, vs `psql -c "\\copy (SELECT ...) TO"`
  writing the same rows to a local file;
- write: quicketl's PostgreSQL sink (mode replace, the table created from the DuckDB columns),
  vs `psql -c "\\copy dst FROM"` loading that file into an empty table;
- and a whole pipeline, table -> table, through `quicketl run`'s engine.

Target: quicketl within 2x of `\\copy` each way.

    .venv/bin/python benchmarks/bench_postgres.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pgserver import PgServer, running_server

from quicketl.config.loader import pipeline_from_doc
from quicketl.config.sinks import DatabaseSink
from quicketl.config.variables import VariableScope
from quicketl.config.yamlfile import load_yaml_text
from quicketl.engine import run_pipeline
from quicketl.engine.duckdb_session import Session
from quicketl.engine.pgread import read_into
from quicketl.engine.pgsink import write_postgres

TARGET = 2.0
COLUMNS = "id bigint, amount numeric(12,2), name text, ts timestamp, flag boolean"
SELECT = "SELECT id, amount, name, ts, flag FROM src"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with running_server() as server, tempfile.TemporaryDirectory() as tmp:
        return _bench(server, Path(tmp), args.rows, args.repeat)


def _bench(server: PgServer, tmp: Path, rows: int, repeat: int) -> int:
    url = server.url()
    server.execute(
        "CREATE TABLE src AS SELECT g::bigint AS id, (g * 1.25)::numeric(12,2) AS amount, "
        "'customer ' || g AS name, TIMESTAMP '2024-01-01' + g * INTERVAL '1 second' AS ts, "
        f"g % 3 = 0 AS flag FROM generate_series(1, {rows}) g"
    )
    server.execute(f"CREATE TABLE ref_dst ({COLUMNS})")
    server.execute("VACUUM ANALYZE src")
    dump = tmp / "src.copy"
    psql = _psql(server)
    timings: dict[str, list[float]] = {k: [] for k in ("copy_out", "read", "copy_in", "write")}
    pipeline_times: list[float] = []
    for _ in range(repeat):
        timings["copy_out"].append(_timed(lambda: psql(f"\\copy ({SELECT}) TO '{dump}'")))
        with Session() as session:
            timings["read"].append(_timed(lambda: _read(session, url, rows)))
            server.execute("TRUNCATE ref_dst")
            timings["copy_in"].append(_timed(lambda: psql(f"\\copy ref_dst FROM '{dump}'")))
            timings["write"].append(_timed(lambda: _write(session, url)))
        pipeline_times.append(_timed(lambda: _pipeline(tmp, url)))
    return _report(rows, timings, min(pipeline_times))


def _psql(server: PgServer) -> Callable[[str], None]:
    binary = shutil.which("psql") or "psql"
    env = {**os.environ, "PGPASSWORD": server.url().split(":")[2].split("@")[0]}
    base = [binary, "-q", "-h", server.host, "-p", str(server.port), "-U", "postgres"]

    def run(command: str) -> None:
        subprocess.run([*base, "-c", command], check=True, env=env, capture_output=True)

    return run


def _read(session: Session, url: str, rows: int) -> None:
    stored = read_into(session, "bench", url, SELECT, "bench_src", rows=True)
    assert stored == rows, stored


def _write(session: Session, url: str) -> None:
    sink = DatabaseSink(connection=url, table="q_dst", mode="replace")
    write_postgres(session, "bench", url, sink, session.describe("bench_src"))


def _pipeline(tmp: Path, url: str) -> None:
    text = (
        f"name: bench_pg\nsource:\n  connection: '{url}'\n  table: src\n"
        f"sink:\n  connection: '{url}'\n  table: p_dst\n  mode: replace\n"
    )
    doc = load_yaml_text(text, tmp / "bench_pg.yml")
    loaded = pipeline_from_doc(doc, VariableScope([]), tmp)
    result = run_pipeline(loaded)
    assert result.status == "success", result.error


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _report(rows: int, timings: dict[str, list[float]], pipeline: float) -> int:
    best = {name: min(values) for name, values in timings.items()}
    lines = [
        ("PostgreSQL -> DuckDB", best["read"], best["copy_out"]),
        ("DuckDB -> PostgreSQL", best["write"], best["copy_in"]),
    ]
    print(f"{rows:,} rows, best of {len(timings['read'])}")
    reference = "psql \\copy rows/s"
    header = f"{'direction':<22} {'quicketl rows/s':>16} {reference:>18} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    ok = True
    for name, ours, reference in lines:
        ratio = ours / reference
        ok = ok and ratio <= TARGET
        print(f"{name:<22} {rows / ours:>16,.0f} {rows / reference:>18,.0f} {ratio:>6.2f}x")
    print(f"{'pipeline table->table':<22} {rows / pipeline:>16,.0f} {'':>18} {'':>7}")
    print(f"target: within {TARGET:.0f}x of \\copy each way: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
