"""Start-up time: `--version`, `--help`, and a cold run of QuickETL 1.x's own example.

Run with the project's venv: `.venv/bin/python benchmarks/bench_cli.py`. Each command is
started as a fresh process several times and the best wall time is kept (the least noisy
measure of start-up cost). A bare interpreter is timed too, as the floor.

The cold start (issue 14: at most 0.25x QuickETL 1.x) runs 1.x's own `examples/05-workflow`
from scratch, with quicketl and with 1.x, interleaved, each in a fresh copy. 1.x lives in its
own venv (`make venv-1x`, mk/bench.mk: .venv-1x with the release's examples beside it, or
$QUICKETL_1X_VENV). The example ships no data, so the same small CSVs are written for both,
and two things 1.6.0 itself needs are done for both: its sink folders exist (1.x does not
create them) and the workflow's top-level `engine: duckdb` is dropped (1.x refuses it). Wall
and CPU time are both given: CPU time is steadier on a busy machine. `python -X importtime`
then shows where quicketl's cold start goes, summed per package.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TARGET_MS = 250.0
COLD_TARGET = 0.25
RUNS = 5
HEAVY = ["duckdb", "_duckdb", "pydantic", "doit", "jinja2", "yaml", "rich", "typer"]
REPO = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bytecode import compile_quicketl  # noqa: E402

PROBE = """
import contextlib, io, json, sys
from quicketl.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def quicketl_command() -> list[str]:
    """The console script beside this interpreter, else `python -m quicketl`."""
    script = Path(sys.executable).with_name("quicketl")
    if script.exists():
        return [str(script)]
    found = shutil.which("quicketl")
    return [found] if found else [sys.executable, "-m", "quicketl"]


def best_wall_ms(command: list[str], runs: int = RUNS) -> float:
    """The fastest of `runs` fresh starts of `command`, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def imported_heavy_modules(args: list[str]) -> list[str]:
    """Which of the heavy libraries a command imports, checked in a fresh interpreter."""
    code = PROBE.format(heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    modules: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return modules


def venv_1x() -> Path:
    return Path(os.environ.get("QUICKETL_1X_VENV", REPO / ".venv-1x"))


def example_1x() -> Path | None:
    """1.x's examples/05-workflow and its command, when `make venv-1x` has installed them."""
    example = venv_1x() / "examples" / "05-workflow"
    return example if example.is_dir() and (venv_1x() / "bin" / "quicketl").exists() else None


def prepare(example: Path, dest: Path) -> Path:
    """A fresh copy of the example with its data; the workflow file to run."""
    shutil.copytree(example, dest)
    rng = random.Random(5)
    regions = ["north", "south", "east", "west"]
    # some negative amounts and missing regions, for the example's filter and fill_null
    rows = [
        f"{i},{round(rng.uniform(-10, 500), 2)},{'' if i % 37 == 0 else rng.choice(regions)}"
        for i in range(1000)
    ]
    (dest / "data" / "silver").mkdir(parents=True)
    (dest / "data" / "gold").mkdir()
    (dest / "data" / "raw_sales.csv").write_text("id,amount,region\n" + "\n".join(rows) + "\n")
    lines = ["region,manager", *(f"{r},m{i}" for i, r in enumerate(regions))]
    (dest / "data" / "regions.csv").write_text("\n".join(lines) + "\n")
    workflow = dest / "workflow.yml"
    text = workflow.read_text().replace("\nengine: duckdb\n", "\n")
    workflow.write_text(text)
    return workflow


