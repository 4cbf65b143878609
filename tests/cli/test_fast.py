"""The no-op fast path of `workflow run`: same answer as the full path, without heavy imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "examples" / "medallion"
HEAVY = ("pydantic", "yaml", "duckdb", "doit", "rich", "typer", "jinja2")
PROBE = """
import sys
from quicketl.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "medallion"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("output", ".quicketl-cache"))
    return target


def probe(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = PROBE.format(heavy=HEAVY)
    command = [sys.executable, "-c", code, "workflow", "run", "workflows/medallion.yml", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


def test_no_op_run_imports_nothing_heavy_and_reports_up_to_date(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    cold = probe(project, "--json")
    assert cold.returncode == 0, cold.stderr
    assert "HEAVY=" in cold.stderr and "duckdb" in cold.stderr
    warm = probe(project, "--json")
    assert warm.returncode == 0, warm.stderr
    assert "HEAVY=\n" in warm.stderr
    document = json.loads(warm.stdout)
    assert document["summary"]["up_to_date"] == 5
    assert [t["status"] for t in document["tasks"]] == ["up_to_date"] * 5
    assert set(document) == set(json.loads(cold.stdout))


def test_fast_and_full_paths_print_the_same_report(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    probe(project)
    fast = probe(project)
    full = probe(
        project,
        "--workers",
        "2",
        "--select",
        "+clean_events",
        "--select",
        "+clean_users",
        "--select",
        "ingest_payments",
    )
    assert "HEAVY=\n" in fast.stderr and "typer" in full.stderr
    strip = [line for line in fast.stdout.splitlines() if "Duration" not in line]
    assert strip == [line for line in full.stdout.splitlines() if "Duration" not in line]


def test_an_edited_pipeline_falls_back_to_the_full_path(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    probe(project)
    pipeline = project / "pipelines/silver/clean_users.yml"
    pipeline.write_text(pipeline.read_text().replace("lower(trim(email))", "lower(email)"))
    again = probe(project, "--json")
    ran = [t["task_id"] for t in json.loads(again.stdout)["tasks"] if t["status"] == "ran"]
    assert ran == ["silver.clean_users"]
    assert "pydantic" in again.stderr


def test_a_changed_variable_invalidates_the_stored_plan(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    pipeline = project / "pipelines/bronze/ingest_payments.yml"
    text = pipeline.read_text().replace("values: [EUR, USD]", "values: [EUR, '${ALT:-USD}']")
    pipeline.write_text(text)
    probe(project)
    assert "HEAVY=\n" in probe(project).stderr
    changed = probe(project, "--json", "--var", "ALT=GBP")
    tasks = {t["task_id"]: t for t in json.loads(changed.stdout)["tasks"]}
    assert tasks["bronze.ingest_payments"]["status"] == "failed"  # the data has USD rows
    assert "var ALT: USD -> GBP" in tasks["bronze.ingest_payments"]["reasons"]
