"""`workflow status` drawn without rich for large plain results: character for character rich's."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from quicketl.execute.outcomes import TaskOutcome, WorkflowResult
from quicketl.report.explain_plain import explain_lines
from quicketl.report.workflow_report import _explain_table, render_explain


def result(rows: list[tuple[str, str, list[str]]]) -> WorkflowResult:
    tasks = [
        TaskOutcome(task_id, task_id.split(".")[0], task_id.split(".")[1], status, reasons)  # type: ignore[arg-type]
        for task_id, status, reasons in rows
    ]
    stages = list(dict.fromkeys(t.stage for t in tasks))
    return WorkflowResult("scale", tasks, stages, duration_ms=12.0, dry_run=True)


MIXED = [
    ("ingest.p0", "up_to_date", ["up to date"]),
    ("ingest.p1", "would_run", ["never run"]),
    ("clean.a_longer_name", "would_run", ["input data/raw/r1.csv changed", "var X: 1 -> 2"]),
    ("clean.b", "may_run", ["upstream ingest.p1 will run"]),
    ("publish.p9", "up_to_date", ["up to date"]),
]


def rich_text(res: WorkflowResult, width: int) -> str:
    buffer = io.StringIO()
    render_explain(Console(file=buffer, width=width, color_system=None), res)
    return buffer.getvalue()


def rich_table(res: WorkflowResult, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(_explain_table(res))
    return buffer.getvalue()


@pytest.mark.parametrize("width", [80, 120, 200])
def test_plain_status_matches_rich(width: int) -> None:
    res = result(MIXED)
    lines = explain_lines(res, width)
    assert lines is not None
    assert "\n".join(lines) + "\n" == rich_table(res, width)


@pytest.mark.parametrize(
    "rows",
    [
        [("s.p", "would_run", ["input " + "x" * 200 + " changed"])],  # wider than the console
        [("s.[bold]p", "up_to_date", ["up to date"])],  # rich markup in a name
        [("s.p", "would_run", ["input données.csv changed"])],  # not plain ASCII
    ],
    ids=["too wide", "markup", "non-ascii"],
)
def test_anything_rich_would_draw_differently_is_left_to_rich(
    rows: list[tuple[str, str, list[str]]],
) -> None:
    assert explain_lines(result(rows), 80) is None


def test_the_status_command_prints_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from quicketl.report import workflow_report

    res = result(MIXED * 30)
    fast = rich_text(res, 120)
    monkeypatch.setattr(workflow_report, "explain_lines", lambda *_: None)
    assert rich_text(res, 120) == fast
