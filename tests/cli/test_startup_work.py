"""What a run's start-up leaves out: pydantic's plugin scan and the validators of models it
does not validate (the imports a path may not make are pinned in test_startup.py,
test_noop.py and test_plain_run.py). Pinned by what happened, never by a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cli.test_noop import copy_example

PROBE = """
import json, os, sys
from quicketl.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
read = "importlib.metadata" in sys.modules  # before the probe itself asks the loader
loader = sys.modules.get("pydantic.plugin._loader")
print(json.dumps({
    "setting": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
    "scanned": loader is not None and loader._plugins is not None,
    "entry points read": read,
}), file=sys.stderr)
"""


def probe(project: Path, env: dict[str, str]) -> dict[str, object]:
    command = [sys.executable, "-c", PROBE, "workflow", "run", "workflows/medallion.yml"]
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)
    found: dict[str, object] = json.loads(done.stderr.splitlines()[-1])
    return found


def test_a_run_does_not_scan_for_pydantic_plugins(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    found = probe(copy_example(tmp_path), env)
    assert found["setting"] == "__all__"
    assert found["scanned"] is False


def test_a_run_without_plugins_leaves_out_the_entry_point_reader(tmp_path: Path) -> None:
    # After a one-file edit, the pipeline is validated and runs without doit (which reads
    # entry points of its own): pydantic's plugin loader, which imports importlib.metadata
    # (email, zipfile, csv...) at its top, is not imported either (config/plugin_scan.py).
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    project = copy_example(tmp_path)
    command = [sys.executable, "-m", "quicketl", "workflow", "run", "workflows/medallion.yml"]
    subprocess.run(command, cwd=project, capture_output=True, check=True, env=env)
    edited = sorted((project / "pipelines").rglob("*.yml"))[0]
    edited.write_text(edited.read_text() + "# edited\n")
    found = probe(project, env)
    assert found == {"setting": "__all__", "scanned": False, "entry points read": False}


def test_a_users_own_plugin_setting_is_kept(tmp_path: Path) -> None:
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "some_plugin"}
    found = probe(copy_example(tmp_path), env)
    assert found == {"setting": "some_plugin", "scanned": True, "entry points read": True}


def test_an_api_process_with_plugins_on_keeps_pydantics_own_loader() -> None:
    # The stand-in (config/plugin_scan.py) is for processes that turned plugins off.
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    code = (
        "import sys; import quicketl.config.pipeline; "
        "print(hasattr(sys.modules.get('pydantic.plugin._loader'), '_quicketl_stand_in'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.split() == ["False"], out.stderr


def test_importing_the_models_builds_no_validator() -> None:
    # Each model's validator is built when it first validates (defer_build): a path builds
    # those of the models it validates, nested ones inside their parent's.
    code = (
        "from quicketl.config.pipeline import PipelineConfig; "
        "from quicketl.config.sources import FileOptions; "
        "print(PipelineConfig.__pydantic_complete__, FileOptions.__pydantic_complete__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"], out.stderr


NOOP_PROBE = """
import sys
from quicketl.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(",".join(m for m in {modules!r} if m in sys.modules), file=sys.stderr)
"""
# What a no-op run has no use for: uuid (which imports platform) names an append's intent,
# the engine's result types are for runs that run something, the per-file plan cache for
# planning, hashlib (OpenSSL) the keyed hashes of secret values, which this example has none of.
NOT_FOR_A_NOOP = ("uuid", "platform", "quicketl.engine", "quicketl.plan.reuse", "hashlib")


def test_a_no_op_run_leaves_out_what_only_running_needs(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    code = NOOP_PROBE.format(modules=NOT_FOR_A_NOOP)
    command = [sys.executable, "-c", code, "workflow", "run", "workflows/medallion.yml", "--json"]
    cold = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout)["summary"]["up_to_date"] == 5
    assert warm.stderr.splitlines()[-1] == ""


# What a run writing files only has no use for: the database sinks, their append marks, and
# the PostgreSQL client and source reader (imported by the pipelines that need them).
NOT_FOR_FILES = (
    "quicketl.engine.dbsink",
    "quicketl.engine.appendmarks",
    "quicketl.engine.pgsink",
    "quicketl.engine.pgread",
    "quicketl.engine.pgtypes",
    "quicketl.engine.postgres",
)


def test_a_run_of_file_pipelines_leaves_out_the_database_sinks(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    code = NOOP_PROBE.format(modules=NOT_FOR_FILES)
    command = [sys.executable, "-c", code, "workflow", "run", "workflows/medallion.yml", "--json"]
    cold = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    assert json.loads(cold.stdout)["summary"]["ran"] == 5
    assert cold.stderr.splitlines()[-1] == ""


def test_a_run_of_several_tasks_imports_doit_without_the_entry_point_reader(
    tmp_path: Path,
) -> None:
    # five pipelines are scheduled by doit, whose plugin module takes entry_points from
    # importlib.metadata for its own command line only: it is given one that imports the
    # reader when called (execute/doit_import.py; DuckDB's own Python layer may import it)
    project = copy_example(tmp_path)
    code = (
        "import sys\n"
        "from quicketl.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sys.modules['doit.plugin'].entry_points.__module__, file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", code, "workflow", "run", "workflows/medallion.yml", "--json"]
    cold = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    assert cold.stderr.splitlines()[-1] == "quicketl.execute.doit_import"
