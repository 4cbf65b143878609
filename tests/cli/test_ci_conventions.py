"""CI conventions: `workflow status --exit-code`, `-j N`, shell completion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from execute.support import cli as real_cli
from projects import linear_three, new_project

from .conftest import Invoke
from .test_startup import HEAVY, probe


def test_status_exit_code_is_1_when_something_would_run_and_0_when_all_is_up_to_date(
    tmp_path: Path, cli: Invoke
) -> None:
    workflow = linear_three(new_project(tmp_path))
    before = cli("workflow", "status", workflow, "--exit-code")
    assert before.exit_code == 1, before.output
    assert "will run" in before.stdout
    assert cli("workflow", "run", workflow).exit_code == 0
    after = cli("workflow", "status", workflow, "--exit-code")
    assert after.exit_code == 0, after.output


def test_status_without_exit_code_exits_0_even_when_something_would_run(
    tmp_path: Path, cli: Invoke
) -> None:
    workflow = linear_three(new_project(tmp_path))
    assert cli("workflow", "status", workflow).exit_code == 0


def test_status_exit_code_with_json(tmp_path: Path, cli: Invoke) -> None:
    workflow = linear_three(new_project(tmp_path))
    result = cli("workflow", "status", workflow, "--exit-code", "--json")
    assert result.exit_code == 1
    assert '"would_run"' in result.stdout


def test_status_exit_code_on_an_invalid_workflow_is_2(tmp_path: Path, cli: Invoke) -> None:
    workflow = linear_three(new_project(tmp_path))
    (tmp_path / "pipelines" / "b.yml").unlink()
    result = cli("workflow", "status", workflow, "--exit-code")
    assert result.exit_code == 2
    assert "b.yml" in result.stderr


def test_dash_j_is_workers(tmp_path: Path, cli: Invoke) -> None:
    workflow = linear_three(new_project(tmp_path))
    result = cli("workflow", "run", workflow, "-j", "1")
    assert result.exit_code == 0, result.output
    assert "3/3 succeeded" in result.stdout
    bad = cli("workflow", "run", workflow, "-j", "0")
    assert bad.exit_code == 2


def test_dash_j_is_taken_by_the_no_op_fast_path(tmp_path: Path) -> None:
    workflow = linear_three(new_project(tmp_path))
    assert real_cli("workflow", "run", workflow, cwd=tmp_path).returncode == 0
    code = (
        "import sys\nfrom quicketl.cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    pass\n"
        "print('HEAVY=' + ','.join(m for m in ('duckdb', '_duckdb', 'typer', 'doit')"
        " if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    for form in (["-j", "2"], ["-j2"], ["--workers=2"]):
        args = [sys.executable, "-c", code, "workflow", "run", str(workflow), *form]
        done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert "3/3 succeeded" in done.stdout, done.stderr
        assert "HEAVY=\n" in done.stderr, form


def test_show_completion_prints_a_script_for_the_shell(cli: Invoke) -> None:
    result = cli("--show-completion", "bash")
    assert result.exit_code == 0, result.output
    assert "_QUICKETL_COMPLETE" in result.stdout


def test_help_lists_completion_options_and_still_imports_nothing_heavy(cli: Invoke) -> None:
    assert "--install-completion" in cli("--help").stdout
    assert probe("--help", heavy=HEAVY) == {"exit": 0, "heavy": []}


def test_the_installed_command_completes_subcommands() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "_QUICKETL_COMPLETE": "complete_bash",
        "COMP_WORDS": "quicketl workflow st",
        "COMP_CWORD": "2",
    }
    quicketl = Path(sys.executable).with_name("quicketl")
    done = subprocess.run([str(quicketl)], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["status"]