def cold_run(command: list[str], example: Path) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run of the example from scratch."""
    with tempfile.TemporaryDirectory(prefix="quicketl-cold-") as folder:
        workflow = prepare(example, Path(folder) / "example")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [*command, "workflow", "run", workflow.name],
            cwd=workflow.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = (time.perf_counter() - start) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = workflow.parent / "data" / "gold" / "summary.parquet"
        if done.returncode != 0 or not summary.is_file():
            raise SystemExit(f"{command[0]} failed on the example:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def cold_start(runs: int = RUNS) -> dict[str, tuple[float, float]] | None:
    """Best (wall, cpu) ms of quicketl and of 1.x on the example, runs interleaved."""
    example = example_1x()
    if example is None:
        return None
    commands = {"quicketl": quicketl_command(), "1.x": [str(venv_1x() / "bin" / "quicketl")]}
    best = dict.fromkeys(commands, (float("inf"), float("inf")))
    for _ in range(runs):
        for name, command in commands.items():
            wall, cpu = cold_run(command, example)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def measure(runs: int = RUNS) -> list[tuple[str, float, str]]:
    """(figure, value, target) rows, as bench_all.py prints them."""
    best = cold_start(runs)
    if best is None:
        return [("cold start vs QuickETL 1.x: not measured (make venv-1x)", float("nan"), "")]
    (wall, cpu), (wall_1x, cpu_1x) = best["quicketl"], best["1.x"]
    name = "cold start, 1.x examples/05-workflow, vs QuickETL 1.x"
    target = f"<= {COLD_TARGET:.2f}x"
    return [
        (f"{name} (wall {wall:.0f} / {wall_1x:.0f} ms)", wall / wall_1x, target),
        (f"{name} (cpu {cpu:.0f} / {cpu_1x:.0f} ms)", cpu / cpu_1x, target),
    ]


def import_table(top: int = 12, runs: int = 3) -> list[tuple[str, float, int]]:
    """`python -X importtime` of quicketl's cold run of the example: each module's least self
    time over `runs` runs (noise only adds), summed per package (quicketl per subpackage), the
    largest first; (package, ms, modules)."""
    least: dict[str, int] = {}
    for _ in range(runs):
        for name, micros in _module_times(_importtime_of_cold_run()).items():
            least[name] = min(least.get(name, micros), micros)
    micros_of: Counter[str] = Counter()
    modules: Counter[str] = Counter()
    for name, micros in least.items():
        parts = name.split(".")
        package = ".".join(parts[:2]) if parts[0] == "quicketl" else parts[0]
        micros_of[package] += micros
        modules[package] += 1
    return [(name, us / 1000, modules[name]) for name, us in micros_of.most_common(top)]


def _importtime_of_cold_run() -> str:
    example = example_1x()
    with tempfile.TemporaryDirectory(prefix="quicketl-imports-") as folder:
        if example is not None:
            workflow = prepare(example, Path(folder) / "example")
        else:  # without 1.x: the project's own example, cold all the same
            shutil.copytree(REPO / "examples" / "medallion", Path(folder) / "example")
            workflow = Path(folder) / "example" / "workflows" / "medallion.yml"
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "quicketl", "workflow", "run", workflow],
            cwd=Path(folder) / "example",
            capture_output=True,
            text=True,
            check=False,
        )
    return done.stderr


def _module_times(importtime: str) -> dict[str, int]:
    """Each module's self time in microseconds, from `-X importtime` output."""
    times: dict[str, int] = {}
    for line in importtime.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            times[name.strip()] = int(own)
    return times


def print_import_table(rows: list[tuple[str, float, int]]) -> None:
    print("\nWhere a cold `workflow run` imports (python -X importtime, self time per package)")
    print(f"{'package':<28}{'ms':>9}{'modules':>9}")
    for name, ms, count in rows:
        print(f"{name:<28}{ms:>9.1f}{count:>9}")


def main() -> None:
    compile_quicketl()  # as bench_all.py does: quicketl timed as installed
    command = quicketl_command()
    rows = [("python -c pass (floor)", best_wall_ms([sys.executable, "-c", "pass"]), None)]
    for args in (["--version"], ["--help"]):
        label = "quicketl " + " ".join(args)
        rows.append((label, best_wall_ms([*command, *args]), imported_heavy_modules(args)))
    print(f"{'command':<26}{'best of ' + str(RUNS):>12}{'target':>10}  status  heavy imports")
    for label, ms, heavy in rows:
        status = "" if heavy is None else ("ok" if ms <= TARGET_MS else "SLOW")
        target = "" if heavy is None else f"{TARGET_MS:.0f} ms"
        modules = "" if heavy is None else (", ".join(heavy) or "none")
        print(f"{label:<26}{ms:>9.1f} ms{target:>10}  {status:<6}  {modules}")
    for name, value, target in measure():
        print(f"{name:<78}{value:>7.2f}x  target {target}")
    print_import_table(import_table())


if __name__ == "__main__":
    main()
