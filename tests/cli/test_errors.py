"""How errors leave the CLI: one message on stderr, the right exit code, JSON when asked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from quicketl.cli.exit_codes import error_text, exit_on_error
from quicketl.errors import ConfigError, EngineError, Problem

from .conftest import Invoke

BAD = "name: p\nsource: {path: a.csv}\ntransforms:\n  - op: filtr\nsink: {path: o.csv}\n"


def exit_code_of(error: Exception, capsys: pytest.CaptureFixture[str], **flags: bool) -> int:
    with pytest.raises(typer.Exit) as caught, exit_on_error(verbose=False, **flags):
        raise error
    return caught.value.exit_code


def test_config_error_exits_2_with_one_problem_per_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = ConfigError([Problem("a", "p.yml", 1, "x"), Problem("b", "p.yml", 2, "y")])
    assert exit_code_of(error, capsys) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "p.yml:1: x: a\np.yml:2: y: b\n")


def test_engine_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code_of(EngineError("disk full"), capsys) == 1
    assert capsys.readouterr().err == "error: disk full\n"


def test_unexpected_error_exits_1_and_points_at_verbose(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exit_code_of(KeyError("k"), capsys) == 1
    assert capsys.readouterr().err == (
        "error: KeyError: 'k'\n(run with --verbose for the traceback)\n"
    )


def test_json_mode_prints_one_document_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code_of(ConfigError("nope"), capsys, as_json=True) == 2
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "status": "invalid",
        "error": "nope",
        "problems": [{"message": "nope", "file": None, "line": None, "field": None}],
    }


def test_error_text_of_a_plain_quicketl_error() -> None:
    assert error_text(EngineError("x")) == "error: x"


def test_cli_error_has_no_traceback(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(BAD)
    result = cli("run", tmp_path / "p.yml")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"{tmp_path / 'p.yml'}:4: transforms[0]: unknown op 'filtr'")


def test_verbose_adds_the_traceback(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(BAD)
    result = cli("run", tmp_path / "p.yml", "--verbose")
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "unknown op 'filtr'" in result.stderr


def test_json_invalid_input_is_one_document(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(BAD)
    result = cli("run", "--json", tmp_path / "p.yml")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["status"] == "invalid"
    assert document["problems"][0]["field"] == "transforms[0]"
    assert document["problems"][0]["line"] == 4


def test_bad_var_assignment_is_exit_2(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(BAD)
    result = cli("run", tmp_path / "p.yml", "--var", "NOEQUALS")
    assert result.exit_code == 2
    assert result.stderr == "--var expects KEY=VALUE, got 'NOEQUALS'\n"


def test_missing_pipeline_file(cli: Invoke, tmp_path: Path) -> None:
    result = cli("validate", tmp_path / "nope.yml")
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.yml'}: file not found\n"


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "p.yml").write_text(BAD)
    out = subprocess.run(
        [sys.executable, "-m", "quicketl", "run", str(tmp_path / "p.yml")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    assert len(out.stderr.splitlines()) == 1


def test_a_problem_reported_twice_is_printed_once(capsys: pytest.CaptureFixture[str]) -> None:
    problem = Problem("unknown column 'x'", "p.yml", 3, "transforms[0].on[0]")
    assert exit_code_of(ConfigError([problem, problem]), capsys) == 2
    assert capsys.readouterr().err == "p.yml:3: transforms[0].on[0]: unknown column 'x'\n"
