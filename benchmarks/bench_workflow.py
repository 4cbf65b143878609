"""Benchmark: a synthetic workflow of N pipelines, cold, no-op and after one input changes.

Prints a table of wall times for the whole `quicketl workflow run` process (interpreter start
included) and the ratios between them, plus which tasks the incremental re-run executed.

    python benchmarks/bench_workflow.py [--pipelines 200] [--workers 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICKETL = [sys.executable, "-m", "quicketl"]
TARGET_NOOP_MS = 250.0


def build_project(root: Path, pipelines: int) -> tuple[Path, dict[str, list[str]]]:
    """bronze: N/2 CSV readers; silver: N/4 unions of two bronze; gold: N/4 readers of silver."""
    bronze, silver = pipelines // 2, pipelines // 4
    gold = pipelines - bronze - silver
    (root / "quicketl.yml").write_text("name: bench\n")
    for i in range(bronze):
        _write(
            root / f"data/raw_{i}.csv", "id,value\n" + "".join(f"{r},{i * r}\n" for r in range(50))
        )
        _pipeline(root, f"b{i}", [f"data/raw_{i}.csv"], f"out/bronze/b{i}.parquet")
    for j in range(silver):
        reads = [f"out/bronze/b{2 * j}.parquet", f"out/bronze/b{(2 * j + 1) % bronze}.parquet"]
        _pipeline(root, f"s{j}", reads, f"out/silver/s{j}.parquet")
    for k in range(gold):
        _pipeline(
            root,
            f"g{k}",
            [f"out/silver/s{k % silver}.parquet"],
            f"out/gold/g{k}.parquet",
            predicate="value >= 0",
        )
    stages = {
        "bronze": [f"b{i}" for i in range(bronze)],
        "silver": [f"s{j}" for j in range(silver)],
        "gold": [f"g{k}" for k in range(gold)],
    }
    lines = ["name: bench", "stages:"]
    previous = None
    for stage, names in stages.items():
        lines += [f"  - name: {stage}", "    parallel: true"]
        if previous:
            lines.append(f"    depends_on: [{previous}]")
        lines.append("    pipelines:")
        lines += [f"      - path: pipelines/{name}.yml" for name in names]
        previous = stage
    _write(root / "workflows/bench.yml", "\n".join(lines) + "\n")
    return root / "workflows/bench.yml", stages


def _pipeline(root: Path, name: str, reads: list[str], writes: str, predicate: str = "") -> None:
    text = [f"name: {name}"]
    if len(reads) == 1:
        text += ["source:", "  type: file", f"  path: {reads[0]}"]
    else:
        text += ["sources:"] + [f"  r{i}: {{type: file, path: {p}}}" for i, p in enumerate(reads)]
    transforms = []
    if len(reads) > 1:
        transforms.append(
            "  - op: union\n    sources: [" + ", ".join(f"r{i}" for i in range(1, len(reads))) + "]"
        )
    if predicate:
        transforms.append(f"  - op: filter\n    predicate: {predicate}")
    if transforms:
        text += ["transforms:", *transforms]
    text += ["sink:", "  type: file", f"  path: {writes}"]
    _write(root / f"pipelines/{name}.yml", "\n".join(text) + "\n")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def timed_run(workflow: Path, workers: int, cwd: Path) -> tuple[float, dict[str, object]]:
    command = [*QUICKETL, "workflow", "run", str(workflow), "--json", "--workers", str(workers)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = (time.perf_counter() - started) * 1000.0
    if done.returncode != 0:
        raise SystemExit(f"run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed, json.loads(done.stdout)


def ran(document: dict[str, object]) -> list[str]:
    tasks = document["tasks"]
    assert isinstance(tasks, list)
    return sorted(t["task_id"] for t in tasks if t["status"] == "ran")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # Start-up is measured as users see it, with bytecode compiled (the environment here may
    # set PYTHONDONTWRITEBYTECODE, which would make every start compile every module).
    package = Path(__file__).resolve().parents[1] / "quicketl"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    root = Path(tempfile.mkdtemp(prefix="quicketl-bench-"))
    try:
        workflow, _ = build_project(root, args.pipelines)
        cold_ms, cold = timed_run(workflow, args.workers, root)
        noop = [timed_run(workflow, args.workers, root) for _ in range(args.repeat)]
        noop_ms = min(ms for ms, _ in noop)
        assert all(not ran(doc) for _, doc in noop), "a no-op re-run executed something"
        raw = root / "data/raw_0.csv"
        raw.write_text(raw.read_text() + "999,999\n")
        change_ms, changed = timed_run(workflow, args.workers, root)
        report(args, cold_ms, noop_ms, change_ms, len(ran(cold)), ran(changed))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def report(
    args: argparse.Namespace,
    cold: float,
    noop: float,
    change: float,
    cold_ran: int,
    changed: list[str],
) -> None:
    expected = ["bronze.b0", "gold.g0", "silver.s0"]
    rows = [
        ("cold run", cold, f"{cold_ran} ran"),
        (f"no-op re-run (best of {args.repeat})", noop, "0 ran"),
        ("re-run after raw_0.csv changed", change, f"{len(changed)} ran: {', '.join(changed)}"),
    ]
    print(f"\nWorkflow of {args.pipelines} pipelines, --workers {args.workers}")
    print(f"{'case':<38} {'wall ms':>10}  {'tasks'}")
    print("-" * 90)
    for name, ms, tasks in rows:
        print(f"{name:<38} {ms:>10.1f}  {tasks}")
    print("-" * 90)
    print(
        f"cold / no-op ratio: {cold / noop:.1f}x    cold / one-change ratio: {cold / change:.1f}x"
    )
    verdict = "OK" if noop <= TARGET_NOOP_MS else "MISSED"
    print(
        f"no-op target: <= {TARGET_NOOP_MS:.0f} ms for the whole process -> {noop:.1f} ms {verdict}"
    )
    exact = "OK" if changed == expected else f"MISSED (expected {expected})"
    print(f"one-change re-run executes exactly the reader and its downstream -> {exact}")


if __name__ == "__main__":
    main()
