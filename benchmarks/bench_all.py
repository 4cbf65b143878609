"""`make bench`: every figure of issue 14 with its target, in one table, from one run.

Each benchmark module gives `measure() -> list[tuple[str, float, str]]` rows of (figure,
value, target); ratios are measured within that module's own run (both sides interleaved).
The per-task overhead and the 1-vs-2-worker speed-up come from bench_overhead.py when it is
there; else their rows say "not measured". The cold start also prints where its imports go.

    .venv/bin/python benchmarks/bench_all.py [--quick]

`--quick` uses fewer repeats and 500,000 rows for the engine: for trying it out, not for
quoting.
"""

from __future__ import annotations

import argparse
import importlib
import math
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cli
import bench_edit
import bench_engine
from bench_bytecode import compile_quicketl

Row = tuple[str, float, str]
_TARGET = re.compile(r"^\s*(<=|>=|≤|≥)\s*([0-9.]+)\s*(x|×|ms|s)?\s*$")


def overhead_rows() -> list[Row]:
    """bench_overhead.py's rows, or placeholders saying it is not there yet."""
    try:
        module = importlib.import_module("bench_overhead")
    except ImportError:
        return [
            ("per-task overhead vs a hand-written loop, 200 tiny: not measured", math.nan, "<= 3x"),
            ("2 workers vs 1, 40 tiny pipelines: not measured", math.nan, ">= 1.7x"),
        ]
    rows: list[Row] = module.measure()
    return rows


def verdict(value: float, target: str) -> str:
    """ "met" or "MISSED" for a target written `<= 300 ms`, `>= 1.7x`...; blank if unknown."""
    found = _TARGET.match(target)
    if math.isnan(value) or found is None:
        return ""
    bound = float(found.group(2))
    ok = value <= bound if found.group(1) in ("<=", "≤") else value >= bound
    return "met" if ok else "MISSED"


def shown(value: float, target: str) -> str:
    if math.isnan(value):
        return "-"
    unit = _TARGET.match(target)
    suffix = (unit.group(3) or "") if unit else ""
    if suffix in ("x", "×"):
        return f"{value:.2f}x"
    return f"{value:.0f} ms" if suffix == "ms" else f"{value:.3g}"


def print_table(rows: list[Row]) -> None:
    width = max(len(name) for name, _, _ in rows)
    print(f"\n{'figure':<{width}}  {'measured':>10}  {'target':>10}  status")
    print("-" * (width + 34))
    for name, value, target in rows:
        status = verdict(value, target)
        print(f"{name:<{width}}  {shown(value, target):>10}  {target:>10}  {status}")


def timed(label: str, make: Callable[[], list[Row]]) -> list[Row]:
    """Run one benchmark, saying on stderr what runs (the whole takes minutes)."""
    print(f"measuring: {label} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    rows = make()
    print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a smaller engine run")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    rows_5m = 500_000 if args.quick else 5_000_000
    compile_quicketl()  # start-up is measured as users see it, with bytecode compiled
    rows = timed("per-task overhead, 1 vs 2 workers (bench_overhead.py)", overhead_rows)
    rows += timed("one-file edit and no-op, 200 pipelines", lambda: bench_edit.measure(200, repeat))
    rows += timed("cold start vs QuickETL 1.x", lambda: bench_cli.measure(repeat))
    rows += timed("engine vs hand-written SQL", lambda: bench_engine.measure(rows_5m, repeat))
    print_table(rows)
    bench_cli.print_import_table(bench_cli.import_table())


if __name__ == "__main__":
    main()
