"""`run --dry-run` means what `workflow run --dry-run` means: the decision, nothing run or
written. Reading and checking the data without writing is `run --no-write`."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Invoke
from .test_run import project


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".quicketl-cache" not in p.parts
    }


def test_dry_run_before_any_run_says_it_would_run_and_creates_nothing(
    cli: Invoke, tmp_path: Path
) -> None:
    path = project(tmp_path)
    result = cli("run", path, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "pipeline": "paid_orders",
        "status": "would_run",
        "dry_run": True,
        "reasons": ["never run"],
    }
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / ".quicketl-cache").exists()


def test_dry_run_shows_the_decision_and_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    path = project(tmp_path)
    assert cli("run", path).exit_code == 0
    up = json.loads(cli("run", path, "--dry-run", "--json").stdout)
    assert (up["status"], up["reasons"]) == ("up_to_date", ["up to date"])
    orders = tmp_path / "data" / "orders.csv"
    orders.write_text(orders.read_text() + "5,9.0,paid\n")
    before = _files(tmp_path)
    result = cli("run", path, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout == "Pipeline 'paid_orders': will run (input data/orders.csv changed)\n"
    assert _files(tmp_path) == before


def test_no_write_reads_transforms_and_checks_but_writes_nothing(
    cli: Invoke, tmp_path: Path
) -> None:
    path = project(tmp_path)
    result = cli("run", path, "--no-write", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["dry_run"], document["rows_read"]) == (True, 4)
    assert document["steps"][-1]["status"] == "skipped"
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / ".quicketl-cache").exists()


def test_dry_run_and_no_write_together_are_refused(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", project(tmp_path), "--dry-run", "--no-write")
    assert result.exit_code == 2
    assert "--dry-run shows what a run would do; --no-write runs it" in result.stderr
