"""The no-op fast path of `workflow run`: same answer as the full path, without heavy imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from execute.support import invoke

EXAMPLE = Path(__file__).parents[2] / "examples" / "medallion"
HEAVY = ("pydantic", "yaml", "duckdb", "_duckdb", "doit", "rich", "typer", "jinja2")
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


def test_no_op_run_imports_no_engine_module(tmp_path: Path) -> None:
    # Nothing runs, so nothing of the engine layer is needed (its result types included).
    project = copy_example(tmp_path)
    engine = "sys.modules if m.startswith('quicketl.engine') and m in"
    code = PROBE.replace("{heavy!r} if m in", engine)
    command = [sys.executable, "-c", code, "workflow", "run", "workflows/medallion.yml"]
    for _ in range(2):
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "HEAVY="


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
    progress = fast.stderr.replace("HEAVY=\n", "")
    assert progress.splitlines()[0] == "1 of 5 up to date bronze.ingest_users"
    assert progress == full.stderr[: full.stderr.index("HEAVY=")]  # the task lines too


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


def stored_plans(project: Path) -> list[Path]:
    return sorted((project / ".quicketl-cache" / "plans").glob("*.json"))


def damaged_plans() -> dict[str, Callable[[str], str]]:
    """Ways a stored plan can be damaged that still leave a file behind."""

    def reshaped(text: str, change: Callable[[dict[str, Any]], None]) -> str:
        body = json.loads(text)
        change(body)
        return json.dumps(body)

    return {
        "a list": lambda text: "[]",
        "an empty object": lambda text: "{}",
        "not json": lambda text: text[: len(text) // 2],
        "tasks not a list": lambda text: reshaped(text, lambda b: b["plan"].update(tasks="x")),
        "a task field of the wrong type": lambda text: reshaped(
            text, lambda b: b["plan"]["tasks"][0].update(inputs=[1, 2])
        ),
        "an edge to no task": lambda text: reshaped(
            text, lambda b: b["plan"]["edges"]["explicit"].append(["nowhere", "nothing", "lineage"])
        ),
        "files not a map": lambda text: reshaped(text, lambda b: b.update(files=[])),
    }


@pytest.mark.parametrize("damage", damaged_plans())
def test_a_damaged_stored_plan_is_planned_afresh_with_one_warning(
    tmp_path: Path, damage: str
) -> None:
    project = copy_example(tmp_path)
    probe(project)
    [snapshot] = stored_plans(project)
    snapshot.write_text(damaged_plans()[damage](snapshot.read_text()))
    again = probe(project, "--json")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    document = json.loads(again.stdout)
    assert [t["status"] for t in document["tasks"]] == ["up_to_date"] * 5
    assert again.stderr.count("warning: ") == 1, again.stderr
    assert "could not be read (damaged or edited by hand); planning afresh" in again.stderr
    healed = probe(project, "--json")
    assert "HEAVY=\n" in healed.stderr and "warning" not in healed.stderr


def test_an_error_inside_the_no_op_check_falls_back_to_the_full_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path)
    probe(project)

    def broken(*args: object) -> None:
        raise AttributeError("'list' object has no attribute 'get'")

    monkeypatch.setattr("quicketl.execute.noop._decide_all", broken)
    monkeypatch.chdir(project)
    code, out, err = invoke(capsys, "workflow", "run", "workflows/medallion.yml", "--json")
    assert code == 0, err
    assert [t["status"] for t in json.loads(out)["tasks"]] == ["up_to_date"] * 5
    assert "Traceback" not in err and "AttributeError" not in err


def test_the_collector_stays_paused_while_the_answer_is_printed_and_is_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The plan's objects were all made with the collector off: its first pass would walk them.
    import gc

    from quicketl.cli import noop

    project = copy_example(tmp_path)
    probe(project)
    seen: list[bool] = []
    print_answer = noop._print

    def watched(*args: Any) -> None:
        seen.append(gc.isenabled())
        print_answer(*args)

    monkeypatch.setattr(noop, "_print", watched)
    monkeypatch.chdir(project)
    gc.enable()
    code, _out, err = invoke(capsys, "workflow", "run", "workflows/medallion.yml", "--json")
    assert code == 0, err
    assert seen == [False]
    assert gc.isenabled()
