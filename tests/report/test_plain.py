"""The plain (fast path) workflow report is character for character rich's report."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from quicketl.execute.outcomes import TaskOutcome, WorkflowResult
from quicketl.report.plain import result_lines
from quicketl.report.workflow_report import render_workflow_result


def medallion_result(statuses: dict[str, str]) -> WorkflowResult:
    tasks = [
        TaskOutcome(
            task_id,
            task_id.split(".")[0],
            task_id.split(".")[1],
            status,  # type: ignore[arg-type]
            started_at=100.0 + i,
            finished_at=100.5 + i,
        )
        for i, (task_id, status) in enumerate(statuses.items())
    ]
    return WorkflowResult("medallion_etl", tasks, ["bronze", "silver"], duration_ms=1234.5)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_plain_report_matches_rich(width: int) -> None:
    result = medallion_result(
        {
            "bronze.ingest_users": "up_to_date",
            "bronze.ingest_events": "up_to_date",
            "bronze.ingest_payments": "ran",
            "silver.clean_users": "up_to_date",
            "silver.clean_events": "ran",
        }
    )
    buffer = io.StringIO()
    render_workflow_result(Console(file=buffer, width=width, color_system=None), result)
    assert "\n".join(result_lines(result, width)) + "\n" == buffer.getvalue()


def test_seed_shaped_output() -> None:
    result = medallion_result(
        {
            "bronze.ingest_users": "up_to_date",
            "bronze.ingest_events": "up_to_date",
            "bronze.ingest_payments": "up_to_date",
            "silver.clean_users": "ran",
            "silver.clean_events": "ran",
        }
    )
    lines = result_lines(result, 72)
    assert lines[0].startswith("╭") and " Workflow: medallion_etl " in lines[0]
    assert lines[1].startswith("│ SUCCESS")
    assert " Duration: 1234.5ms " in lines[2]
    assert lines[4] == "┏━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━┓"
    assert lines[5] == "┃ Stage  ┃ Status ┃ Pipelines ┃ Duration ┃"
    assert lines[7] == "│ bronze │ OK     │       3/3 │ 2500.0ms │"
    assert lines[-1] == "Pipelines: 5/5 succeeded (3 up to date, 2 ran)"
