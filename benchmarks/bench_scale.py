"""Benchmark: planning and status at scale (1k, 5k and 10k pipelines).

Builds a workflow shaped like real ones in a temp folder: five stages, each depending on the
one before; every pipeline reads what the pipeline of the same index upstream wrote (lineage
between stages), `enrich` unions two upstream outputs, and a few `publish` pipelines fan in a
glob over a hundred `aggregate` outputs. Then it times the real CLI, each command as a fresh
process, best of N:

- `workflow validate`            (parse and check every file, build the plan; no cache)
- `workflow status`              (plan, then decide every task; nothing has run yet)
- `workflow run --dry-run`       (the same decisions through `run`)
- a cold `workflow run`          (only with --cold; it runs every pipeline on DuckDB)
- `workflow validate` again      (after a run: what it settled is taken from its cache)
- a no-op `workflow run`         (after the cold run: every task up to date)

and prints the wall times, the time per 1,000 pipelines and the growth from one size to the
next (a linear step grows as the size does; a quadratic one as its square).

    python benchmarks/bench_scale.py [--sizes 1000 5000 10000] [--repeat 3] [--cold]
                                     [--workdir /tmp/scale]

A cold run of 10,000 pipelines takes many minutes on a small machine: run it once with
`--cold --workdir DIR`, and later runs with the same `--workdir` time the no-op cases on the
state it left.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

QUICKETL = [sys.executable, "-m", "quicketl"]
CACHE_DIR_ENV = "QUICKETL_CACHE_DIR"
STAGES = ("ingest", "clean", "enrich", "aggregate", "publish")
FAN_IN_BLOCK = 100  # every 100th publish pipeline reads a glob over 100 aggregate outputs
TARGET_VALIDATE_S = 3.0
TARGET_NOOP_S = 1.0


def build_project(root: Path, pipelines: int) -> Path:
    """Five equal stages of `pipelines // 5`, chained by depends_on and by lineage."""
    width = max(1, pipelines // len(STAGES))
    (root / "quicketl.yml").write_text("name: scale\n")
    for i in range(width):
        _write(root / f"data/raw/r{i}.csv", f"id,value\n1,{i}\n2,{i + 1}\n")
    for i in range(width):
        _pipeline(root, "ingest", i, [f"data/raw/r{i}.csv"])
        _pipeline(root, "clean", i, [_output("ingest", i)])
        _pipeline(root, "enrich", i, [_output("clean", i), _output("clean", (i + 1) % width)])
        _pipeline(root, "aggregate", i, [_output("enrich", i)], predicate="value >= 0")
        _pipeline(root, "publish", i, [_publish_reads(i, width)])
    lines = ["name: scale", "stages:"]
    for index, stage in enumerate(STAGES):
        lines += [f"  - name: {stage}", "    parallel: true"]
        if index:
            lines.append(f"    depends_on: [{STAGES[index - 1]}]")
        lines.append("    pipelines:")
        lines += [f"      - path: pipelines/{stage}/p{i}.yml" for i in range(width)]
    workflow = root / "workflows/scale.yml"
    _write(workflow, "\n".join(lines) + "\n")
    return workflow


def _output(stage: str, i: int) -> str:
    return f"out/{stage}/b{i // FAN_IN_BLOCK}/p{i}.parquet"


def _publish_reads(i: int, width: int) -> str:
    if i % FAN_IN_BLOCK == 0 and width >= FAN_IN_BLOCK:
        return f"out/aggregate/b{i // FAN_IN_BLOCK}/*.parquet"
    return _output("aggregate", i)


def _pipeline(root: Path, stage: str, i: int, reads: list[str], predicate: str = "") -> None:
    text = [f"name: {stage}_{i}"]
    if len(reads) == 1:
        text += ["source:", "  type: file", f"  path: {reads[0]}"]
    else:
        text += ["sources:"] + [f"  r{n}: {{type: file, path: {p}}}" for n, p in enumerate(reads)]
        text += ["transforms:", "  - op: union", "    sources: [r1]"]
    if predicate:
        text += ["transforms:", f"  - op: filter\n    predicate: {predicate}"]
    text += ["sink:", "  type: file", f"  path: {_output(stage, i)}"]
    _write(root / f"pipelines/{stage}/p{i}.yml", "\n".join(text) + "\n")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def timed(
    args: list[str],
    cwd: Path,
    repeat: int,
    ok: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
) -> float:
    """The best wall time of `repeat` fresh processes, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(
            [*QUICKETL, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **(env or {})},
        )
        best = min(best, time.perf_counter() - started)
        if done.returncode not in ok:
            raise SystemExit(f"{args} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return best


def measure_size(size: int, repeat: int, cold: bool, workdir: Path | None) -> dict[str, float]:
    """Times for one size; a kept `workdir` is reused, with its state from an earlier run."""
    root = workdir / f"p{size}" if workdir else Path(tempfile.mkdtemp(prefix="quicketl-scale-"))
    try:
        workflow = root / "workflows/scale.yml"
        if not workflow.exists():
            root.mkdir(parents=True, exist_ok=True)
            build_project(root, size)
        ran = (root / ".quicketl-cache/state.db").exists() and (root / "out").exists()
        wf = str(workflow)
        # "validate" is the cold one, with no cache to take anything from (a cache folder that
        # does not exist: validate creates none); after a run it is timed again with the cache.
        no_cache = {CACHE_DIR_ENV: str(root / "no-cache-here")}
        times = {"validate": timed(["workflow", "validate", wf], root, repeat, env=no_cache)}
        if not ran:
            times["status (never run)"] = timed(["workflow", "status", wf, "--json"], root, repeat)
            times["run --dry-run"] = timed(["workflow", "run", wf, "--dry-run", "--json"], root, 1)
        if cold and not ran:
            times["cold run"] = timed(["workflow", "run", wf, "--json", "--workers", "2"], root, 1)
            ran = True
        if ran:
            times["validate (after a run)"] = timed(["workflow", "validate", wf], root, repeat)
            times["no-op run"] = timed(["workflow", "run", wf], root, repeat)
            times["no-op run --json"] = timed(["workflow", "run", wf, "--json"], root, repeat)
            times["status (all done)"] = timed(["workflow", "status", wf], root, repeat)
            times["run --dry-run (done)"] = timed(["workflow", "run", wf, "--dry-run"], root, 1)
        return times
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)


