"""Hand-built pipeline results for report tests: one that succeeded, one whose checks failed."""

from __future__ import annotations

from quicketl.engine.pipeline_result import CheckResult, PipelineResult, StepResult


def succeeded() -> PipelineResult:
    return PipelineResult(
        name="orders",
        status="success",
        duration_ms=123.45,
        rows_read=8,
        rows_written=3,
        steps=[
            StepResult("read source", "source", "ok", 8, 10.0, "data/orders.csv"),
            StepResult("filter", "transform", "ok", 5, 1.25),
            StepResult("write sink", "sink", "ok", 3, 4.5, "out/orders.parquet"),
        ],
        checks=[CheckResult("not_null(id)", "not_null", "error", True)],
        outputs=["out/orders.parquet"],
    )


def checks_failed() -> PipelineResult:
    bad_rows = [{"id": 4, "amount": None}, {"id": 7, "amount": None}]
    return PipelineResult(
        name="orders",
        status="failed",
        duration_ms=99.0,
        rows_read=8,
        rows_written=0,
        steps=[
            StepResult("read source", "source", "ok", 8, 10.0),
            StepResult("write sink", "sink", "skipped"),
        ],
        checks=[
            CheckResult("not_null(amount)", "not_null", "error", False, 5, bad_rows, "5 nulls"),
            CheckResult("unique(id)", "unique", "warn", False, 2, [], "2 duplicates"),
            CheckResult("row_count", "row_count", "error", True),
        ],
        error="1 quality check failed: not_null(amount)",
    )
