"""`quicketl run` and `quicketl validate` on real files with the real engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from .conftest import Invoke

ORDERS = "order_id,amount,status\n1,10.5,paid\n2,,paid\n3,7.25,open\n4,3.0,paid\n"

PIPELINE = """\
name: paid_orders
source:
  path: data/orders.csv
transforms:
  - op: filter
    predicate: status = '${STATUS:-paid}'
  - op: derive_column
    name: doubled
    expr: amount * 2
checks:
  - type: row_count
    min: 1
sink:
  path: out/paid.parquet
"""

NULL_CHECK = "  - type: not_null\n    columns: [amount]\n"


def project(root: Path, pipeline: str = PIPELINE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "quicketl.yml").write_text("{}\n")
    (root / "data").mkdir()
    (root / "data" / "orders.csv").write_text(ORDERS)
    (root / "pipelines").mkdir()
    path = root / "pipelines" / "paid.yml"
    path.write_text(pipeline)
    return path


def with_null_check(root: Path, severity: str = "error") -> Path:
    text = PIPELINE.replace("checks:\n", "checks:\n" + NULL_CHECK + f"    severity: {severity}\n")
    return project(root, text)


def written_rows(root: Path) -> list[tuple[object, ...]]:
    target = root / "out" / "paid.parquet"
    return duckdb.sql(f"SELECT * FROM '{target}' ORDER BY order_id").fetchall()


def test_run_writes_the_sink_and_reports(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", project(tmp_path))
    assert result.exit_code == 0, result.output
    assert written_rows(tmp_path) == [
        (1, 10.5, "paid", 21.0),
        (2, None, "paid", None),
        (4, 3.0, "paid", 6.0),
    ]
    lines = result.stdout.splitlines()
    assert "Pipeline: paid_orders" in lines[0]
    assert "SUCCESS" in lines[1]
    assert "Duration: " in lines[2]
    assert "Steps" in result.stdout
    assert "Quality checks" in result.stdout
    assert lines[-1] == "Rows read: 4  Rows written: 3"


def test_options_go_before_or_after_the_file(cli: Invoke, tmp_path: Path) -> None:
    path = project(tmp_path)
    after = cli("run", path, "--json", "--var", "STATUS=open")
    before = cli("run", "--var", "STATUS=open", "--force", "--json", path)
    for result in (after, before):
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["rows_written"] == 1


def test_json_is_one_document_and_nothing_else(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", project(tmp_path), "--json")
    document = json.loads(result.stdout)
    assert document["pipeline"] == "paid_orders"
    assert document["status"] == "success"
    assert (document["rows_read"], document["rows_written"]) == (4, 3)
    assert document["checks"]["total"] == 1
    assert document["error"] is None
    assert document["steps"][0]["kind"] == "source"


def test_failed_error_check_exits_1_and_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", with_null_check(tmp_path), "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["status"] == "failed"
    failed = [c for c in document["checks"]["results"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["not_null(amount)"]
    assert failed[0]["failed_rows"] == 1
    assert failed[0]["samples"][0]["order_id"] == 2
    assert not (tmp_path / "out").exists()


def test_failed_check_report_shows_failed(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", with_null_check(tmp_path))
    assert result.exit_code == 1
    assert "FAILED" in result.stdout
    assert "not_null(amount)" in result.stdout
    assert "FAIL" in result.stdout


def test_no_fail_on_checks_writes_and_exits_0(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", with_null_check(tmp_path), "--no-fail-on-checks", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checks"]["failed"] == 1
    assert len(written_rows(tmp_path)) == 3


def test_warn_check_failing_still_writes(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", with_null_check(tmp_path, "warn"))
    assert result.exit_code == 0, result.output
    assert "WARN" in result.stdout
    assert len(written_rows(tmp_path)) == 3


def test_dry_run_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    result = cli("run", project(tmp_path), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["dry_run"] is True
    assert not (tmp_path / "out").exists()


def test_validate_summarises_a_valid_pipeline(cli: Invoke, tmp_path: Path) -> None:
    path = project(tmp_path)
    result = cli("validate", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Pipeline 'paid_orders' is valid ({path})"
    assert "transforms  2 (filter, derive_column)" in result.stdout
    assert not (tmp_path / "out").exists()


def test_validate_json(cli: Invoke, tmp_path: Path) -> None:
    result = cli("validate", project(tmp_path), "--json")
    document = json.loads(result.stdout)
    assert document["status"] == "valid"
    assert document["summary"]["sink"] == "file out/paid.parquet (parquet)"


def test_runs_from_any_working_directory(tmp_path: Path) -> None:
    path = project(tmp_path / "shop")
    out = subprocess.run(
        [sys.executable, "-m", "quicketl", "run", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["rows_written"] == 3
    assert (tmp_path / "shop" / "out" / "paid.parquet").is_file()


@pytest.mark.usefixtures("in_tmp")
def test_init_scaffold_runs_at_once(cli: Invoke, tmp_path: Path) -> None:
    assert cli("init", "shop").exit_code == 0
    result = cli("run", tmp_path / "shop" / "pipelines" / "sample.yml", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["rows_written"] == 4
    assert (tmp_path / "shop" / "output" / "sample.csv").read_text().splitlines() == [
        "region,orders,revenue",
        "east,1,372.0",
        "north,2,444.6",
        "south,2,112.68",
        "west,1,72.0",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_init_pipeline_runs_in_the_new_project(cli: Invoke, tmp_path: Path) -> None:
    cli("init")
    assert cli("init", "weekly", "--pipeline").exit_code == 0
    result = cli("run", "pipelines/weekly.yml")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "weekly.csv").is_file()


def test_second_run_is_up_to_date_until_an_input_changes(cli: Invoke, tmp_path: Path) -> None:
    path = project(tmp_path)
    first = json.loads(cli("run", path, "--json").stdout)
    second = json.loads(cli("run", path, "--json").stdout)
    assert (first["up_to_date"], first["reasons"]) == (False, ["never run"])
    assert (second["up_to_date"], second["rows_written"]) == (True, 0)
    changed = cli("run", path, "--json", "--var", "STATUS=open")
    assert json.loads(changed.stdout)["reasons"] == [
        "var STATUS: paid -> open",
        "config changed: transforms[0].predicate",
    ]
    forced = json.loads(cli("run", path, "--json", "--var", "STATUS=open", "--force").stdout)
    assert (forced["up_to_date"], forced["reasons"]) == (False, ["--force"])
