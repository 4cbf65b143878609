"""A reader that closes the pipe (`quicketl ... | head -1`): the command ends quietly."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from execute.support import CLI_ENV, QUICKETL
from projects import linear_three, new_project

GONE = 1  # as click and rich end a program whose stdout was closed


def run_with_stdout_closed(*args: str, cwd: Path) -> tuple[int, str]:
    """Run `quicketl ARGS` with the read end of its stdout closed before it writes anything."""
    process = subprocess.Popen(
        [str(QUICKETL), *args],
        cwd=cwd,
        env={**CLI_ENV, "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()  # every write to stdout now fails with EPIPE
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


@pytest.mark.parametrize("again", [False, True], ids=["full path", "no-op fast path"])
def test_a_closed_stdout_ends_the_run_quietly(tmp_path: Path, again: bool) -> None:
    workflow = linear_three(new_project(tmp_path))
    if again:
        first = subprocess.run(
            [str(QUICKETL), "workflow", "run", str(workflow)],
            cwd=tmp_path,
            env={**CLI_ENV, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            timeout=120,
        )
        assert first.returncode == 0
    code, stderr = run_with_stdout_closed("workflow", "run", str(workflow), cwd=tmp_path)
    assert code == GONE, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
    # the full path stops at its first line of output, before any work; nothing is half-written
    assert not [p for p in tmp_path.rglob("*") if ".quicketl-tmp-" in p.name]
