"""How long Airflow takes to parse a generated DAG: static against `--mode dynamic`.

A dynamic DAG plans its workflow (every YAML file) each time Airflow parses it; a static one
only builds the operators written into it. Builds bench_scale's workflow shape at each size,
renders both DAGs, and times `DagBag` on each file in the Airflow test venv (.venv-airflow;
`make .venv-airflow/.ok`), each in a fresh process: the first parse (imports included, as a
DAG processor that does not pre-import pays it) and the best of the next N (imports done, as
Airflow's default `parsing_pre_import_modules` arranges).

    .venv/bin/python benchmarks/bench_dag_parse.py [--sizes 25 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_scale import build_project

from quicketl.api import plan_workflow
from quicketl.export import ExportOptions, render_airflow

REPO = Path(__file__).resolve().parents[1]
AIRFLOW_PYTHON = REPO / ".venv-airflow" / "bin" / "python"

PROBE = """
import json, sys, time
from airflow.dag_processing.dagbag import DagBag
path, repeat = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(repeat + 1):
    start = time.perf_counter()
    bag = DagBag(dag_folder=path)
    times.append(time.perf_counter() - start)
    assert not bag.import_errors, bag.import_errors
    tasks = sum(len(d.tasks) for d in bag.dags.values())
print(json.dumps({"first": times[0], "best": min(times[1:]), "tasks": tasks}))
"""


def measure(size: int, repeat: int, work: Path) -> dict[str, dict[str, float]]:
    project = work / f"p{size}"
    project.mkdir()
    workflow = build_project(project, size)
    plan = plan_workflow(workflow)
    results = {}
    for mode in ("static", "dynamic"):
        dag = work / f"{mode}_{size}.py"
        dag.write_text(render_airflow(plan, ExportOptions(dag_id=dag.stem, mode=mode)), "utf-8")
        results[mode] = parse_time(dag, project, repeat, work)
    return results


def parse_time(dag: Path, project: Path, repeat: int, work: Path) -> dict[str, float]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "QUICKETL"))},
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
        "QUICKETL_PROJECT_DIR": str(project),
    }
    done = subprocess.run(
        [str(AIRFLOW_PYTHON), "-c", PROBE, str(dag), str(repeat)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        sys.exit(f"parsing {dag.name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25, 200])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not AIRFLOW_PYTHON.exists():
        sys.exit("no .venv-airflow: run `make .venv-airflow/.ok` first")
    print(f"{'pipelines':>9} {'mode':>8} {'first parse':>12} {'next parses':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            for mode, r in measure(size, args.repeat, Path(tmp)).items():
                first, best = r["first"] * 1000, r["best"] * 1000
                print(f"{int(r['tasks']):>9} {mode:>8} {first:>10.0f}ms {best:>10.0f}ms")


if __name__ == "__main__":
    main()
