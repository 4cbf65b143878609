"""The one-line summary of a workflow run, shared by the rich and the plain reports."""

from __future__ import annotations

from quicketl.execute.outcomes import WorkflowResult


def summary_line(result: WorkflowResult) -> str:
    """`Pipelines: 5/5 succeeded (3 up to date, 2 ran)`, and how many were restored from the
    output cache when any were (`..., 2 restored`)."""
    total = len(result.tasks)
    ok = result.count("ran", "up_to_date", "restored")
    parts = [f"{result.count('up_to_date')} up to date", f"{result.count('ran')} ran"]
    if result.count("restored"):
        parts.append(f"{result.count('restored')} restored")
    if result.count("failed"):
        parts.append(f"{result.count('failed')} failed")
    if result.count("skipped", "not_run"):
        parts.append(f"{result.count('skipped', 'not_run')} skipped")
    return f"Pipelines: {ok}/{total} succeeded ({', '.join(parts)})"
