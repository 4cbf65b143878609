"""One plain line per task as it starts or ends, shared by the live display and CI logs.

Rich-free, so the no-op fast path prints exactly what the full path prints.
"""

from __future__ import annotations

import threading

from quicketl.execute.outcomes import TaskOutcome

# The same lower-case words as everywhere else; "restored": outputs put back from the cache.
STATUS_WORDS = {
    "ran": "ran",
    "up_to_date": "up to date",
    "restored": "restored",
    "failed": "failed",
    "skipped": "skipped",
    "not_run": "not started",
    "would_run": "will run",
    "may_run": "may run",
}
STATUS_STYLES = {
    "ran": "green",
    "up_to_date": "dim",
    "restored": "blue",
    "failed": "bold red",
    "skipped": "yellow",
    "not_run": "yellow",
}


def seconds(ms: float) -> str:
    """A task's duration for people: `0.41s`, `12.3s`."""
    return f"{ms / 1000:.2f}s" if ms < 10_000 else f"{ms / 1000:.1f}s"


def why(outcome: TaskOutcome, verbose: bool) -> str:
    """What a line says after the duration: the error of a failure, the first reason of a
    task that ran or was skipped, every reason with `verbose`."""
    if outcome.status == "failed" and outcome.error:
        first = outcome.error.splitlines()[0] if outcome.error.strip() else outcome.error
        return outcome.error.replace("\n", " ") if verbose else first
    if verbose:
        word = STATUS_WORDS.get(outcome.status)
        return "; ".join(r for r in outcome.reasons if r != word)
    if outcome.status == "up_to_date":
        return ""
    first = outcome.reasons[0] if outcome.reasons else ""
    word = STATUS_WORDS.get(outcome.status, "")
    return first.removeprefix(f"{word} ") if word else first  # "restored restored from" reads ill


def finish_line(number: int, total: int, outcome: TaskOutcome, verbose: bool) -> str:
    """`3 of 20 ran silver.clean_sales [1.20s] input data/raw.csv changed`; a task that never
    started (up to date, skipped) has no duration."""
    word = STATUS_WORDS.get(outcome.status, outcome.status)
    text = f"{number} of {total} {word} {outcome.task_id}"
    if outcome.started_at is not None:
        text += f" [{seconds(outcome.duration_ms)}]"
    reason = why(outcome, verbose)
    return f"{text} {reason}" if reason else text


def start_line(number: int, total: int, task_id: str) -> str:
    """`3 of 20 started silver.clean_sales`: the heartbeat of a CI log."""
    return f"{number} of {total} started {task_id}"


class TaskNumbers:
    """dbt-style numbers: a task gets the next one when it first starts or ends."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._lock = threading.Lock()

    def of(self, task_id: str) -> int:
        with self._lock:
            return self._numbers.setdefault(task_id, len(self._numbers) + 1)


def plain_finish_lines(outcomes: list[TaskOutcome], verbose: bool) -> list[str]:
    """The lines a run where no task started prints (the no-op fast path among them)."""
    total = len(outcomes)
    return [finish_line(i, total, o, verbose) for i, o in enumerate(outcomes, start=1)]


def interrupted_line(outcomes: list[TaskOutcome], total: int) -> str:
    """After Ctrl-C: what finished and what did not, in one line. Before the run had counted
    its tasks (planning, settling an interrupted append), no task had started."""
    if total == 0 and not outcomes:
        return "interrupted: before any task started; nothing ran"
    finished = [o for o in outcomes if o.status in ("ran", "up_to_date", "restored", "failed")]
    missing = total - len(finished)
    names = ", ".join(f"{o.task_id} {STATUS_WORDS[o.status]}" for o in finished) or "none"
    return (
        f"interrupted: {len(finished)} of {total} tasks finished ({names}); "
        f"{missing} did not finish and will run next time"
    )
