"""Start-up time of `quicketl --version` and `quicketl --help`, and what they import.

Run with the project's venv: `.venv/bin/python benchmarks/bench_cli.py`. Each command is
started as a fresh process several times and the best wall time is kept (the least noisy
measure of start-up cost). A bare interpreter is timed too, as the floor.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGET_MS = 250.0
RUNS = 5
HEAVY = ["duckdb", "pydantic", "doit", "jinja2", "yaml", "rich", "typer"]

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


def main() -> None:
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


if __name__ == "__main__":
    main()
