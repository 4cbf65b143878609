"""What running one pipeline produced: steps, checks, rows and the error, as plain values."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from quicketl.values import MutableValue

StepStatus = Literal["ok", "failed", "skipped"]
RunStatus = Literal["success", "failed"]


@dataclass(repr=False, eq=False)
class StepResult(MutableValue):
    """One step of a run: the source read, a transform, or the sink write."""

    name: str
    kind: Literal["source", "transform", "sink"]
    status: StepStatus
    rows: int | None = None
    duration_ms: float = 0.0
    detail: str | None = None


@dataclass(repr=False, eq=False)
class CheckResult(MutableValue):
    """One quality check on the final table."""

    name: str
    type: str
    severity: Literal["error", "warn"]
    passed: bool
    failed_rows: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""


@dataclass(repr=False, eq=False)
class PipelineResult(MutableValue):
    """The outcome of one pipeline run. Failures are values here, not exceptions."""

    name: str
    status: RunStatus
    duration_ms: float = 0.0
    rows_read: int = 0
    rows_written: int = 0
    steps: list[StepResult] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    dry_run: bool = False
    up_to_date: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        passed = sum(1 for c in self.checks if c.passed)
        data["checks"] = {
            "total": len(self.checks),
            "passed": passed,
            "failed": len(self.checks) - passed,
            "results": data["checks"],
        }
        return data

    def document(self) -> dict[str, Any]:
        """The JSON shape of a pipeline run (`run --json`, a workflow task's `result`)."""
        data = self.to_dict()
        data["pipeline"] = data.pop("name")
        data["duration_ms"] = round(self.duration_ms, 1)
        for step in data["steps"]:
            step["duration_ms"] = round(step["duration_ms"], 1)
        return {key: data[key] for key in DOCUMENT_KEYS}


DOCUMENT_KEYS = (
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
)
