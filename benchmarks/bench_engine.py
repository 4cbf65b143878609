"""Engine benchmark: a quicketl pipeline against the same SQL written by hand on DuckDB.

The pipeline (filter + derive_column + aggregate over a CSV of 5 million rows, written to
Parquet) must take at most 1.05x the time of the equivalent hand-written `COPY (SELECT ...)`
(issue 14: no regression). `measure()` gives the ratio to benchmarks/bench_all.py.
The CSV is generated once and cached under benchmarks/.data/. Runs are interleaved, best of N.

    .venv/bin/python benchmarks/bench_engine.py [--rows 5000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from quicketl.config.loader import pipeline_from_doc
from quicketl.config.variables import VariableScope
from quicketl.config.yamlfile import load_yaml_text
from quicketl.engine import run_pipeline

TARGET = 1.05
DATA = Path(__file__).resolve().parent / ".data"

PIPELINE = """
name: bench_sales_summary
source:
  type: file
  path: {csv}
transforms:
  - op: filter
    predicate: amount > 10 AND status <> 'cancelled'
  - op: derive_column
    name: net
    expr: amount * 0.9
  - op: aggregate
    group_by: [region, status]
    aggs:
      total_net: sum(net)
      orders: count(*)
sink:
  type: file
  path: {out}
  format: parquet
"""

HAND_WRITTEN = """
COPY (
    SELECT region, status, sum(amount * 0.9) AS total_net, count(*) AS orders
    FROM read_csv('{csv}')
    WHERE amount > 10 AND status <> 'cancelled'
    GROUP BY region, status
) TO '{out}' (FORMAT parquet)
"""


def sales_csv(rows: int) -> Path:
    """A cached CSV of `rows` synthetic orders."""
    path = DATA / f"sales_{rows}.csv"
    if path.is_file():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with duckdb.connect() as con:
        con.execute(
            f"""COPY (
                SELECT range AS order_id,
                       (range * 7919) % 100000 AS customer_id,
                       ['north', 'south', 'east', 'west'][(range % 4) + 1] AS region,
                       round(((range * 31) % 100000) / 100.0, 2) AS amount,
                       DATE '2024-01-01' + CAST(range % 365 AS INTEGER) AS order_date,
                       CASE WHEN range % 10 = 0 THEN 'cancelled'
                            WHEN range % 7 = 0 THEN 'refunded' ELSE 'complete' END AS status
                FROM range({rows})
            ) TO '{partial}' (FORMAT csv, HEADER true)"""
        )
    partial.rename(path)
    return path


def best_of(repeat: int, runs: dict[str, Callable[[], None]]) -> dict[str, tuple[float, float]]:
    """Interleave the variants so machine noise hits them alike; keep each one's best
    wall-clock time and best CPU time (all threads; steadier on a busy machine)."""
    best = dict.fromkeys(runs, (float("inf"), float("inf")))
    for _ in range(repeat):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), _cpu()
            run()
            wall, cpu = time.perf_counter() - wall, _cpu() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    return report(compare(args.rows, args.repeat), args.rows, args.repeat)


def measure(rows: int = 5_000_000, repeat: int = 5) -> list[tuple[str, float, str]]:
    """(figure, value, target) rows, as bench_all.py prints them: the wall-time ratio, and the
    CPU-time ratio (steadier on a busy machine)."""
    best = compare(rows, repeat)
    (base_wall, base_cpu), (wall, cpu) = best["hand-written SQL"], best["quicketl"]
    figure = f"engine vs hand-written DuckDB SQL, {rows:,} rows"
    return [
        (f"{figure} (wall)", wall / base_wall, f"<= {TARGET:.2f}x"),
        (f"{figure} (cpu)", cpu / base_cpu, f"<= {TARGET:.2f}x"),
    ]


def compare(rows: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Best wall and CPU seconds of the pipeline and of the hand-written SQL."""
    csv = sales_csv(rows)
    work = Path(tempfile.mkdtemp(prefix="quicketl-bench-"))
    try:
        text = PIPELINE.format(csv=csv, out=work / "pipeline.parquet")
        doc = load_yaml_text(text, work / "bench.yml")
        loaded = pipeline_from_doc(doc, VariableScope([]), work)

        def pipeline() -> None:
            result = run_pipeline(loaded)
            if not result.succeeded:
                raise SystemExit(f"pipeline failed: {result.error}")

        def hand_written() -> None:
            with duckdb.connect() as con:
                con.execute(HAND_WRITTEN.format(csv=csv, out=work / "hand.parquet")).fetchall()

        return best_of(repeat, {"hand-written SQL": hand_written, "quicketl": pipeline})
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(best: dict[str, tuple[float, float]], rows: int, repeat: int) -> int:
    base_wall, base_cpu = best["hand-written SQL"]
    ratio = best["quicketl"][0] / base_wall
    print(f"filter + derive_column + aggregate, {rows:,} CSV rows -> parquet (best of {repeat})")
    print(f"{'variant':<20} {'wall s':>8} {'ratio':>7} {'cpu s':>8} {'ratio':>7}")
    for name, (wall, cpu) in best.items():
        print(
            f"{name:<20} {wall:>8.3f} {wall / base_wall:>6.2f}x {cpu:>8.3f} {cpu / base_cpu:>6.2f}x"
        )
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"target <= {TARGET:.2f}x: {verdict} ({ratio:.3f}x)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
