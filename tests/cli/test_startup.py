"""`--help` and `--version` stay fast: they import none of the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

from quicketl import __version__

from .conftest import Invoke

HEAVY = [
    *("duckdb", "_duckdb", "pydantic", "doit", "jinja2", "yaml", "rich"),
    "quicketl.config.pipeline",
]

HELP_PROBE = """
import json, sys
from typer.testing import CliRunner
from quicketl.cli.main import app
result = CliRunner().invoke(app, sys.argv[1:])
heavy = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps({{"exit": result.exit_code, "heavy": heavy}}))
"""


def probe(*args: str, heavy: list[str] = HEAVY) -> dict[str, object]:
    code = HELP_PROBE.format(heavy=heavy)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_root_help_imports_nothing_heavy() -> None:
    assert probe("--help") == {"exit": 0, "heavy": []}


def test_command_help_imports_no_engine_and_no_models() -> None:
    # Typer itself coerces every non-flag parameter with pydantic once a command is parsed,
    # so only the root `--help` and `--version` can stay free of it.
    heavy = [name for name in HEAVY if name != "pydantic"]
    assert probe("run", "--help", heavy=heavy) == {"exit": 0, "heavy": []}


def test_version_imports_nothing_heavy() -> None:
    assert probe("--version") == {"exit": 0, "heavy": []}


def test_version_before_typer_is_imported() -> None:
    code = (
        "import sys; from quicketl.cli.main import main; main(['--version']); "
        "print('typer' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"quicketl {__version__}", "False"]


def test_python_dash_m_prints_the_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "quicketl", "--version"], capture_output=True, text=True
    )
    assert (out.returncode, out.stdout) == (0, "quicketl 2.0.0\n")


def test_version_through_typer_matches(cli: Invoke) -> None:
    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, "quicketl 2.0.0\n")


def test_help_lists_every_command(cli: Invoke) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("run", "validate", "init", "schema", "info", "workflow"):
        assert f"  {command} " in result.stdout


def test_no_arguments_shows_usage_and_exits_2(cli: Invoke) -> None:
    result = cli()
    assert result.exit_code == 2
    assert "Usage: quicketl" in result.output


def test_unknown_command_is_a_usage_error(cli: Invoke) -> None:
    result = cli("runn", "p.yml")
    assert result.exit_code == 2
    assert "No such command 'runn'" in result.stderr


def test_unknown_option_is_a_usage_error(cli: Invoke) -> None:
    result = cli("run", "p.yml", "--jsn")
    assert result.exit_code == 2
    assert "No such option: --jsn" in result.stderr
