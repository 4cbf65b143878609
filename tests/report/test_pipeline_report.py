"""The human report of a pipeline run: panel, steps table, checks table, rows line."""

from __future__ import annotations

import io

from rich.console import Console

from quicketl.engine.pipeline_result import PipelineResult
from quicketl.report.pipeline_report import check_details, render_pipeline_result

from .results import checks_failed, succeeded


def rendered(result: PipelineResult) -> str:
    out = io.StringIO()
    render_pipeline_result(Console(file=out, width=120, color_system=None), result)
    return out.getvalue()


def test_success_panel_has_name_status_and_duration() -> None:
    text = rendered(succeeded())
    first_lines = text.splitlines()[:3]
    assert "Pipeline: orders" in first_lines[0]
    assert "SUCCESS" in first_lines[1]
    assert "Duration: 123.5ms" in first_lines[2]


def test_steps_table_lists_each_step() -> None:
    text = rendered(succeeded())
    for header in ("Step", "Type", "Status", "Rows", "Duration"):
        assert header in text
    assert "read source" in text
    assert "data/orders.csv" in text
    assert "1.2ms" in text or "1.3ms" in text


def test_rows_line_closes_the_report() -> None:
    assert rendered(succeeded()).rstrip().splitlines()[-1] == "Rows read: 8  Rows written: 3"


def test_failure_shows_the_error_and_failing_checks_with_samples() -> None:
    text = rendered(checks_failed())
    assert "FAILED" in text
    assert "1 quality check failed: not_null(amount)" in text
    assert "FAIL" in text
    assert "WARN" in text
    assert "PASS" in text
    assert "Failing rows: not_null(amount)" in text
    assert "SKIPPED" in text


def test_samples_of_a_failed_check_are_a_table_with_how_many_more() -> None:
    text = rendered(checks_failed())
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if "Failing rows: not_null(amount)" in line))
    table = "\n".join(lines[start : start + 8])
    assert "id" in table and "amount" in table
    assert "NULL" in table
    assert "... and 3 more" in table


def test_failed_check_details_are_its_message() -> None:
    assert check_details(checks_failed().checks[0]) == "5 nulls"


def test_names_with_brackets_are_not_read_as_markup() -> None:
    result = succeeded()
    result.name = "orders[bold]x[/bold]"
    assert "Pipeline: orders[bold]x[/bold]" in rendered(result)


def test_dry_run_says_nothing_was_written() -> None:
    result = succeeded()
    result.dry_run = True
    text = rendered(result)
    assert "dry run: nothing was written" in text
    assert "(dry run)" in text.splitlines()[-1]


def test_untimed_steps_show_a_dash_not_zero() -> None:
    result = succeeded()
    result.steps[1].duration_ms = 0.0
    (filter_line,) = [line for line in rendered(result).splitlines() if "filter" in line]
    assert filter_line.rstrip(" │").endswith("-")


def test_passed_checks_have_no_details() -> None:
    assert check_details(succeeded().checks[0]) == ""
