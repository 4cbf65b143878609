"""Benchmark: a fresh checkout restored from the output store, against recomputing it.

The 200-pipeline synthetic workflow of bench_workflow.py is run once; then, as a CI job that
restored only `.quicketl-cache/objects/` would be, every output and the state are deleted and
the workflow is run again, (a) with the objects kept: every task is restored, and (b) without
them: every task runs. Then the cost of saving a large output to the store is measured
against the run that wrote it. Prints a table; the target is restore >= 5x faster.

    python benchmarks/bench_restore.py [--pipelines 200] [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_workflow import QUICKETL, build_project, timed_run

TARGET_RATIO = 5.0


def fresh_checkout(root: Path, keep_objects: bool) -> None:
    """Delete every output and the state; keep `.quicketl-cache/objects/` if asked."""
    shutil.rmtree(root / "out", ignore_errors=True)
    cache = root / ".quicketl-cache"
    for entry in list(cache.iterdir()) if cache.is_dir() else []:
        if keep_objects and entry.name == "objects":
            continue
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def statuses(document: dict[str, object]) -> dict[str, int]:
    tasks = document["tasks"]
    assert isinstance(tasks, list)
    counts: dict[str, int] = {}
    for task in tasks:
        counts[task["status"]] = counts.get(task["status"], 0) + 1
    return counts


def outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "out").rglob("*.*")}


def restore_vs_recompute(args: argparse.Namespace, root: Path) -> list[tuple[str, float, str]]:
    workflow, _ = build_project(root, args.pipelines)
    timed_run(workflow, args.workers, root)  # fills the store
    built = outputs(root)
    restores, recomputes = [], []
    for _ in range(args.repeat):
        fresh_checkout(root, keep_objects=True)
        ms, restored = timed_run(workflow, args.workers, root)
        assert statuses(restored) == {"restored": args.pipelines}, statuses(restored)
        assert outputs(root) == built, "a restored output differs from the built one"
        restores.append(ms)
    for _ in range(args.repeat):
        fresh_checkout(root, keep_objects=False)
        ms, recomputed = timed_run(workflow, args.workers, root)
        assert statuses(recomputed) == {"ran": args.pipelines}, statuses(recomputed)
        recomputes.append(ms)
    return [
        (f"recompute, fresh checkout (best of {args.repeat})", min(recomputes), "all ran"),
        (f"restore, fresh checkout (best of {args.repeat})", min(restores), "all restored"),
    ]


def save_cost(root: Path, rows: int) -> list[tuple[str, float, str]]:
    """A pipeline writing a large parquet file: the run, and the save into the store alone."""
    from quicketl.state.objects import OutputSource, local_output_store

    (root / "quicketl.yml").write_text("name: large\n")
    (root / "pipelines").mkdir()
    (root / "pipelines/large.yml").write_text(
        "name: large\nsource: {type: file, path: data/large.csv}\n"
        "sink: {type: file, path: out/large.parquet}\n"
    )
    (root / "data").mkdir()
    with (root / "data/large.csv").open("w") as stream:
        stream.write("id,value,label\n")
        stream.writelines(f"{i},{i * 7919 % 100003},label-{i % 977}\n" for i in range(rows))
    started = time.perf_counter()
    command = [*QUICKETL, "run", "pipelines/large.yml"]
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    run_ms = (time.perf_counter() - started) * 1000.0
    output = root / "out/large.parquet"
    size = output.stat().st_size
    store = local_output_store(root / "bench-store")
    started = time.perf_counter()
    store.save("f" * 32, [OutputSource("out/large.parquet")], root, pipeline="large")
    save_ms = (time.perf_counter() - started) * 1000.0
    detail = f"{size / 1e6:.1f} MB parquet, {rows:,} rows"
    return [
        ("run of one large pipeline (store included)", run_ms, detail),
        ("saving its output to the store alone", save_ms, f"{save_ms / run_ms:.1%} of the run"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large-rows", type=int, default=2_000_000)
    args = parser.parse_args()
    package = Path(__file__).resolve().parents[1] / "quicketl"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    top = Path(tempfile.mkdtemp(prefix="quicketl-bench-restore-"))
    try:
        (top / "wf").mkdir()
        (top / "large").mkdir()
        rows = restore_vs_recompute(args, top / "wf")
        rows += save_cost(top / "large", args.large_rows)
    finally:
        shutil.rmtree(top, ignore_errors=True)
    report(args, rows)


def report(args: argparse.Namespace, rows: list[tuple[str, float, str]]) -> None:
    print(f"\nWorkflow of {args.pipelines} pipelines, --workers {args.workers}")
    print(f"{'case':<46} {'wall ms':>10}  {'detail'}")
    print("-" * 96)
    for name, ms, detail in rows:
        print(f"{name:<46} {ms:>10.1f}  {detail}")
    print("-" * 96)
    ratio = rows[0][1] / rows[1][1]
    verdict = "OK" if ratio >= TARGET_RATIO else "MISSED"
    print(
        f"restore is {ratio:.1f}x faster than recompute (target >= {TARGET_RATIO:.0f}x) {verdict}"
    )


if __name__ == "__main__":
    main()
