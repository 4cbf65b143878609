"""JSON documents: the pipeline run's shape and the error shapes, stable and serialisable."""

from __future__ import annotations

import datetime
import decimal
import json

from quicketl.errors import ConfigError, EngineError, ExportError, Problem
from quicketl.report.json_report import error_document, pipeline_document, to_json

from .results import checks_failed, succeeded


def test_pipeline_document_has_the_documented_keys_in_order() -> None:
    document = pipeline_document(succeeded())
    assert list(document) == [
        "pipeline",
        "status",
        "dry_run",
        "duration_ms",
        "rows_read",
        "rows_written",
        "steps",
        "checks",
        "outputs",
        "error",
        "up_to_date",
        "reasons",
    ]
    assert document["pipeline"] == "orders"
    assert document["steps"][0] == {
        "name": "read source",
        "kind": "source",
        "status": "ok",
        "rows": 8,
        "duration_ms": 10.0,
        "detail": "data/orders.csv",
    }


def test_checks_carry_counts_and_results() -> None:
    checks = pipeline_document(checks_failed())["checks"]
    assert (checks["total"], checks["passed"], checks["failed"]) == (3, 1, 2)
    assert checks["results"][0]["samples"] == [{"id": 4, "amount": None}, {"id": 7, "amount": None}]


def test_values_from_duckdb_serialise_as_text() -> None:
    row = {"day": datetime.date(2025, 1, 2), "amount": decimal.Decimal("1.50")}
    assert json.loads(to_json({"row": row})) == {"row": {"day": "2025-01-02", "amount": "1.50"}}


def test_config_error_is_invalid_with_every_problem() -> None:
    error = ConfigError([Problem("bad", "p.yml", 3, "sink.mode"), Problem("worse", "p.yml")])
    assert error_document(error) == {
        "status": "invalid",
        "error": "p.yml:3: sink.mode: bad\np.yml: worse",
        "problems": [
            {"message": "bad", "file": "p.yml", "line": 3, "field": "sink.mode"},
            {"message": "worse", "file": "p.yml", "line": None, "field": None},
        ],
    }


def test_other_errors_are_failed_or_invalid_by_exit_code() -> None:
    assert error_document(EngineError("boom"))["status"] == "failed"
    assert error_document(ExportError("no"))["status"] == "invalid"
    assert error_document(ValueError("x")) == {
        "status": "failed",
        "error": "ValueError: x",
        "problems": [],
    }
