"""`run --dry-run`: what running one pipeline would do, and why, in one line or one document."""

from __future__ import annotations

from typing import Any

from quicketl.execute.outcomes import TaskOutcome

_WORDS = {"up_to_date": "up to date", "would_run": "will run", "may_run": "may run"}


def decision_line(outcome: TaskOutcome) -> str:
    """`Pipeline 'p': will run (input data/x.csv changed)`, or `... up to date`."""
    text = f"Pipeline '{outcome.name}': {_WORDS.get(outcome.status, outcome.status)}"
    if outcome.status == "up_to_date":
        notes = [reason for reason in outcome.reasons if reason != "up to date"]
        return text + (f" ({'; '.join(notes)})" if notes else "")
    return f"{text} ({'; '.join(outcome.reasons)})"


def decision_document(outcome: TaskOutcome) -> dict[str, Any]:
    """`run --dry-run --json`: `status` is `up_to_date`, `would_run` or `may_run`."""
    return {
        "pipeline": outcome.name,
        "status": outcome.status,
        "dry_run": True,
        "reasons": list(outcome.reasons),
    }