TARGETS = {"validate": f"< {TARGET_VALIDATE_S:g} s", "no-op run": f"< {TARGET_NOOP_S:g} s"}


def measure(
    size: int = 10_000, repeat: int = 1, workdir: Path | None = None
) -> list[tuple[str, float, str]]:
    """(name, seconds, target) at `size` pipelines, cold run included, for `make bench`.
    A `workdir` keeps the project and its state for the next call (the cold run is then
    not repeated, and the no-op figures come from the state it left)."""
    _compile_package()
    times = measure_size(size, repeat, cold=True, workdir=workdir)
    return [(f"{name} at {size:,} (s)", t, TARGETS.get(name, "-")) for name, t in times.items()]


def _compile_package() -> None:
    package = Path(__file__).resolve().parents[1] / "quicketl"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


def report(sizes: list[int], results: list[dict[str, float]], repeat: int) -> None:
    print(f"\nWall seconds per command, fresh process, best of {repeat} (dry run: 1)")
    header = f"{'command':<20}" + "".join(f"{f'{s:,} p':>11}" for s in sizes)
    header += "".join(f"{f'{b // 1000}k->{a // 1000}k':>11}" for b, a in pairwise(sizes))
    print(header)
    print("-" * len(header))
    for name in dict.fromkeys(key for r in results for key in r):
        values = [r.get(name, float("nan")) for r in results]
        row = f"{name:<20}" + "".join(f"{v:>11.2f}" for v in values)
        row += "".join(f"{f'x{a / b:.1f}':>11}" for b, a in pairwise(values))
        print(row)
    print("-" * len(header))
    print("growth columns: linear work grows by the size ratio, quadratic by its square")
    _verdict(sizes, results)


def _verdict(sizes: list[int], results: list[dict[str, float]]) -> None:
    largest, times = sizes[-1], results[-1]
    validate = times["validate"]
    ok = "OK" if validate <= TARGET_VALIDATE_S else "MISSED"
    print(f"validate at {largest:,}: {validate:.2f} s (target {TARGET_VALIDATE_S} s) {ok}")
    if "no-op run" in times:
        noop = times["no-op run"]
        ok = "OK" if noop <= TARGET_NOOP_S else "MISSED"
        print(f"no-op run at {largest:,}: {noop:.2f} s (target {TARGET_NOOP_S} s) {ok}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cold", action="store_true", help="also run every pipeline, then time no-op runs"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the projects here (p1000/, ...) and reuse them, state included, next time",
    )
    args = parser.parse_args()
    _compile_package()
    results = [measure_size(size, args.repeat, args.cold, args.workdir) for size in args.sizes]
    report(args.sizes, results, args.repeat)


if __name__ == "__main__":
    main()
