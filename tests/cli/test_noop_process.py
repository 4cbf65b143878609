"""A no-op run as its own process: the collector stays off from importing the no-op path to
the last line printed, and the process ends as soon as its answer is out, without the
interpreter's teardown (freeing every module and the stored plan, one by one). Only when the
command is the process (`main()` reading the process's arguments); a host calling
`main(args)` gets its SystemExit back as before. Pinned by what happened, never by a time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli.test_noop import copy_example

# `main()` as the console script and `python -m quicketl` call it; an atexit handler shows
# whether the interpreter went through its teardown.
PROBE = """
import atexit, gc, sys
atexit.register(lambda: sys.stderr.write("TEARDOWN\\n"))
from quicketl.cli.main import main
main()
"""
# Each collection the run starts, and whether the no-op path (quicketl.execute.noop, in
# sys.modules from the start of its import) had begun loading by then; the command is the
# process, so nothing runs after its answer.
COLLECTIONS = """
import gc, os, sys
def watch(phase, info):
    if phase == "start":
        loaded = "quicketl.execute.noop" in sys.modules
        os.write(2, f"COLLECTION after the no-op path began: {loaded}\\n".encode())
gc.callbacks.append(watch)
from quicketl.cli.main import main
main()
"""
HOSTED = """
import sys
from quicketl.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    print("HOST-GOES-ON", exc.code, file=sys.stderr)
"""


def run(project: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", code, "workflow", "run", "workflows/medallion.yml", *args]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)


def test_a_no_op_run_ends_its_process_without_the_teardown(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    cold = run(project, PROBE, "--json")
    assert cold.returncode == 0, cold.stderr
    # a run that ran something ends the same way (cli/process_end.py), its report whole
    assert "TEARDOWN" not in cold.stderr
    assert [t["status"] for t in json.loads(cold.stdout)["tasks"]] == ["ran"] * 5
    warm = run(project, PROBE, "--json")
    assert warm.returncode == 0, warm.stderr
    assert "TEARDOWN" not in warm.stderr
    document = json.loads(warm.stdout)  # all of it written out before the process ended
    assert [t["status"] for t in document["tasks"]] == ["up_to_date"] * 5


def test_the_no_op_report_and_its_progress_lines_are_written_out_in_full(
    tmp_path: Path,
) -> None:
    project = copy_example(tmp_path)
    assert run(project, PROBE).returncode == 0
    warm = run(project, PROBE, "--verbose")
    assert warm.returncode == 0, warm.stderr
    assert "TEARDOWN" not in warm.stderr
    assert warm.stderr.count("up to date") >= 5, warm.stderr  # one progress line a task
    assert "5 up to date" in warm.stdout, warm.stdout


def test_a_host_calling_main_with_arguments_gets_its_exit_back(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    assert run(project, HOSTED).returncode == 0
    warm = run(project, HOSTED, "--json")
    assert warm.returncode == 0, warm.stderr
    assert "HOST-GOES-ON 0" in warm.stderr
    assert json.loads(warm.stdout)["summary"]["up_to_date"] == 5


def test_no_collection_runs_from_importing_the_no_op_path_to_its_last_line(
    tmp_path: Path,
) -> None:
    project = copy_example(tmp_path)
    assert run(project, PROBE).returncode == 0
    warm = run(project, COLLECTIONS, "--json")
    assert warm.returncode == 0, warm.stderr
    assert json.loads(warm.stdout)["summary"]["up_to_date"] == 5
    assert "COLLECTION after the no-op path began: True" not in warm.stderr
    assert "COLLECTION after the no-op path began: False" in warm.stderr  # the probe works


# A thread Python's exit would wait for: the process then ends as Python ends it. The thread
# waits for the main thread to finish, so it is alive however long the run takes (a fixed
# sleep ended before a slow run did, on a loaded machine) and ends once Python's exit begins.
WAITED_FOR = """
import atexit, sys, threading
atexit.register(lambda: sys.stderr.write("TEARDOWN\\n"))
threading.Thread(target=threading.main_thread().join).start()
from quicketl.cli.main import main
main()
"""


def test_a_run_ends_as_python_ends_it_while_a_thread_it_waits_for_runs(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    done = run(project, WAITED_FOR, "--json")
    assert done.returncode == 0, done.stderr
    assert "TEARDOWN" in done.stderr
    assert [t["status"] for t in json.loads(done.stdout)["tasks"]] == ["ran"] * 5


def test_a_refused_command_keeps_its_message_and_exit_code(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "workflow", "run", "workflows/missing.yml"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "workflows/missing.yml" in done.stderr and "TEARDOWN" not in done.stderr
