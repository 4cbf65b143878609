"""Quality checks: pass and fail with counts and samples, severities, and blocking the sink."""

from __future__ import annotations

from pathlib import Path

import pytest

from quicketl.engine import run_pipeline, validate_pipeline
from quicketl.engine.pipeline_result import CheckResult, PipelineResult
from quicketl.errors import ConfigError

from .helpers import Loader, parquet

USERS = (
    "SELECT * FROM (VALUES (1, 'a@x.io', 'active', 30), (2, NULL, 'active', 17), "
    "(3, 'c@x.io', 'banned', 45), (3, 'd@x.io', NULL, 51), (5, NULL, 'pending', NULL), "
    "(6, 'f@x.io', 'active', 22), (7, 'g@x.io', 'active', 23), (8, 'h@x.io', 'active', 24), "
    "(9, 'i@x.io', 'active', 25), (10, 'j@x.io', 'active', 26), (11, 'k@x.io', 'active', 27)) "
    "t(id, email, status, age)"
)


def run_checks(load: Loader, project: Path, checks: str, **options: bool) -> PipelineResult:
    parquet(project / "data/users.parquet", USERS)
    body = "\n".join("  " + line for line in checks.strip().splitlines())
    text = (
        f"name: c\nsource: {{path: data/users.parquet}}\nchecks:\n{body}\nsink: {{path: out.csv}}\n"
    )
    return run_pipeline(load(text), **options)


def only_check(load: Loader, project: Path, check: str) -> CheckResult:
    result = run_checks(load, project, check, fail_on_checks=False)
    (outcome,) = result.checks
    return outcome


def test_not_null_pass(load: Loader, project: Path) -> None:
    outcome = only_check(load, project, "- {type: not_null, columns: [id, status]}")
    assert outcome.passed is False  # status has a NULL
    outcome = only_check(load, project, "- {type: not_null, columns: [id]}")
    assert (outcome.passed, outcome.failed_rows, outcome.samples) == (True, 0, [])
    assert outcome.name == "not_null(id)"


def test_not_null_fail_counts_rows_and_samples_them(load: Loader, project: Path) -> None:
    outcome = only_check(load, project, "- {type: not_null, columns: [email, age]}")
    assert outcome.passed is False
    assert outcome.failed_rows == 2
    assert [row["id"] for row in outcome.samples] == [2, 5]
    assert outcome.samples[0] == {"id": 2, "email": None, "status": "active", "age": 17}
    assert outcome.message == "2 of 11 rows: NULL in email, age"


def test_unique_treats_nulls_as_equal_and_counts_every_duplicate_row(
    load: Loader, project: Path
) -> None:
    outcome = only_check(load, project, "- {type: unique, columns: [id]}")
    assert (outcome.passed, outcome.failed_rows) == (False, 2)
    assert [row["email"] for row in outcome.samples] == ["c@x.io", "d@x.io"]
    assert outcome.message == "2 rows share 1 duplicated (id) values"
    outcome = only_check(load, project, "- {type: unique, columns: [email]}")
    assert (outcome.passed, outcome.failed_rows) == (False, 2)
    outcome = only_check(load, project, "- {type: unique, columns: [id, email]}")
    assert outcome.passed is True


def test_samples_are_at_most_five(load: Loader, project: Path) -> None:
    outcome = only_check(load, project, "- {type: unique, columns: [status]}")
    assert outcome.failed_rows == 8
    assert len(outcome.samples) == 5
    assert {row["status"] for row in outcome.samples} == {"active"}


@pytest.mark.parametrize(
    ("bounds", "passed", "message"),
    [
        ("min: 11", True, "11 rows"),
        ("min: 12", False, "11 rows; expected at least 12"),
        ("max: 10", False, "11 rows; expected at most 10"),
        ("min: 1, max: 11", True, "11 rows"),
    ],
)
def test_row_count(load: Loader, project: Path, bounds: str, passed: bool, message: str) -> None:
    outcome = only_check(load, project, f"- {{type: row_count, {bounds}}}")
    assert (outcome.passed, outcome.message, outcome.failed_rows) == (passed, message, 0)


def test_accepted_values_null_is_invalid_unless_listed(load: Loader, project: Path) -> None:
    check = "- {type: accepted_values, column: status, values: [active, pending]}"
    outcome = only_check(load, project, check)
    assert (outcome.passed, outcome.failed_rows) == (False, 2)
    assert outcome.message == "2 of 11 rows: values of status not accepted: NULL, 'banned'"
    check = "- {type: accepted_values, column: status, values: [active, pending, banned, null]}"
    assert only_check(load, project, check).passed is True


def test_accepted_values_compares_in_the_columns_type(load: Loader, project: Path) -> None:
    values = "[1, 2, 3, 5, 6, 7, 8, 9, 10, 11]"
    check = f"- {{type: accepted_values, column: id, values: {values}}}"
    assert only_check(load, project, check).passed is True
    check = "- {type: accepted_values, column: id, values: ['1', 2.5, true, 3]}"
    outcome = only_check(load, project, check)
    assert outcome.failed_rows == 8  # '1' and 3 match (3 twice); 2.5 and true never do


def test_expression_counts_false_and_null_as_failing(load: Loader, project: Path) -> None:
    outcome = only_check(load, project, "- {type: expression, expr: age >= 18}")
    assert (outcome.passed, outcome.failed_rows) == (False, 2)
    assert [row["id"] for row in outcome.samples] == [2, 5]
    assert outcome.message == "2 of 11 rows: rows where this is not true: age >= 18"


def test_failing_error_checks_write_nothing(load: Loader, project: Path) -> None:
    result = run_checks(load, project, "- {type: not_null, columns: [email]}")
    assert result.status == "failed"
    assert result.error is not None
    assert result.error.startswith("1 error-level check failed, nothing was written")
    assert result.rows_written == 0
    assert result.steps[-1].kind == "sink"
    assert result.steps[-1].status == "skipped"
    assert not (project / "out.csv").exists()


def test_fail_on_checks_false_writes_anyway(load: Loader, project: Path) -> None:
    checks = "- {type: not_null, columns: [email]}"
    result = run_checks(load, project, checks, fail_on_checks=False)
    assert result.succeeded
    assert result.rows_written == 11
    assert (project / "out.csv").is_file()


def test_warn_checks_never_stop_the_sink(load: Loader, project: Path) -> None:
    checks = "- {type: not_null, columns: [email], severity: warn}\n- {type: row_count, min: 1}"
    result = run_checks(load, project, checks)
    assert result.succeeded
    assert [(c.severity, c.passed) for c in result.checks] == [("warn", False), ("error", True)]
    assert (project / "out.csv").is_file()


def test_checks_are_validated_against_the_final_schema(load: Loader, project: Path) -> None:
    parquet(project / "data/users.parquet", USERS)
    loaded = load(
        """
        name: c
        source: {path: data/users.parquet}
        transforms:
          - {op: select, columns: [id, email]}
        checks:
          - type: not_null
            columns: [id, emial]
          - {type: accepted_values, column: status, values: [a]}
          - type: expression
            expr: id >
        sink: {path: out.csv}
        """
    )
    with pytest.raises(ConfigError) as caught:
        validate_pipeline(loaded)
    assert [(p.field, p.line, p.message) for p in caught.value.problems] == [
        ("checks[0].columns[1]", 8, "unknown column 'emial'; did you mean 'email'?"),
        ("checks[1].column", 9, "unknown column 'status' (columns: id, email)"),
        ("checks[2].expr", 11, "SQL syntax error: `id >` is incomplete"),
    ]
